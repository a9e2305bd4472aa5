"""Audit time (IAF MD 5, table QMS 1, used for ISO 10002) and multi-site sampling (IAF MD 1).

Pure: no Flask, no database. Day arithmetic is exact (Fraction), so that a half-day boundary
such as 2.25 rounds the same way every time; results are returned as floats in half days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

# IAF MD 5: a reduction can be at most 30% of the table value, and rounding never takes the
# reduced time below 70% of it.
MAX_REDUCTION_PERCENT = 30
FLOOR = Fraction(70, 100)
# IAF MD 1: a sampled site's time may be reduced by at most 50%.
MAX_SITE_REDUCTION_PERCENT = 50

# IAF MD 5 table QMS 1: (highest effective personnel of the band, initial audit days).
QMS1_TABLE: tuple[tuple[int, float], ...] = (
    (5, 1.5),
    (10, 2),
    (15, 2.5),
    (25, 3),
    (45, 4),
    (65, 5),
    (85, 6),
    (125, 7),
    (175, 8),
    (275, 9),
    (425, 10),
    (625, 11),
    (875, 12),
    (1175, 13),
    (1550, 14),
    (2025, 15),
    (2675, 16),
    (3450, 17),
    (4350, 18),
    (5450, 19),
    (6800, 20),
    (8500, 21),
    (10700, 22),
)

# Above 10,700 the table "keeps following the progression": each band one day more and about 25%
# wider than the last. Rule chosen here: the k-th band beyond the table is 2200 x 1.25^k people
# wide (2200 = width of the last band, 8501-10700), rounded UP to a multiple of 25 (every band
# width from 126 upwards in the table is a multiple of 25). Computed from the exact power, not
# compounded from rounded widths. So: 10701-13450 -> 23, 13451-16900 -> 24, 16901-21200 -> 25,
# 21201-26575 -> 26, 26576-33300 -> 27, ...
_LAST_BAND_WIDTH = 2200
_BAND_GROWTH = Fraction(5, 4)
_BAND_WIDTH_STEP = 25

SAMPLE_FACTORS = {
    "initial": Fraction(1),
    "surveillance": Fraction(3, 5),
    "recertification": Fraction(4, 5),
}

HALF = Fraction(1, 2)


class AuditTimeError(ValueError):
    """Input that IAF MD 5 does not allow (no personnel, too large a reduction...)."""


@dataclass(frozen=True)
class Band:
    """One row of table QMS 1: effective personnel from `low` to `high` take `days`."""

    low: int
    high: int
    days: float


@dataclass(frozen=True)
class SampleSites:
    """Sites to visit per audit (IAF MD 1); each count includes the central function."""

    initial: int
    surveillance: int
    recertification: int


@dataclass(frozen=True)
class SiteTime:
    """One site's own audit time (IAF MD 1), from MD 5 for the personnel working there."""

    index: int  # 0: the central function; then the sites in the order given
    personnel: int
    central: bool
    table_days: float
    adjustment_percent: float
    initial_days: float
    surveillance_days: float
    recertification_days: float


@dataclass(frozen=True)
class AuditTime:
    """The audit time of one cycle, in auditor-days (8 hours), rounded to half days."""

    employees: int
    sites: int
    table_days: float
    adjustment_percent: float
    initial_days: float
    stage1_days: float
    stage2_days: float
    surveillance_days: float
    recertification_days: float
    sample_sites: SampleSites
    site_times: tuple[SiteTime, ...] = ()

    def to_dict(self) -> dict:
        """The JSON shape of `flask audit-time --json` and of what a quote freezes."""
        return asdict(self)


def table_band(personnel: int) -> Band:
    """The QMS 1 band (or its progression above 10,700) that holds this effective personnel."""
    if personnel < 1:
        raise AuditTimeError(f"effective personnel must be at least 1, got {personnel}")
    low = 1
    for high, days in QMS1_TABLE:
        if personnel <= high:
            return Band(low, high, float(days))
        low = high + 1
    high, days, k = QMS1_TABLE[-1][0], QMS1_TABLE[-1][1], 0
    while True:
        k += 1
        low, high, days = high + 1, high + _progression_width(k), days + 1
        if personnel <= high:
            return Band(low, high, float(days))


