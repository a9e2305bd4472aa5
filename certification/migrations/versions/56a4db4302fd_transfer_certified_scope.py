"""the scope on the other body's certificate, recorded at the pre-transfer review

IAF MD 2: a transfer continues the cycle with the same scope. The certificate was issued with the
scope the client typed in the application, which nothing compared with the other body's
certificate, so a transfer could widen the scope without an audit. The reviewer now copies the
scope from that certificate, and ours carries it.

The transfers already in the database have none (NULL): nobody read it from the certificate, so
none is made up here. Those still waiting for their review record it then (the review asks for
it); those reviewed already keep the scope stated in the application, and their page says that the
certified scope was not recorded. The column is added in place (no table rebuilt, so SQLite's
search triggers on the certificate number stay).

Revision ID: 56a4db4302fd
Revises: b7d9f1a3c5e2
Create Date: 2026-11-30 20:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "56a4db4302fd"
down_revision = "b7d9f1a3c5e2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certified_scope", sa.Text(), nullable=True))


def downgrade():
    # On SQLite this rebuilds the table; env.py makes the search triggers again afterwards.
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_column("certified_scope")
