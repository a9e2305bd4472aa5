"""Audit time (IAF MD 5 table QMS 1) and multi-site sampling (IAF MD 1). Values by hand."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from certification.audit_time import (
    MAX_REDUCTION_PERCENT,
    AuditTimeError,
    Band,
    SampleSites,
    compute_audit_time,
    random_share,
    round_half_day,
    sample_size,
    table_band,
    table_days,
)

# Both ends of every band of table QMS 1 as domain.md prints it.
QMS1_BOUNDARIES = [
    (1, 1.5), (5, 1.5), (6, 2), (10, 2), (11, 2.5), (15, 2.5), (16, 3), (25, 3),
    (26, 4), (45, 4), (46, 5), (65, 5), (66, 6), (85, 6), (86, 7), (125, 7),
    (126, 8), (175, 8), (176, 9), (275, 9), (276, 10), (425, 10), (426, 11), (625, 11),
    (626, 12), (875, 12), (876, 13), (1175, 13), (1176, 14), (1550, 14), (1551, 15),
    (2025, 15), (2026, 16), (2675, 16), (2676, 17), (3450, 17), (3451, 18), (4350, 18),
    (4351, 19), (5450, 19), (5451, 20), (6800, 20), (6801, 21), (8500, 21), (8501, 22),
    (10700, 22),
]  # fmt: skip


@pytest.mark.parametrize("personnel, days", QMS1_BOUNDARIES)
def test_table_days_at_every_band_boundary(personnel, days):
    assert table_days(personnel) == days


# Above 10,700: band k is 2200 x 1.25^k wide, rounded up to a multiple of 25:
# 2750, 3437.5 -> 3450, 4296.9 -> 4300, 5371.1 -> 5375, 6713.9 -> 6725, 8392.3 -> 8400.
@pytest.mark.parametrize(
    "personnel, days",
    [
        (10701, 23),
        (13450, 23),
        (13451, 24),
        (16900, 24),
        (16901, 25),
        (21200, 25),
        (21201, 26),
        (26575, 26),
        (26576, 27),
        (33300, 27),
        (33301, 28),
        (41700, 28),
        (41701, 29),
    ],
)
def test_table_days_follow_the_progression_above_10700(personnel, days):
    assert table_days(personnel) == days


@pytest.mark.parametrize(
    "personnel, band",
    [
        (3, Band(1, 5, 1.5)),
        (100, Band(86, 125, 7.0)),
        (10700, Band(8501, 10700, 22.0)),
        (15000, Band(13451, 16900, 24.0)),
    ],
)
def test_table_band_names_the_row_for_the_quote_justification(personnel, band):
    assert table_band(personnel) == band


@pytest.mark.parametrize("personnel", [0, -5])
def test_table_days_needs_at_least_one_person(personnel):
    with pytest.raises(ValueError, match="effective personnel must be at least 1"):
        table_days(personnel)


@pytest.mark.parametrize(
    "value, rounded",
    [
        (2.25, 2.5),  # exact quarter rounds up
        (2.75, 3.0),
        (4.75, 5.0),
        (1.25, 1.5),
        (0.75, 1.0),
        (1.24, 1.0),
        (1.26, 1.5),
        (1.2499999, 1.0),
        (0.1 + 0.15, 0.5),  # float noise does not push a quarter down
        (2.675, 2.5),
        (7, 7.0),
        (Decimal("6.3"), 6.5),
        (Fraction(7, 3), 2.5),
    ],
)
def test_round_half_day(value, rounded):
    assert round_half_day(value) == rounded


@pytest.mark.parametrize(
    "personnel, adjust, initial, stage1, stage2, surveillance, recertification",
    [
        (120, 0, 7.0, 2.5, 4.5, 2.5, 4.5),  # 7/3 = 2.33 -> 2.5; 14/3 = 4.67 -> 4.5
        (120, -10, 6.5, 2.0, 4.5, 2.0, 4.5),  # 6.3 -> 6.5; 2.17 -> 2; 4.33 -> 4.5
        (30, 25, 5.0, 1.5, 3.5, 1.5, 3.5),  # 4 x 1.25
        (16, 25, 4.0, 1.5, 2.5, 1.5, 2.5),  # 3.75 rounds up to 4
        (16, -25, 2.5, 1.0, 1.5, 1.0, 1.5),  # 2.25 rounds up to 2.5
        (10, 12.5, 2.5, 1.0, 1.5, 1.0, 1.5),  # 2.25 -> 2.5
        (45, -30, 3.0, 1.0, 2.0, 1.0, 2.0),  # 2.8 -> 3
        # MD 5: rounding never takes a reduced time under 70% of the table: 1.05 -> 1.5, not 1.
        (3, -30, 1.5, 0.5, 1.0, 0.5, 1.0),
        (2025, 0, 15.0, 5.0, 10.0, 5.0, 10.0),
    ],
)
def test_compute_audit_time(
    personnel, adjust, initial, stage1, stage2, surveillance, recertification
):
    result = compute_audit_time(personnel, adjust_percent=adjust)
    assert (
        result.initial_days,
        result.stage1_days,
        result.stage2_days,
        result.surveillance_days,
        result.recertification_days,
    ) == (initial, stage1, stage2, surveillance, recertification)


def test_stage_split_follows_the_policy_share():
    result = compute_audit_time(120, stage1_share=Fraction(1, 2))
    assert (result.stage1_days, result.stage2_days) == (3.5, 3.5)


def test_stage_1_never_gets_less_than_half_a_day():
    result = compute_audit_time(7, adjust_percent=-30, stage1_share=Fraction(1, 10))
    assert (result.initial_days, result.stage1_days, result.stage2_days) == (1.5, 0.5, 1.0)


def test_a_reduction_of_exactly_30_percent_is_allowed():
    assert compute_audit_time(100, adjust_percent=-MAX_REDUCTION_PERCENT).initial_days == 5.0


@pytest.mark.parametrize("adjust", [-30.5, -31, -100])
def test_a_reduction_beyond_30_percent_is_refused(adjust):
    with pytest.raises(AuditTimeError, match=r"reduction can be at most 30%"):
        compute_audit_time(100, adjust_percent=adjust)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"personnel": 0}, "effective personnel must be at least 1, got 0"),
        ({"personnel": -3}, "effective personnel must be at least 1, got -3"),
        ({"personnel": 10, "sites": 0}, "number of sites must be at least 1, got 0"),
        ({"personnel": 10, "adjust_percent": float("nan")}, "not a finite number"),
        ({"personnel": 10, "stage1_share": Fraction(1)}, "stage 1 share must be between 0 and 1"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(AuditTimeError, match=message):
        compute_audit_time(**kwargs)


def test_audit_time_error_is_a_value_error():
    assert issubclass(AuditTimeError, ValueError)


def test_to_dict_has_the_cli_json_shape():
    result = compute_audit_time(120, sites=10, adjust_percent=-10)
    assert json.loads(json.dumps(result.to_dict())) == {
        "employees": 120,
        "sites": 10,
        "table_days": 7.0,
        "adjustment_percent": -10.0,
        "initial_days": 6.5,
        "stage1_days": 2.0,
        "stage2_days": 4.5,
        "surveillance_days": 2.0,
        "recertification_days": 4.5,
        "sample_sites": {"initial": 4, "surveillance": 3, "recertification": 4},
        "site_times": [],
    }


@pytest.mark.parametrize(
    "sites, initial, surveillance, recertification",
    [
        # `sites` counts the central function too; n = the other sites.
        (1, 1, 1, 1),
        (2, 2, 2, 2),  # n = 1: no sampling, every site at every audit
        (3, 3, 2, 3),  # EA on MD 1: central + 2 sites -> central + 2, + 1, + 2
        (4, 3, 3, 3),  # n = 3: 1.73, 1.04, 1.39
        (10, 4, 3, 4),  # n = 9: exactly 3, 1.8, 2.4
        (26, 6, 4, 5),  # n = 25: exactly 5, 3, 4: no rounding up past a whole number
        (27, 7, 5, 6),  # n = 26: 5.10, 3.06, 4.08
        (101, 11, 7, 9),  # n = 100
        (102, 12, 8, 10),  # n = 101: 10.05, 6.03, 8.04
    ],
)
def test_sample_size(sites, initial, surveillance, recertification):
    assert sample_size(sites, "initial") == initial
    assert sample_size(sites, "surveillance") == surveillance
    assert sample_size(sites, "recertification") == recertification


def test_sample_size_refuses_an_unknown_audit_kind():
    with pytest.raises(AuditTimeError, match="audit kind must be one of"):
        sample_size(9, "stage1")


def test_sample_size_needs_at_least_one_site():
    with pytest.raises(AuditTimeError, match="number of sites must be at least 1"):
        sample_size(0, "initial")


@pytest.mark.parametrize("sample, chosen", [(0, 0), (1, 1), (3, 1), (4, 1), (5, 2), (8, 2), (9, 3)])
def test_random_share_is_at_least_a_quarter(sample, chosen):
    assert random_share(sample) == chosen


@pytest.mark.parametrize(
    "personnel, adjust, initial",
    [
        # IAF MD 5: round to the nearest half day, but never under 70% of the table value.
        (3, -30, 1.5),  # table 1.5: 1.05 would round to 1 (66.7%): rounds up instead
        (10, -30, 1.5),  # table 2: 1.4 -> 1.5
        (15, -30, 2.0),  # table 2.5: 1.75 -> 2 (a quarter rounds up)
        (700, -30, 8.5),  # table 12: 8.4 -> 8.5
        (1000, -30, 9.5),  # table 13: 9.1 would round to 9 (69.2%): 9.5
        (1000, -29, 9.5),  # 9.23 -> 9 (69.2%): 9.5
        (1000, -25, 10.0),  # 9.75 -> 10
        (1200, -30, 10.0),  # table 14: 9.8 -> 10
        (3000, -30, 12.0),  # table 17: 11.9 -> 12
    ],
)
def test_a_reduction_never_rounds_below_70_percent(personnel, adjust, initial):
    result = compute_audit_time(personnel, adjust_percent=adjust)
    assert result.initial_days == initial
    assert result.initial_days >= 0.7 * result.table_days


def test_md1_time_is_the_central_function_plus_each_sampled_site():
    # 5 sites: central 710 people (12 days), others 210, 180 (9 each), 60 (5), 40 (4).
    result = compute_audit_time(1200, site_personnel=[710, 210, 180, 60, 40])
    assert result.sites == 5
    assert result.sample_sites == SampleSites(3, 3, 3)  # n = 4: 2, 1.2 -> 2, 1.6 -> 2
    sites = {s.index: s for s in result.site_times}
    assert [sites[i].initial_days for i in range(5)] == [12, 9, 9, 5, 4]
    assert sites[0].central and not sites[1].central
    # The estimate takes the central function and the largest sites of each sample.
    assert result.initial_days == 12 + 9 + 9
    assert result.surveillance_days == 4 + 3 + 3
    assert result.recertification_days == 8 + 6 + 6
    assert (result.stage1_days, result.stage2_days) == (10, 20)


@pytest.mark.parametrize(
    "adjust, site_reduction, site_days",
    [
        (0, 50, 4.5),  # table 9 halved
        (-10, 40, 4.5),  # 50% in all
        (0, 45, 5.0),  # 4.95 -> 5
        (0, 0, 9.0),
    ],
)
def test_a_sampled_sites_time_is_reduced_at_most_50_percent(adjust, site_reduction, site_days):
    result = compute_audit_time(
        400, site_personnel=[200, 200], adjust_percent=adjust, site_reduction_percent=site_reduction
    )
    assert result.site_times[1].initial_days == site_days
    assert result.site_times[1].initial_days >= 0.5 * result.site_times[1].table_days


@pytest.mark.parametrize("adjust, site_reduction", [(0, 51), (-10, 41), (0, -5)])
def test_a_sampled_site_reduced_beyond_50_percent_is_refused(adjust, site_reduction):
    with pytest.raises(AuditTimeError, match="IAF MD 1"):
        compute_audit_time(
            400,
            site_personnel=[200, 200],
            adjust_percent=adjust,
            site_reduction_percent=site_reduction,
        )
