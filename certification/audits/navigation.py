"""Where the on-site checklist goes next: the next question still without a grade; pure."""

from __future__ import annotations

from collections.abc import Mapping

from certification.checklists.model import Checklist, Question


def next_unanswered(
    checklist: Checklist,
    answers: Mapping[str, object],
    after: str | None = None,
    clause: str | None = None,
) -> Question | None:
    """The first ungraded question after question `after` (or from the start of `clause`), in the
    file's order and wrapping round; None once every question has a grade (then: the report)."""
    questions = checklist.questions()
    ids = [q.id for q in questions]
    if after in ids:
        start = ids.index(after) + 1
    else:
        start = next((i for i, q in enumerate(questions) if q.clause == clause), 0)
    for question in questions[start:] + questions[:start]:
        if question.id != after and not graded(answers.get(question.id)):
            return question
    return None


def graded(answer: object | None) -> bool:
    return answer is not None and getattr(answer, "grade", None) is not None
