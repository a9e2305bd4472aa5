"""After making something, the user lands where it is shown and marked: its own page, or the
list narrowed to it with its row marked "Just added" (issue #10: a new item visible without
paging to find it)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests import factories
from tests.web.test_admin import NEW_PASSWORD, user_form


def marked_rows(page: str) -> list[str]:
    return re.findall(r'<tr[^>]*class="just-added"[^>]*>(.*?)</tr>', page, re.S)


def test_a_new_user_is_shown_marked_on_the_list_whatever_its_length(client, db, login_as, app):
    login_as("admin")
    for n in range(app.config["PAGE_SIZE"] + 5):  # "Zz..." sorts after the first page
        factories.user("auditor", name=f"Aa Auditor {n:02d}")
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data=user_form(name="Zz Newcomer", password=NEW_PASSWORD),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The user Zz Newcomer was created." in page
    (row,) = marked_rows(page)
    assert "Zz Newcomer" in row and "Just added" in row
    assert "Aa Auditor 00" not in page  # the list is narrowed to the new user


def test_a_new_risk_is_marked_on_the_register(client, db, login_as):
    org = factories.organisation(legal_name="Karadeniz Sigorta A.Ş.")
    factories.db.session.commit()
    login_as("admin")
    data = {
        "threat": "self_interest",
        "source_kind": "client",
        "organisation_id": org.id,
        "person_id": 0,
        "description": "A third of the revenue.",
        "level": "high",
        "action_taken": "Second committee member.",
        "review_on": (date.today() + timedelta(days=90)).isoformat(),
    }
    response = client.post("/impartiality/risks", data=data)
    assert response.status_code == 302 and "#risk-" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    (row,) = marked_rows(page)
    assert "A third of the revenue." in row and "Just added" in row
