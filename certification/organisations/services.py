"""Client organisations: registering one with its sites, editing it, finding it, its history."""

from __future__ import annotations

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from certification.activity.models import ActivityLog
from certification.activity.services import record
from certification.applications.models import application_sites
from certification.extensions import db
from certification.organisations.models import Organisation, Site, fold
from certification.settings import services as settings

# IAF ID 1 / EA-1/22 economic sectors, the codes auditors are qualified for (17021-1 7.1.2).
IAF_SECTORS = {
    "1": _l("Agriculture, forestry and fishing"),
    "2": _l("Mining and quarrying"),
    "3": _l("Food products, beverages and tobacco"),
    "4": _l("Textiles and textile products"),
    "5": _l("Leather and leather products"),
    "6": _l("Wood and wood products"),
    "7": _l("Pulp, paper and paper products"),
    "8": _l("Publishing companies"),
    "9": _l("Printing companies"),
    "10": _l("Manufacture of coke and refined petroleum products"),
    "11": _l("Nuclear fuel"),
    "12": _l("Chemicals, chemical products and fibres"),
    "13": _l("Pharmaceuticals"),
    "14": _l("Rubber and plastic products"),
    "15": _l("Non-metallic mineral products"),
    "16": _l("Concrete, cement, lime, plaster etc."),
    "17": _l("Basic metals and fabricated metal products"),
    "18": _l("Machinery and equipment"),
    "19": _l("Electrical and optical equipment"),
    "20": _l("Shipbuilding"),
    "21": _l("Aerospace"),
    "22": _l("Other transport equipment"),
    "23": _l("Manufacturing not elsewhere classified"),
    "24": _l("Recycling"),
    "25": _l("Electricity supply"),
    "26": _l("Gas supply"),
    "27": _l("Water supply"),
    "28": _l("Construction"),
    "29": _l("Wholesale and retail trade; repair of vehicles and household goods"),
    "30": _l("Hotels and restaurants"),
    "31": _l("Transport, storage and communication"),
    "32": _l("Financial intermediation; real estate; renting"),
    "33": _l("Information technology"),
    "34": _l("Engineering services"),
    "35": _l("Other services"),
    "36": _l("Public administration"),
    "37": _l("Education"),
    "38": _l("Health and social work"),
    "39": _l("Other social services"),
}

# Languages an organisation may prefer for its audits and documents (not only the UI's).
ORGANISATION_LANGUAGES = (
    "en", "tr", "ru", "ka", "az", "uk", "ar", "fa", "de", "fr", "es", "it", "el", "bg", "ro",
    "vi", "zh",
)  # fmt: skip

# Babel's territories that are not ISO 3166-1 alpha-2 country codes (regions, reservations).
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)

