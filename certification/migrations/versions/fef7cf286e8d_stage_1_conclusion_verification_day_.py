"""stage 1 conclusion, verification day, renewal personnel

Stage 1 no longer goes to the committee (17021-1 9.3.1): it closes with the lead auditor's
conclusion on readiness. Stage 1 audits already in the queue (submitted or returned) are closed
with the conclusion their report recommended; stage 1 audits the committee already accepted are
recorded as ready. Verified findings get the day they were verified, from the activity log.

Revision ID: fef7cf286e8d
Revises: 6e3916f4bc2f
Create Date: 2026-11-29 07:31:13.733120

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fef7cf286e8d'
down_revision = '6e3916f4bc2f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_reports', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('readiness', sa.String(length=20), nullable=False, server_default='')
        )

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_personnel', sa.Integer(), nullable=True))

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_on', sa.Date(), nullable=True))

    stage1_reports = (
        "audit_id IN (SELECT id FROM audits WHERE kind = 'stage1' AND state IN "
        "('submitted', 'returned', 'closed'))"
    )
    op.execute(
        "UPDATE audit_reports SET readiness = CASE WHEN recommendation = 'not_recommended' "
        f"THEN 'not_ready' ELSE 'ready' END WHERE {stage1_reports}"
    )
    # A stage 1 the committee closed without a report row was accepted: ready, as it decided.
    op.execute(
        "INSERT INTO audit_reports (audit_id, summary, computed_recommendation, recommendation, "
        "override_reason, band, readiness, created_at) SELECT audits.id, '', 'recommended', "
        "'recommended', '', '', 'ready', CURRENT_TIMESTAMP FROM audits WHERE kind = 'stage1' "
        "AND state = 'closed' AND id NOT IN (SELECT audit_id FROM audit_reports)"
    )
    op.execute(
        "UPDATE audits SET state = 'closed' WHERE kind = 'stage1' "
        "AND state IN ('submitted', 'returned')"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "date(activity_log.at)" if sqlite else "CAST(activity_log.at AS DATE)"
    op.execute(
        f"UPDATE findings SET verified_on = (SELECT MAX({day}) FROM activity_log "
        "WHERE activity_log.subject_type = 'Finding' AND activity_log.subject_id = findings.id "
        "AND activity_log.action = 'verify') WHERE state = 'closed'"
    )


def downgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('verified_on')

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('declared_personnel')

    with op.batch_alter_table('audit_reports', schema=None) as batch_op:
        batch_op.drop_column('readiness')
