"""Organisation search folds every script: recompute the stored search text

Vietnamese đ, Arabic diacritics, tatweel and letter variants, Georgian capitals (Mtavruli) and
Arabic-Indic digits are now folded too (certification/i18n/folding.py); the stored
organisations.search_text of existing rows is rewritten with the new folding. No schema change.

Revision ID: b13f0a1d5e2c
Revises: 7be468dc9012
Create Date: 2026-11-29 08:00:00

"""
import sqlalchemy as sa
from alembic import op

from certification.i18n.folding import fold

# revision identifiers, used by Alembic.
revision = 'b13f0a1d5e2c'
down_revision = '7be468dc9012'
branch_labels = None
depends_on = None

SEARCHED_FIELDS = ("legal_name", "english_name", "trading_name", "city")
organisations = sa.table(
    "organisations",
    sa.column("id", sa.Integer),
    sa.column("search_text", sa.Text),
    *(sa.column(name, sa.String) for name in SEARCHED_FIELDS),
)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(organisations.c.id, *(organisations.c[name] for name in SEARCHED_FIELDS))
    ).all()
    for row in rows:
        text = "\n".join(fold(getattr(row, name)) for name in SEARCHED_FIELDS)
        connection.execute(
            organisations.update().where(organisations.c.id == row.id).values(search_text=text)
        )


def downgrade():
    # The old folding found less; the new search text still matches everything it matched.
    pass
