"""Client organisations: registering one with its sites, editing it, finding it, its history."""

from __future__ import annotations

from collections.abc import Mapping

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification import listing, search
from certification.activity.changes import changed_fields, field_changed
from certification.activity.models import ActivityLog
from certification.activity.notes import log_note
from certification.activity.services import record
from certification.extensions import db
from certification.i18n.collation import sorted_by_name
from certification.listing import Listing
from certification.organisations import timeline
from certification.organisations.models import Organisation, fold, name_key_column
from certification.organisations.sites import (
    OrganisationError,
    apply_sites,
    check_removals,
    checked_sites,
    country_codes,
    new_site,
    one_head_office,
    too_long,
    whole_number,
)
from certification.paging import Page, Segment, page_of
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

TEXT_LIMITS = {
    "legal_name": 300,
    "english_name": 300,
    "trading_name": 300,
    "city": 120,
    "address": 2000,
    "region": 120,
    "postcode": 20,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 50,
}
FIELD_NAMES = {
    "legal_name": _l("Legal name"),
    "english_name": _l("English name"),
    "trading_name": _l("Trading name"),
    "country": _l("Country"),
    "city": _l("City"),
    "address": _l("Address"),
    "region": _l("State or province"),
    "postcode": _l("Postcode"),
    "sector_code": _l("IAF sector"),
    "effective_personnel": _l("Effective personnel"),
    "preferred_language": _l("Preferred language"),
    "currency": _l("Currency"),
    "contact_name": _l("Contact name"),
    "contact_email": _l("Contact email"),
    "contact_phone": _l("Contact phone"),
}


# How a field's value is worded in the log (activity/changes.py); others are quoted text.
KINDS = {
    "country": "country",
    "preferred_language": "language",
    "effective_personnel": "plain",
    "sector_code": "plain",
    "currency": "plain",
}


def country_name(code: str, locale: str | Locale = "en") -> str:
    return Locale.parse(locale).territories.get(code, code)


# -- registering and editing ----------------------------------------------------------------


def register_organisation(actor, data: dict, sites: list[dict]) -> Organisation:
    """Record a client organisation with its head office and other sites; all checked first.

    `sites` are dicts (name, address, city, country, personnel, scope, is_head_office); the first
    one is the head office unless another is marked.
    """
    values = _checked_values(data)
    wanted = checked_sites(sites, values, existing={})
    one_head_office(wanted)
    organisation = Organisation(**values)
    for site in wanted:
        organisation.sites.append(new_site(site, values["country"]))
    db.session.add(organisation)
    db.session.flush()
    record(
        actor,
        organisation,
        "organisation_registered",
        organisation_id=organisation.id,
        note=_summary(organisation),
    )
    return organisation


def update_organisation(actor, organisation: Organisation, data: dict, sites: list[dict]) -> list:
    """Change an organisation and its sites; returns the changes (also logged), [] if none.

    A site dict with an `id` edits that site, with `remove` true removes it; without an `id` it
    is added. Sites not mentioned stay as they are.
    """
    values = _checked_values(data)
    existing = {site.id: site for site in organisation.sites}
    wanted = checked_sites(sites, values, existing)
    check_removals(wanted, existing)
    if organisation.head_office is None:
        one_head_office([s for s in wanted if not s["remove"]])
    else:
        for site in wanted:
            site["is_head_office"] = existing[site["id"]].is_head_office if site["id"] else False
    changes = [
        field_changed("organisation_field", key, getattr(organisation, key), value, KINDS.get(key))
        for key, value in values.items()
        if getattr(organisation, key) != value
    ]
    for key, value in values.items():
        setattr(organisation, key, value)
    changes += apply_sites(organisation, wanted, existing, values["country"])
    db.session.flush()
    if changes:
        record(
            actor,
            organisation,
            "organisation_updated",
            organisation_id=organisation.id,
            note=changed_fields(changes),
        )
    return changes


def personnel_note(organisation: Organisation) -> str | None:
    """A warning when the sites account for fewer people than the organisation employs.

    Not an error: some staff work remotely or away from any site, but audit time (IAF MD 5)
    and site sampling (IAF MD 1) rest on these numbers, so the planner should look again.
    """
    on_sites = sum(site.personnel for site in organisation.sites)
    if on_sites < organisation.effective_personnel:
        return ngettext(
            "The sites account for %(sites)d of %(num)d person; check that no site is missing.",
            "The sites account for %(sites)d of %(num)d people; check that no site is missing.",
            organisation.effective_personnel,
            sites=on_sites,
        )
    return None


