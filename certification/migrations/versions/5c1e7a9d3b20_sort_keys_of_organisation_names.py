"""Organisation and people's names ordered by the database in each reader's language; findings by due date

organisations.name_key_<language> and users.name_key_<language>: the (legal) name's ICU sort
key in each of the six interface languages, indexed with the id, so that the organisation list
and the admin's list of people are ordered and paged in SQL (before: every matching name sorted
in Python on each request). Existing rows get their keys here. findings(plan_due_on, id): the
key the open-findings list is paged by.

Revision ID: 5c1e7a9d3b20
Revises: fbe6fd493437
Create Date: 2026-11-29 11:00:00

"""
import sqlalchemy as sa
from alembic import op

from certification.i18n.collation import name_key

# revision identifiers, used by Alembic.
revision = '5c1e7a9d3b20'
down_revision = 'fbe6fd493437'
branch_labels = None
depends_on = None

LANGUAGES = ("en", "tr", "ru", "ka", "vi", "ar")  # as on this date: a new one needs its own
NAMED = {"organisations": "legal_name", "users": "name"}  # table -> the name column ordered by


def named(table: str) -> sa.TableClause:
    return sa.table(
        table,
        sa.column("id", sa.Integer),
        sa.column(NAMED[table], sa.String),
        *(sa.column(f"name_key_{code}", sa.LargeBinary) for code in LANGUAGES),
    )


# Columns are added and dropped in place (ALTER TABLE, SQLite 3.35+ too), never by rebuilding
# the table: a rebuild drops "organisations", which every client row refers to. The empty
# server default stays (the app always writes the keys; the models' comparison ignores it).


def upgrade():
    for table in NAMED:
        for code in LANGUAGES:
            op.add_column(
                table,
                sa.Column(f'name_key_{code}', sa.LargeBinary(), nullable=False, server_default=''),
            )
            op.create_index(f'ix_{table}_name_key_{code}', table, [f'name_key_{code}', 'id'])
        fill_keys(table)
    op.create_index('ix_findings_plan_due_on_id', 'findings', ['plan_due_on', 'id'])


def fill_keys(table: str) -> None:
    connection = op.get_bind()
    rows = named(table)
    name = rows.c[NAMED[table]]
    for row in connection.execute(sa.select(rows.c.id, name)).all():
        keys = {f"name_key_{code}": name_key(row[1], code) for code in LANGUAGES}
        connection.execute(rows.update().where(rows.c.id == row.id).values(**keys))


def downgrade():
    op.drop_index('ix_findings_plan_due_on_id', table_name='findings')
    for table in NAMED:
        for code in LANGUAGES:
            op.drop_index(f'ix_{table}_name_key_{code}', table_name=table)
            op.execute(f'ALTER TABLE {table} DROP COLUMN name_key_{code}')
