"""indexes for busy lists at scale

Two look-ups that read a growing share of a table at 50,000 certificates (SQLite):

- the committee's home counts the active certificates of the few cycles the nightly sweep
  flagged: by (cycle_id, state) it looks each cycle up; by state alone it walked every active
  certificate (64 ms -> 0.5 ms). The index replaces the one on cycle_id alone (its prefix).
- the staff list of open findings (nonconformities not closed) found them by state, among every
  open observation of the body's history, and sorted them: by (grade, state, plan_due_on, id)
  it reads only those (44 ms -> 0.1 ms).

Revision ID: e7a9c3d5f1b4
Revises: d5f1a3c7e9b2
Create Date: 2026-11-30 11:20:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e7a9c3d5f1b4"
down_revision = "d5f1a3c7e9b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_certificates_cycle_id_state", "certificates", ["cycle_id", "state"], unique=False
    )
    op.drop_index("ix_certificates_cycle_id", table_name="certificates")
    op.create_index(
        "ix_findings_grade_state_plan_due_on_id",
        "findings",
        ["grade", "state", "plan_due_on", "id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_findings_grade_state_plan_due_on_id", table_name="findings")
    op.create_index("ix_certificates_cycle_id", "certificates", ["cycle_id"], unique=False)
    op.drop_index("ix_certificates_cycle_id_state", table_name="certificates")
