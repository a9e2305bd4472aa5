"""The checklist page and one save run a fixed number of SQL statements, however many questions
of the audit are already answered (and however many answers carry attachments)."""

from __future__ import annotations

from certification.audits import services
from certification.audits.models import Attachment
from tests.services.test_audit_answers import TODAY, started
from tests.sql_counting import counting_queries


def answered_audit(db, answered: int):
    """An audit in progress with `answered` graded questions, each with a photo attached."""
    audit, lead, member = started(db, start=TODAY)
    questions = services.checklist_of(audit).questions()
    for n, question in enumerate(questions[:answered]):
        answer = services.save_answer(
            lead if n % 2 else member,
            audit,
            question.id,
            grade="conforming",
            points=None,
            evidence=f"Evidence {n}",
            expected_version=0,
            today=TODAY,
        )
        db.session.add(
            Attachment(
                audit_id=audit.id,
                organisation_id=audit.organisation_id,
                answer_id=answer.id,
                original_name=f"IMG_{n}.jpg",
                stored_name=f"stored{audit.id}x{n}",
                content_type="image/jpeg",
                size=100,
                uploaded_by_id=lead.id,
            )
        )
    db.session.commit()
    return audit, lead, questions[-1]


def page_statements(client, db, login_as, answered: int) -> int:
    audit, lead, _last = answered_audit(db, answered)
    login_as(lead)
    with counting_queries(db) as statements:
        response = client.get(f"/audits/{audit.id}/checklist?clause=4.1")
    assert response.status_code == 200
    return len(statements)


def save_statements(client, db, login_as, answered: int) -> int:
    audit, lead, last = answered_audit(db, answered)
    login_as(lead)
    body = {"grade": "conforming", "points": None, "evidence": "Seen", "version": 0}
    with counting_queries(db) as statements:
        response = client.post(f"/audits/{audit.id}/answers/{last.id}", json=body)
    assert response.status_code == 200, response.json
    return len(statements)


def test_the_checklist_page_does_not_grow_with_the_answers(client, db, login_as):
    few = page_statements(client, db, login_as, 2)
    many = page_statements(client, db, login_as, 40)
    assert many == few, f"{few} statements with 2 answers, {many} with 40"
    assert few <= 12


def test_one_save_does_not_grow_with_the_answers(client, db, login_as):
    few = save_statements(client, db, login_as, 2)
    many = save_statements(client, db, login_as, 40)
    assert many == few, f"{few} statements with 2 answers, {many} with 40"
    assert few <= 17  # one of them holds the audit's row: a report submitted meanwhile wins
