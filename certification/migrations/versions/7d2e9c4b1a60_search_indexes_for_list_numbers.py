"""search indexes for the lists' numbers

The lists' search boxes find a row by a piece of its number (quote, complaint, appeal numbers,
a transferred certificate's number) or the organisation a complaint names: "contains", not
"starts with" ("0042" finds Q-2026-0042), so each column gets an index made for it, as the
organisation names and certificate numbers have (certification/search.py): PostgreSQL pg_trgm
GIN indexes, SQLite FTS5 trigram tables kept by triggers.

Revision ID: 7d2e9c4b1a60
Revises: b7d41c9e2a60
Create Date: 2026-11-29 17:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d2e9c4b1a60'
down_revision = 'b7d41c9e2a60'
branch_labels = None
depends_on = None


def upgrade():
    from certification.search import LISTS, install

    install(op.get_bind(), LISTS)


def downgrade():
    from certification.search import LISTS

    bind = op.get_bind()
    for searched in LISTS:
        if bind.dialect.name == "sqlite":
            for action in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {searched.fts}_{action}")
            op.execute(f"DROP TABLE IF EXISTS {searched.fts}")
        elif bind.dialect.name == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS {searched.trigram_index}")
