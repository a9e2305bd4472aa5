"""Form fields shared by the domains' forms: numbers the database can store.

A 30-digit count passes WTForms' IntegerField and then overflows the database (a 500); "NaN" or
"1e309" pass its DecimalField and break every comparison after. These refuse them with a message.
"""

from __future__ import annotations

from decimal import Decimal

import wtforms
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
