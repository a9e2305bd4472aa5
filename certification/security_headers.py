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


def register_security_headers(app: Flask) -> None:
    https = bool(app.config.get("HTTPS"))
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")  # older browsers; CSP frame-ancestors
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Links with tokens (/verify/<token>, password links) never leak to other sites.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
