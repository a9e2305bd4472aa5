"""Input at the edge of the app, cleaned once for every route, the same on SQLite and PostgreSQL.

- Characters no person types are stripped from query strings, form fields, uploaded file names
  and JSON bodies before any view sees them, so no stored text holds one:
  - control characters (NUL and the other C0 codes but tab and line breaks; DEL): PostgreSQL
    refuses NUL in text (a 500 for every field that took it), SQLite keeps it;
  - noncharacters (U+FDD0..U+FDEF and the last two code points of every plane, U+FFFE, U+FFFF,
    U+1FFFE, ...; Unicode section 23.7: reserved for a program's internal use, no letter of any
    script): both databases keep them, but workbooks (XML) refuse U+FFFE and U+FFFF and PDFs
    draw each as a missing-glyph box;
  - lone surrogates (U+D800..U+DFFF alone are no characters): a JSON body can carry one
    ("\ud800", or its raw UTF-8 bytes, which Python's json reads too); neither database driver
    can encode it, a 500 wherever it was saved. Forms cannot: Werkzeug leaves bytes that are not
    UTF-8 percent-encoded in urlencoded fields and replaces them (U+FFFD) in multipart ones.
  An address whose path holds a control character matches nothing: 404.
- A query string of raw bytes that are not UTF-8 (browsers percent-encode; a hand-made request
  need not; gunicorn refuses such a request line, other WSGI servers pass it on) is read as
  Werkzeug reads percent-encoded ones: the bytes stay percent-encoded. Werkzeug's own strict
  decoding of `request.args` raised (a 500 on every page).
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
from werkzeug import urls as _registers_werkzeug_url_quote  # noqa: F401 - the codec error handler
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

# PostgreSQL's integer, the type of every id and count column here.
INTEGER_LIMIT = 2_147_483_647
# Control characters a person never types; tab, line feed and carriage return stay.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PATH_CONTROL = re.compile("[\x00-\x1f\x7f]")
# Unicode's 66 noncharacters: U+FDD0..U+FDEF, and U+nFFFE, U+nFFFF in each of the 17 planes.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
SURROGATES = "\ud800-\udfff"
LONE_SURROGATE = re.compile(f"[{SURROGATES}]")
# What the edge strips from every value: no person types any of these.
NOT_TYPED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{NONCHARACTERS}{SURROGATES}]")


def database_int(value: str) -> int:
    """`type=` for a number read from a form or an address: one that no id or count column can
    hold is refused like any other non-number (the database driver would fail on it)."""
    number = int(value)
    if not -INTEGER_LIMIT - 1 <= number <= INTEGER_LIMIT:
        raise ValueError(f"{value!r} is out of range")
    return number


def strip_untyped(value: str) -> str:
    """The value without control characters, noncharacters and lone surrogates."""
    return NOT_TYPED.sub("", value)


def _clean_multidict(values) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        [(strip_untyped(key), strip_untyped(value)) for key, value in values.items(multi=True)]
    )


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return strip_untyped(value)
    if isinstance(value, list):
        return [_clean_json(item) for item in value]
    if isinstance(value, dict):
        return {strip_untyped(str(k)): _clean_json(v) for k, v in value.items()}
    return value


class CleanRequest(Request):
    """A request whose query string, form, file names and JSON carry no character that no
    person types (control characters, noncharacters, lone surrogates)."""

    def __init__(self, environ, populate_request: bool = True, shallow: bool = False) -> None:
        super().__init__(environ, populate_request, shallow)
        if not self.query_string.isascii():
            # Raw bytes that are not UTF-8 stay percent-encoded ("werkzeug.url_quote", the
            # error handler Werkzeug decodes percent-encoded bytes with); UTF-8 is unchanged.
            decoded = self.query_string.decode("utf-8", "werkzeug.url_quote")
            self.query_string = decoded.encode()

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _clean_multidict(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _clean_multidict(self.__dict__["form"])
        for storage in self.__dict__["files"].values():
            if storage.filename:
                storage.filename = strip_untyped(storage.filename)

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
