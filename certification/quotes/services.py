"""Quotes: audit time and price for an approved application, sent to the client, then decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from certification.accounts.models import Role
from certification.activity.models import ActivityLog
from certification.activity.notes import log_note
from certification.activity.services import lock, record, transition
from certification.applications.services import moment
from certification.audit_time import (
    MAX_REDUCTION_PERCENT,
    MAX_SITE_REDUCTION_PERCENT,
    AuditTime,
    AuditTimeError,
    compute_audit_time,
)
from certification.extensions import db
from certification.i18n import formatting
from certification.quotes.models import Quote
from certification.quotes.timing import frozen_site_times, ordered_sites, site_personnel
from certification.settings import services as settings
from certification.templating import format_day
from certification.workflow import (
    Action,
    ApplicationState,
    QuoteState,
    next_state,
    quote_is_expired,
    quote_valid_until,
)

NUMBER_ATTEMPTS = 5
CENT = Decimal("0.01")


class QuoteError(ValueError):
    """A refused quote action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class QuoteExpired(QuoteError):
    """Refused because the quote expired; its move to EXPIRED is real and is kept (committed)."""


@dataclass(frozen=True)
class Prices:
    """The price of the initial certification, and of the later audits for information."""

    audit: Decimal  # initial days x day rate
    application_fee: Decimal
    certificate_fee: Decimal
    total: Decimal
    surveillance: Decimal  # each of the two surveillance audits
    recertification: Decimal


def prices(quote: Quote) -> Prices:
    """Price lines of a quote; only the initial audit and the fees make up the total."""
    rate = Decimal(quote.day_rate)
    return Prices(
        audit=_money(Decimal(quote.initial_days) * rate),
        application_fee=_money(quote.application_fee),
        certificate_fee=_money(quote.certificate_fee),
        total=_money(quote.total),
        surveillance=_money(Decimal(quote.surveillance_days) * rate),
        recertification=_money(Decimal(quote.recertification_days) * rate),
    )


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def _days(value: float) -> Decimal:
    return Decimal(str(value))


def prepare_quote(
    actor,
    application,
    adjust_percent,
    justification,
    currency,
    notes,
    today: date,
    site_reduction_percent=0,
) -> Quote:
    """Compute audit time (IAF MD 5, per site by IAF MD 1) and price for an approved
    application; a DRAFT quote."""
    fields = computed_fields(
        actor, application, adjust_percent, justification, currency, notes, site_reduction_percent
    )
    quote = _add_numbered(
        dict(
            organisation_id=application.organisation_id,
            application_id=application.id,
            state=QuoteState.DRAFT.value,
            **fields,
        ),
        today.year,
    )
    db.session.expire(application, ["quotes"])
    record(actor, quote, "quote_prepared", reason=fields["adjustment_justification"])
    return quote


def computed_fields(
    actor, application, adjust_percent, justification, currency, notes, site_reduction_percent
) -> dict:
    """What a quote's form decides, checked and computed; refuses with QuoteError."""
    if application.state != ApplicationState.APPROVED:
        raise QuoteError(
            _("A quote can be prepared only for an application that passed its review.")
        )
    adjust = _percent(adjust_percent)
    site_reduction = _percent(site_reduction_percent, "site_reduction_percent")
    justification = (justification or "").strip()
    _check_adjustment(adjust, justification)
    _check_site_reduction(site_reduction, adjust, justification, len(application.sites))
    currency = (currency or "").strip().upper()
    rate = _day_rate(currency)
    time = _audit_time(application, adjust, site_reduction)
    return dict(
        adjustment_justification=justification,
        notes=(notes or "").strip(),
        prepared_by_id=getattr(actor, "id", None),
        **_time_fields(time, ordered_sites(application), site_reduction),
        **_price_fields(_days(time.initial_days), currency, rate),
    )


def _audit_time(application, adjust: Decimal, site_reduction: Decimal = Decimal(0)) -> AuditTime:
    """IAF MD 5 time for the organisation's effective personnel; with several sites, IAF MD 1:
    the central function's time plus each sampled site's, from the personnel at each."""
    sites = ordered_sites(application)
    personnel = application.organisation.effective_personnel
    try:
        return compute_audit_time(
            personnel,
            sites=max(1, len(sites)),
            adjust_percent=adjust,
            stage1_share=settings.stage1_share(),
            site_personnel=site_personnel(sites, personnel) if len(sites) > 1 else None,
            site_reduction_percent=site_reduction,
        )
    except AuditTimeError as error:
        raise QuoteError(str(error), field="adjust_percent") from None


