"""cycle expiry, justified late exception

A cycle knows its certificate's expiry (the recertification is due the day before, also after a
renewal); existing cycles take it from their certificates. An audit keeps the planner's justified
exception when it is held after its due-by date.

Revision ID: fd9b96c322ee
Revises: 8856345370b6
Create Date: 2026-11-29 08:35:06.893417

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd9b96c322ee'
down_revision = '8856345370b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('late_justification', sa.Text(), server_default='', nullable=False)
        )

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE cycles SET expires_on = (SELECT MAX(certificates.expires_on) FROM certificates "
        "WHERE certificates.cycle_id = cycles.id)"
    )


def downgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_column('expires_on')

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('late_justification')

