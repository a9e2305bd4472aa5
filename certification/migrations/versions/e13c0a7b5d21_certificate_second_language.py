"""certificate second language

The certificate is bilingual: English and the client's language chosen at the grant. Certificates
issued before were drawn in English and Turkish, so they keep "tr".

Revision ID: e13c0a7b5d21
Revises: 4f7195604bf3
Create Date: 2026-11-29 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e13c0a7b5d21'
down_revision = '4f7195604bf3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=5), server_default='tr', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('language')
