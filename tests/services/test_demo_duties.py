"""The demo's stories of the body's own duties: complaints in every state, an appeal, a transfer
in progress and a completed one, the impartiality records; their pages open for the demo logins."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from certification.appeals.models import Appeal
from certification.competence.models import PerformanceEvaluation, TrainingRecord, WitnessedAudit
from certification.complaints.models import Complaint
from certification.demo import DEMO_PASSWORD
from certification.extensions import db
from certification.impartiality.models import Declaration, ImpartialityReview, ImpartialityRisk
from certification.transfers.models import Transfer
from certification.workflow import ComplaintState
from tests.services.test_demo import demo_app  # noqa: F401 - the fixture


def test_demo_holds_the_bodys_own_duties(demo_app):  # noqa: F811
    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output

    with demo_app.app_context():
        complaints = db.session.scalars(select(Complaint)).all()
        assert {c.state for c in complaints} == {s.value for s in ComplaintState}
        assert any(c.satisfaction_score for c in complaints)
        assert any(c.client_response for c in complaints)  # a certified client had its say
        assert {c.channel for c in complaints} >= {"web", "portal", "email", "letter"}
        complaint_ids = [c.id for c in complaints]

        (appeal,) = db.session.scalars(select(Appeal)).all()
        assert appeal.state == "under_review" and appeal.kind == "rating_band"
        assert appeal.panel and not {m.user_id for m in appeal.panel} & {
            m.member_id for m in appeal.decision.members
        }

        transfers = {t.state: t for t in db.session.scalars(select(Transfer))}
        assert set(transfers) == {"received", "transferred"}
        done = transfers["transferred"]
        certificate = done.certificate
        assert certificate.certification_type == "transfer" and certificate.state == "active"
        assert (certificate.expires_on, certificate.original_issued_on) == (
            done.expires_on,
            done.original_issued_on,
        )
        # IAF MD 2: the same scope, as the reviewer read it on the other body's certificate.
        assert certificate.scope == done.certified_scope and not done.scope_differs
        programme = {a.kind: a.state for a in certificate.cycle.audits}
        assert programme["surveillance1"] == "cancelled"
        assert programme["surveillance2"] == "planned"

        assert db.session.scalars(select(ImpartialityRisk)).all()
        assert db.session.scalars(select(ImpartialityReview)).all()
        signed = db.session.scalars(
            select(Declaration).where(Declaration.year == date.today().year)
        ).all()
        assert 5 <= len(signed) < 10  # two people have not signed yet
        ids = {"appeal": appeal.id, "transfer": done.id, "complaint": complaint_ids[0]}

    client = demo_app.test_client()
    client.post("/login", data={"email": "planner@demo.test", "password": DEMO_PASSWORD})
    pages = (
        "/complaints/",
        "/complaints/due",
        f"/complaints/{ids['complaint']}",
        "/complaints/review/",
        f"/appeals/{ids['appeal']}",
        f"/transfers/{ids['transfer']}",
        "/impartiality/risks",
        "/impartiality/declarations",
    )
    for page in pages:
        assert client.get(page).status_code == 200, page
    client.post("/logout")
    client.post("/login", data={"email": "admin@demo.test", "password": DEMO_PASSWORD})
    overview = client.get("/competence/?status=evaluation_due").get_data(as_text=True)
    assert "John Carter" in overview and "Zeynep Kaya" not in overview
    expiring = client.get("/competence/?status=expiring").get_data(as_text=True)
    assert "Елена Петрова" in expiring and "David Brown" in expiring
    with demo_app.app_context():
        evaluations = db.session.scalars(select(PerformanceEvaluation)).all()
        assert len({e.person_id for e in evaluations}) == 9
        assert db.session.scalars(select(TrainingRecord)).all()
        assert db.session.scalars(select(WitnessedAudit)).all()
