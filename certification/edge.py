"""Input at the edge of the app, cleaned once for every route, the same on SQLite and PostgreSQL.

- Control characters (NUL and the other C0 codes but tab and line breaks; DEL) are stripped from
  query strings, form fields, uploaded file names and JSON bodies before any view sees them:
  PostgreSQL refuses NUL in text (a 500 for every field that took it), SQLite keeps it, and no
  person types one. An address whose path holds one matches nothing: 404.
- Numbers: an <int:...> in a URL, and the `page` of a list, stop at what the database can count
  (PostgreSQL integer); beyond that there is nothing to show: 404. Form fields refuse such numbers
  with a message (certification/forms_kit.py).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.wrappers import Request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

# PostgreSQL's integer, the type of every id and count column here.
INTEGER_LIMIT = 2_147_483_647
# Control characters a person never types; tab, line feed and carriage return stay.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PATH_CONTROL = re.compile("[\x00-\x1f\x7f]")


def database_int(value: str) -> int:
    """`type=` for a number read from a form or an address: one that no id or count column can
    hold is refused like any other non-number (the database driver would fail on it)."""
    number = int(value)
    if not -INTEGER_LIMIT - 1 <= number <= INTEGER_LIMIT:
        raise ValueError(f"{value!r} is out of range")
    return number


def strip_controls(value: str) -> str:
    return CONTROL.sub("", value)


def _clean_multidict(values) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        [(strip_controls(key), strip_controls(value)) for key, value in values.items(multi=True)]
    )


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean_json(item) for item in value]
    if isinstance(value, dict):
        return {strip_controls(str(k)): _clean_json(v) for k, v in value.items()}
    return value


class CleanRequest(Request):
    """A request whose query string, form, file names and JSON carry no control characters."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _clean_multidict(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _clean_multidict(self.__dict__["form"])
        for storage in self.__dict__["files"].values():
            if storage.filename:
                storage.filename = strip_controls(storage.filename)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        return _clean_json(super().get_json(force=force, silent=silent, cache=cache))


class DatabaseInteger(IntegerConverter):
    """<int:...> in a URL: an id the database can hold; a larger one matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", INTEGER_LIMIT)
        super().__init__(map, *args, **kwargs)


def register_edge(app: Flask) -> None:
    """Before any blueprint is registered: the request class, the int converter, the checks."""
    app.request_class = CleanRequest
    app.url_map.converters["int"] = DatabaseInteger

    @app.before_request
    def refuse_what_matches_nothing():
        if PATH_CONTROL.search(request.path) or _page_beyond_counting():
            return not_found()
        return None


def _page_beyond_counting() -> bool:
    if not request.query_string:  # most requests: no need to parse (and clean) the arguments
        return False
    page = request.args.get("page", "")
    return page.isascii() and page.isdigit() and int(page) > INTEGER_LIMIT


def not_found():
    """404 as the rest of the app answers it: JSON under /api, the error page elsewhere."""
    if request.path.startswith("/api/"):
        response = jsonify(error=_("There is nothing at this address."))
        response.status_code = 404
        return response
    return render_template("errors.html", code=404, title="Not found"), 404
