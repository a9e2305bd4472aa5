"""Audit plan rules: the MD 1 site sample, the timetable's hours, the 9.2.3 items."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from types import SimpleNamespace

import pytest

from certification.audit_time import random_share, sample_size
from certification.plans import rules
from certification.plans.rules import Candidate, choose_sites


def sites(others: int, visited: tuple[int, ...] = ()) -> list[Candidate]:
    """The central function (id 1) and `others` sites (ids 2...), the larger the higher id."""
    central = [Candidate(1, "Head office", 50, is_central=True)]
    return central + [
        Candidate(i, f"Branch {i}", 10 * i, visited=i in visited) for i in range(2, others + 2)
    ]


@pytest.mark.parametrize("others", [1, 3, 8, 15, 24])
@pytest.mark.parametrize("kind", ["stage2", "surveillance1", "recertification"])
def test_the_sample_is_the_md1_size_with_the_central_function_and_a_random_quarter(others, kind):
    chosen = choose_sites(sites(others), kind, seed=7)
    size = sample_size(others + 1, rules.SAMPLE_KIND[kind])
    assert len(chosen.chosen) == min(size, others + 1)
    reasons = [reason for _site, reason in chosen.chosen]
    assert reasons[0] == "central" and chosen.chosen[0][0].id == 1
    assert len(set(chosen.ids)) == len(chosen.ids)
    if size < others + 1:
        assert reasons.count("random") >= random_share(size - 1)
        assert reasons.count("random") * 4 >= size - 1
    else:
        assert set(reasons[1:]) <= {"all"}


def test_the_same_seed_gives_the_same_draw_and_another_seed_may_not():
    first = choose_sites(sites(24), "stage2", seed=4821)
    again = choose_sites(sites(24), "stage2", seed=4821)
    assert first.ids == again.ids
    draws = {tuple(choose_sites(sites(24), "stage2", seed=s).ids) for s in range(20)}
    assert len(draws) > 1


def test_sites_not_yet_visited_come_first_over_the_cycle():
    visited = (2, 3, 4, 5, 6, 7)
    chosen = choose_sites(sites(15, visited), "surveillance1", seed=3)
    picked = [site for site, reason in chosen.chosen if reason != "central"]
    assert all(not site.visited for site in picked)
    assert chosen.random_pool == "unvisited"
    # the ones not drawn at random are the largest of those not yet visited
    covered = [site.id for site, reason in chosen.chosen if reason == "coverage"]
    rest = sorted(
        (s for s in sites(15, visited)[1:] if not s.visited and s.id not in chosen.ids[:1]),
        key=lambda s: -s.personnel,
    )
    drawn = {site.id for site, reason in chosen.chosen if reason == "random"}
    assert covered == [s.id for s in rest if s.id not in drawn][: len(covered)]


def test_when_every_site_was_visited_the_random_draw_takes_from_all():
    chosen = choose_sites(sites(8, tuple(range(2, 10))), "surveillance2", seed=1)
    assert chosen.random_pool == "all"
    assert {reason for _s, reason in chosen.chosen} <= {"central", "random", "coverage_visited"}


@pytest.mark.parametrize("central", [0, 2])
def test_exactly_one_central_function_is_required(central):
    candidates = [Candidate(i, f"S{i}", is_central=i <= central) for i in range(1, 5)]
    with pytest.raises(rules.PlanRuleError) as raised:
        choose_sites(candidates, "stage2", seed=1)
    assert raised.value.code == "central_function"


@pytest.mark.parametrize("days, team", [(0.5, 1), (1, 1), (2.5, 2), (4, 3), (7.5, 2), (1, 4)])
def test_the_default_timetable_adds_up_to_the_audit_time(days, team):
    auditors = [f"Auditor {i}" for i in range(team)]
    blocks = [("Clause 4", "4"), ("Clause 7", "7"), ("Clause 8", "8")]
    lines = rules.default_timetable(
        date(2026, 5, 4), date(2026, 5, 6), days, auditors, "Opening", "Closing", blocks
    )
    assert sum(line.auditor_hours for line in lines) == Fraction(str(days)) * 8
    assert [line.activity for line in lines] == [
        "Opening",
        "Clause 4",
        "Clause 7",
        "Clause 8",
        "Closing",
    ]
    assert all(line.auditor_hours >= 0 for line in lines)
    assert all(date(2026, 5, 4) <= line.day <= date(2026, 5, 6) for line in lines)
    assert all(rules.valid_clock(line.starts) and rules.valid_clock(line.ends) for line in lines)


@pytest.mark.parametrize(
    "hours, days, problem",
    [
        ([8, 8], 2, None),
        ([4, 4.5], 1, (Fraction(17, 2), Fraction(8))),
        ([], 0.5, (Fraction(0), Fraction(4))),
        (["3.25", "0.75"], 0.5, None),
    ],
)
def test_hours_problem(hours, days, problem):
    assert rules.hours_problem(hours, days) == problem


@pytest.mark.parametrize(
    "text, ok",
    [
        ("09:00", True),
        ("17:30", True),
        ("9", False),
        ("25:00", False),
        ("12:60", False),
        ("", False),
        ("ab:cd", False),
    ],
)
def test_valid_clock(text, ok):
    assert rules.valid_clock(text) is ok


def test_missing_items_names_each_9_2_3_item():
    empty = SimpleNamespace(
        objectives=" ",
        scope="",
        criteria="",
        start_date=None,
        end_date=None,
        sites=[],
        activities=[],
        team=[SimpleNamespace(role="auditor")],
        representative="",
        language="",
        confidentiality="",
    )
    assert rules.missing_items(empty) == list(rules.PLAN_ITEMS)
    full = SimpleNamespace(
        objectives="o",
        scope="s",
        criteria="c",
        start_date=date.today(),
        end_date=date.today(),
        sites=[1],
        activities=[1],
        team=[SimpleNamespace(role="lead")],
        representative="r",
        language="tr",
        confidentiality="k",
    )
    assert rules.missing_items(full) == []
