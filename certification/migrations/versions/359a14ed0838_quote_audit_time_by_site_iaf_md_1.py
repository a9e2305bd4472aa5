"""quote audit time by site (IAF MD 1)

A quote for several sites keeps each site's own time (JSON) and the further reduction of the
sampled sites (at most 50%, justified like any MD 5 adjustment).

Revision ID: 359a14ed0838
Revises: fd9b96c322ee
Create Date: 2026-11-29 08:49:07.385741

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '359a14ed0838'
down_revision = 'fd9b96c322ee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'site_reduction_percent',
                sa.Numeric(precision=5, scale=1),
                server_default='0',
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column('site_times', sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.drop_constraint(op.f('ck_quotes_adjustment_justified'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_quotes_adjustment_justified'),
            "(adjustment_percent = 0 AND site_reduction_percent = 0) "
            "OR length(adjustment_justification) > 0",
        )
        batch_op.create_check_constraint(
            op.f('ck_quotes_site_reduction_at_most_50'),
            "site_reduction_percent >= 0 AND site_reduction_percent <= 50",
        )


def downgrade():
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_quotes_site_reduction_at_most_50'), type_='check')
        batch_op.drop_constraint(op.f('ck_quotes_adjustment_justified'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_quotes_adjustment_justified'),
            'adjustment_percent = 0 OR length(adjustment_justification) > 0',
        )
        batch_op.drop_column('site_times')
        batch_op.drop_column('site_reduction_percent')
