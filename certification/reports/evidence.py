"""The evidence behind conforming answers: the committee reviews it, not only the findings
(ISO/IEC 17021-1 9.4.8 "findings with their evidence", 9.5.1.2 the review before the decision).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from certification.audits.models import Answer, Grade
from certification.extensions import db


@dataclass(frozen=True)
class ConformingAnswer:
    question_id: str
    clause: str
    evidence: str  # "" when the auditor recorded none


def conforming_evidence(audit, checklist) -> list[ConformingAnswer]:
    """The audit's conforming answers with their evidence, in the checklist's order."""
    rows = db.session.execute(
        select(Answer.question_id, Answer.clause, Answer.evidence).where(
            Answer.audit_id == audit.id, Answer.grade == Grade.CONFORMING.value
        )
    )
    answers = [ConformingAnswer(q, clause, (text or "").strip()) for q, clause, text in rows]
    order = {q.id: n for n, q in enumerate(checklist.questions())} if checklist is not None else {}
    return sorted(answers, key=lambda a: (order.get(a.question_id, len(order)), a.question_id))