def _check_site_reduction(reduction: Decimal, adjust: Decimal, justification: str, sites: int):
    # IAF MD 1: a sampled site's time may be reduced by at most 50% in all, with a reason.
    if reduction == 0:
        return
    if sites < 2:
        raise QuoteError(
            _("A site reduction applies only to an organisation with several sites."),
            field="site_reduction_percent",
        )
    if reduction < 0 or reduction - adjust > MAX_SITE_REDUCTION_PERCENT:
        raise QuoteError(
            _(
                "A sampled site's time can be reduced by at most %(max)s in all (IAF MD 1).",
                max=formatting.percent(MAX_SITE_REDUCTION_PERCENT),
            ),
            field="site_reduction_percent",
        )
    if not justification:
        raise QuoteError(
            _("Write why the sampled sites' time is reduced (IAF MD 1 asks for a reason)."),
            field="justification",
        )


def _time_fields(time: AuditTime, sites=(), site_reduction=Decimal(0)) -> dict:
    """The computed audit time, frozen on the quote (with each site's own time, named)."""
    return dict(
        site_reduction_percent=site_reduction,
        site_times=frozen_site_times(time, sites),
        employees=time.employees,
        sites=time.sites,
        table_days=_days(time.table_days),
        adjustment_percent=_days(time.adjustment_percent),
        initial_days=_days(time.initial_days),
        stage1_days=_days(time.stage1_days),
        stage2_days=_days(time.stage2_days),
        surveillance_days=_days(time.surveillance_days),
        recertification_days=_days(time.recertification_days),
        sample_initial=time.sample_sites.initial,
        sample_surveillance=time.sample_sites.surveillance,
        sample_recertification=time.sample_sites.recertification,
    )


def _price_fields(initial_days: Decimal, currency: str, rate: Decimal) -> dict:
    """domain.md: the price is days x day rate + fees, in the client's currency."""
    application_fee = settings.fee("application_fee", currency)
    certificate_fee = settings.fee("certificate_fee", currency)
    return dict(
        currency=currency,
        day_rate=rate,
        application_fee=application_fee,
        certificate_fee=certificate_fee,
        total=_money(initial_days * rate + application_fee + certificate_fee),
    )


