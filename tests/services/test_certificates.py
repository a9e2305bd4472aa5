"""Certificates: issuing, numbering under concurrency, the lifecycle and the nightly sweep."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from certification.accreditations.models import Accreditation
from certification.activity.models import ActivityLog
from certification.certificates import services
from certification.certificates.models import Certificate, NumberSequence
from certification.certificates.numbering import (
    NumberFormatError,
    next_certificate_number,
)
from certification.decisions.models import Decision
from certification.extensions import db as _db
from certification.programme.models import Audit
from certification.settings import services as settings
from tests import factories

GRANTED = date(2026, 3, 15)


def decision(cycle, decided_on=GRANTED, outcome="grant") -> Decision:
    row = Decision(
        organisation_id=cycle.organisation_id,
        cycle=cycle,
        outcome=outcome,
        decided_on=decided_on,
        scope="Handling of customer complaints",
    )
    _db.session.add(row)
    _db.session.flush()
    return row


def programme(cycle) -> dict[str, Audit]:
    kinds = ("stage1", "stage2", "surveillance1", "surveillance2", "recertification")
    return {
        kind: factories.audit(cycle, kind=kind, sequence=n, state="planned")
        for n, kind in enumerate(kinds, start=1)
    }


def grant(cycle=None, decided_on=GRANTED, **kw) -> Certificate:
    cycle = cycle or factories.cycle()
    return services.issue_certificate(
        None,
        decision(cycle, decided_on),
        today=decided_on,
        scope=kw.pop("scope", "Handling of customer complaints for retail services"),
        sites=kw.pop("sites", cycle.organisation.sites),
        **kw,
    )


# -- issuing ----------------------------------------------------------------------------------


def test_grant_issues_an_active_certificate_with_the_domain_dates(db):
    certificate = grant(band="Four stars")
    assert certificate.state == "active"
    assert certificate.number == "TR-10002-2026-00001"
    assert len(certificate.token) >= 32
    assert certificate.issued_on == certificate.original_issued_on == GRANTED
    assert certificate.expires_on == date(2029, 3, 14)
    assert (certificate.scheme, certificate.edition, certificate.revision) == (
        "iso10002",
        "2018",
        0,
    )
    assert certificate.band == "Four stars" and certificate.accredited is False
    [site] = certificate.sites
    assert site.is_head_office and site.scope == "Retail services" and site.site_id
    log = db.session.scalars(select(ActivityLog).where(ActivityLog.subject_type == "Certificate"))
    assert [row.action for row in log] == ["certificate_issued"]


def test_numbers_count_per_year_in_the_configured_format(db):
    settings.put("certificate_number_format", "CB-{year}/{seq:03d}")
    first, second = grant(), grant()
    later = grant(decided_on=date(2027, 1, 4))
    assert (first.number, second.number, later.number) == (
        "CB-2026/001",
        "CB-2026/002",
        "CB-2027/001",
    )


def accreditation(**kw) -> Accreditation:
    values = dict(accreditation_body="TÜRKAK", number="AB-0123-MS", schemes=["iso10002:2018"],
                  sectors=["29", "32"], valid_from=date(2025, 1, 1), valid_until=date(2028, 12, 31))
    values.update(kw)
    row = Accreditation(**values)
    _db.session.add(row)
    _db.session.flush()
    return row


def in_sector(sector: str):
    return factories.cycle(factories.quote(factories.application(
        factories.organisation(sector_code=sector))))


@pytest.mark.parametrize(
    "sector, decided_on, accredited",
    [
        ("29", GRANTED, True),  # scheme and sector inside, valid on the decision date
        ("35", GRANTED, False),  # sector outside the scope
        ("29", date(2024, 12, 31), False),  # before the accreditation starts
        ("29", date(2029, 1, 1), False),  # after it ends
    ],
)
def test_a_certificate_is_accredited_only_inside_an_accreditation_valid_on_the_decision_date(
    db, sector, decided_on, accredited
):
    covering = accreditation()
    certificate = grant(in_sector(sector), decided_on=decided_on)
    assert certificate.accredited is accredited
    assert certificate.accreditation_id == (covering.id if accredited else None)
    assert certificate.sector_code == sector


def test_another_scheme_is_not_accredited_by_an_iso_10002_accreditation(db):
    accreditation()
    cycle = in_sector("29")
    cycle.scheme = "csat-star"
    assert grant(cycle).accredited is False


def test_a_bad_number_format_refuses_with_a_message_and_moves_no_counter(db):
    settings.put("certificate_number_format", "CB-{name}-{seq}")
    with pytest.raises(services.CertificateError, match="only the placeholders"):
        grant()
    assert db.session.scalars(select(NumberSequence)).all() == []
    with pytest.raises(NumberFormatError):
        next_certificate_number(2026, pattern="{seq")


def test_no_certificate_before_its_decision(db):
    cycle = factories.cycle()
    with pytest.raises(services.CertificateError, match="on or after its decision"):
        services.issue_certificate(
            None, decision(cycle, date(2026, 5, 1)), today=date(2026, 4, 30), scope="x", sites=[]
        )


def test_scope_and_sites_are_required(db):
    cycle = factories.cycle()
    with pytest.raises(services.CertificateError, match="scope"):
        services.issue_certificate(None, decision(cycle), today=GRANTED, scope=" ", sites=[])
    with pytest.raises(services.CertificateError, match="at least one site"):
        services.issue_certificate(None, decision(cycle), today=GRANTED, scope="x", sites=[])


def test_grant_dates_the_surveillance_audits_of_the_programme(db):
    cycle = factories.cycle()
    audits = programme(cycle)
    grant(cycle)
    assert cycle.decision_date == GRANTED
    assert audits["surveillance1"].due_by == date(2027, 3, 15)
    assert audits["surveillance2"].due_by == date(2028, 3, 15)
    assert audits["recertification"].due_by == date(2029, 3, 13)


# -- numbering under concurrency --------------------------------------------------------------


def test_concurrent_allocations_never_share_a_number(app, empty_database_url):
    """Twenty allocations from four connections at once give twenty distinct numbers."""
    engine = create_engine(empty_database_url, connect_args=_connect_args(empty_database_url))
    NumberSequence.__table__.create(engine)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def allocate(count: int) -> None:
        try:
            for _ in range(count):
                with Session(engine) as session:
                    number = next_certificate_number(2026, session=session, pattern="N-{seq}")
                    session.commit()
                with lock:
                    numbers.append(number)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=allocate, args=(5,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
    assert sorted(numbers, key=lambda n: int(n[2:])) == [f"N-{i}" for i in range(1, 21)]


def _connect_args(url: str) -> dict:
    return {"timeout": 30} if url.startswith("sqlite") else {}


# -- revision, renewal ------------------------------------------------------------------------


def test_a_scope_change_issues_a_revision_and_supersedes_the_old(db):
    old = grant()
    change = decision(old.cycle, date(2026, 9, 1), outcome="extend_scope")
    new = services.revise_certificate(
        None, old, change, scope="Wider scope", sites=old.sites, today=date(2026, 9, 1)
    )
    assert old.state == "superseded" and old.ended_on == date(2026, 9, 1)
    assert new.state == "active" and new.revision == 1 and new.supersedes_id == old.id
    assert new.number == f"{old.number}-R1" and new.token != old.token
    assert (new.issued_on, new.original_issued_on, new.expires_on) == (
        date(2026, 9, 1),
        GRANTED,
        old.expires_on,
    )
    assert change.certificate_id == new.id
    again = services.revise_certificate(
        None,
        new,
        decision(old.cycle, date(2026, 10, 1)),
        scope="Narrower",
        sites=new.sites,
        today=date(2026, 10, 1),
    )
    assert again.number == f"{old.number}-R2"
    # IAF MD 28: one certification, one identity number, whatever its revisions
    assert old.certification_identity == new.certification_identity == again.certification_identity


def test_reducing_the_scope_of_a_suspended_certificate_reactivates_what_remains(db):
    old = grant()
    services.suspend_certificate(None, old, "Missed surveillance", date(2027, 4, 1))
    new = services.revise_certificate(
        None,
        old,
        decision(old.cycle, date(2027, 5, 1), "reduce_scope"),
        scope="Smaller",
        sites=old.sites,
        today=date(2027, 5, 1),
    )
    assert old.state == "superseded" and new.state == "active"


def test_renewal_before_expiry_continues_the_cycle(db):
    old = grant()
    renewed = grant(old.cycle, date(2029, 2, 1), certification_type="recertification")
    assert old.state == "superseded"
    assert renewed.original_issued_on == GRANTED
    assert renewed.issued_on == date(2029, 2, 1)
    assert renewed.expires_on == date(2032, 3, 14)  # old expiry + 3 years, not decision + 3
    assert renewed.certification_type == "recertification" and renewed.number != old.number
    assert renewed.certification_identity == old.certification_identity
    assert grant().certification_identity != old.certification_identity  # another certification


def test_renewal_starts_the_next_cycle_with_its_surveillance_dates(db):
    old = grant()
    renewed = grant(old.cycle, date(2029, 2, 1), certification_type="recertification")
    db.session.expire_all()
    cycle = renewed.cycle
    assert cycle.id != old.cycle_id and cycle.number == old.cycle.number + 1
    assert cycle.decision_date == date(2029, 2, 1)
    due = {audit.kind: audit.due_by for audit in cycle.audits}
    assert due == {
        "surveillance1": date(2030, 2, 1),
        "surveillance2": date(2031, 2, 1),
        "recertification": date(2032, 3, 13),  # the day before the renewed expiry
    }


def test_renewal_on_the_expiry_day_is_too_late(db):
    old = grant()
    with pytest.raises(services.CertificateError, match="before the certificate expires"):
        services.renew_certificate(
            None, old, decision(old.cycle, old.expires_on), today=old.expires_on
        )
    assert old.state == "active"


# -- lifecycle --------------------------------------------------------------------------------


def test_suspend_defaults_to_six_months_and_restores(db):
    certificate = grant()
    services.suspend_certificate(None, certificate, "Client's request", date(2027, 8, 31))
    assert certificate.state == "suspended"
    assert certificate.suspended_until == date(2028, 2, 29)
    services.restore_certificate(None, certificate, "Surveillance done", date(2027, 10, 1))
    assert certificate.state == "active" and certificate.suspended_until is None
    reasons = db.session.scalars(
        select(ActivityLog.reason)
        .where(ActivityLog.action.in_(("suspend", "restore")))
        .order_by(ActivityLog.id)
    ).all()
    assert reasons[0].startswith("Client's request") and reasons[1] == "Surveillance done"


@pytest.mark.parametrize(
    "limit, message",
    [(date(2027, 4, 1), "later day"), (date(2027, 10, 2), "at the latest")],
)
def test_suspension_limit_is_checked(db, limit, message):
    certificate = grant()
    with pytest.raises(services.CertificateError, match=message):
        services.suspend_certificate(None, certificate, "Reason", date(2027, 4, 1), limit)
    assert certificate.state == "active"


def test_reason_is_required(db):
    certificate = grant()
    with pytest.raises(services.CertificateError, match="reason"):
        services.withdraw_certificate(None, certificate, "  ", date(2027, 1, 1))
    assert certificate.state == "active"


def test_withdrawn_is_final(db):
    certificate = grant()
    services.withdraw_certificate(None, certificate, "On request", date(2027, 1, 1))
    assert certificate.state == "withdrawn" and certificate.ended_on == date(2027, 1, 1)
    with pytest.raises(services.CertificateError, match="cannot be done now"):
        services.restore_certificate(None, certificate, "Oops", date(2027, 1, 2))
    with pytest.raises(services.CertificateError, match="cannot be done now"):
        services.suspend_certificate(None, certificate, "Again", date(2027, 1, 2))


@pytest.mark.parametrize(
    "today, restorable",
    [(date(2029, 9, 14), True), (date(2029, 9, 15), False)],
)
def test_restoration_after_expiry_only_within_six_months(db, today, restorable):
    certificate = grant()
    services.sweep(date(2029, 3, 15))
    assert certificate.state == "expired" and certificate.ended_on == date(2029, 3, 15)
    restoring = decision(certificate.cycle, today, outcome="restore")
    if not restorable:
        with pytest.raises(services.CertificateError, match="new stage 2"):
            services.restore_expired_certificate(None, certificate, restoring, today=today)
        assert certificate.state == "expired"
        assert db.session.scalar(select(_db.func.count(Certificate.id))) == 1
        return
    restored = services.restore_expired_certificate(None, certificate, restoring, today=today)
    # 9.6.3.2.5: a new revision effective on the restoration decision; the lapse stays visible.
    assert certificate.state == "superseded" and certificate.ended_on == date(2029, 3, 15)
    assert (certificate.issued_on, certificate.expires_on) == (GRANTED, date(2029, 3, 14))
    assert restored.state == "active" and restored.revision == certificate.revision + 1
    assert restored.number == f"{certificate.number}-R1"
    assert restored.original_issued_on == GRANTED
    assert restored.issued_on == today
    assert restored.expires_on == date(2032, 3, 14)
    # The restored cycle has its surveillance due dates.
    due = {audit.kind: audit.due_by for audit in restored.cycle.audits}
    assert due["surveillance1"] is not None and due["surveillance2"] is not None


def test_an_expired_certificate_is_not_restored_from_its_page(db):
    """Only the committee's decision on a recertification audit restores it (9.6.3.2.5)."""
    certificate = grant()
    services.sweep(date(2029, 3, 15))
    with pytest.raises(services.CertificateError, match="9.6.3.2.5"):
        services.restore_certificate(None, certificate, "Paid the fee", date(2029, 4, 1))
    assert certificate.state == "expired" and certificate.issued_on == GRANTED


