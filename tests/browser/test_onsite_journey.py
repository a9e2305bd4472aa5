"""On site, on a phone: the lead auditor works through the ISO 10002:2018 checklist, grades one
question a major nonconformity, the client answers it in the portal, the auditor accepts the
action plan and submits the report to the committee.

Everyone uses a phone-sized Chromium (390 x 844, touch). Set-up goes through tests/factories.py
and the services: a contracted cycle with a stage 2 audit scheduled for today, its lead auditor
qualified for the scheme, and the client's account. The auditor starts the audit in the browser;
the questions of the other clauses are then answered through the services (the rest of the
day's work), and the last three are answered through the page, autosaved as on site.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from certification.accounts.models import User
from certification.audits import services as audit_services
from certification.checklists import loader
from certification.models_base import utcnow
from certification.programme.models import Audit, AuditTeamMember
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
LEGAL_NAME = "Anadolu Su ve Kanalizasyon Hizmetleri A.Ş."
LEAD = "sule.denetci@body.example.test"
CLIENT = "ayse.yilmaz@anadolusu.example.com.tr"
# Answered on the phone; every other question is answered through the services.
ON_THE_PHONE = ("7.2-a", "7.2-b", "7.3-a")
MAJOR_EVIDENCE = (
    "Şikâyetler telefonla alınıyor ama kayda geçmiyor: 3 Kasım'daki 12 çağrıdan hiçbiri "
    "kayıt sisteminde yok."
)


@pytest.fixture
def new_phone(chromium, live, request, tmp_path):
    """new_phone() -> a page of a fresh phone-sized context; its last view is kept on failure."""
    contexts = []

    def make():
        context = chromium.new_context(base_url=live.url, locale="en-GB", **PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.script_errors = []
        page.on("pageerror", lambda error: page.script_errors.append(error))
        page.on(
            "response",
            lambda response: response.status >= 500 and page.script_errors.append(response.url),
        )
        return page

    yield make
    report = getattr(request.node, "report_call", None)
    for n, context in enumerate(contexts):
        if report is not None and report.failed:
            for m, page in enumerate(context.pages):
                shot = Path(tmp_path) / f"{request.node.name}-{n}-{m}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"screenshot of {page.url}: {shot}")
                except Exception:  # noqa: BLE001 - a screenshot is a courtesy only
                    pass
        context.close()


def flash(page):
    return page.locator(".flash")


def question(page, question_id: str):
    return page.locator(f'[id="q-{question_id}"]')


def assert_fits_the_phone(page) -> None:
    """No sideways scrolling: the page is no wider than the phone's screen."""
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths[0]} > {widths[1]}px"


def assert_no_errors(live, *pages) -> None:
    assert not live.errors, f"the live server raised: {live.errors!r}"
    for page in pages:
        assert not page.script_errors, f"{page.url}: {page.script_errors!r}"


def answer_on_the_phone(page, question_id: str, grade: str, evidence: str) -> None:
    """Tap a grade, type the evidence, leave the field: the page saves it by itself."""
    card = question(page, question_id)
    card.get_by_role("radio", name=grade, exact=True).tap()
    card.get_by_label("Evidence").fill(evidence)
    card.get_by_label("Evidence").blur()
    expect(card.locator(".save-status")).to_have_text("Saved")


