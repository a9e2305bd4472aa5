"""The quote's audit time by site (IAF MD 1): which site is the central function, the personnel
each site counts, and each site's own time as the quote freezes it."""

from __future__ import annotations

from certification.audit_time import AuditTime


def ordered_sites(application) -> list:
    """The central function (head office) first, then the other sites in their order."""
    sites = list(application.sites)
    return sorted(sites, key=lambda site: (not site.is_head_office, site.id or 0))


def site_personnel(sites, effective_personnel: int) -> list[int]:
    """Personnel per site for IAF MD 1: the other sites as recorded; the central function the
    rest of the organisation's effective personnel (those not at another site), at least 1."""
    others = [max(0, int(site.personnel or 0)) for site in sites[1:]]
    return [max(1, effective_personnel - sum(others)), *others]


def frozen_site_times(time: AuditTime, sites) -> list[dict]:
    """Each site's own time with its name, as stored on the quote (JSON)."""
    names = [site.name for site in sites]
    return [
        {
            "name": names[s.index] if s.index < len(names) else "",
            "personnel": s.personnel,
            "central": s.central,
            "table_days": s.table_days,
            "adjustment_percent": s.adjustment_percent,
            "initial_days": s.initial_days,
            "surveillance_days": s.surveillance_days,
            "recertification_days": s.recertification_days,
        }
        for s in time.site_times
    ]
