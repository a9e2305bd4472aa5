"""TS ISO 10002:2006 in kept checklist copies

The Turkish adoption of ISO 10002:2004 is TS ISO 10002:2006. Audits keep a copy of the checklist
file they used; copies made before the fix name the adoption with the wrong year. They are
corrected (title only, nothing asked changes) and their fingerprint follows the corrected text.
Scheme titles on certificates, pages and exports come from the code, which is fixed with this.

Revision ID: a3c1d2e4f5b6
Revises: 359a14ed0838
Create Date: 2026-11-29 12:00:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c1d2e4f5b6'
down_revision = '359a14ed0838'
branch_labels = None
depends_on = None

WRONG = "TS ISO 10002:" + "2004"  # spelled apart: the wrong name appears nowhere else
RIGHT = "TS ISO 10002:2006"

copies = sa.table(
    "audit_checklists",
    sa.column("id", sa.Integer),
    sa.column("source", sa.Text),
    sa.column("fingerprint", sa.String),
)


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(copies.c.id, copies.c.source).where(copies.c.source.like(f"%{WRONG}%"))
    ).all()
    for row_id, source in rows:
        fixed = source.replace(WRONG, RIGHT)
        connection.execute(
            copies.update()
            .where(copies.c.id == row_id)
            .values(source=fixed, fingerprint=hashlib.sha256(fixed.encode("utf-8")).hexdigest())
        )


def downgrade():
    # The wrong name is not put back.
    pass
