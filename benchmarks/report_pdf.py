"""Time to build the audit report PDF of a full ISO 10002:2018 checklist with 20 findings.

Not a test: prints the median of N runs, its ratio to the 300 ms goal (issue 3), to the peer's
338 ms (issue 14's side-by-side run) and to a bare reportlab canvas drawing the same text on the
same number of pages, line by line, in the same run (the floor: no layout, no tables).

    uv run python benchmarks/report_pdf.py [runs]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if os.environ.get("NO_RL_ACCEL"):  # reportlab's pure-Python fallbacks, as without rl-accel
    sys.modules["_rl_accel"] = None

import pypdf  # noqa: E402
from PIL import Image  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from sqlalchemy import select  # noqa: E402

from certification import create_app  # noqa: E402
from certification.applications.uploads import write_file  # noqa: E402
from certification.audits import thumbnails  # noqa: E402
from certification.audits.models import Answer, Attachment, AuditChecklist  # noqa: E402
from certification.checklists import loader  # noqa: E402
from certification.extensions import db  # noqa: E402
from certification.findings.models import CorrectiveAction, Finding  # noqa: E402
from certification.findings.photos import pdf_photos  # noqa: E402
from certification.findings.rules import finding_reference  # noqa: E402
from certification.pdf_kit import REGULAR  # noqa: E402
from certification.programme.models import AuditTeamMember  # noqa: E402
from certification.reports import services  # noqa: E402
from certification.reports.models import AuditFigures, AuditReport  # noqa: E402
from certification.reports.pdf import render_report_pdf  # noqa: E402
from tests import factories  # noqa: E402

GOAL_MS = 300
PEER_MS = 338  # the peer's report (Django + WeasyPrint) in issue 14's run; not installed here
FINDINGS = 20
DAY = date(2026, 11, 24)
GRADES = ("major", "minor", "minor", "observation", "ofi")


def build_audit():
    """An organisation with sites in several scripts, a stage 2 audit fully answered."""
    org = factories.organisation(legal_name="Güneş Müşteri Hizmetleri A.Ş.")
    cycle = factories.cycle(factories.quote(factories.application(org)))
    audit = factories.audit(
        cycle, kind="stage2", state="in_progress", start_date=DAY, end_date=DAY + timedelta(days=1)
    )
    for name, role in (
        ("Борис Петров", "lead"),
        ("ნინო ბერიძე", "auditor"),
        ("Nguyễn Thị Hương", "expert"),
    ):
        audit.team.append(
            AuditTeamMember(user_id=factories.user("auditor", name=name).id, role=role)
        )
    checklist = loader.checklist_for("iso10002", "2018")
    db.session.add(
        AuditChecklist(
            audit_id=audit.id,
            scheme=checklist.scheme,
            edition=checklist.edition,
            version=checklist.version,
            file_name=checklist.file,
            fingerprint=loader.fingerprint(checklist),
            source=checklist.source,
        )
    )
    questions = checklist.questions()
    for index, question in enumerate(questions):
        grade = GRADES[index % len(GRADES)] if index < FINDINGS else "conforming"
        db.session.add(
            Answer(
                audit_id=audit.id,
                question_id=question.id,
                clause=question.clause,
                grade=grade,
                evidence=f"Evidence seen for {question.id}.",
            )
        )
    db.session.flush()
    add_findings(audit, questions[:FINDINGS])
    db.session.add(
        AuditFigures(
            audit_id=audit.id,
            complaints_received=420,
            complaints_closed=395,
            median_days_to_close=Decimal("5.5"),
            satisfaction_percent=Decimal("81.0"),
        )
    )
    db.session.add(
        AuditReport(
            audit_id=audit.id,
            summary="A mature process. " * 20,
            computed_recommendation="not_recommended",
            recommendation="not_recommended",
        )
    )
    db.session.commit()
    return audit


def add_findings(audit, questions) -> None:
    for number, question in enumerate(questions, start=1):
        grade = GRADES[(number - 1) % len(GRADES)]
        finding = Finding(
            audit_id=audit.id,
            organisation_id=audit.organisation_id,
            cycle_id=audit.cycle_id,
            number=number,
            reference=finding_reference(audit.kind, number),
            question_id=question.id,
            clause=question.clause,
            grade=grade,
            state="answered" if grade in ("major", "minor") else "open",
            statement=f"Finding {number}: the practice at {question.clause} falls short. " * 2,
            evidence="Records sampled on site: 12 complaint files, 3 without closure. " * 2,
            requirement=f"ISO 10002:2018 {question.clause}.",
            raised_on=DAY,
        )
        if grade in ("major", "minor"):
            finding.actions.append(
                CorrectiveAction(
                    correction="Closed the open files.",
                    root_cause="No owner for closure.",
                    action="Named an owner and a weekly review.",
                    target_date=DAY + timedelta(30),
                )
            )
        db.session.add(finding)
    db.session.flush()


def add_photos(audit) -> None:
    """A 1600 x 1200 JPEG on each finding's checklist answer, as a phone on site takes them."""
    picture = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 120, 180)).save(picture, "JPEG", quality=85)
    answers = {a.question_id: a for a in db.session.scalars(select(Answer))}
    for finding in db.session.scalars(select(Finding).where(Finding.audit_id == audit.id)):
        finding.answer_id = answers[finding.question_id].id
        stored_name = write_file(picture.getvalue())
        thumbnails.stage(stored_name, "image/jpeg", picture.getvalue())  # as at upload
        db.session.add(
            Attachment(
                audit_id=audit.id,
                organisation_id=audit.organisation_id,
                answer_id=finding.answer_id,
                original_name=f"photo-{finding.number}.jpg",
                stored_name=stored_name,
                content_type="image/jpeg",
                size=len(picture.getvalue()),
            )
        )
    db.session.commit()


