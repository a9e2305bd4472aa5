"""The checklist's own language on site (#13): the auditor reads the questions and guidance in
another language than the interface's, kept for the session; English where a text is missing."""

from __future__ import annotations

import hashlib
import io
import re

import openpyxl
import pytest

from certification.audits import services, workbook
from certification.checklists import loader
from tests.services.test_audit_answers import TODAY, started

QUESTION = "7.2-a"


@pytest.fixture
def on_site(db):
    """An audit in progress; its lead and a second auditor on the team."""
    audit, lead, member = started(db, start=TODAY)
    db.session.commit()
    return audit, lead, member


def text(response) -> str:
    return response.get_data(as_text=True)


def asked(language: str, question: str = QUESTION) -> tuple[str, str]:
    q = loader.checklist_for("iso10002", "2018").question(question)
    return q.text[language], q.guidance[language]


def choose(client, audit, language: str, clause: str = "7.2"):
    form = {"language": language, "clause": clause}
    return client.post(f"/audits/{audit.id}/checklist-language", data=form)


def chosen(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("checklist_language")


def test_the_auditor_switches_the_questions_to_georgian(client, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    page = text(client.get(f"/audits/{audit.id}/checklist?clause=7.2"))
    assert asked("en")[0] in page and f'action="/audits/{audit.id}/checklist-language"' in page
    response = choose(client, audit, "ka")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/audits/{audit.id}/checklist?clause=7.2")
    page = text(client.get(response.headers["Location"]))
    question, guidance = asked("ka")
    assert question in page and guidance in page
    assert asked("en")[0] not in page
    assert "What to look for" in page  # the interface stays in English
    assert "ქართული</option>" in page and re.search(r'value="ka" lang="ka" selected', page)
    assert f'lang="ka" dir="auto">{question}' in page


def test_the_choice_is_kept_on_other_clauses_until_set_back(client, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    choose(client, audit, "ka")
    page = text(client.get(f"/audits/{audit.id}/checklist?clause=8.2"))
    assert asked("ka", "8.2-a")[0] in page
    choose(client, audit, "", clause="8.2")
    assert chosen(client) is None
    page = text(client.get(f"/audits/{audit.id}/checklist?clause=8.2"))
    assert asked("en", "8.2-a")[0] in page


def test_with_the_interface_in_turkish_the_checklist_may_still_be_in_arabic(
    client, db, login_as, on_site
):
    audit, lead, _member = on_site
    lead.locale = "tr"
    login_as(lead)
    assert asked("tr")[0] in text(client.get(f"/audits/{audit.id}/checklist?clause=7.2"))
    choose(client, audit, "ar")
    page = text(client.get(f"/audits/{audit.id}/checklist?clause=7.2"))
    assert asked("ar")[0] in page and asked("tr")[0] not in page
    assert "Nelere bakılmalı" in page  # the interface around it stays Turkish


def test_an_unknown_language_is_refused_and_changes_nothing(client, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    choose(client, audit, "ru")
    response = choose(client, audit, "xx")
    assert response.status_code == 302
    assert chosen(client) == "ru"
    page = text(client.get(response.headers["Location"]))
    assert "Unknown language: xx." in page and asked("ru")[0] in page


def test_a_checklist_copy_without_the_language_shows_english(client, db, login_as, on_site):
    """An audit started on an English-and-Turkish file keeps it: Georgian falls back to English."""
    audit, lead, _member = on_site
    kept = services.recorded_checklist(audit)
    source = re.sub(r"^\S+\.(ru|ka|vi|ar) = .*\n", "", kept.source, flags=re.M)
    source = source.replace(
        'languages = ["en", "tr", "ru", "ka", "vi", "ar"]', 'languages = ["en", "tr"]'
    )
    kept.source = source
    kept.fingerprint = hashlib.sha256(source.encode("utf-8")).hexdigest()
    db.session.commit()
    login_as(lead)
    choose(client, audit, "ka")
    page = text(client.get(f"/audits/{audit.id}/checklist?clause=7.2"))
    assert asked("en")[0] in page and asked("ka")[0] not in page
    assert "This checklist version has no texts in ქართული: they are shown in English." in page


def test_a_reader_of_the_checklist_may_switch_it_too(client, login_as, on_site):
    audit, _lead, _member = on_site
    login_as("planner")
    choose(client, audit, "vi")
    assert asked("vi")[0] in text(client.get(f"/audits/{audit.id}/checklist?clause=7.2"))


@pytest.mark.parametrize("who", ["auditor", "client"])
def test_others_cannot_use_the_switch(client, login_as, on_site, who):
    audit, _lead, _member = on_site
    login_as(who)
    assert choose(client, audit, "ka").status_code in (403, 404)
    assert chosen(client) is None


def test_the_workbook_for_offline_work_follows_the_chosen_language(client, login_as, on_site):
    audit, lead, _member = on_site
    login_as(lead)
    choose(client, audit, "ka")
    response = client.get(f"/audits/{audit.id}/workbook.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))[workbook.CHECKLIST_SHEET]
    rows = sheet.iter_rows(min_row=2, values_only=True)
    texts = {row[workbook.QUESTION - 1]: row[workbook.TEXT - 1] for row in rows}
    assert texts[QUESTION] == asked("ka")[0]