def _progression_width(k: int) -> int:
    """People in the k-th band beyond table QMS 1: 2200 x 1.25^k rounded up to a multiple of 25."""
    steps = math.ceil(_LAST_BAND_WIDTH * _BAND_GROWTH**k / _BAND_WIDTH_STEP)
    return steps * _BAND_WIDTH_STEP


def table_days(personnel: int) -> float:
    """IAF MD 5 table QMS 1: initial audit days (stage 1 + stage 2) for the effective personnel."""
    return table_band(personnel).days


def _exact(x: float | int | Decimal | Fraction) -> Fraction:
    """A number as an exact fraction; a float by its shortest repr, so 2.675 is 2675/1000."""
    try:
        return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)
    except (ValueError, TypeError, OverflowError):
        raise AuditTimeError(f"not a finite number: {x!r}") from None


def _round_half(x: Fraction) -> Fraction:
    return Fraction(math.floor(2 * x + HALF), 2)


def round_half_day(x: float | int | Decimal | Fraction) -> float:
    """IAF MD 5: round to the nearest half day; exact quarters round up (2.25 -> 2.5)."""
    return float(_round_half(_exact(x)))


def _days(x: Fraction) -> Fraction:
    """Rounded to the half day and never below half a day."""
    return max(HALF, _round_half(x))


def _ceil_half(x: Fraction) -> Fraction:
    return Fraction(math.ceil(2 * x), 2)


def reduced_days(table: Fraction, adjust: Fraction, floor: Fraction = FLOOR) -> Fraction:
    """The table time adjusted by `adjust` percent, to the nearest half day; a reduction's
    rounding never goes below `floor` of the table value: it rounds up instead (IAF MD 5)."""
    raw = table * (1 + adjust / 100)
    days = _days(raw)
    if adjust < 0 and days < table * floor:
        days = max(HALF, _ceil_half(raw))
    return days


def compute_audit_time(
    personnel: int,
    sites: int = 1,
    adjust_percent: float = 0,
    stage1_share: Fraction = Fraction(1, 3),
    site_personnel: Sequence[int] | None = None,
    site_reduction_percent: float = 0,
) -> AuditTime:
    """Initial, stage, surveillance and recertification days and the site sample of one cycle.

    With `site_personnel` (the central function first, then every other site) the time follows
    IAF MD 1: the central function's time plus each sampled site's, each from its own personnel;
    a sampled site may be reduced further by `site_reduction_percent`, at most 50% in all.
    """
    if personnel < 1:
        raise AuditTimeError(f"effective personnel must be at least 1, got {personnel}")
    if site_personnel is not None:
        sites = len(site_personnel)
    if sites < 1:
        raise AuditTimeError(f"number of sites must be at least 1, got {sites}")
    adjust = _checked_adjustment(adjust_percent)
    share = _exact(stage1_share)
    if not 0 < share < 1:
        raise AuditTimeError(f"stage 1 share must be between 0 and 1, got {float(share):g}")
    table = _exact(table_days(personnel))
    sample = SampleSites(*(sample_size(sites, kind) for kind in SAMPLE_FACTORS))
    per_site: tuple[SiteTime, ...] = ()
    if site_personnel is not None and sites > 1:
        per_site = site_times(site_personnel, adjust, _exact(site_reduction_percent))
        initial, surveillance, recertification = visited_days(per_site, sample)
    else:
        initial = reduced_days(table, adjust)
        surveillance, recertification = _days(initial / 3), _days(initial * 2 / 3)
    # Each stage gets at least half a day; stage 2 is what is left of the initial time.
    stage1 = min(_days(initial * share), initial - HALF)
    return AuditTime(
        employees=personnel,
        sites=sites,
        table_days=float(table),
        adjustment_percent=float(adjust),
        initial_days=float(initial),
        stage1_days=float(stage1),
        stage2_days=float(initial - stage1),
        surveillance_days=float(surveillance),
        recertification_days=float(recertification),
        sample_sites=sample,
        site_times=per_site,
    )


