"""A draft quote changed before it is sent: the same checks and computation as preparing one."""

from __future__ import annotations

from flask_babel import gettext as _

from certification.activity.services import record
from certification.extensions import db
from certification.quotes.models import Quote
from certification.quotes.services import QuoteError, computed_fields, lock_quote
from certification.workflow import QuoteState


def revise_quote(
    actor, quote: Quote, adjust_percent, justification, currency, notes, site_reduction_percent=0
) -> Quote:
    """Change a draft before it is sent: time and price computed again from the same rules.
    A quote the client has seen is never changed; a new one replaces it."""
    lock_quote(quote)
    if quote.state != QuoteState.DRAFT:
        raise QuoteError(
            _(
                "Quote %(number)s is %(state)s: only a draft can be changed. Prepare a new "
                "quote instead.",
                number=quote.number,
                state=quote.state_enum.label,
            )
        )
    before = f"{quote.total} {quote.currency}"
    fields = computed_fields(
        actor,
        quote.application,
        adjust_percent,
        justification,
        currency,
        notes,
        site_reduction_percent,
    )
    for name, value in fields.items():
        setattr(quote, name, value)
    db.session.flush()
    reason = f"{before} → {quote.total} {quote.currency}"
    if quote.adjustment_justification:
        reason += f"; {quote.adjustment_justification}"
    record(actor, quote, "quote_revised", reason=reason)
    return quote
