"""finding numbers per cycle: findings.cycle_id, a running number within the cycle and the
reference shown to everyone ("S2-3")

Revision ID: a10b3f1d2c4e
Revises: 5c1e7a9d3b20
Create Date: 2026-11-29 14:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a10b3f1d2c4e'
down_revision = '5c1e7a9d3b20'
branch_labels = None
depends_on = None

# certification/findings/rules.py AUDIT_CODES, as they were when this migration was written.
AUDIT_CODES = {
    "stage1": "S1",
    "stage2": "S2",
    "surveillance1": "SV1",
    "surveillance2": "SV2",
    "recertification": "RC",
    "special": "SP",
}


def upgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reference', sa.String(length=20), nullable=True))
    number_existing_findings()
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.alter_column('cycle_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('reference', existing_type=sa.String(length=20), nullable=False)
        batch_op.drop_constraint('finding_number_per_audit', type_='unique')
        batch_op.create_unique_constraint('finding_number_per_cycle', ['cycle_id', 'number'])
        batch_op.create_index(batch_op.f('ix_findings_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_findings_cycle_id_cycles'), 'cycles', ['cycle_id'], ['id']
        )


def number_existing_findings():
    """Each cycle's findings numbered 1, 2, ... in the order they were raised (audit by audit,
    then by their old number within the audit)."""
    connection = op.get_bind()
    findings = sa.table(
        'findings',
        sa.column('id', sa.Integer),
        sa.column('audit_id', sa.Integer),
        sa.column('number', sa.Integer),
        sa.column('cycle_id', sa.Integer),
        sa.column('reference', sa.String),
    )
    audits = sa.table(
        'audits', sa.column('id', sa.Integer), sa.column('cycle_id', sa.Integer),
        sa.column('kind', sa.String),
    )
    rows = connection.execute(
        sa.select(findings.c.id, audits.c.cycle_id, audits.c.kind)
        .join(audits, audits.c.id == findings.c.audit_id)
        .order_by(audits.c.cycle_id, findings.c.audit_id, findings.c.number, findings.c.id)
    ).all()
    # First out of the way of the old numbers, so no cycle ever holds one number twice.
    connection.execute(sa.update(findings).values(number=-findings.c.id))
    counters: dict[int, int] = {}
    for finding_id, cycle_id, kind in rows:
        counters[cycle_id] = counters.get(cycle_id, 0) + 1
        number = counters[cycle_id]
        connection.execute(
            sa.update(findings)
            .where(findings.c.id == finding_id)
            .values(
                cycle_id=cycle_id,
                number=number,
                reference=f"{AUDIT_CODES.get(kind, 'A')}-{number}",
            )
        )


def downgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_findings_cycle_id_cycles'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_findings_cycle_id'))
        batch_op.drop_constraint('finding_number_per_cycle', type_='unique')
    connection = op.get_bind()
    findings = sa.table(
        'findings', sa.column('id', sa.Integer), sa.column('audit_id', sa.Integer),
        sa.column('number', sa.Integer),
    )
    rows = connection.execute(
        sa.select(findings.c.id, findings.c.audit_id).order_by(
            findings.c.audit_id, findings.c.number
        )
    ).all()
    counters: dict[int, int] = {}
    for finding_id, audit_id in rows:
        counters[audit_id] = counters.get(audit_id, 0) + 1
        connection.execute(
            sa.update(findings).where(findings.c.id == finding_id).values(
                number=counters[audit_id]
            )
        )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_unique_constraint('finding_number_per_audit', ['audit_id', 'number'])
        batch_op.drop_column('reference')
        batch_op.drop_column('cycle_id')
