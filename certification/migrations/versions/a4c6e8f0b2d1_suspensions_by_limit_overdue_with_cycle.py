"""suspensions read by their limit; the overdue audits' count from its index alone

Two look-ups of the committee's queue and the planner's home that grew with the body
(benchmarks/scale.py, issue 14; PostgreSQL, 50,000 certificates):

- the suspended certificates past their limit (the committee's list and its count) and near it
  (the planner's count) found every suspended certificate by state and tested its limit row by
  row: 1,680 rows from 1,303 pages, 3.5 ms a statement. An index on (state, suspended_until,
  id) reads the range and the list's order.
- the count of overdue audits of active certificates read each overdue candidate's row for its
  cycle (3,456 rows from 1,990 pages, 9 ms of the count's 22). The partial index of overdue
  candidates now holds the cycle too, after (due_by, id): the count reads the index alone
  (0.6 ms). Its terms are unchanged (programme.models.overdue_candidate).

Revision ID: a4c6e8f0b2d1
Revises: f3b8d2a6c0e9
Create Date: 2026-11-30 17:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4c6e8f0b2d1"
down_revision = "f3b8d2a6c0e9"
branch_labels = None
depends_on = None

# As programme.models.overdue_candidate wrote it on this day (as in d5f1a3c7e9b2).
CANDIDATE = sa.text(
    "kind IN ('surveillance1', 'surveillance2', 'recertification') "
    "AND due_by IS NOT NULL AND state != 'cancelled' "
    "AND NOT (state IN ('in_progress', 'submitted', 'returned', 'closed') "
    "AND start_date IS NOT NULL AND start_date <= due_by)"
)


def _candidates(name: str, columns: list[str]) -> None:
    op.create_index(
        name, "audits", columns, unique=False, sqlite_where=CANDIDATE, postgresql_where=CANDIDATE
    )


def upgrade():
    op.create_index(
        "ix_certificates_state_suspended_until_id",
        "certificates",
        ["state", "suspended_until", "id"],
        unique=False,
    )
    _candidates("ix_audits_overdue_candidate_due_by_id_cycle_id", ["due_by", "id", "cycle_id"])
    op.drop_index("ix_audits_overdue_candidate_due_by_id", table_name="audits")


def downgrade():
    _candidates("ix_audits_overdue_candidate_due_by_id", ["due_by", "id"])
    op.drop_index("ix_audits_overdue_candidate_due_by_id_cycle_id", table_name="audits")
    op.drop_index("ix_certificates_state_suspended_until_id", table_name="certificates")
