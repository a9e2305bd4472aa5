"""Jinja globals and filters shared by every page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask
from flask_babel import format_date, format_decimal, get_locale

from certification import workflow
from certification.accounts.models import Role
from certification.applications.uploads import readable_size


def register_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        Role=Role,
        workflow=workflow,
        LANGUAGES=app.config["LANGUAGES"],
        BODY_NAME=app.config["BODY_NAME"],
        get_locale=get_locale,
        has_endpoint=lambda endpoint: endpoint in app.view_functions,
    )
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["days"] = format_days
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["filesize"] = readable_size


def format_day(value: date | None, missing: str = "—") -> str:
    return missing if value is None else format_date(value, "medium")


def format_days(value) -> str:
    """Auditor-days: 2, 2.5."""
    return format_decimal(Decimal(str(value)).normalize(), format="#,##0.#")


def format_money(value, currency: str = "") -> str:
    text = format_decimal(Decimal(str(value)), format="#,##0.00")
    return f"{text} {currency}".strip()
