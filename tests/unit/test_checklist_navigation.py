"""The next unanswered question of the on-site checklist: after a question, from a clause, wrapping
round, and none once everything has a grade."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from certification.audits.navigation import next_unanswered
from certification.checklists import loader

CHECKLIST = loader.checklist_for("iso10002", "2018")
IDS = [q.id for q in CHECKLIST.questions()]


def answered(*ids, grade="conforming"):
    return {i: SimpleNamespace(grade=grade) for i in ids}


@pytest.mark.parametrize(
    ("graded", "after", "clause", "expected"),
    [
        ((), None, None, IDS[0]),
        ((), IDS[0], None, IDS[1]),
        ((IDS[1], IDS[2]), IDS[0], None, IDS[3]),
        ((), IDS[-1], None, IDS[0]),  # the last question wraps round to the first
        (tuple(IDS[1:-1]), IDS[-1], None, IDS[0]),
        (tuple(IDS[:-1]), IDS[0], None, IDS[-1]),
        ((), None, "7.2", "7.2-a"),  # from the start of a clause, its first question included
        (tuple(IDS), None, None, None),  # all graded: nothing left, the way on is the report
        (tuple(IDS[1:]), IDS[0], None, None),  # only the question just left is open
    ],
)
def test_next_unanswered(graded, after, clause, expected):
    found = next_unanswered(CHECKLIST, answered(*graded), after=after, clause=clause)
    assert (found.id if found else None) == expected


def test_an_answer_without_a_grade_is_still_unanswered():
    answers = answered(IDS[1], grade=None)
    assert next_unanswered(CHECKLIST, answers, after=IDS[0]).id == IDS[1]
