"""Data migrations of issue #8 move existing rows to the new rules: stage 1 audits leave the
committee's queue with their conclusion, verified findings get their day, committee members'
qualifications become decider competences, cycles learn their expiry, and kept checklist copies
name the Turkish adoption TS ISO 10002:2006."""

from __future__ import annotations

import hashlib

from flask_migrate import upgrade
from sqlalchemy import text

from certification import create_app
from certification.extensions import db

BEFORE = "7be468dc9012"  # committee decisions and certificates: the schema before issue #8
WRONG = "TS ISO 10002:" + "2004"


def run(sql: str, **params):
    return db.session.execute(text(sql), params)


def seed_old_rows() -> None:
    now = "2026-01-05 10:00:00"
    run(
        "INSERT INTO organisations (id, legal_name, english_name, trading_name, country, city, "
        "address, sector_code, effective_personnel, preferred_language, currency, contact_name, "
        "contact_email, contact_phone, search_text, created_at) VALUES (1, 'Örnek', '', '', "
        "'TR', '', '', '29', 40, 'tr', 'TRY', '', '', '', '', :now)",
        now=now,
    )
    run(
        "INSERT INTO users (id, email, name, password_hash, role, locale, active, created_at) "
        "VALUES (1, 'k@x.test', 'Kurul', 'x', 'committee', 'tr', true, :now), "
        "(2, 'a@x.test', 'Denetçi', 'x', 'auditor', 'tr', true, :now)",
        now=now,
    )
    run(
        "INSERT INTO auditor_qualifications (id, auditor_id, scheme, sector_code, created_at) "
        "VALUES (1, 1, 'iso10002', '29', :now), (2, 2, 'iso10002', '29', :now)",
        now=now,
    )
    run(
        "INSERT INTO applications (id, organisation_id, scheme, edition, kind, scope, state, "
        "competence_confirmed, review_notes, reviewed_by_id, reviewed_at, created_at) VALUES "
        "(1, 1, 'ts-iso10002', '2004', 'initial', 'Complaints', 'contracted', true, '', 2, "
        ":now, :now)",
        now=now,
    )
    run(
        "INSERT INTO quotes (id, number, organisation_id, application_id, state, employees, "
        "sites, table_days, adjustment_percent, adjustment_justification, initial_days, "
        "stage1_days, stage2_days, surveillance_days, recertification_days, sample_initial, "
        "sample_surveillance, sample_recertification, currency, day_rate, application_fee, "
        "certificate_fee, total, notes, decision_note, issued_on, valid_until, created_at) VALUES "
        "(1, 'Q-1', 1, 1, 'accepted', 40, 1, 4, 0, '', 4, 1.5, 2.5, 1.5, 2.5, 1, 1, 1, 'TRY', "
        "100, 0, 0, 400, '', '', '2026-01-01', '2026-01-31', :now)",
        now=now,
    )
    run(
        "INSERT INTO cycles (id, organisation_id, application_id, quote_id, number, scheme, "
        "edition, decision_date, created_at) VALUES (1, 1, 1, 1, 1, 'ts-iso10002', '2004', "
        "'2026-03-01', :now)",
        now=now,
    )
    audits = [
        (1, "stage1", "submitted", "not_recommended"),
        (2, "stage1", "closed", None),
        (3, "stage2", "closed", "recommended"),
    ]
    for audit_id, kind, state, recommendation in audits:
        run(
            "INSERT INTO audits (id, organisation_id, cycle_id, kind, sequence, state, "
            "planned_days, start_date, end_date, notes, created_at) VALUES (:id, 1, 1, :kind, "
            ":id, :state, 1, '2026-01-10', '2026-01-10', '', :now)",
            id=audit_id,
            kind=kind,
            state=state,
            now=now,
        )
        if recommendation:
            run(
                "INSERT INTO audit_reports (audit_id, summary, computed_recommendation, "
                "recommendation, override_reason, band, created_at) VALUES (:id, '', :r, :r, "
                "'', '', :now)",
                id=audit_id,
                r=recommendation,
                now=now,
            )
    source = f'title.en = "{WRONG} complaints-handling audit checklist"\n'
    run(
        "INSERT INTO audit_checklists (audit_id, scheme, edition, version, file_name, "
        "fingerprint, source, created_at) VALUES (3, 'ts-iso10002', '2004', '2026.1', "
        "'ts-iso10002-2004.toml', :fp, :source, :now)",
        fp=hashlib.sha256(source.encode()).hexdigest(),
        source=source,
        now=now,
    )
    run(
        "INSERT INTO findings (id, audit_id, organisation_id, number, question_id, clause, grade, "
        "statement, evidence, requirement, state, raised_on, created_at) VALUES (1, 3, 1, 1, "
        "'7.2-a', '7.2', 'major', '', '', '', 'closed', '2026-01-10', :now)",
        now=now,
    )
    run(
        "INSERT INTO activity_log (at, subject_type, subject_id, action, reason) VALUES "
        "('2026-02-20 09:30:00', 'Finding', 1, 'verify', 'Seen')"
    )
    run(
        "INSERT INTO certificates (id, number, token, organisation_id, cycle_id, revision, "
        "scheme, edition, certification_type, scope, state, accredited, confidential, band, "
        "issued_on, original_issued_on, expires_on, status_reason, created_at) VALUES (1, "
        "'C-1', 't', 1, 1, 0, 'ts-iso10002', '2004', 'initial', 'Complaints', 'active', false, "
        "false, '', '2026-03-01', '2026-03-01', '2029-02-28', '', :now)",
        now=now,
    )
    db.session.commit()


