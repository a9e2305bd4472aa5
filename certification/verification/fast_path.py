"""The public JSON look-up of a certificate that exists, answered before Flask (WSGI).

`GET /api/v1/certificates/<number>` from a machine (no cookie) is the one address a stranger may
ask thousands of times a minute. Through Flask it pays for the whole per-request stack (request
and app contexts, routing, the session, Flask-Login, CSRF, the hooks, the response object), about
twice the cost of its own work. Here it does only that work, exactly as the view does it:

1. the rate limit: one hit of RATE_LIMIT_VERIFY on Flask-Limiter's own storage, with its own key
   (key prefix, client address, the shared scope "public-lookups"), so the pages, the register
   and this path count against the one limit per address;
2. the read: `AnswerReader.find`, the row that already holds the public answer;
3. the log line of every look-up, and the JSON of today with the view's headers (security
   headers, Cache-Control no-cache, Vary Accept-Language).

Anything else goes to Flask, which answers it as it always has: a request with a cookie, a query
string or an unusual address; a number that is not found (the 404's message is in the reader's
language); a breached limit (the 429 with Retry-After); a database or rate-limit storage that
fails (Flask's own handling). A look-up already counted here is marked in the WSGI environ, and
the view's limit exempts it, so no look-up counts twice (verification/views.py).

It steps aside altogether where its copy of the rules would not be exact: a Flask-Limiter setting
that adds limits, headers, a fallback or another key; a database only the session can read (an
in-memory SQLite); a session in the middle of its own transaction (a test that has not committed).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from flask import Flask, has_app_context
from limits import parse_many

from certification.edge import PATH_CONTROL
from certification.extensions import limiter
from certification.i18n.local_time import zone_of
from certification.security_headers import headers_for
from certification.verification import answers
from certification.verification.reader import READER, reader_for, session_has_work
from certification.verification.views import (
    API_CACHE,
    COUNTED,
    DEFAULT_LIMIT,
    LIMIT_SCOPE,
    log_lookup,
    switched_off,
)

PREFIX = "/api/v1/certificates/"

# Flask-Limiter settings under which the view's limits are not just RATE_LIMIT_VERIFY on the
# client address (more limits, other keys, headers on every answer, a fallback storage).
BEYOND_ONE_LIMIT = (
    "RATELIMIT_DEFAULT",
    "RATELIMIT_APPLICATION",
    "RATELIMIT_META",
    "RATELIMIT_HEADERS_ENABLED",
    "RATELIMIT_IN_MEMORY_FALLBACK",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
    "RATELIMIT_KEY_FUNC",
    "RATELIMIT_REQUEST_IDENTIFIER",
    "RATELIMIT_ON_BREACH_CALLBACK",
)


class LookupFastPath:
    """WSGI middleware: answers the common look-up itself, hands everything else to `inner`."""

    def __init__(self, app: Flask, inner) -> None:
        self.app = app
        self.inner = inner
        self.headers = [(name, value) for _lower, name, value in headers_for(app)]
        self.headers += [
            ("Content-Type", "application/json"),
            ("Cache-Control", API_CACHE),
            # Flask's answer varies on the cookie as well (Flask-Login looks at the session
            # after every request): the same header here, so both answers are the same.
            ("Vary", "Accept-Language, Cookie"),
        ]
        self.exact = not any(app.config.get(name) for name in BEYOND_ONE_LIMIT)

    def __call__(self, environ, start_response):
        number = self._number(environ)
        if number is not None:
            answer = self._answer(environ, number)
            if answer is not None:
                start_response("200 OK", [*self.headers, ("Content-Length", str(len(answer)))])
                return [answer]
        return self.inner(environ, start_response)

    def _number(self, environ) -> str | None:
        """The number asked for (as the view gets it), when this path can answer exactly."""
        path = environ.get("PATH_INFO", "")
        if (
            not path.startswith(PREFIX)
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("HTTP_COOKIE")
            or environ.get("QUERY_STRING")
            or not self.exact
        ):
            return None
        try:  # WSGI gives the path as latin-1 text of its bytes; Werkzeug reads them as UTF-8
            number = path[len(PREFIX) :].encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
        if not number or "//" in number or PATH_CONTROL.search(number):
            return None  # Werkzeug would redirect or refuse these: Flask answers
        return number if 0 < len(number.strip()) <= 64 else None

    def _answer(self, environ, number: str) -> bytes | None:
        """The JSON answer, or None to let Flask answer (and count, unless counted here)."""
        app = self.app
        address = environ.get("REMOTE_ADDR")
        if not address or (has_app_context() and session_has_work()):
            return None
        if READER in app.extensions:
            reader = app.extensions[READER]
        else:
            with app.app_context():
                reader = reader_for(app)
        if reader is None:
            return None
        if not self._counted(app, address):
            return None
        environ[COUNTED] = True
        try:
            found = reader.find("number", number.strip())  # as answers.find reads it
        except Exception:  # a database error (or worse): Flask meets it again and answers it
            return None
        if found is None:
            return None  # the 404, in the reader's language
        log_lookup(address, "api", number, found)
        today = datetime.now(zone_of(app)).date()
        return answers.json_for_today(found, today).encode()

    @staticmethod
    def _counted(app: Flask, address: str) -> bool:
        """One hit of each RATE_LIMIT_VERIFY limit for this address, as Flask-Limiter makes it;
        False when one is breached or the storage fails (Flask then counts and answers)."""
        setting = app.config.get("RATE_LIMIT_VERIFY", DEFAULT_LIMIT)
        if not limiter.enabled or switched_off(setting):
            return True
        prefix = app.config.get("RATELIMIT_KEY_PREFIX")
        key = (prefix, address, LIMIT_SCOPE) if prefix else (address, LIMIT_SCOPE)
        strategy = limiter.limiter
        try:  # in Flask-Limiter's order, stopping at the first breach as it does
            return all(strategy.hit(item, *key) for item in _limits(setting))
        except Exception:  # the storage failed: Flask-Limiter meets it again and answers it
            return False


@lru_cache(maxsize=16)
def _limits(setting: str) -> tuple:
    return tuple(sorted(parse_many(setting)))
