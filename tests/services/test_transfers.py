"""Transfers: the application refused (nothing stored) when the certificate cannot transfer, the
pre-transfer review, the committee's decision, and the certificate issued within the existing
cycle with the programme continuing; the register marks it."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from certification.activity.models import ActivityLog
from certification.applications.services import review_application
from certification.certificates.models import Certificate
from certification.decisions.services import decide
from certification.exports.register import write_register
from certification.extensions import db as _db
from certification.models_base import utcnow
from certification.plans.services import prepare_plan
from certification.programme.models import AuditTeamMember
from certification.quotes.services import accept_quote
from certification.reports.models import AuditReport
from certification.transfers import services
from tests import factories
from tests.web.test_access_matrix import PDF, snapshot

TODAY = date(2026, 6, 1)
SCOPE = "Handling of customer complaints for retail services"


def other(**kw) -> services.OtherCertificate:
    values = dict(
        issuing_body="Örnek Belgelendirme A.Ş.",
        accreditation_body="TURKAK",
        accreditation_number="AB-0123-S",
        certificate_number="OB-10002-0042",
        certificate_status="active",
        issued_on=date(2025, 3, 1),
        original_issued_on=date(2022, 3, 1),
        expires_on=date(2028, 2, 29),
        last_audit_kind="surveillance1",
        last_audit_on=date(2026, 2, 10),
        open_nonconformities="One minor on 7.5, plan accepted.",
        complaints="Two complaints, both closed.",
    )
    values.update(kw)
    return services.OtherCertificate(**values)


def apply(organisation=None, actor=None, today=TODAY, scope=SCOPE, **kw):
    organisation = organisation or factories.organisation()
    actor = actor or factories.user("planner")
    return services.apply_for_transfer(
        actor,
        organisation,
        other(**kw),
        scheme="iso10002",
        edition="2018",
        scope=scope,
        site_ids=[s.id for s in organisation.sites],
        files=[("last-report.pdf", PDF)],
        today=today,
    )


REVIEW = {
    "reports_reviewed": True,
    "nonconformities_reviewed": True,
    "complaints_reviewed": True,
    "cycle_checked": True,
    "certified_scope": SCOPE,
    "review_findings": "Reports complete; the minor is on track.",
    "recommended": True,
}


def reviewed(transfer, reviewer=None, **changes):
    reviewer = reviewer or factories.user("auditor", name="Reviewing Auditor")
    services.review_transfer(reviewer, transfer, {**REVIEW, **changes}, TODAY)
    return reviewer


def contracted(transfer, agreement=True):
    """The quote accepted (on paper) and, unless told otherwise, the agreement accepted too."""
    planner = factories.user("planner")
    if agreement:
        factories.agreement(transfer.organisation)
    review_application(
        planner,
        transfer.application,
        approve=True,
        competence_confirmed=True,
        notes="",
        today=TODAY,
    )
    quote = factories.quote(
        transfer.application,
        state="issued",
        issued_on=TODAY,
        valid_until=TODAY + timedelta(days=30),
    )
    return accept_quote(planner, quote, "Signed on paper.", TODAY)


def test_an_application_to_transfer(db, app):
    transfer = apply()
    assert transfer.state == "received" and transfer.application.kind == "transfer"
    assert [d.original_name for d in transfer.application.documents] == ["last-report.pdf"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"accreditation_body": "OTHER"}, "signatory of the IAF MLA"),
        ({"certificate_status": "suspended"}, "a suspended certificate cannot be transferred"),
        ({"certificate_status": "expired"}, "this one has expired"),
        (
            {
                "issued_on": date(2023, 9, 1),
                "original_issued_on": date(2020, 9, 1),
                "expires_on": date(2026, 8, 31),
            },
            "recertification audit instead",
        ),
        ({"original_issued_on": date(2025, 4, 1)}, "original certification date"),
        # Recertified early (issued 2025-01-10): the old expiry 2025-02-28 + 3 years at most.
        (
            {"issued_on": date(2025, 1, 10), "expires_on": date(2028, 3, 2)},
            "ISO/IEC 17021-1 9.1.3.2: the certificate's dates do not fit a three-year cycle",
        ),
        # Issued a day after the original date, it cannot run to the end of the next cycle.
        (
            {
                "issued_on": date(2023, 6, 2),
                "original_issued_on": date(2023, 6, 1),
                "expires_on": date(2029, 5, 31),
            },
            "ISO/IEC 17021-1 9.1.3.2: the certificate's dates do not fit a three-year cycle",
        ),
        # Running to the end of the next cycle, but the last audit was the initial stage 2.
        (
            {
                "issued_on": date(2025, 1, 10),
                "expires_on": date(2028, 2, 29),
                "last_audit_kind": "stage2",
                "last_audit_on": date(2024, 12, 5),
            },
            "ISO/IEC 17021-1 9.1.3.2: the certificate's dates do not fit a three-year cycle",
        ),
        ({"last_audit_on": TODAY + timedelta(days=1)}, "last audit"),
    ],
)
def test_a_certificate_that_cannot_transfer_is_refused_and_nothing_stored(db, changes, message):
    organisation, planner = factories.organisation(), factories.user("planner")
    before = snapshot(_db)
    with pytest.raises(services.TransferError) as refused:
        apply(organisation, planner, **changes)
    assert message in refused.value.message
    assert snapshot(_db) == before


def test_a_certificate_recertified_early_transfers_with_its_expiry(db):
    """Certified 2022-03-01, recertified and issued 2025-01-10, before the old expiry
    (2025-02-28): it expires on 2028-02-29, more than three years after its issue."""
    transfer = apply(
        issued_on=date(2025, 1, 10),
        original_issued_on=date(2022, 3, 1),
        expires_on=date(2028, 2, 29),
        last_audit_kind="recertification",
        last_audit_on=date(2024, 12, 5),
    )
    assert transfer.state == "received"
    reviewed(transfer)
    contracted(transfer)
    services.decide_transfer(
        factories.committee_member(), transfer, grant=True, reasons="Clean.", today=TODAY
    )
    assert transfer.state == "transferred"
    certificate = transfer.certificate
    assert (certificate.original_issued_on, certificate.expires_on) == (
        date(2022, 3, 1),
        date(2028, 2, 29),
    )


def test_the_review_needs_each_document_checked_and_its_findings(db):
    transfer = apply()
    reviewer, member = factories.user("auditor"), factories.committee_member()
    before = snapshot(_db)
    with pytest.raises(services.TransferError) as refused:
        services.review_transfer(
            reviewer, transfer, {**REVIEW, "complaints_reviewed": False}, TODAY
        )
    assert "IAF MD 2" in refused.value.message
    with pytest.raises(services.TransferError):
        services.review_transfer(reviewer, transfer, {**REVIEW, "visited": True}, TODAY)
    with pytest.raises(services.TransferError):
        services.review_transfer(member, transfer, REVIEW, TODAY)
    assert snapshot(_db) == before
    reviewed(transfer, reviewer)
    assert transfer.state == "reviewed" and transfer.reviewed_by_id == reviewer.id


def test_the_review_records_the_scope_on_the_other_certificate(db):
    """IAF MD 2: the cycle continues with the same scope, read from the other body's
    certificate; without it the review is refused and nothing changes."""
    transfer, reviewer = apply(), factories.user("auditor")
    before = snapshot(_db)
    with pytest.raises(services.TransferError) as refused:
        reviewed(transfer, reviewer, certified_scope="  ")
    assert refused.value.message == (
        "IAF MD 2: the cycle continues with the same scope: copy the scope from the other "
        "body's certificate."
    )
    assert refused.value.field == "certified_scope"
    assert snapshot(_db) == before and transfer.state == "received"
    reviewed(transfer, reviewer, certified_scope=f"  {SCOPE}\n")
    assert transfer.certified_scope == SCOPE and not transfer.scope_differs


def test_a_transfer_cannot_widen_the_scope(db):
    """The client asked for more than the other body certified: our certificate (and the
    decision) carry the certified scope; the rest needs a scope-extension audit."""
    transfer = apply(scope=f"{SCOPE} and online sales")
    reviewed(transfer, certified_scope=SCOPE)
    assert transfer.scope_differs
    contracted(transfer)
    services.decide_transfer(
        factories.committee_member(), transfer, grant=True, reasons="Clean.", today=TODAY
    )
    assert transfer.certificate.scope == SCOPE and transfer.decision.scope == SCOPE


@pytest.mark.parametrize("schemes", [(), ("csat-star",)])
def test_a_member_without_recorded_competence_cannot_decide(db, schemes):
    """17021-1 7.2: as for any decision, the decider holds a recorded competence for the
    scheme (here ISO 10002): none at all, or only for another scheme."""
    transfer = apply()
    reviewed(transfer)
    contracted(transfer)
    member = factories.user("committee", name="New Member")
    for scheme in schemes:
        factories.competence(member, scheme=scheme)
    _db.session.flush()
    before = snapshot(_db)
    with pytest.raises(services.TransferError) as refused:
        services.decide_transfer(member, transfer, grant=True, reasons="Fine.", today=TODAY)
    assert refused.value.message.startswith(
        "ISO/IEC 17021-1 7.2: New Member has no recorded competence as a certification "
        "committee member for ISO 10002"
    )
    assert snapshot(_db) == before
    assert transfer.state == "reviewed" and transfer.certificate_id is None


def test_the_reviewer_cannot_decide(db):
    transfer = apply()
    member = factories.committee_member(name="Reviewing Member")
    member.role = "planner"
    services.review_transfer(member, transfer, REVIEW, TODAY)
    member.role = "committee"
    _db.session.flush()
    before = snapshot(_db)
    with pytest.raises(services.TransferError) as refused:
        services.decide_transfer(member, transfer, grant=False, reasons="No.", today=TODAY)
    assert "did the pre-transfer review" in refused.value.message
    assert snapshot(_db) == before


def test_a_conflicted_member_cannot_decide(db):
    transfer = apply()
    reviewed(transfer)
    member = factories.user("committee", name="Conflicted Member")
    factories.conflict(member, transfer.organisation, kind="other")
    with pytest.raises(services.TransferError) as refused:
        services.decide_transfer(member, transfer, grant=False, reasons="No.", today=TODAY)
    assert "conflict of interest" in refused.value.message


def test_no_grant_before_the_agreement_is_in_force(db):
    transfer = apply()
    reviewed(transfer)
    member = factories.committee_member()
    before = snapshot(_db)
    with pytest.raises(services.TransferError) as refused:
        services.decide_transfer(member, transfer, grant=True, reasons="Fine.", today=TODAY)
    assert "5.1.2" in refused.value.message
    assert snapshot(_db) == before


def test_no_grant_on_a_quote_accepted_without_the_agreement(db):
    """The planner recorded the quote signed on paper; the client never accepted our agreement."""
    transfer = apply()
    reviewed(transfer)
    contracted(transfer, agreement=False)
    member = factories.committee_member()
    before = snapshot(_db)
    with pytest.raises(services.TransferError) as refused:
        services.decide_transfer(member, transfer, grant=True, reasons="Fine.", today=TODAY)
    assert "5.1.2" in refused.value.message and "agreement in force" in refused.value.message
    assert snapshot(_db) == before
    assert transfer.state == "reviewed" and transfer.certificate_id is None


def test_a_granted_transfer_continues_the_cycle(db):
    transfer = apply()
    reviewed(transfer)
    cycle = contracted(transfer)
    services.decide_transfer(
        factories.committee_member(), transfer, grant=True, reasons="Review is clean.", today=TODAY
    )
    certificate = transfer.certificate
    assert transfer.state == "transferred" and transfer.decision.outcome == "grant"
    assert certificate.certification_type == "transfer"
    assert (certificate.issued_on, certificate.expires_on) == (TODAY, date(2028, 2, 29))
    assert certificate.original_issued_on == date(2022, 3, 1)
    assert cycle.decision_date == date(2025, 3, 1)
    states = {a.kind: (a.state, a.due_by) for a in cycle.audits}
    assert states["stage1"][0] == states["stage2"][0] == states["surveillance1"][0] == "cancelled"
    assert states["surveillance2"] == ("planned", date(2027, 3, 1))
    assert states["recertification"] == ("planned", date(2028, 2, 28))
    reasons = _db.session.scalars(
        select(ActivityLog.reason).where(
            ActivityLog.subject_type == "Audit", ActivityLog.action == "cancel"
        )
    ).all()
    assert len(reasons) == 3 and all("Done by Örnek Belgelendirme" in r for r in reasons)


def test_the_register_marks_a_transferred_certificate(db):
    transfer = apply()
    reviewed(transfer)
    contracted(transfer)
    services.decide_transfer(
        factories.committee_member(), transfer, grant=True, reasons="Clean.", today=TODAY
    )
    target = io.BytesIO()
    write_register(target)
    sheet = load_workbook(io.BytesIO(target.getvalue())).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("Transferred (IAF MD 2)")] == "Yes"


def test_a_refused_transfer_issues_nothing(db):
    transfer = apply()
    reviewed(transfer)
    services.decide_transfer(
        factories.committee_member(), transfer, grant=False, reasons="Open major.", today=TODAY
    )
    assert transfer.state == "refused" and transfer.certificate_id is None


def test_the_client_withdraws_its_transfer(db):
    organisation = factories.organisation()
    client = factories.user("client", organisation=organisation)
    transfer = apply(organisation, client)
    with pytest.raises(services.TransferError):
        services.withdraw_transfer(factories.user("client"), transfer, "", TODAY)
    services.withdraw_transfer(client, transfer, "We stay with our body.", TODAY)
    assert transfer.state == "withdrawn"


def _transferred_with_a_narrower_scope():
    """The client asked for more than the other body certified; the review recorded the
    certified scope and the committee granted the transfer with it."""
    transfer = apply(scope=f"{SCOPE} and online sales")
    reviewed(transfer, certified_scope=SCOPE)
    cycle = contracted(transfer)
    services.decide_transfer(
        factories.committee_member(), transfer, grant=True, reasons="Clean.", today=TODAY
    )
    assert transfer.certificate.scope == SCOPE
    return transfer, cycle


def _audit(cycle, kind):
    return next(a for a in cycle.audits if a.kind == kind)


def test_the_next_plan_carries_the_transferred_certificates_scope(db):
    """IAF MD 2: the cycle continues with the certified scope, so the next audit is planned on
    it, not on the wider scope the client asked for."""
    _transfer, cycle = _transferred_with_a_narrower_scope()
    audit = _audit(cycle, "surveillance2")
    audit.state = "scheduled"
    audit.start_date = audit.end_date = TODAY + timedelta(days=30)
    plan = prepare_plan(factories.user("planner"), audit, TODAY, seed=1)
    assert plan.scope == SCOPE


def test_a_renewal_without_a_scope_keeps_the_transferred_certificates_scope(db, app):
    """A recertification decided with the scope field left empty renews the certificate as it
    stands: the transfer's certified scope, not the client's wider application."""
    transfer, cycle = _transferred_with_a_narrower_scope()
    surveillance = _audit(cycle, "surveillance2")
    surveillance.state = "closed"
    surveillance.start_date = surveillance.end_date = TODAY + timedelta(days=1)
    audit = _audit(cycle, "recertification")
    audit.state = "submitted"
    audit.start_date = audit.end_date = TODAY + timedelta(days=5)
    lead = factories.user("auditor")
    audit.team.append(AuditTeamMember(user_id=lead.id, role="lead"))
    _db.session.add(
        AuditReport(
            audit_id=audit.id,
            computed_recommendation="recommended",
            recommendation="recommended",
            submitted_by_id=lead.id,
            submitted_at=utcnow(),
        )
    )
    _db.session.flush()
    with app.test_request_context():
        decision = decide(
            factories.committee_member(),
            audit,
            outcome="renew",
            reasons="Cycle complete.",
            today=TODAY + timedelta(days=10),
        )
    renewed = _db.session.get(Certificate, decision.certificate_id)
    assert renewed.id != transfer.certificate.id
    assert renewed.scope == SCOPE and decision.scope == SCOPE
