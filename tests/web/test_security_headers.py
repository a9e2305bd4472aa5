"""Security headers on every response; no inline script, handler or style in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from certification import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def assert_protected(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path",
    [
        "/login",
        "/verify",
        "/register",
        "/api/v1/certificates/NONE",
        "/no-such-page",
        "/static/app.css",
        "/",
        "/healthz",
    ],
)
def test_every_response_carries_the_headers(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed from disk
    assert_protected(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP by default


def test_signed_in_pages_and_form_posts_carry_them_too(client, db, login_as):
    login_as("planner")
    assert_protected(client.get("/organisations/"))
    assert_protected(client.post("/language", data={"locale": "tr"}))


def test_under_https_the_cookie_is_secure_and_hsts_is_sent(db):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "x",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "HTTPS": True,
        }
    )
    client = app.test_client()
    response = client.post("/language", data={"locale": "tr"}, base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]


# E-mails are read in mail programs, not under the site's policy: their styles must be inline.
NOT_SERVED = {"notifications/email.html"}


def template_texts():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES)
        if str(name) not in NOT_SERVED:
            yield name, path.read_text()


def test_no_template_has_inline_script_handlers_or_style():
    found = []
    for name, text in template_texts():
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{name}: {tag}")
        found += [f"{name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        found += [f"{name}: {m}" for m in re.findall(r"\sstyle\s*=", text)]
        found += [f"{name}: {m}" for m in re.findall(r"javascript:", text)]
    assert found == []


def test_a_response_with_its_own_policy_keeps_it():
    """Evidence files are served with `default-src 'none'; sandbox`: never widened."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})

    @app.route("/own-policy")
    def own_policy():
        return "file", 200, {"Content-Security-Policy": "default-src 'none'; sandbox"}

    response = app.test_client().get("/own-policy")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
