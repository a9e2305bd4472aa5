"""Which accreditation covers a certificate (pure: plain values, no clock, no database).

domain.md "accreditation": a certificate may carry the accreditation body's mark and number only
when its scheme and sector fall inside an accreditation valid on the decision date; otherwise it
is unaccredited and says nothing suggesting otherwise.
"""

from __future__ import annotations

from datetime import date


def covers(accreditation, scheme: str, edition: str, sector: str, on: date) -> bool:
    """`accreditation` is any object with the model's attributes."""
    if on < accreditation.valid_from:
        return False
    if accreditation.valid_until is not None and on > accreditation.valid_until:
        return False
    schemes = {str(s) for s in accreditation.schemes or []}
    sectors = {str(s).strip() for s in accreditation.sectors or []}
    return f"{scheme}:{edition}" in schemes and str(sector or "").strip() in sectors


def covering(accreditations, scheme: str, edition: str, sector: str, on: date):
    """The first accreditation (oldest first as given) that covers the certificate, or None."""
    return next(
        (a for a in accreditations if covers(a, scheme, edition, sector, on)),
        None,
    )
