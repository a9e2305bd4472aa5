"""Security headers on every response; the session cookie `Secure` and HSTS under HTTPS.

Written by hand rather than with Flask-Talisman: a response that sets its own policy keeps it
(evidence files are served with `default-src 'none'; sandbox`), and nothing here redirects or
changes cookies unless the HTTPS setting says the app is served over HTTPS.
"""

from __future__ import annotations

from flask import Flask

# No inline script or style anywhere: every script and style sheet is a file under /static.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
DEFAULT_HEADERS = tuple(
    (name.lower(), name, value)
    for name, value in (
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Frame-Options", "DENY"),  # older browsers; CSP frame-ancestors does it in new ones
        ("X-Content-Type-Options", "nosniff"),
        # Links with tokens (/verify/<token>, password links) never leak to other sites.
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
)


def headers_for(app: Flask) -> tuple[tuple[str, str, str], ...]:
    """(lower-case name, name, value) of every header an answer of `app` carries: HSTS too
    under HTTPS. Also used by the look-up answered before Flask (verification/fast_path.py)."""
    if app.config.get("HTTPS"):
        return DEFAULT_HEADERS + (("strict-transport-security", "Strict-Transport-Security", HSTS),)
    return DEFAULT_HEADERS


def register_security_headers(app: Flask) -> None:
    if app.config.get("HTTPS"):
        app.config["SESSION_COOKIE_SECURE"] = True

    defaults = headers_for(app)

    @app.after_request
    def security_headers(response):
        """Each header the response has not set itself (one pass over its headers: five
        `setdefault` calls cost more than the public look-up's own read)."""
        headers = response.headers
        present = {name.lower() for name, _value in headers}
        for lower, name, value in defaults:
            if lower not in present:
                headers.add(name, value)
        return response
