"""Audit time (IAF MD 5, table QMS 1, used for ISO 10002) and multi-site sampling (IAF MD 1).

Pure: no Flask, no database. Day arithmetic is exact (Fraction), so that a half-day boundary
such as 2.25 rounds the same way every time; results are returned as floats in half days.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

# IAF MD 5: a reduction can be at most 30% of the table value.
MAX_REDUCTION_PERCENT = 30

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
    """Sites to visit per audit (IAF MD 1); each count includes the central office."""

    initial: int
    surveillance: int
    recertification: int


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


def compute_audit_time(
    personnel: int,
    sites: int = 1,
    adjust_percent: float = 0,
    stage1_share: Fraction = Fraction(1, 3),
) -> AuditTime:
    """Initial, stage, surveillance and recertification days and the site sample of one cycle."""
    if personnel < 1:
        raise AuditTimeError(f"effective personnel must be at least 1, got {personnel}")
    if sites < 1:
        raise AuditTimeError(f"number of sites must be at least 1, got {sites}")
    adjust = _exact(adjust_percent)
    if adjust < -MAX_REDUCTION_PERCENT:
        raise AuditTimeError(
            f"a reduction can be at most {MAX_REDUCTION_PERCENT}% of the table value "
            f"(IAF MD 5), got {float(adjust):g}%"
        )
    share = _exact(stage1_share)
    if not 0 < share < 1:
        raise AuditTimeError(f"stage 1 share must be between 0 and 1, got {float(share):g}")
    table = _exact(table_days(personnel))
    initial = _days(table * (1 + adjust / 100))
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
        surveillance_days=float(_days(initial / 3)),
        recertification_days=float(_days(initial * 2 / 3)),
        sample_sites=SampleSites(
            initial=sample_size(sites, "initial"),
            surveillance=sample_size(sites, "surveillance"),
            recertification=sample_size(sites, "recertification"),
        ),
    )


def sample_size(sites: int, kind: str) -> int:
    """IAF MD 1: sites to visit, ceil(f * sqrt(x)), f = 1, 0.6, 0.8; includes the central office."""
    if kind not in SAMPLE_FACTORS:
        raise AuditTimeError(f"audit kind must be one of {', '.join(SAMPLE_FACTORS)}, got {kind!r}")
    if sites < 1:
        raise AuditTimeError(f"number of sites must be at least 1, got {sites}")
    factor = SAMPLE_FACTORS[kind]
    # Smallest whole y with y >= factor * sqrt(sites), in integers: (q*y)^2 >= p^2 * sites.
    p, q = factor.numerator, factor.denominator
    target = p * p * sites
    y = math.isqrt(target) // q
    while (q * y) ** 2 < target:
        y += 1
    return y


def random_share(sample: int) -> int:
    """IAF MD 1: at least a quarter of the sampled sites are chosen at random."""
    if sample < 0:
        raise AuditTimeError(f"a sample cannot be negative, got {sample}")
    return math.ceil(sample / 4)
