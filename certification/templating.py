"""Jinja globals and filters shared by every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask
from flask_babel import get_locale
from markupsafe import Markup

from certification import workflow
from certification.accounts.models import Role
from certification.applications.uploads import readable_size
from certification.charts.svg import render as render_chart
from certification.i18n import formatting, languages, plurals

# slot -> functions(obj) returning HTML. Later domains add their part of a page of an earlier one
# (the findings of an audit on the audit page, ...) without that page knowing about them.
PANELS: dict[str, list[Callable[[Any], str]]] = {}
SLOTS = (
    "audit",
    "organisation",
    "portal",
    "cycle",
    # each role's home page (certification/home): later domains add their part
    *(f"home_{role.value}" for role in Role),
    "account",  # the signed-in user's own account page
)


def register_panel(slot: str, render: Callable[[Any], str]) -> None:
    if slot not in SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}")
    if render not in PANELS.setdefault(slot, []):
        PANELS[slot].append(render)


def render_panels(slot: str, obj) -> Markup:
    return Markup("").join(Markup(render(obj)) for render in PANELS.get(slot, []))


def register_templating(app: Flask) -> None:
    from certification.links import may_open, may_open_every, subject_links
    from certification.submissions.forms import new_token

    app.jinja_env.globals.update(
        form_token=new_token,  # the one-time token of a create form written by hand
        Role=Role,
        workflow=workflow,
        LANGUAGES=app.config["LANGUAGES"],
        BODY_NAME=app.config["BODY_NAME"],
        get_locale=get_locale,
        text_direction=lambda: languages.direction(get_locale()),
        auditor_days=plurals.auditor_days,
        panels=render_panels,
        has_endpoint=lambda endpoint: endpoint in app.view_functions,
        may_open=may_open,  # a link only to a page its reader may open (links.py)
        may_open_every=may_open_every,
        subject_links=subject_links,  # a history's links, its subjects loaded once per kind
        svg_chart=render_chart,
        unread_notifications=_unread_notifications,
    )
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["days"] = format_days
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["number"] = formatting.number
    app.jinja_env.filters["percent"] = formatting.percent
    app.jinja_env.filters["country"] = formatting.country
    app.jinja_env.filters["clock"] = formatting.clock
    app.jinja_env.filters["filesize"] = readable_size


def _unread_notifications() -> int:
    from certification.notifications.views import unread_count

    return unread_count()


def format_day(value: date | None, missing: str = "—") -> str:
    return formatting.day(value, missing)


def format_days(value) -> str:
    """Auditor-days: 2, 2.5 (the locale's decimal sign)."""
    return formatting.number(value, 1)


def format_money(value, currency: str = "") -> str:
    return formatting.money(value, currency)