def timed(app, audit, runs: int, photos: bool) -> tuple[float, float, bytes, object]:
    """Median ms to render, and to load the data (with the photos' stored thumbnails, as the
    view does) and render; the last PDF and its data."""
    render_times, total_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        data = services.report_data(audit)
        if photos:
            data.photos = pdf_photos(data.findings, lambda f, a: f"https://cb.test/p/{a.id}")
        middle = time.perf_counter()
        pdf = render_report_pdf(data, app.config["BODY_NAME"], app.config["BODY_ADDRESS"])
        end = time.perf_counter()
        render_times.append((end - middle) * 1000)
        total_times.append((end - start) * 1000)
    return statistics.median(render_times), statistics.median(total_times), pdf, data


def bare_canvas(lines_per_page: list[list[str]]) -> bytes:
    """The floor: the report's text drawn line by line on as many A4 pages, with the same font."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for lines in lines_per_page:
        page.setFont(REGULAR, 9.5)
        for number, line in enumerate(lines):
            page.drawString(50, 800 - number * 12.5, line)
        page.showPage()
    page.save()
    return buffer.getvalue()


def text_lines(pdf: bytes) -> list[list[str]]:
    return [page.extract_text().splitlines() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def median_ms(render, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(runs: int = 15) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "UPLOAD_FOLDER": folder}
        )
        with app.app_context(), app.test_request_context():
            db.create_all()
            audit = build_audit()
            render_report_pdf(services.report_data(audit), "Body", "Address")  # warm-up
            render, total, pdf, data = timed(app, audit, runs, photos=False)
            lines = text_lines(pdf)
            bare = median_ms(lambda: bare_canvas(lines), runs)
            add_photos(audit)
            with_photos = timed(app, audit, runs, photos=True)
    print(
        f"questions: {len(data.checklist.questions())}, findings: {len(data.findings)}, "
        f"PDF: {len(pdf) / 1024:.0f} KiB, runs: {runs}"
    )
    print(f"machine load (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"render PDF:           median {render:7.1f} ms  ({render / GOAL_MS:.2f} x goal)")
    print(f"load data + render:   median {total:7.1f} ms  ({total / GOAL_MS:.2f} x goal)")
    print(
        f"bare canvas, the same {sum(map(len, lines))} lines on {len(lines)} pages: "
        f"{bare:.1f} ms; the report takes {total / bare:.1f}x the bare canvas"
    )
    print(
        f"against the peer's {PEER_MS} ms (issue 14's side-by-side run, not installed here): "
        f"{PEER_MS / total:.1f}x (goal 5x, i.e. at most {PEER_MS / 5:.0f} ms)"
    )
    print(
        f"with a photo on each finding (stored thumbnails read, as the view does): render "
        f"{with_photos[0]:.1f} ms, load + thumbnails + render {with_photos[1]:.1f} ms "
        f"({with_photos[1] / GOAL_MS:.2f} x goal), PDF {len(with_photos[2]) / 1024:.0f} KiB"
    )
    worst = max(total, with_photos[1])
    print(f"goal: {GOAL_MS} ms -> {'met' if worst <= GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
