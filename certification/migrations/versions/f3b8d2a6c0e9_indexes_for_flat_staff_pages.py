"""indexes for staff pages that stay flat as the body grows

Look-ups that read a share of a table growing with the body, from 10,000 to 50,000
certificates (benchmarks/scale.py, issue 14):

- the staff list of open findings pages soonest plan due first. Walking the index of every
  finding by plan due date, PostgreSQL passed the closed findings of the body's history (the
  oldest due dates) before the first open one: 10,864 rows for a page of 21 at 10,000
  certificates (9.6 ms). A partial index of the open nonconformities by (plan_due_on, id) reads
  the page's rows only (0.05 ms). Its terms as findings.models.open_nonconformity writes them.
- the homes count the active certificates expiring soon without a recertification arranged.
  PostgreSQL hashed the arranged recertifications found by a scan of every audit (39 ms at
  50,000 certificates); from a partial index of them by cycle (index-only) 3.9 ms. SQLite looks
  each certificate's cycle up in it (13 ms -> 1.2 ms). Its terms as
  programme.models.arranged_recertification writes them.

Revision ID: f3b8d2a6c0e9
Revises: e7a9c3d5f1b4
Create Date: 2026-11-30 14:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3b8d2a6c0e9"
down_revision = "e7a9c3d5f1b4"
branch_labels = None
depends_on = None

# As findings.models.open_nonconformity wrote it on this day.
OPEN_NONCONFORMITY = sa.text(
    "grade IN ('minor', 'major') "
    "AND state IN ('open', 'answered', 'answer_rejected', 'plan_accepted')"
)

# As programme.models.arranged_recertification wrote it on this day.
ARRANGED_RECERTIFICATION = sa.text(
    "kind = 'recertification' "
    "AND state IN ('scheduled', 'in_progress', 'submitted', 'returned', 'closed')"
)


def upgrade():
    op.create_index(
        "ix_findings_open_nonconformities_plan_due_on_id",
        "findings",
        ["plan_due_on", "id"],
        unique=False,
        sqlite_where=OPEN_NONCONFORMITY,
        postgresql_where=OPEN_NONCONFORMITY,
    )
    op.create_index(
        "ix_audits_arranged_recertification_cycle_id",
        "audits",
        ["cycle_id"],
        unique=False,
        sqlite_where=ARRANGED_RECERTIFICATION,
        postgresql_where=ARRANGED_RECERTIFICATION,
    )


def downgrade():
    op.drop_index("ix_audits_arranged_recertification_cycle_id", table_name="audits")
    op.drop_index("ix_findings_open_nonconformities_plan_due_on_id", table_name="findings")
