"""`/healthz` for load balancers, and a branded 503 (JSON under /api/) while the database is out."""

from __future__ import annotations

import pytest

from certification import create_app


@pytest.fixture(params=["sqlite", "postgresql"])
def down_app(request, tmp_path):
    """An app whose database cannot be reached: a file in a missing folder, a closed port."""
    url = {
        "sqlite": f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}",
        "postgresql": "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2",
    }[request.param]
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "down", "SERVER_NAME": "x"}
    )
    return app


def test_healthz_says_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "reachable"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_says_the_database_is_unreachable(down_app):
    response = down_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_pages_answer_a_branded_503_while_the_database_is_down(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:nonce"  # a signed-in user: loading them needs the database
    for path in ("/login", "/organisations/", "/verify?number=ACB-1", "/register"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert "Service unavailable" in page and "Anatolia Certification Body" in page
        assert response.headers["Retry-After"] == "30"


def test_the_api_answers_json_503_while_the_database_is_down(down_app):
    response = down_app.test_client().get("/api/v1/certificates/ACB-2026-0001")
    assert response.status_code == 503
    assert response.is_json and "unavailable" in response.json["error"]