# -- the sweep --------------------------------------------------------------------------------


def test_sweep_expires_the_day_after_expiry_and_is_idempotent(db):
    certificate = grant()
    assert services.sweep(date(2029, 3, 14)).expired == []
    assert certificate.state == "active"
    assert services.sweep(date(2029, 3, 15)).expired == [certificate]
    logged = db.session.scalar(select(_db.func.count(ActivityLog.id)))
    assert services.sweep(date(2029, 3, 15)).expired == []
    assert db.session.scalar(select(_db.func.count(ActivityLog.id))) == logged


def test_sweep_expires_a_suspended_certificate_too(db):
    certificate = grant()
    services.suspend_certificate(None, certificate, "Reason", date(2029, 1, 2))
    services.sweep(date(2029, 3, 15))
    assert certificate.state == "expired"


def test_sweep_flags_overdue_surveillance_once(db):
    cycle = factories.cycle()
    audits = programme(cycle)
    grant(cycle)
    assert services.sweep(date(2027, 3, 15)).overdue_surveillance == []  # due that day
    first = services.sweep(date(2027, 3, 16))
    assert first.overdue_surveillance == [audits["surveillance1"]] and first.newly_flagged == 1
    second = services.sweep(date(2027, 3, 17))
    assert second.overdue_surveillance == [audits["surveillance1"]] and second.newly_flagged == 0
    flags = db.session.scalars(
        select(ActivityLog).where(ActivityLog.action == "audit_overdue")
    ).all()
    assert len(flags) == 1 and flags[0].subject_id == audits["surveillance1"].id


def test_sweep_ignores_done_surveillance_and_ended_certificates(db):
    cycle = factories.cycle()
    audits = programme(cycle)
    certificate = grant(cycle)
    done = audits["surveillance1"]
    done.start_date = done.end_date = date(2027, 3, 1)
    done.state = "closed"
    assert services.sweep(date(2027, 4, 1)).overdue_surveillance == []
    audits["surveillance1"].state = "planned"
    services.withdraw_certificate(None, certificate, "Request", date(2027, 1, 1))
    assert services.sweep(date(2027, 4, 1)).overdue_surveillance == []


def test_sweep_flags_suspensions_past_their_limit_once(db):
    certificate = grant()
    services.suspend_certificate(None, certificate, "Reason", date(2027, 1, 10))
    assert services.sweep(date(2027, 7, 10)).overdue_suspensions == []  # the limit day
    result = services.sweep(date(2027, 7, 11))
    assert result.overdue_suspensions == [certificate] and result.newly_flagged == 1
    assert services.sweep(date(2027, 7, 11)).newly_flagged == 0
    assert certificate.state == "suspended"  # the committee decides, not the sweep