def _checked_adjustment(adjust_percent) -> Fraction:
    adjust = _exact(adjust_percent)
    if adjust < -MAX_REDUCTION_PERCENT:
        raise AuditTimeError(
            f"a reduction can be at most {MAX_REDUCTION_PERCENT}% of the table value "
            f"(IAF MD 5), got {float(adjust):g}%"
        )
    return adjust


def site_times(
    site_personnel: Sequence[int], adjust: Fraction, site_reduction: Fraction
) -> tuple[SiteTime, ...]:
    """IAF MD 1: each site's time from MD 5 for its own personnel, adjusted like the whole; the
    other sites may be reduced further, at most 50% in all (and rounding never below that)."""
    if not 0 <= site_reduction <= MAX_SITE_REDUCTION_PERCENT:
        raise AuditTimeError(
            f"a sampled site's reduction is 0 to {MAX_SITE_REDUCTION_PERCENT}% (IAF MD 1), "
            f"got {float(site_reduction):g}%"
        )
    site_adjust = adjust - site_reduction
    if site_adjust < -MAX_SITE_REDUCTION_PERCENT:
        raise AuditTimeError(
            f"a sampled site's time can be reduced by at most {MAX_SITE_REDUCTION_PERCENT}% in "
            f"all (IAF MD 1), got {float(-site_adjust):g}%"
        )
    found = []
    for index, people in enumerate(site_personnel):
        central = index == 0
        table = _exact(table_days(max(1, int(people))))
        change = adjust if central else site_adjust
        floor = FLOOR if central else 1 - Fraction(MAX_SITE_REDUCTION_PERCENT, 100)
        initial = reduced_days(table, change, floor)
        found.append(
            SiteTime(
                index=index,
                personnel=int(people),
                central=central,
                table_days=float(table),
                adjustment_percent=float(change),
                initial_days=float(initial),
                surveillance_days=float(_days(initial / 3)),
                recertification_days=float(_days(initial * 2 / 3)),
            )
        )
    return tuple(found)


def visited_days(per_site: Sequence[SiteTime], sample: SampleSites):
    """Initial, surveillance and recertification days: the central function plus the sampled
    sites. Which sites the sample takes is chosen at each audit; the estimate takes the largest."""
    central, others = per_site[0], sorted(per_site[1:], key=lambda s: (-s.personnel, s.index))

    def total(count: int, attribute: str) -> Fraction:
        chosen = [central, *others[: count - 1]]
        return sum((_exact(getattr(site, attribute)) for site in chosen), Fraction(0))

    return (
        total(sample.initial, "initial_days"),
        total(sample.surveillance, "surveillance_days"),
        total(sample.recertification, "recertification_days"),
    )


def sample_size(sites: int, kind: str) -> int:
    """IAF MD 1: the sites to visit, the central function included.

    `sites` counts every site, the central function too; with n = sites - 1 other sites, the
    sample of those is ceil(f * sqrt(n)), f = 1, 0.6, 0.8 (initial, surveillance,
    recertification); with n = 1 there is no sampling: every site at every audit.
    """
    if kind not in SAMPLE_FACTORS:
        raise AuditTimeError(f"audit kind must be one of {', '.join(SAMPLE_FACTORS)}, got {kind!r}")
    if sites < 1:
        raise AuditTimeError(f"number of sites must be at least 1, got {sites}")
    others = sites - 1
    if others <= 1:
        return sites
    return 1 + sampled_others(others, SAMPLE_FACTORS[kind])


def sampled_others(others: int, factor: Fraction) -> int:
    """ceil(factor * sqrt(others)) exactly, in integers: smallest y with (q*y)^2 >= p^2 * n."""
    p, q = factor.numerator, factor.denominator
    target = p * p * others
    y = math.isqrt(target) // q
    while (q * y) ** 2 < target:
        y += 1
    return y


def random_share(sample: int) -> int:
    """IAF MD 1: at least a quarter of the sampled sites (the central function aside) are chosen
    at random."""
    if sample < 0:
        raise AuditTimeError(f"a sample cannot be negative, got {sample}")
    return math.ceil(sample / 4)
