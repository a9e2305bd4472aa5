"""The UI speaks Turkish to those who choose it, and the Turkish catalog is complete."""

from __future__ import annotations

import gettext
import html
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import url_for

from certification import PACKAGE
from tests import factories

PO = PACKAGE / "translations" / "tr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_login_page_follows_the_browser_language(client):
    turkish = page(client.get(url_for("accounts.login"), headers={"Accept-Language": "tr"}))
    assert '<html lang="tr">' in turkish
    assert "<h1>Giriş yap</h1>" in turkish
    assert "Parola" in turkish

    english = page(client.get(url_for("accounts.login"), headers={"Accept-Language": "en"}))
    assert '<html lang="en">' in english
    assert "<h1>Sign in</h1>" in english


def test_turkish_planner_sees_turkish_navigation_and_headings(client, login_as):
    factories.application()
    login_as("planner", locale="tr")
    # The user's own choice wins over what the browser asks for.
    text = page(client.get(url_for("applications.index"), headers={"Accept-Language": "en"}))
    assert '<html lang="tr">' in text
    assert "<h1>Başvurular</h1>" in text
    for label in ("Kuruluşlar", "Teklifler", "Tetkik programı", "Çıkış yap", "Başvuru kaydet"):
        assert label in text
    assert "Sign out" not in text
    assert "Planlamacı" in text  # the role label beside the name


def test_english_planner_sees_english(client, login_as):
    factories.application()
    login_as("planner", locale="en")
    text = page(client.get(url_for("applications.index"), headers={"Accept-Language": "tr"}))
    assert '<html lang="en">' in text
    assert "<h1>Applications</h1>" in text
    assert "Organisations" in text and "Sign out" in text
    assert "Başvurular" not in text and "Çıkış yap" not in text


def test_language_switch_changes_the_page_language(client, db, login_as):
    person = login_as("planner", locale="en")
    assert "<h1>Applications</h1>" in page(client.get(url_for("applications.index")))

    response = client.post(url_for("accounts.language"), data={"locale": "tr"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.locale == "tr"
    assert "<h1>Başvurular</h1>" in page(client.get(url_for("applications.index")))

    client.post(url_for("accounts.language"), data={"locale": "en"})
    assert "<h1>Applications</h1>" in page(client.get(url_for("applications.index")))


def test_anonymous_language_switch_is_kept_in_the_session(client):
    client.post(url_for("accounts.language"), data={"locale": "tr"})
    text = page(client.get(url_for("accounts.login"), headers={"Accept-Language": "en"}))
    assert "<h1>Giriş yap</h1>" in text


def test_turkish_catalog_is_complete_and_compiled():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="tr")
    messages = [m for m in catalog if m.id]
    assert messages, "the Turkish catalog is empty"
    untranslated = [
        m.id
        for m in messages
        if not (all(m.string) if isinstance(m.string, (list, tuple)) else m.string)
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"
    assert not catalog.fuzzy
    assert MO.exists(), "run: pybabel compile -d certification/translations"
    # What the app reads (the committed .mo) says what the .po says. Compared by content, not by
    # file times: a fresh clone gives both files the checkout's time.
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [
        m.id
        for m in messages
        if isinstance(m.id, str) and compiled.gettext(m.id) != m.string
    ]
    assert stale == [], f"the .mo is behind the .po (pybabel compile): {stale[:5]}"


def test_catalog_covers_every_string_in_the_code_and_templates():
    """Extracting anew finds no msgid the Turkish catalog lacks."""
    root = Path(PACKAGE).parent
    with (root / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
    }
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    with PO.open("rb") as f:
        catalog = read_po(f, locale="tr")
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(found - known)
    assert missing == [], f"not in the Turkish catalog (extract, update, translate): {missing}"