TEXT_LIMITS = {
    "legal_name": 300,
    "english_name": 300,
    "trading_name": 300,
    "city": 120,
    "address": 2000,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 50,
}
SITE_TEXT_LIMITS = {"name": 200, "address": 2000, "city": 120, "scope": 5000}
FIELD_NAMES = {
    "legal_name": _l("Legal name"),
    "english_name": _l("English name"),
    "trading_name": _l("Trading name"),
    "country": _l("Country"),
    "city": _l("City"),
    "address": _l("Address"),
    "sector_code": _l("IAF sector"),
    "effective_personnel": _l("Effective personnel"),
    "preferred_language": _l("Preferred language"),
    "currency": _l("Currency"),
    "contact_name": _l("Contact name"),
    "contact_email": _l("Contact email"),
    "contact_phone": _l("Contact phone"),
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


def country_name(code: str, locale: str | Locale = "en") -> str:
    return Locale.parse(locale).territories.get(code, code)


# -- registering and editing ----------------------------------------------------------------


def register_organisation(actor, data: dict, sites: list[dict]) -> Organisation:
    """Record a client organisation with its head office and other sites; all checked first.

    `sites` are dicts (name, address, city, country, personnel, scope, is_head_office); the first
    one is the head office unless another is marked.
    """
    values = _checked_values(data)
    wanted = _checked_sites(sites, values, existing={})
    _one_head_office(wanted)
    organisation = Organisation(**values)
    for site in wanted:
        organisation.sites.append(_new_site(site, values["country"]))
    db.session.add(organisation)
    db.session.flush()
    record(
        actor,
        organisation,
        "organisation_registered",
        organisation_id=organisation.id,
        reason=_summary(organisation),
    )
    return organisation


def update_organisation(actor, organisation: Organisation, data: dict, sites: list[dict]) -> list:
    """Change an organisation and its sites; returns the changes (also logged), [] if none.

    A site dict with an `id` edits that site, with `remove` true removes it; without an `id` it
    is added. Sites not mentioned stay as they are.
    """
    values = _checked_values(data)
    existing = {site.id: site for site in organisation.sites}
    wanted = _checked_sites(sites, values, existing)
    _check_removals(wanted, existing)
    if organisation.head_office is None:
        _one_head_office([s for s in wanted if not s["remove"]])
    else:
        for site in wanted:
            site["is_head_office"] = existing[site["id"]].is_head_office if site["id"] else False
    changes = [
        f"{key}: {_shown(getattr(organisation, key))} → {_shown(value)}"
        for key, value in values.items()
        if getattr(organisation, key) != value
    ]
    for key, value in values.items():
        setattr(organisation, key, value)
    changes += _apply_sites(organisation, wanted, existing, values["country"])
    db.session.flush()
    if changes:
        record(
            actor,
            organisation,
            "organisation_updated",
            organisation_id=organisation.id,
            reason="; ".join(changes),
        )
    return changes


def personnel_note(organisation: Organisation) -> str | None:
    """A warning when the sites account for fewer people than the organisation employs.

    Not an error: some staff work remotely or away from any site, but audit time (IAF MD 5)
    and site sampling (IAF MD 1) rest on these numbers, so the planner should look again.
    """
    on_sites = sum(site.personnel for site in organisation.sites)
    if on_sites < organisation.effective_personnel:
        return _(
            "The sites account for %(sites)d of %(total)d people; check that no site is missing.",
            sites=on_sites,
            total=organisation.effective_personnel,
        )
    return None


def _checked_values(data: dict) -> dict:
    """The organisation's own fields, normalised; raises OrganisationError on the first bad one."""
    values = {key: str(data.get(key) or "").strip() for key in TEXT_LIMITS}
    if not values["legal_name"]:
        raise OrganisationError(_("Enter the legal name."), "legal_name")
    for key, limit in TEXT_LIMITS.items():
        if len(values[key]) > limit:
            raise OrganisationError(_too_long(FIELD_NAMES[key], limit), key)
    values["country"] = str(data.get("country") or "").strip().upper()
    if values["country"] not in country_codes():
        raise OrganisationError(_("Choose a country (ISO 3166 code, e.g. TR)."), "country")
    values["sector_code"] = _sector(data.get("sector_code"))
    values["effective_personnel"] = _whole_number(data.get("effective_personnel"))
    if values["effective_personnel"] is None or values["effective_personnel"] < 1:
        raise OrganisationError(
            _("Effective personnel is a whole number of at least 1."), "effective_personnel"
        )
    values["preferred_language"] = str(data.get("preferred_language") or "en").strip()
    if values["preferred_language"] not in ORGANISATION_LANGUAGES:
        raise OrganisationError(_("Choose one of the offered languages."), "preferred_language")
    values["currency"] = str(data.get("currency") or "").strip().upper()
    if values["currency"] not in settings.currencies():
        raise OrganisationError(_("Choose one of the body's currencies."), "currency")
    if values["contact_email"]:
        values["contact_email"] = _email(values["contact_email"])
    return values


def _sector(value) -> str:
    """IAF codes are stored without leading zeros: "07" and 7 are both "7"."""
    number = _whole_number(value)
    code = "" if number is None else str(number)
    if code not in IAF_SECTORS:
        raise OrganisationError(_("Choose an IAF sector code from 1 to 39."), "sector_code")
    return code


def _email(value: str) -> str:
    try:
        checked = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise OrganisationError(_("Enter a valid email address."), "contact_email") from None
    return checked.normalized


def _checked_sites(sites: list[dict], values: dict, existing: dict[int, Site]) -> list[dict]:
    """The sites to keep, add or remove, normalised; blank new rows are dropped."""
    wanted = []
    for index, raw in enumerate(sites or ()):
        site_id = _whole_number(raw.get("id"))
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
            _(
                "The sites add up to %(sites)d people, more than the effective personnel "
                "(%(total)d).",
                sites=on_sites,
                total=values["effective_personnel"],
            ),
            "effective_personnel",
        )
    return wanted


