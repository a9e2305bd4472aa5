"""search indexes

"Contains" searches (organisation names and cities, certificate numbers) get an index made for
them: SQLite FTS5 trigram tables kept by triggers, PostgreSQL pg_trgm GIN indexes (the extension
is created where the role may). certification/search.py makes them; env.py makes them again
after every upgrade, since SQLite's batch migrations rebuild a table without its triggers.

Revision ID: b6070f47103c
Revises: db0c3b690f49
Create Date: 2026-11-29 08:19:32.958759

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6070f47103c'
down_revision = 'db0c3b690f49'
branch_labels = None
depends_on = None


def upgrade():
    from certification.search import FIRST, install

    install(op.get_bind(), FIRST)  # the lists' numbers: revision 7d2e9c4b1a60


def downgrade():
    from certification.search import FIRST

    bind = op.get_bind()
    for searched in FIRST:
        if bind.dialect.name == "sqlite":
            for action in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {searched.fts}_{action}")
            op.execute(f"DROP TABLE IF EXISTS {searched.fts}")
        elif bind.dialect.name == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS {searched.trigram_index}")
