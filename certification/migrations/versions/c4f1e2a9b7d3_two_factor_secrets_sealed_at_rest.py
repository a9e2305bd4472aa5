"""two-factor secrets sealed at rest

Revision ID: c4f1e2a9b7d3
Revises: d52ffa899d8d
Create Date: 2026-11-29 11:00:00

The TOTP secrets stored in the clear are sealed with the app's key (accounts/sealing.py); the
column widens to hold a Fernet token. Downgrade opens them again.
"""

from alembic import op
import sqlalchemy as sa
from flask import current_app

from certification.accounts import sealing

# revision identifiers, used by Alembic.
revision = "c4f1e2a9b7d3"
down_revision = 'd52ffa899d8d'
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    for user_id, value in rows:
        new = change(value)
        if new != value:
            connection.execute(users.update().where(users.c.id == user_id).values(totp_secret=new))


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret",
            existing_type=sa.String(length=64),
            type_=sa.String(length=255),
            existing_nullable=True,
        )
    config = current_app.config
    _rewrite(lambda value: value if sealing.is_sealed(value) else sealing.seal(value, config))


def downgrade():
    config = current_app.config

    def opened(value):
        if not sealing.is_sealed(value):
            return value
        try:
            return sealing.unseal(value, config)
        except sealing.Unsealable:
            # No key opens it (it was unusable already): two-factor is off for that user.
            current_app.logger.warning("A two-factor secret no key opens was cleared")
            return None

    _rewrite(opened)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret",
            existing_type=sa.String(length=255),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