def test_existing_rows_follow_the_new_rules(empty_database_url):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "t"}
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        seed_old_rows()
        upgrade()
        states = dict(run("SELECT id, state FROM audits").all())
        assert states == {1: "closed", 2: "closed", 3: "closed"}  # out of the committee queue
        readiness = dict(run("SELECT audit_id, readiness FROM audit_reports").all())
        assert readiness == {1: "not_ready", 2: "ready", 3: ""}
        assert str(run("SELECT verified_on FROM findings").scalar()) == "2026-02-20"
        roles = dict(run("SELECT auditor_id, role FROM auditor_qualifications").all())
        assert roles == {1: "committee_member", 2: "auditor"}
        assert str(run("SELECT expires_on FROM cycles").scalar()) == "2029-02-28"
        source, fingerprint = run("SELECT source, fingerprint FROM audit_checklists").one()
        assert WRONG not in source and "TS ISO 10002:2006" in source
        assert fingerprint == hashlib.sha256(source.encode()).hexdigest()
        db.session.remove()
        db.engine.dispose()


def test_existing_findings_are_numbered_per_cycle(empty_database_url):
    """Before: each audit counted its own findings from 1. After: one count per cycle, with the
    audit's code in front, so the client never meets two "Finding 1"."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True, "SECRET_KEY": "t"}
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        seed_old_rows()  # finding 1 of the stage 2 audit (id 3)
        for finding_id, audit_id, number in ((2, 2, 1), (3, 3, 2), (4, 1, 1)):
            run(
                "INSERT INTO findings (id, audit_id, organisation_id, number, question_id, "
                "clause, grade, statement, evidence, requirement, state, raised_on, created_at) "
                "VALUES (:id, :audit, 1, :number, '7.3-a', '7.3', 'minor', '', '', '', 'open', "
                "'2026-01-10', '2026-01-10 10:00:00')",
                id=finding_id,
                audit=audit_id,
                number=number,
            )
        db.session.commit()
        upgrade()
        rows = run("SELECT id, cycle_id, number, reference FROM findings ORDER BY id").all()
        assert [tuple(row) for row in rows] == [
            (1, 1, 3, "S2-3"),
            (2, 1, 2, "S1-2"),
            (3, 1, 4, "S2-4"),
            (4, 1, 1, "S1-1"),
        ]
        db.session.remove()
        db.engine.dispose()
