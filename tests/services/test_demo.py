"""`flask --app app demo`: rebuilds a database of its own and prints logins that work."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from certification import create_app
from certification.accounts.models import Role, User
from certification.activity.models import ActivityLog
from certification.applications.models import Application
from certification.demo import DEMO_PASSWORD
from certification.extensions import db
from certification.organisations.models import Organisation
from certification.programme.models import Audit
from certification.quotes.models import Quote


@pytest.fixture
def demo_app(empty_database_url, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "TESTING": True,
            "SECRET_KEY": "demo-test",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_demo_builds_every_stage_and_prints_working_logins(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "--yes"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    printed = set(re.findall(r"^  (\S+@\S+)", result.output, flags=re.M))

    with demo_app.app_context():
        users = db.session.scalars(select(User)).all()
        assert printed == {u.email for u in users}
        assert {u.role for u in users} == {r.value for r in Role}

        names = db.session.scalars(select(Organisation.legal_name)).all()
        assert len(names) >= 12
        scripts = {
            "Georgian": "[\u10a0-\u10ff]",
            "Cyrillic": "[\u0400-\u04ff]",
            "Vietnamese": "[ạ-ỹđĐ]",
            "Turkish": "[ğışİĞŞ]",
        }
        for script, letters in scripts.items():
            assert any(re.search(letters, n) for n in names), script

        def states(model):
            return set(db.session.scalars(select(model.state).distinct()))

        assert {"submitted", "approved", "rejected", "withdrawn", "contracted"} <= states(
            Application
        )
        assert {"draft", "issued", "accepted", "rejected", "expired"} <= states(Quote)
        assert {"planned", "scheduled"} <= states(Audit)
        assert db.session.scalar(select(func.count()).select_from(ActivityLog)) > 50

    client = demo_app.test_client()
    response = client.post(
        "/login", data={"email": "planner@demo.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "/login" not in response.headers["Location"]