def _checked_values(data: dict) -> dict:
    """The organisation's own fields, normalised; raises OrganisationError on the first bad one."""
    values = {key: str(data.get(key) or "").strip() for key in TEXT_LIMITS}
    if not values["legal_name"]:
        raise OrganisationError(_("Enter the legal name."), "legal_name")
    for key, limit in TEXT_LIMITS.items():
        if len(values[key]) > limit:
            raise OrganisationError(too_long(FIELD_NAMES[key], limit), key)
    values["country"] = str(data.get("country") or "").strip().upper()
    if values["country"] not in country_codes():
        raise OrganisationError(_("Choose a country (ISO 3166 code, e.g. TR)."), "country")
    values["sector_code"] = _sector(data.get("sector_code"))
    values["effective_personnel"] = whole_number(data.get("effective_personnel"))
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
    number = whole_number(value)
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


def _summary(organisation: Organisation) -> dict:
    """The log keeps plain facts as data, worded in the reader's language when read."""
    return log_note(
        "organisation_registered",
        name=organisation.legal_name,
        country={"country": organisation.country},
        sector=organisation.sector_code,
        personnel=organisation.effective_personnel,
        sites=len(organisation.sites),
    )


# -- finding organisations ------------------------------------------------------------------


def organisations_listing(args: Mapping[str, str], locale: object) -> Listing:
    """The search and the sort chosen in the address: by name (the default) or newest first."""
    orders = {
        "name": (Segment(key=(name_key_column(locale), Organisation.id)),),
        "registered": (Segment(key=(Organisation.id,), descending=True),),  # newest first
    }
    return listing.read(args, orders, orders["name"], {"q": listing.text(args)})


def find_organisations(
    text: str,
    args: Mapping[str, str] | None = None,
    per_page: int = 20,
    locale: object = None,
    chosen: Listing | None = None,
) -> Page:
    """Organisations whose legal, English or trading name or city contains `text`, ignoring
    case, accents and the like in every script (see `fold`); one page (placed by `args`, the
    pager's cursor), with its sites, in the order of the legal names in the reader's language:
    the database orders by the stored sort key of that language and pages by it (an index of
    its own), so the last page costs what the first does."""
    key = name_key_column(locale if locale is not None else get_locale())
    query = select(Organisation).options(selectinload(Organisation.sites))
    if fold(text).strip():
        query = query.where(search.contains(search.ORGANISATIONS, text))
    segments = chosen.segments if chosen else [Segment(key=(key, Organisation.id))]
    return page_of(query, segments, args or {}, per_page)


def by_name(organisations, locale: object = None) -> list[Organisation]:
    """Organisations in the order of their legal names in the reader's language."""
    return sorted_by_name(
        organisations, lambda o: o.legal_name, locale if locale is not None else get_locale()
    )


# -- what happened to it ---------------------------------------------------------------------

TIMELINE_LIMIT = 300
TIMELINE_PAGE = 25
NEWEST_FIRST = Segment(key=(ActivityLog.at, ActivityLog.id), descending=True)


def _timeline_query(organisation: Organisation):
    """Log rows about the organisation and everything of it (applications, quotes, cycles,
    audits, documents, users): all carry its id (activity.services.record), one index."""
    return (
        select(ActivityLog)
        .where(ActivityLog.organisation_id == organisation.id)
        .options(selectinload(ActivityLog.actor))
    )


def organisation_timeline(organisation: Organisation, limit: int = TIMELINE_LIMIT) -> list:
    """The latest `limit` log rows of the organisation, newest first."""
    query = _timeline_query(organisation).order_by(*NEWEST_FIRST.order()).limit(limit)
    return list(db.session.scalars(query))


def timeline_page(organisation: Organisation, args: Mapping[str, str]) -> Page:
    """The organisation's timeline, newest first, a page at a time (the recent page first),
    a checklist's grades and evidence files folded into one entry per audit, day and person."""
    return timeline.timeline_page(organisation.id, args, TIMELINE_PAGE)
