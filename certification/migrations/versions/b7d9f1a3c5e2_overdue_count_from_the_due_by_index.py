"""the planner's count of overdue audits from the programme's due-by index alone

The planner's home counts the open audits not held by their due date, and the surveillance
audits among them (home.planning.overdue_audits): the planned ones past their due date and the
scheduled ones that end after it. Both were found through (state, due_by, id), then each row
read for its kind and end date: 5,300 rows at 50,000 certificates, 9.4 ms on SQLite, 6 ms on
PostgreSQL. With the kind and the end date after the list's key, the count reads the index
alone (SQLite 1.6 ms); the lists read it in the same order as before.

Revision ID: b7d9f1a3c5e2
Revises: a4c6e8f0b2d1
Create Date: 2026-11-30 18:05:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d9f1a3c5e2"
down_revision = "a4c6e8f0b2d1"
branch_labels = None
depends_on = None

OLD, NEW = "ix_audits_state_due_by_id", "ix_audits_state_due_by_id_kind_end_date"


def upgrade():
    op.create_index(NEW, "audits", ["state", "due_by", "id", "kind", "end_date"], unique=False)
    op.drop_index(OLD, table_name="audits")


def downgrade():
    op.create_index(OLD, "audits", ["state", "due_by", "id"], unique=False)
    op.drop_index(NEW, table_name="audits")
