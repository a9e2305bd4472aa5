"""audit report: deviations from the plan, unresolved issues, scope, use of marks (9.4.8)

17021-1 9.4.8: what the lead auditor states in the report at submission besides the findings:
deviations from the audit plan, significant unresolved issues, whether the scope of
certification is appropriate (and why not), the use of the certificate and marks.

Revision ID: b7d41c9e2a60
Revises: a7c3e9f1b2d4
Create Date: 2026-11-29 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c9e2a60'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None

COLUMNS = ('plan_deviations', 'unresolved_issues', 'scope_comment', 'marks_use')


def upgrade():
    with op.batch_alter_table('audit_reports', schema=None) as batch_op:
        for name in COLUMNS[:2]:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default='', nullable=False))
        batch_op.add_column(
            sa.Column('scope_verdict', sa.String(length=20), server_default='', nullable=False)
        )
        for name in COLUMNS[2:]:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('audit_reports', schema=None) as batch_op:
        for name in (*COLUMNS, 'scope_verdict'):
            batch_op.drop_column(name)
