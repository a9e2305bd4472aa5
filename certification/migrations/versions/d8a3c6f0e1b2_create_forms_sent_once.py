"""create forms sent once: one-time form tokens

Revision ID: d8a3c6f0e1b2
Revises: c4f1e2a9b7d3
Create Date: 2026-11-29 11:20:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "d8a3c6f0e1b2"
down_revision = "c4f1e2a9b7d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("result_type", sa.String(length=40), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_form_submissions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint("user_id", "token", name=op.f("uq_form_submissions_user_id")),
    )


def downgrade():
    op.drop_table("form_submissions")