def test_auditor_raises_a_major_on_a_phone_and_submits_after_the_client_answers(
    new_phone, seed, live
):
    today = date.today()
    with seed() as session:
        organisation = factories.organisation(
            legal_name=LEGAL_NAME, english_name="Anatolian Water", city="Eskişehir"
        )
        factories.user("client", email=CLIENT, name="Ayşe Yılmaz", organisation=organisation)
        lead = factories.user("auditor", email=LEAD, name="Şule Denetçi")
        factories.qualification(lead, scheme="iso10002", sector_code=organisation.sector_code)
        planner = factories.user("planner", name="Pınar Planlamacı")
        application = factories.application(
            organisation,
            state="contracted",
            competence_confirmed=True,
            reviewed_by_id=planner.id,
            reviewed_at=utcnow(),
        )
        quote = factories.quote(
            application,
            state="accepted",
            issued_on=today - timedelta(days=40),
            valid_until=today - timedelta(days=10),
            prepared_by_id=planner.id,
        )
        cycle = factories.cycle(quote)
        # 17021-1 9.3.1: stage 2 follows stage 1 concluded "ready" by its lead auditor.
        factories.concluded_stage1(cycle, today - timedelta(days=14))
        audit = factories.audit(
            cycle,
            kind="stage2",
            state="scheduled",
            planned_days=2.5,
            start_date=today,
            end_date=today,
        )
        session.add(AuditTeamMember(audit=audit, user=lead, role="lead"))
        session.flush()
        factories.sent_plan(audit, planner, today)  # 17021-1 9.2.3
        audit_id = audit.id
    checklist = loader.checklist_for("iso10002", "2018")
    total = len(checklist.questions())

    # --- the lead auditor starts the audit ----------------------------------------------------
    auditor = new_phone()
    sign_in(auditor, LEAD, factories.PASSWORD)
    expect(auditor.get_by_role("heading", name="My work", level=1)).to_be_visible()
    auditor.get_by_role("link", name="My audits", exact=True).tap()
    expect(auditor.get_by_role("heading", name="My audits", level=1)).to_be_visible()
    row = auditor.get_by_role("row").filter(has_text=LEGAL_NAME)
    expect(row).to_contain_text("Scheduled")
    expect(row).to_contain_text("Şule Denetçi")
    row.get_by_role("link", name="Stage 2").tap()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text(f"Stage 2 · {LEGAL_NAME}")
    assert_fits_the_phone(auditor)
    auditor.get_by_role("button", name="Start the audit").tap()

    expect(flash(auditor).first).to_have_text(
        "The audit has started. Work through the checklist clause by clause."
    )
    expect(auditor.get_by_role("heading", level=1)).to_have_text(
        "ISO 10002:2018 complaints-handling audit checklist"
    )
    expect(auditor.locator("#clause-title")).to_contain_text("4.1 General")
    expect(auditor.locator("#progress-text")).to_have_text(f"0 of {total} questions answered")
    assert_fits_the_phone(auditor)

    # The questions of the other clauses, answered as conforming (the rest of the day's work).
    with seed() as session:
        lead = session.scalar(select(User).where(User.email == LEAD))
        audit = session.get(Audit, audit_id)
        for q in checklist.questions():
            if q.id not in ON_THE_PHONE:
                audit_services.save_answer(
                    lead,
                    audit,
                    q.id,
                    grade="conforming",
                    points=None,
                    evidence="Procedure and records sampled.",
                    expected_version=0,
                    today=today,
                )

    # --- the last clauses, on the phone ---------------------------------------------------------
    auditor.get_by_role("link", name=f"Stage 2 · {LEGAL_NAME}").tap()
    expect(auditor.locator(".checklist-panel")).to_contain_text(
        f"{total - 3} of {total} questions answered"
    )
    auditor.get_by_role("link", name="Continue the checklist").tap()
    # The page opens on the first clause with an unanswered question.
    expect(auditor.locator("#clause-title")).to_contain_text("7.2 Receipt of complaint")
    expect(auditor.locator("#clause-title .count")).to_have_text("0/2")
    assert_fits_the_phone(auditor)

    answer_on_the_phone(
        auditor, "7.2-a", "Conforming", "Web form and e-mail complaints are logged within a day."
    )
    answer_on_the_phone(auditor, "7.2-b", "Major nonconformity", MAJOR_EVIDENCE)
    expect(auditor.locator("#progress-text")).to_have_text(
        f"{total - 1} of {total} questions answered"
    )
    expect(auditor.locator("#clause-title .count")).to_have_text("2/2")
    assert_fits_the_phone(auditor)

    auditor.get_by_role("link", name=re.compile(r"^7\.3 Tracking of complaint")).tap()
    expect(auditor.locator("#clause-title")).to_contain_text("7.3 Tracking of complaint")
    answer_on_the_phone(auditor, "7.3-a", "Conforming", "Each complaint has a reference number.")
    expect(auditor.locator("#progress-text")).to_have_text(f"{total} of {total} questions answered")

    # What was saved is what the page shows when it is opened again.
    auditor.get_by_role("link", name=re.compile(r"^← 7\.2 Receipt of complaint")).tap()
    major = question(auditor, "7.2-b")
    expect(major.get_by_role("radio", name="Major nonconformity", exact=True)).to_be_checked()
    expect(major.get_by_label("Evidence")).to_have_value(MAJOR_EVIDENCE)
    expect(major.locator(".save-status")).to_have_text("Saved by Şule Denetçi")
    assert_no_errors(live, auditor)

    # --- the finding is on the audit page; the auditor writes it up ----------------------------
    auditor.get_by_role("link", name=f"Stage 2 · {LEGAL_NAME}").tap()
    expect(auditor.locator(".checklist-panel")).to_contain_text(
        f"{total} of {total} questions answered"
    )
    findings = auditor.locator(".findings-panel")
    finding_row = findings.get_by_role("row").filter(has_text="Finding S2-1")
    expect(finding_row).to_contain_text("7.2")
    expect(finding_row).to_contain_text("Major nonconformity")
    expect(finding_row).to_contain_text("Open")
    expect(findings.get_by_role("row")).to_have_count(2)  # the header and the one finding
    assert_fits_the_phone(auditor)
    finding_row.get_by_role("link", name="Finding S2-1").tap()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text(f"Finding S2-1 · {LEGAL_NAME}")
    expect(auditor.get_by_text(MAJOR_EVIDENCE)).to_be_visible()
    expect(auditor.get_by_text("The client has not answered yet.")).to_be_visible()
    auditor.get_by_role("link", name="Edit the write-up").tap()
    auditor.get_by_label("Statement of the finding").fill(
        "Complaints received by telephone are not recorded."
    )
    auditor.get_by_label("Requirement (what the standard or the system asks)").fill(
        "ISO 10002:2018 7.2: every complaint is recorded with its supporting information."
    )
    auditor.get_by_role("button", name="Save").tap()
    expect(flash(auditor).first).to_have_text("Finding S2-1 was saved.")
    sign_out(auditor)
    assert_no_errors(live, auditor)

    # --- the client answers it in the portal ----------------------------------------------------
    client = new_phone()
    sign_in(client, CLIENT, factories.PASSWORD)
    expect(client).to_have_url(re.compile(r"/home/$"))
    expect(client.get_by_role("heading", level=1)).to_have_text(LEGAL_NAME)
    client.get_by_role("link", name="Our certification", exact=True).click()
    expect(client).to_have_url(re.compile(r"/portal/$"))
    waiting = client.locator(".findings-panel table").first
    expect(client.get_by_role("heading", name="Findings waiting for your answer")).to_be_visible()
    waiting_row = waiting.get_by_role("row").filter(has_text="Finding S2-1")
    expect(waiting_row).to_contain_text("Stage 2")
    expect(waiting_row).to_contain_text("Major nonconformity")
    assert_fits_the_phone(client)
    waiting_row.get_by_role("link", name="Finding S2-1 · clause 7.2").tap()

    expect(client.get_by_role("heading", level=1)).to_contain_text("Finding S2-1")
    expect(client.get_by_role("heading", level=1)).to_contain_text("Open")
    expect(client.get_by_text("Complaints received by telephone are not recorded.")).to_be_visible()
    expect(client.get_by_text(MAJOR_EVIDENCE)).to_be_visible()
    target = today + timedelta(days=30)
    client.get_by_label("Correction: what was done to fix this case").fill(
        "Kasım ayındaki 12 telefon şikâyeti kayıt sistemine girildi ve yanıtlandı."
    )
    client.get_by_label("Root cause: why it happened").fill(
        "Çağrı merkezi personeli kayıt sistemine erişemiyordu."
    )
    client.get_by_label("Corrective action: what stops it happening again").fill(
        "Çağrı merkezine sistem erişimi verildi; personel eğitildi; aylık kontrol eklendi."
    )
    client.get_by_label("Target date").fill(target.isoformat())
    assert_fits_the_phone(client)
    client.get_by_role("button", name="Send to the auditor").tap()

    expect(flash(client).first).to_have_text("Your answer was sent to the auditor.")
    expect(client.get_by_role("heading", level=1)).to_contain_text("Answered")
    expect(client.get_by_text("Your answer is with the auditor.")).to_be_visible()
    expect(client.locator(".corrective-action")).to_contain_text("Waiting for the auditor")
    expect(client.get_by_role("button", name="Send to the auditor")).to_have_count(0)
    assert_no_errors(live, client)

    # --- the auditor signs in again and accepts the plan ----------------------------------------
    sign_in(auditor, LEAD, factories.PASSWORD)
    auditor.get_by_role("link", name="My audits", exact=True).tap()
    auditor.get_by_role("row").filter(has_text=LEGAL_NAME).get_by_role("link", name="Stage 2").tap()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text("In progress")
    panel = auditor.locator(".findings-panel")
    finding_row = panel.get_by_role("row").filter(has_text="Finding S2-1")
    expect(finding_row).to_contain_text("Answered")
    finding_row.get_by_role("link", name="Finding S2-1").tap()
    action = auditor.locator(".corrective-action")
    expect(action).to_contain_text("Çağrı merkezi personeli kayıt sistemine erişemiyordu.")
    expect(action).to_contain_text("Ayşe Yılmaz")
    auditor.get_by_label("Comment for the client").fill(
        "Plan accepted; the records will be sampled at the first surveillance."
    )
    auditor.get_by_role("button", name="Accept the action plan").tap()
    expect(flash(auditor).first).to_have_text("The action plan was accepted.")
    expect(auditor.get_by_role("heading", level=1)).to_contain_text("Plan accepted")
    expect(action).to_contain_text("Accepted")
    assert_no_errors(live, auditor)

    # --- the report: the computed recommendation, then submitted --------------------------------
    auditor.get_by_role("link", name="Back to the audit: Stage 2").tap()
    auditor.get_by_role("link", name="Open the report").tap()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text("Audit report · Stage 2")
    expect(
        auditor.get_by_text("The findings suggest: Not recommended until the major")
    ).to_be_visible()
    recommendation = auditor.locator("#recommendation + section")
    expect(recommendation).to_contain_text(
        "Not recommended until the major nonconformities are verified closed"
    )
    expect(recommendation).to_contain_text("(computed from the findings)")
    expect(auditor.get_by_text(f"{total} / {total}").first).to_be_visible()
    expect(auditor.get_by_text("Major nonconformity: 1")).to_be_visible()
    expect(auditor.get_by_text("questions are still unanswered")).to_have_count(0)
    expect(
        auditor.get_by_label("Not recommended until the major nonconformities are verified closed")
    ).to_be_checked()
    auditor.get_by_label("Summary of the audit").fill(
        "Telefonla gelen şikâyetler kayda geçmiyordu (büyük uygunsuzluk 1); düzeltici faaliyet "
        "planı kabul edildi, doğrulama bekleniyor."
    )
    auditor.get_by_role("button", name="Submit the report").tap()

    expect(flash(auditor).first).to_have_text(
        "The report was submitted to the certification committee."
    )
    expect(auditor.get_by_role("heading", level=1)).to_contain_text("Report submitted")
    expect(auditor.get_by_role("button", name="Submit the report")).to_have_count(0)
    auditor.get_by_role("link", name="Back to the audit").tap()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text("Report submitted")
    expect(auditor.locator("#report-panel")).to_contain_text("Şule Denetçi")
    # The answers are closed now: the checklist opens read only.
    auditor.get_by_role("link", name="Open the checklist").tap()
    expect(
        auditor.get_by_text(
            "Read only: answers can be changed only while the audit is in progress."
        )
    ).to_be_visible()
    assert_fits_the_phone(auditor)
    assert_no_errors(live, auditor, client)
