"""Accreditations replace the global "accredited" flag (data migration from the flag)

A certificate now points to the accreditation it was issued under (or none) and keeps the IAF
sector it was issued for. The old per-certificate flag and the "accredited" setting become one
accreditation record covering what the flag covered: the schemes and sectors of the certificates
marked accredited (or, if only the setting was on, of every certificate), valid from the first
such issue date, open-ended. Its body and number are unknown: the admin completes them in
Administration > Accreditations. Downgrade turns the link back into the flag. The public answers
(verification/answers.py) are rebuilt here, the newest migration whose columns they read.

Revision ID: 9a665b37645c
Revises: 557cb1be0d20
Create Date: 2026-11-29 09:58:50.423759

"""
import json
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9a665b37645c'
down_revision = '557cb1be0d20'
branch_labels = None
depends_on = None

MIGRATED_BODY = "Accreditation body (to complete: migrated from the former setting)"


def upgrade():
    op.create_table('accreditations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('accreditation_body', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('schemes', sa.JSON(), nullable=False),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('mark_stored_name', sa.String(length=64), nullable=True),
    sa.Column('mark_content_type', sa.String(length=100), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from', name=op.f('ck_accreditations_accreditation_dates')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_accreditations_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accreditations'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accreditation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sector_code', sa.String(length=20), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_accreditation_id_accreditations'), 'accreditations', ['accreditation_id'], ['id'])
    _migrate_the_flag()
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('accredited')
    # The public answers now carry the accreditation (and SQLite's batch copy of `certificates`
    # may have cascaded them away): the app's own writer fills them anew.
    from certification.verification.answers import rebuild_all

    rebuild_all(op.get_bind())


def _migrate_the_flag():
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE certificates SET sector_code = (SELECT o.sector_code FROM organisations o "
        "WHERE o.id = certificates.organisation_id)"
    ))
    setting = connection.execute(
        sa.text("SELECT value FROM settings WHERE key = 'accredited'")
    ).scalar()
    setting_on = json.loads(setting) is True if isinstance(setting, str) else setting is True
    flagged = "accredited = :yes" if not setting_on else "1 = 1"
    rows = connection.execute(
        sa.text(f"SELECT id, scheme, edition, sector_code, issued_on FROM certificates "
                f"WHERE {flagged}"), {"yes": True}
    ).all()
    if rows or setting_on:
        first = min((_day(r.issued_on) for r in rows), default=date.today())
        accreditations = sa.table(
            "accreditations", sa.column("id", sa.Integer),
            sa.column("accreditation_body", sa.String), sa.column("number", sa.String),
            sa.column("schemes", sa.JSON), sa.column("sectors", sa.JSON),
            sa.column("valid_from", sa.Date), sa.column("created_at", sa.DateTime),
        )
        connection.execute(accreditations.insert().values(
            accreditation_body=MIGRATED_BODY, number="",
            schemes=sorted({f"{r.scheme}:{r.edition}" for r in rows}),
            sectors=sorted({r.sector_code for r in rows if r.sector_code}, key=_as_int),
            valid_from=first, created_at=sa.func.now(),
        ))
        new_id = connection.execute(sa.text("SELECT max(id) FROM accreditations")).scalar()
        if rows:
            connection.execute(
                sa.text(f"UPDATE certificates SET accreditation_id = :id WHERE {flagged}"),
                {"id": new_id, "yes": True},
            )
    connection.execute(sa.text("DELETE FROM settings WHERE key = 'accredited'"))


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_int(code: str):
    return (0, int(code)) if code.isdigit() else (1, code)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accredited', sa.BOOLEAN(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE certificates SET accredited = (accreditation_id IS NOT NULL)")
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_accreditation_id_accreditations'), type_='foreignkey')
        batch_op.drop_column('sector_code')
        batch_op.drop_column('accreditation_id')
    op.drop_table('accreditations')
