"""report language

One language per audit report (issue 11), chosen by the lead auditor at submission. Reports
submitted before keep "", which means the client's preferred language, as they were drawn.

Revision ID: c4e8a2f6d9b1
Revises: 7d2e9c4b1a60
Create Date: 2026-11-29 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a2f6d9b1'
down_revision = '7d2e9c4b1a60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_reports', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=5), server_default='', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('audit_reports', schema=None) as batch_op:
        batch_op.drop_column('language')
