"""The planner's list of quotes: newest first, narrowed and sorted as the address asks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.home import planning
from certification.listing import Listing
from certification.paging import Page, Segment, page_of
from certification.quotes.models import Quote
from certification.workflow import QuoteState

NEWEST_FIRST = (Segment(key=(Quote.id,), descending=True),)
STATES = {s.value for s in QuoteState}
# The planner's home links here: sent and waiting, or lapsed unanswered.
SHOW = {"waiting": planning.quote_waiting_clause, "lapsed": planning.quote_lapsed_clause}


def quotes_listing(args: Mapping[str, str], locale) -> Listing:
    """State, the home page's `show`, a search (organisation, quote number) and a sort."""
    chosen = {
        "state": listing.one_of(args, "state", STATES),
        "show": listing.one_of(args, "show", SHOW),
        "q": listing.text(args),
    }
    orders = {
        "number": NEWEST_FIRST,
        "organisation": listing.by_organisation(Quote, locale),
        "state": (Segment(key=(Quote.state, Quote.id)),),
    }
    return listing.read(args, orders, NEWEST_FIRST, chosen)


def quotes_page(chosen: Listing, today: date, args: Mapping[str, str], per_page: int) -> Page:
    values = chosen.chosen
    query = select(Quote).options(selectinload(Quote.organisation))
    if values["state"]:
        query = query.where(Quote.state == values["state"])
    if values["show"]:
        query = query.where(SHOW[values["show"]](today))
    if values["q"]:
        query = query.where(listing.matching(values["q"], Quote.organisation_id, Quote.number))
    return page_of(listing.joined(query, chosen, Quote), chosen.segments, args, per_page)