def _percent(value, field: str = "adjust_percent") -> Decimal:
    try:
        percent = Decimal(str(value if value is not None else 0)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise QuoteError(_("Give the adjustment as a number."), field=field) from None
    if not percent.is_finite():
        raise QuoteError(_("Give the adjustment as a number."), field=field)
    return percent


def _check_adjustment(adjust: Decimal, justification: str) -> None:
    # IAF MD 5: adjustments need a written justification; a reduction is at most 30%.
    if adjust < -MAX_REDUCTION_PERCENT:
        raise QuoteError(
            _(
                "A reduction can be at most %(max)s of the table time (IAF MD 5).",
                max=formatting.percent(MAX_REDUCTION_PERCENT),
            ),
            field="adjust_percent",
        )
    if adjust != 0 and not justification:
        raise QuoteError(
            _("Write why the audit time is adjusted (IAF MD 5 asks for a justification)."),
            field="justification",
        )


def _day_rate(currency: str) -> Decimal:
    try:
        return settings.day_rate(currency)
    except KeyError:
        raise QuoteError(
            _(
                "There is no day rate for %(currency)s. An administrator can add one in the "
                "settings.",
                currency=currency or "—",
            ),
            field="currency",
        ) from None


def next_number(year: int) -> str:
    """The next free "Q-{year}-{seq:04d}": one more than the highest number of that year."""
    prefix = f"Q-{year}-"
    numbers = db.session.scalars(select(Quote.number).where(Quote.number.like(prefix + "%")))
    tails = (n[len(prefix) :] for n in numbers)
    highest = max((int(t) for t in tails if t.isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def _add_numbered(fields: dict, year: int) -> Quote:
    """Insert with a fresh number; another session taking it first costs only a retry."""
    for _attempt in range(NUMBER_ATTEMPTS):
        quote = Quote(number=next_number(year), **fields)
        try:
            with db.session.begin_nested():
                db.session.add(quote)
        except IntegrityError:
            continue
        return quote
    raise QuoteError(_("No free quote number was found. Please try again."))


def issue_quote(actor, quote: Quote, today: date) -> Quote:
    """Send a draft to the client; an older quote still open for the application is withdrawn."""
    lock_quote(quote)
    next_state(quote.state_enum, Action.ISSUE)  # refuse before anything changes
    _check_application_open(quote)
    older = [
        q for q in quote.application.quotes if q.id != quote.id and q.state == QuoteState.ISSUED
    ]
    quote.issued_on = today
    quote.valid_until = quote_valid_until(today, int(settings.get("quote_validity_days")))
    transition(actor, quote, Action.ISSUE)
    for old in older:
        transition(actor, old, Action.WITHDRAW, note=log_note("replaced_by", number=quote.number))
    return quote


def lock_quote(quote: Quote) -> None:
    """The application first, then the quote (always in this order: no deadlock), so that two
    answers or two sendings at once for one application run one after the other."""
    lock(quote.application)
    lock(quote)


def _check_application_open(quote: Quote) -> None:
    """Only one accepted quote per application: a contracted one takes no other."""
    application = quote.application
    if application.state != ApplicationState.APPROVED:
        raise QuoteError(
            _(
                "The application is %(state)s; quotes are sent and accepted only while it "
                "waits for a contract.",
                state=application.state_enum.label,
            )
        )
    if any(q.state == QuoteState.ACCEPTED for q in application.quotes if q.id != quote.id):
        raise QuoteError(_("Another quote of this application was already accepted."))


def _check_open_for_answer(quote: Quote, action: Action, today: date) -> None:
    """The client answers an issued quote while it is valid; a stale one is marked expired."""
    next_state(quote.state_enum, action)
    if quote_is_expired(quote.valid_until, today):
        transition(None, quote, Action.EXPIRE, note=log_note("not_answered_in_time"))
        raise QuoteExpired(_("This quote expired on %(date)s.", date=format_day(quote.valid_until)))


def _decision_note(actor, note: str | None) -> str:
    note = (note or "").strip()
    if actor is not None and actor.role != Role.CLIENT and not note:
        # Staff record the client's answer: how it came is part of the record.
        raise QuoteError(
            _('Say how the client answered, for example "signed by e-mail on 3 March".'),
            field="note",
        )
    return note


def _record_decision(actor, quote: Quote, note: str, today: date) -> None:
    quote.decided_at = moment(today)
    quote.decided_by_id = getattr(actor, "id", None)
    quote.decision_note = note


def accept_quote(actor, quote: Quote, note: str | None, today: date, agreement=None):
    """The client agrees: the application is contracted and the 3-year programme is created.

    17021-1 5.1.2: a client accepting its first quote accepts the certification agreement with
    it (`agreement`, an agreements.services.Consent); staff recording an answer given elsewhere
    leave the agreement to the client's portal.
    """
    from certification.agreements import services as agreements

    lock_quote(quote)  # a double click waits here, then finds the quote accepted: one programme
    _check_open_for_answer(quote, Action.ACCEPT, today)
    note = _decision_note(actor, note)
    _check_application_open(quote)
    if agreement is not None:
        try:
            agreements.accept_agreement(actor, quote.organisation, agreement, today, quote=quote)
        except agreements.AgreementError as error:
            raise QuoteError(error.message, field="agreement") from None
    elif actor.role == Role.CLIENT and not agreements.in_force(quote.organisation_id):
        raise QuoteError(
            _(
                "ISO/IEC 17021-1 5.1.2: accept the certification agreement together with "
                "the quote (tick the box)."
            ),
            field="agreement",
        )
    _record_decision(actor, quote, note, today)
    transition(actor, quote, Action.ACCEPT, reason=note)
    transition(
        actor,
        quote.application,
        Action.CONTRACT,
        note=log_note("quote_accepted", number=quote.number),
    )
    from certification.programme.services import create_programme  # written in parallel

    return create_programme(quote, actor, today)


def reject_quote(actor, quote: Quote, note: str | None, today: date) -> Quote:
    """The client declines; a reason is welcome but a client need not give one."""
    lock_quote(quote)
    _check_open_for_answer(quote, Action.REJECT, today)
    note = _decision_note(actor, note)
    _record_decision(actor, quote, note, today)
    transition(actor, quote, Action.REJECT, reason=note)
    return quote


def withdraw_quote(actor, quote: Quote, reason: str | None) -> Quote:
    """The body takes back a draft or an unanswered quote."""
    lock_quote(quote)
    transition(actor, quote, Action.WITHDRAW, reason=(reason or "").strip())
    return quote


def expire_quotes(today: date) -> int:
    """Mark every issued quote past its validity as expired (a sweep; running it twice is safe)."""
    stale = db.session.scalars(
        select(Quote).where(Quote.state == QuoteState.ISSUED.value, Quote.valid_until < today)
    ).all()
    for quote in stale:
        transition(None, quote, Action.EXPIRE, note=log_note("not_answered_in_time"))
    return len(stale)


def quote_timeline(quote: Quote) -> list[ActivityLog]:
    """Log lines about this quote, oldest first."""
    query = (
        select(ActivityLog)
        .where(and_(ActivityLog.subject_type == "Quote", ActivityLog.subject_id == quote.id))
        .options(selectinload(ActivityLog.actor))
        .order_by(ActivityLog.at, ActivityLog.id)
    )
    return list(db.session.scalars(query))
