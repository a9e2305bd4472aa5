"""competence records: role, validity from, evidence

A qualification becomes a competence record with its role (auditor, certification committee
member; later roles join without a schema change), a first valid day and an evidence note.
Records of committee members so far become committee-member records.

Revision ID: 8856345370b6
Revises: fef7cf286e8d
Create Date: 2026-11-29 08:04:35.308273

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8856345370b6'
down_revision = 'fef7cf286e8d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auditor_qualifications', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('role', sa.String(length=30), server_default='auditor', nullable=False)
        )
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('evidence', sa.Text(), server_default='', nullable=False))
    op.execute(
        "UPDATE auditor_qualifications SET role = 'committee_member' WHERE auditor_id IN "
        "(SELECT id FROM users WHERE role = 'committee')"
    )


def downgrade():
    with op.batch_alter_table('auditor_qualifications', schema=None) as batch_op:
        batch_op.drop_column('evidence')
        batch_op.drop_column('valid_from')
        batch_op.drop_column('role')
