"""Who may decide a file and which outcomes fit it (17021-1 9.5, 9.6; domain.md 6 and 7)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from certification.decisions.rules import findings_problem, impartiality_problem, outcome_problem

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
        ("grant", "stage1", CLEAN, None, "not_for_audit_kind"),
        # Stage 1: the report is accepted (stage 2 may go ahead) even with findings open.
        ("accept_report", "stage1", OPEN_MAJOR, None, None),
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
