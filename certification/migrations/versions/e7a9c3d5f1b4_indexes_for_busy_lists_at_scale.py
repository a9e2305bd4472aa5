"""indexes for busy lists at scale

Three look-ups that read a growing share of a table at 50,000 certificates (SQLite):

- the committee's home counts the active certificates of the few cycles the nightly sweep
  flagged: by (cycle_id, state) it looks each cycle up; by state alone it walked every active
  certificate (64 ms -> 0.5 ms). The index replaces the one on cycle_id alone (its prefix).
- the staff list of open findings (nonconformities not closed) found them by state, among every
  open observation of the body's history, and sorted them: by (grade, state, plan_due_on, id)
  it reads only those (44 ms -> 0.1 ms).
- the home pages count the active certificates expiring soon without a recertification
  arranged: by state alone SQLite fetched every active certificate to read its expiry (64 ms);
  a partial index of the active ones by expiry serves it (12 ms). Its marker term (revision
  >= 0, always true) keeps it to the queries that name it (certificates.models.active_by_expiry).

Revision ID: e7a9c3d5f1b4
Revises: d5f1a3c7e9b2
Create Date: 2026-11-30 11:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7a9c3d5f1b4"
down_revision = "d5f1a3c7e9b2"
branch_labels = None
depends_on = None

# As certificates.models.active_by_expiry wrote it on this day.
ACTIVE_BY_EXPIRY = sa.text("state = 'active' AND revision >= 0")


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
    op.create_index(
        "ix_certificates_active_by_expiry",
        "certificates",
        ["state", "expires_on", "cycle_id"],
        unique=False,
        sqlite_where=ACTIVE_BY_EXPIRY,
        postgresql_where=ACTIVE_BY_EXPIRY,
    )


def downgrade():
    op.drop_index("ix_certificates_active_by_expiry", table_name="certificates")
    op.drop_index("ix_findings_grade_state_plan_due_on_id", table_name="findings")
    op.create_index("ix_certificates_cycle_id", "certificates", ["cycle_id"], unique=False)
    op.drop_index("ix_certificates_cycle_id_state", table_name="certificates")
