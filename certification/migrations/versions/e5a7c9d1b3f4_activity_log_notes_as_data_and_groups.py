"""activity log notes as data, and groups of checklist detail

A log row kept what happened beyond its action as a sentence in the language of whoever acted;
new rows keep it as data (`params`, worded when read, certification/activity/notes.py). Old rows
keep their sentence in `reason` as the fallback. Checklist grades and evidence files carry a
`group_key` (audit and day), so a timeline shows them as one entry; the grades already logged
get theirs here (the day in UTC).

Revision ID: e5a7c9d1b3f4
Revises: a10b3f1d2c4e
Create Date: 2026-11-29 14:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e5a7c9d1b3f4"
down_revision = "a10b3f1d2c4e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activity_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("group_key", sa.String(length=60), nullable=True))
    _group_logged_detail()


def _group_logged_detail():
    connection = op.get_bind()
    log = sa.table(
        "activity_log",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("subject_type", sa.String),
        sa.column("subject_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("group_key", sa.String),
    )
    for subject, table in (("Answer", "answers"), ("Attachment", "attachments")):
        owner = sa.table(table, sa.column("id", sa.Integer), sa.column("audit_id", sa.Integer))
        rows = connection.execute(
            sa.select(log.c.id, log.c.at, owner.c.audit_id)
            .join(owner, owner.c.id == log.c.subject_id)
            .where(log.c.subject_type == subject, log.c.group_key.is_(None))
        ).all()
        keys = {}
        for row_id, at, audit_id in rows:
            day = at.date().isoformat() if hasattr(at, "date") else str(at)[:10]
            keys.setdefault(f"checklist:{audit_id}:{day}", []).append(row_id)
        for key, ids in keys.items():
            for start in range(0, len(ids), 500):
                connection.execute(
                    sa.update(log)
                    .where(log.c.id.in_(ids[start : start + 500]))
                    .values(group_key=key)
                )


def downgrade():
    with op.batch_alter_table("activity_log", schema=None) as batch_op:
        batch_op.drop_column("group_key")
        batch_op.drop_column("params")
