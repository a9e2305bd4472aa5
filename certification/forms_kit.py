"""What the domains' forms share: numbers the database can store, and refusals on the right field.

A 30-digit count passes WTForms' IntegerField and then overflows the database (a 500); "NaN" or
"1e309" pass its DecimalField and break every comparison after. These refuse them with a message.
"""

from __future__ import annotations

from decimal import Decimal

import wtforms
from flask import flash
from flask_babel import gettext as _

from certification.edge import INTEGER_LIMIT

# Money, days and percentages here are far below this; beyond it is a typing accident.
DECIMAL_LIMIT = Decimal("1e12")


class IntegerField(wtforms.IntegerField):
    """A whole number the database can store (PostgreSQL integer, on SQLite too)."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > INTEGER_LIMIT:
            self.data = None
            raise ValueError(_("This number is too large."))


class DecimalField(wtforms.DecimalField):
    """A finite number of reasonable size: no NaN, no infinity, no 1e309."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if not isinstance(self.data, Decimal):  # not sent: the default stays (an int, say)
            return
        if not self.data.is_finite() or abs(self.data) >= DECIMAL_LIMIT:
            self.data = None
            raise ValueError(_("Enter an ordinary number."))


def refuse(
    form, message: str, field_name: str | None = None, *, fallback: str | None = None
) -> None:
    """Show a refusal on the field it concerns, else on `fallback`, else as a flash message.

    Every view that turns a service's refusal into a form error goes through here, so a refusal
    never vanishes because the service named a field the form does not have.
    """
    field = _field(form, field_name) or _field(form, fallback)
    if field is None:
        flash(message, "error")
    else:
        field.errors = [*field.errors, message]


def _field(form, name: str | None):
    if not name or name not in form:
        return None
    return form[name]
