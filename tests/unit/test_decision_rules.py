"""Who may decide a file and which outcomes fit it (17021-1 9.5, 9.6; domain.md 6 and 7)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from certification.decisions.rules import (
    FileFacts,
    FindingFacts,
    decision_day_problem,
    decision_problem,
    earlier_audits_problem,
    findings_problem,
    impartiality_problem,
    outcome_problem,
    rating_problem,
    relied_positions,
    restoration_problem,
    stage2_majors_problem,
)

TODAY = date(2026, 11, 24)
ORG = 7


def conflict(kind="consultancy", ended_on=None, organisation_id=ORG):
    return SimpleNamespace(kind=kind, ended_on=ended_on, organisation_id=organisation_id)


@pytest.mark.parametrize(
    ("member", "team", "conflicts", "expected"),
    [
        (1, [2, 3], [], None),
        (2, [2, 3], [], "audit_team"),
        (1, [], [conflict()], "conflict"),
        (1, [], [conflict(organisation_id=99)], None),
        # Consultancy bars for two years after it ended; the second anniversary is free.
        (1, [], [conflict(ended_on=date(2025, 1, 1))], "conflict"),
        (1, [], [conflict(ended_on=date(2024, 11, 24))], None),
        (1, [], [conflict(kind="other", ended_on=date(2026, 11, 23))], None),
        (1, [], [conflict(kind="other", ended_on=date(2026, 11, 24))], "conflict"),
        # On the team and conflicted: the team is named first.
        (2, [2], [conflict()], "audit_team"),
    ],
)
def test_impartiality(member, team, conflicts, expected):
    assert impartiality_problem(member, team, conflicts, ORG, TODAY) == expected


CLEAN: list[tuple[str, str]] = []
OPEN_MAJOR = [("major", "plan_accepted")]
CLOSED_MAJOR = [("major", "closed")]
OPEN_MINOR = [("minor", "answered")]
PLANNED_MINOR = [("minor", "plan_accepted"), ("observation", "open"), ("ofi", "open")]


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        (CLEAN, None),
        (OPEN_MAJOR, "open_major"),
        (CLOSED_MAJOR, None),
        (OPEN_MINOR, "minor_without_plan"),
        (PLANNED_MINOR, None),
        ([("minor", "closed")], None),
        (OPEN_MINOR + OPEN_MAJOR, "open_major"),
        ([("observation", "open")], None),
    ],
)
def test_findings_problem(findings, expected):
    assert findings_problem(findings) == expected


@pytest.mark.parametrize(
    ("outcome", "kind", "findings", "certificate", "expected"),
    [
        # Initial certification after stage 2.
        ("grant", "stage2", CLEAN, None, None),
        ("grant", "stage2", PLANNED_MINOR, None, None),
        ("grant", "stage2", CLOSED_MAJOR, None, None),
        ("grant", "stage2", OPEN_MAJOR, None, "open_major"),
        ("grant", "stage2", OPEN_MINOR, None, "minor_without_plan"),
        ("grant", "stage2", CLEAN, "active", "already_certified"),
        ("grant", "stage2", CLEAN, "suspended", "already_certified"),
        ("grant", "stage2", CLEAN, "expired", None),  # a new initial after a long lapse
        ("refuse", "stage2", OPEN_MAJOR, None, None),
        ("more_information", "stage2", OPEN_MAJOR, None, None),
        ("maintain", "stage2", CLEAN, None, "not_for_audit_kind"),
        ("renew", "stage2", CLEAN, None, "not_for_audit_kind"),
        # Stage 1 is not decided by the committee: it ends with the lead's conclusion (9.3.1).
        ("grant", "stage1", CLEAN, None, "not_for_audit_kind"),
        ("accept_report", "stage1", CLEAN, None, "not_for_audit_kind"),
        ("refuse", "stage1", CLEAN, None, "not_for_audit_kind"),
        ("accept_report", "stage2", CLEAN, None, "not_for_audit_kind"),
        # Surveillance.
        ("maintain", "surveillance1", CLEAN, "active", None),
        ("maintain", "surveillance2", OPEN_MAJOR, "active", "open_major"),
        ("maintain", "surveillance1", CLEAN, "suspended", "certificate_state"),
        ("maintain", "surveillance1", CLEAN, None, "no_certificate"),
        ("suspend", "surveillance1", OPEN_MAJOR, "active", None),
        ("suspend", "surveillance1", CLEAN, "suspended", "certificate_state"),
        ("restore", "special", CLEAN, "suspended", None),
        ("restore", "special", OPEN_MAJOR, "suspended", "open_major"),
        ("withdraw", "surveillance2", OPEN_MAJOR, "suspended", None),
        ("reduce_scope", "surveillance1", OPEN_MAJOR, "active", None),
        ("extend_scope", "special", CLEAN, "active", None),
        ("extend_scope", "special", OPEN_MINOR, "active", "minor_without_plan"),
        ("more_information", "surveillance1", CLEAN, "active", None),
        ("grant", "surveillance1", CLEAN, "active", "not_for_audit_kind"),
        # Recertification.
        ("renew", "recertification", CLEAN, "active", None),
        ("renew", "recertification", OPEN_MAJOR, "active", "open_major"),
        ("renew", "recertification", PLANNED_MINOR, "active", None),
        ("renew", "recertification", CLEAN, "withdrawn", "certificate_state"),
        ("renew", "recertification", CLEAN, "expired", "certificate_state"),
        ("restore", "recertification", CLEAN, "expired", None),
        # 9.6.3.2.5: only a recertification brings an expired certificate back.
        ("restore", "surveillance1", CLEAN, "expired", "restoration_needs_recertification"),
        ("restore", "special", CLEAN, "expired", "restoration_needs_recertification"),
        ("restore", "surveillance2", CLEAN, "suspended", None),
        ("restore", "recertification", OPEN_MAJOR, "expired", "open_major"),
        ("refuse", "recertification", CLEAN, "active", None),
        ("more_information", "recertification", CLEAN, "active", None),
        ("suspend", "recertification", CLEAN, "active", "not_for_audit_kind"),
        ("nonsense", "stage2", CLEAN, None, "unknown_outcome"),
    ],
)
def test_outcome_problem(outcome, kind, findings, certificate, expected):
    assert outcome_problem(outcome, kind, findings, certificate) == expected


@pytest.mark.parametrize(
    ("expired_on", "expected"),
    [
        (date(2026, 6, 1), None),  # restoration deadline 2026-12-01 not passed
        (date(2026, 5, 24), None),  # deadline 2026-11-24: the last day still counts
        (date(2026, 5, 23), "restoration_window_passed"),
    ],
)
def test_restoration_after_expiry_within_six_months(expired_on, expected):
    problem = outcome_problem(
        "restore",
        "recertification",
        CLEAN,
        "expired",
        certificate_expires_on=expired_on,
        today=TODAY,
    )
    assert problem == expected


@pytest.mark.parametrize(
    ("expired_on", "audit_last_day", "today", "expected"),
    [
        # The recertification audit and the decision both fall in the 6 months after expiry.
        (date(2026, 6, 1), date(2026, 11, 20), date(2026, 11, 24), None),
        (date(2026, 6, 1), date(2026, 12, 1), date(2026, 12, 1), None),
        (date(2026, 6, 1), date(2026, 12, 2), date(2026, 12, 2), "restoration_window_passed"),
        # Audit in time, decision too late: refused as well.
        (date(2026, 6, 1), date(2026, 11, 30), date(2026, 12, 2), "restoration_window_passed"),
    ],
)
def test_restoration_needs_audit_and_decision_in_the_window(
    expired_on, audit_last_day, today, expected
):
    assert restoration_problem("recertification", expired_on, audit_last_day, today) == expected


@pytest.mark.parametrize("kind", ["surveillance1", "surveillance2", "special", "stage2"])
def test_only_a_recertification_restores_an_expired_certificate(kind):
    problem = restoration_problem(kind, date(2026, 10, 1), date(2026, 11, 1), TODAY)
    assert problem == "restoration_needs_recertification"


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [
        (date(2026, 11, 23), None),
        (TODAY, None),  # the last day itself: the audit is finished that evening
        (date(2026, 11, 25), "before_last_day"),
        (None, "before_last_day"),  # an audit without dates has not taken place
    ],
)
def test_no_decision_before_the_audit_ends(last_day, expected):
    assert decision_day_problem(last_day, TODAY) == expected


@pytest.mark.parametrize(
    ("outcome", "earlier", "expected"),
    [
        ("grant", [("stage1", "closed")], None),
        ("grant", [("stage1", "closed"), ("stage2", "cancelled")], None),
        ("grant", [("stage1", "in_progress")], "earlier_audit_open"),
        ("grant", [("stage1", "closed"), ("stage2", "submitted")], "earlier_audit_open"),
        (
            "renew",
            [("surveillance1", "closed"), ("surveillance2", "planned")],
            "earlier_audit_open",
        ),
        ("renew", [("surveillance1", "closed"), ("surveillance2", "closed")], None),
        # Other outcomes do not conclude the cycle's file.
        ("refuse", [("stage1", "in_progress")], None),
        ("maintain", [("surveillance1", "returned")], None),
    ],
)
def test_a_grant_needs_every_earlier_audit_closed(outcome, earlier, expected):
    assert earlier_audits_problem(outcome, earlier) == expected


@pytest.mark.parametrize(
    "audits, expected",
    [
        # A stage 2 refused and conducted again: the decision rests on the new one.
        ([("stage1", "closed"), ("stage2", "closed"), ("stage2", "submitted")], [0, 2]),
        # Stage 1 conducted again (not ready, or past its validity): the latest one counts.
        ([("stage1", "closed"), ("stage1", "closed"), ("stage2", "submitted")], [1, 2]),
        (
            [("stage1", "closed"), ("stage1", "closed"), ("stage2", "closed")]
            + [("stage2", "submitted")],
            [1, 3],
        ),
        # A cancelled repeat replaces nothing; a cancelled audit is not relied on.
        ([("stage1", "closed"), ("stage1", "cancelled"), ("stage2", "submitted")], [0, 2]),
        ([("stage1", "closed"), ("stage2", "cancelled"), ("stage2", "submitted")], [0, 2]),
        # The first stage 2, decided before any repeat, rests on itself.
        ([("stage1", "closed"), ("stage2", "submitted")], [0, 1]),
        # Surveillances and the recertification are never conducted again: all count.
        (
            [("stage1", "closed"), ("stage2", "closed"), ("surveillance1", "closed")]
            + [("surveillance2", "closed"), ("special", "closed")]
            + [("recertification", "submitted")],
            [0, 1, 2, 3, 4, 5],
        ),
        ([("surveillance1", "closed"), ("surveillance2", "cancelled"), ("recertification", "x")],
         [0, 2]),
    ],
)  # fmt: skip
def test_a_stage_conducted_again_replaces_the_earlier_one(audits, expected):
    assert relied_positions(audits) == expected


STAGE2_END = date(2026, 3, 10)  # majors verified by 2026-09-10


def major(state="closed", verified_on=None, kind="stage2", last_day=STAGE2_END):
    return FindingFacts("major", state, kind, last_day, verified_on)


@pytest.mark.parametrize(
    ("outcome", "findings", "today", "expected"),
    [
        ("grant", [major(verified_on=date(2026, 9, 10))], TODAY, None),
        ("grant", [major(verified_on=date(2026, 9, 11))], TODAY, "stage2_major_late"),
        ("grant", [major("plan_accepted")], date(2026, 9, 10), None),
        ("grant", [major("plan_accepted")], date(2026, 9, 11), "stage2_major_late"),
        ("grant", [major(verified_on=None)], TODAY, None),  # verified before the day was kept
        ("grant", [major(kind="stage1", verified_on=date(2026, 10, 1))], TODAY, None),
        ("grant", [FindingFacts("minor", "plan_accepted", "stage2", STAGE2_END)], TODAY, None),
        ("refuse", [major("open")], TODAY, None),
    ],
)
def test_stage2_majors_verified_within_six_months(outcome, findings, today, expected):
    assert stage2_majors_problem(outcome, findings, today) == expected


def facts(**kw) -> FileFacts:
    values = dict(audit_kind="stage2", first_day=date(2026, 11, 2), last_day=date(2026, 11, 3))
    return FileFacts(**(values | kw))


@pytest.mark.parametrize(
    ("outcome", "file", "expected"),
    [
        ("grant", facts(), None),
        ("grant", facts(last_day=date(2026, 11, 25)), "before_last_day"),
        ("refuse", facts(last_day=date(2026, 11, 25)), "before_last_day"),
        ("grant", facts(earlier_audits=(("stage1", "submitted"),)), "earlier_audit_open"),
        ("grant", facts(findings=(major("open", last_day=date(2026, 11, 3)),)), "open_major"),
        ("grant", facts(findings=(major("open", last_day=date(2026, 4, 1)),)), "stage2_major_late"),
        ("accept_report", facts(audit_kind="stage1"), "not_for_audit_kind"),
        ("nonsense", facts(), "unknown_outcome"),
        (
            "restore",
            facts(
                audit_kind="surveillance1",
                certificate_state="expired",
                certificate_expires_on=date(2026, 10, 1),
            ),
            "restoration_needs_recertification",
        ),
        (
            "restore",
            facts(
                audit_kind="recertification",
                certificate_state="expired",
                certificate_expires_on=date(2026, 10, 1),
            ),
            None,
        ),
    ],
)
def test_decision_problem_checks_every_rule(outcome, file, expected):
    assert decision_problem(outcome, file, TODAY) == expected


@pytest.mark.parametrize(
    ("outcome", "rating", "expected"),
    [
        ("grant", "ok", None),
        ("grant", None, None),  # a scheme without a rating
        ("grant", "withheld", "no_rating"),
        ("grant", "below_lowest_band", "below_lowest_band"),
        ("maintain", "below_lowest_band", "below_lowest_band"),
        ("renew", "withheld", "no_rating"),
        ("restore", "below_lowest_band", "below_lowest_band"),
        # Outcomes that keep no certificate on the rating are not held back by it.
        ("refuse", "below_lowest_band", None),
        ("suspend", "withheld", None),
        ("withdraw", "below_lowest_band", None),
    ],
)
def test_no_certificate_below_the_lowest_star_band(outcome, rating, expected):
    assert rating_problem(outcome, rating) == expected


MISSED_S1 = ("surveillance1", "planned", date(2026, 10, 24))  # due a month ago, not held


@pytest.mark.parametrize(
    ("outcome", "file", "expected"),
    [
        # Surveillance 2's or a special audit's file does not lift a suspension while
        # surveillance 1 is past due and not decided (17021-1 9.6.2, 9.6.5).
        (
            "restore",
            facts(
                audit_kind="surveillance2",
                certificate_state="suspended",
                certificate_audits=(MISSED_S1,),
            ),
            "missed_audit_awaited",
        ),
        (
            "restore",
            facts(
                audit_kind="special",
                certificate_state="suspended",
                certificate_audits=(("surveillance1", "submitted", date(2026, 10, 24)),),
            ),
            "missed_audit_awaited",
        ),
        # The missed audit's own file restores (it is not among the other audits), as does
        # one once the missed audit is decided, or one not yet due.
        ("restore", facts(audit_kind="surveillance1", certificate_state="suspended"), None),
        (
            "restore",
            facts(
                audit_kind="surveillance2",
                certificate_state="suspended",
                certificate_audits=(("surveillance1", "closed", date(2026, 10, 24)),),
            ),
            None,
        ),
        (
            "restore",
            facts(
                audit_kind="surveillance2",
                certificate_state="suspended",
                certificate_audits=(("recertification", "planned", TODAY),),
            ),
            None,
        ),
        # Other outcomes on such a file are not held back by it.
        (
            "withdraw",
            facts(
                audit_kind="surveillance2",
                certificate_state="suspended",
                certificate_audits=(MISSED_S1,),
            ),
            None,
        ),
    ],
)
def test_a_suspension_is_not_lifted_on_another_file_while_a_missed_audit_waits(
    outcome, file, expected
):
    assert decision_problem(outcome, file, TODAY) == expected
