"""An organisation's sites: checking the submitted rows, then adding, editing, removing sites.

Also the few checks that the organisation's own fields share with its sites (country codes,
whole numbers, the length message) and the error both raise.
"""

from __future__ import annotations

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from certification.activity.changes import field_changed
from certification.activity.notes import log_note
from certification.applications.models import application_sites
from certification.extensions import db
from certification.organisations.models import Site

# Babel's territories that are not ISO 3166-1 alpha-2 country codes (regions, reservations).
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)

# The labels of a site's fields in the change log (activity/changes.py).
SITE_FIELD_NAMES = {
    "name": _l("Site name"),
    "address": _l("Address"),
    "city": _l("City"),
    "region": _l("State or province"),
    "postcode": _l("Postcode"),
    "scope": _l("Scope at this site"),
    "personnel": _l("Personnel at this site"),
    "country": _l("Country"),
}
SITE_TEXT_LIMITS = {
    "name": 200,
    "address": 2000,
    "city": 120,
    "region": 120,
    "postcode": 20,
    "scope": 5000,
}


class OrganisationError(ValueError):
    """Refused organisation data; the message is shown to the user as it is.

    `field` names the organisation's field, or a site's field when `site` (its index) is set.
    """

    def __init__(self, message: str, field: str | None = None, site: int | None = None):
        super().__init__(message)
        self.message, self.field, self.site = message, field, site


def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from the CLDR data that Babel ships."""
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


# -- the sites --------------------------------------------------------------------------------


def checked_sites(sites: list[dict], values: dict, existing: dict[int, Site]) -> list[dict]:
    """The sites to keep, add or remove, normalised; blank new rows are dropped."""
    wanted = []
    for index, raw in enumerate(sites or ()):
        site_id = whole_number(raw.get("id"))
        site = {key: str(raw.get(key) or "").strip() for key in SITE_TEXT_LIMITS}
        site.update(id=site_id, remove=bool(raw.get("remove")), index=index)
        site["is_head_office"] = bool(raw.get("is_head_office"))
        site["country"] = str(raw.get("country") or "").strip().upper()
        if site_id is None and (site["remove"] or not _filled(raw)):
            if site["is_head_office"]:
                raise OrganisationError(_("Enter the head office."), "name", index)
            continue  # an unused blank row of the form
        if site_id is not None and site_id not in existing:
            raise OrganisationError(_("A site does not belong to this organisation."), "sites")
        if site["remove"] and existing[site_id].is_head_office:
            raise OrganisationError(_("The head office cannot be removed."), "remove", index)
        if not site["remove"]:
            _check_site(site, raw, index)
        wanted.append(site)
    kept = [s for s in wanted if not s["remove"]]
    if not kept and not (set(existing) - {s["id"] for s in wanted}):
        raise OrganisationError(_("Enter at least the head office."), "name", 0)
    on_sites = sum(s["personnel"] for s in kept) + sum(
        site.personnel for site_id, site in existing.items() if site_id not in _ids(wanted)
    )
    if on_sites > values["effective_personnel"]:
        # Audit time follows the organisation's total (IAF MD 5); sites cannot hold more people.
        raise OrganisationError(
            ngettext(
                "The sites add up to %(num)d person, more than the effective personnel "
                "(%(total)d).",
                "The sites add up to %(num)d people, more than the effective personnel "
                "(%(total)d).",
                on_sites,
                total=values["effective_personnel"],
            ),
            "effective_personnel",
        )
    return wanted


def one_head_office(sites: list[dict]) -> None:
    """The first site marked as head office is the one; with none marked, the first site."""
    head = next((s for s in sites if s["is_head_office"]), sites[0] if sites else None)
    for site in sites:
        site["is_head_office"] = site is head


def _filled(raw: dict) -> bool:
    return any(str(raw.get(key) or "").strip() for key in (*SITE_TEXT_LIMITS, "personnel"))


def _check_site(site: dict, raw: dict, index: int) -> None:
    if not site["name"]:
        raise OrganisationError(_("Give the site a name."), "name", index)
    for key, limit in SITE_TEXT_LIMITS.items():
        if len(site[key]) > limit:
            raise OrganisationError(too_long(_("Site"), limit), key, index)
    personnel = whole_number(raw.get("personnel") or 0)
    if personnel is None or personnel < 0:
        raise OrganisationError(
            _("Personnel at a site is a whole number, 0 or more."), "personnel", index
        )
    site["personnel"] = personnel
    if country := site["country"]:
        if country not in country_codes():
            raise OrganisationError(_("Choose a country (ISO 3166 code, e.g. TR)."), "sites")


def _ids(sites: list[dict]) -> set[int]:
    return {s["id"] for s in sites if s["id"] is not None}


def check_removals(wanted: list[dict], existing: dict[int, Site]) -> None:
    removed = {s["id"]: s["index"] for s in wanted if s["remove"]}
    if not removed:
        return
    in_use = db.session.scalars(
        select(application_sites.c.site_id)
        .where(application_sites.c.site_id.in_(removed))
        .order_by(application_sites.c.site_id)
    ).first()
    if in_use is not None:
        # The application (and later its certificate) names this site; the record stays whole.
        name = existing[in_use].name
        raise OrganisationError(
            _("%(site)s is named in an application and cannot be removed.", site=name),
            "remove",
            removed[in_use],
        )


def apply_sites(organisation, wanted: list[dict], existing, country: str) -> list[dict]:
    changes = []
    for site in wanted:
        if site["id"] is None:
            organisation.sites.append(new_site(site, country))
            changes.append(log_note("site_added", site=site["name"]))
        elif site["remove"]:
            organisation.sites.remove(existing[site["id"]])
            changes.append(log_note("site_removed", site=existing[site["id"]].name))
        else:
            changes += _edit_site(existing[site["id"]], site)
    return changes


def new_site(site: dict, country: str) -> Site:
    return Site(
        name=site["name"],
        address=site["address"],
        city=site["city"],
        region=site["region"],
        postcode=site["postcode"],
        country=site["country"] or country,
        personnel=site["personnel"],
        scope=site["scope"],
        is_head_office=site["is_head_office"],
    )


def _edit_site(current: Site, site: dict) -> list[dict]:
    changes, name = [], current.name
    for key in (*SITE_TEXT_LIMITS, "personnel"):
        before, after = getattr(current, key), site[key]
        if before != after:
            kind = "plain" if key == "personnel" else "text"
            changes.append(field_changed("site_field", key, before, after, kind, site=name))
            setattr(current, key, after)
    if site["country"] and site["country"] != current.country:
        changes.append(
            field_changed(
                "site_field", "country", current.country, site["country"], "country", site=name
            )
        )
        current.country = site["country"]
    return changes


# -- shared with the organisation's own fields (services.py) ----------------------------------


def too_long(name, limit: int) -> str:
    """The message for a text over its limit, naming the field."""
    return ngettext(
        "%(field)s is too long (at most %(num)d character).",
        "%(field)s is too long (at most %(num)d characters).",
        limit,
        field=name,
    )


def whole_number(value) -> int | None:
    """A whole number given as int or digits; None for anything else (booleans, signs, decimals)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() else None