def _one_head_office(sites: list[dict]) -> None:
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
            raise OrganisationError(_too_long(_("Site"), limit), key, index)
    personnel = _whole_number(raw.get("personnel") or 0)
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


def _check_removals(wanted: list[dict], existing: dict[int, Site]) -> None:
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


def _apply_sites(organisation, wanted: list[dict], existing, country: str) -> list[str]:
    changes = []
    for site in wanted:
        if site["id"] is None:
            organisation.sites.append(_new_site(site, country))
            changes.append(f"site added: {site['name']}")
        elif site["remove"]:
            organisation.sites.remove(existing[site["id"]])
            changes.append(f"site removed: {existing[site['id']].name}")
        else:
            changes += _edit_site(existing[site["id"]], site)
    return changes


def _new_site(site: dict, country: str) -> Site:
    return Site(
        name=site["name"],
        address=site["address"],
        city=site["city"],
        country=site["country"] or country,
        personnel=site["personnel"],
        scope=site["scope"],
        is_head_office=site["is_head_office"],
    )


def _edit_site(current: Site, site: dict) -> list[str]:
    changes = []
    for key in (*SITE_TEXT_LIMITS, "personnel"):
        before, after = getattr(current, key), site[key]
        if before != after:
            changes.append(f"site {current.name}: {key} {_shown(before)} → {_shown(after)}")
            setattr(current, key, after)
    if site["country"] and site["country"] != current.country:
        changes.append(f"site {current.name}: country {current.country} → {site['country']}")
        current.country = site["country"]
    return changes


def _summary(organisation: Organisation) -> str:
    """The log keeps plain facts, not a sentence in the actor's language."""
    return (
        f"{organisation.legal_name}, {organisation.country}, IAF {organisation.sector_code}, "
        f"{organisation.effective_personnel} people, {len(organisation.sites)} site(s)"
    )


def _shown(value) -> str:
    text = str(value)
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”"


def _too_long(name, limit: int) -> str:
    return _("%(field)s is too long (at most %(count)d characters).", field=name, count=limit)


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


# -- finding organisations ------------------------------------------------------------------


LIST_ORDER = (Organisation.legal_name, Organisation.id)


def find_organisations(text: str, page: int = 1, per_page: int = 20):
    """Organisations whose legal, English or trading name or city contains `text`, ignoring
    case, accents and the Turkish dotted/dotless i (see `fold`); one page, with its sites."""
    query = select(Organisation).options(selectinload(Organisation.sites))
    needle = fold(text.strip())
    if needle:
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Organisation.search_text.like(pattern, escape="\\"))
    return db.paginate(
        query.order_by(*LIST_ORDER), page=max(page, 1), per_page=per_page, error_out=False
    )


# -- what happened to it ---------------------------------------------------------------------

TIMELINE_LIMIT = 300


def organisation_timeline(organisation: Organisation, limit: int = TIMELINE_LIMIT) -> list:
    """Log rows about the organisation and everything of it (applications, quotes, cycles,
    audits, documents, users), newest first; one query whatever their number."""
    about_itself = and_(
        ActivityLog.subject_type == "Organisation", ActivityLog.subject_id == organisation.id
    )
    query = (
        select(ActivityLog)
        .where(or_(ActivityLog.organisation_id == organisation.id, about_itself))
        .options(selectinload(ActivityLog.actor))
        .order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
