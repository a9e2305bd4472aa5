"""The interface speaks English, Turkish, Russian, Georgian, Vietnamese and Arabic (right to
left): the reader's language is their stored choice, else the session's, else the browser's; dates,
numbers, money and country names follow it, and lists of names are in its alphabetical order."""

from __future__ import annotations

import html
import re

import pytest
from flask import url_for

from certification.i18n.languages import LANGUAGES
from tests import factories


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


SIGN_IN = {
    "en": "<h1>Sign in</h1>",
    "tr": "<h1>Giriş yap</h1>",
    "ru": "<h1>Войти</h1>",
    "ka": "<h1>შესვლა</h1>",
    "vi": "<h1>Đăng nhập</h1>",
    "ar": "<h1>تسجيل الدخول</h1>",
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_login_page_follows_the_browser_language(client, language):
    text = page(client.get(url_for("accounts.login"), headers={"Accept-Language": language}))
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in text
    assert SIGN_IN[language] in text


def test_a_regional_browser_language_finds_its_language(client):
    headers = {"Accept-Language": "ka-GE,ka;q=0.9,en;q=0.5"}
    assert SIGN_IN["ka"] in page(client.get(url_for("accounts.login"), headers=headers))
    headers = {"Accept-Language": "de-DE,de;q=0.9"}  # not offered: English
    assert SIGN_IN["en"] in page(client.get(url_for("accounts.login"), headers=headers))


def test_public_pages_offer_a_switcher_with_every_language_in_its_own_name(client):
    text = page(client.get(url_for("verification.lookup"), headers={"Accept-Language": "vi"}))
    for code, name in LANGUAGES.items():
        assert re.search(rf'<option value="{code}"[^>]*>{name}</option>', text)
    assert re.search(r'<option value="vi" selected>Tiếng Việt</option>', text)


def test_anonymous_language_switch_is_kept_in_the_session(client):
    client.post(url_for("accounts.language"), data={"locale": "ru"})
    text = page(client.get(url_for("accounts.login"), headers={"Accept-Language": "en"}))
    assert SIGN_IN["ru"] in text
    client.post(url_for("accounts.language"), data={"locale": "xx"})  # not offered: ignored
    assert SIGN_IN["ru"] in page(client.get(url_for("accounts.login")))


def test_turkish_planner_sees_turkish_navigation_and_headings(client, login_as):
    factories.application()
    login_as("planner", locale="tr")
    # The user's own choice wins over what the browser asks for.
    text = page(client.get(url_for("applications.index"), headers={"Accept-Language": "en"}))
    assert '<html lang="tr" dir="ltr">' in text
    assert "<h1>Başvurular</h1>" in text
    for label in ("Kuruluşlar", "Teklifler", "Tetkik programı", "Çıkış yap", "Başvuru kaydet"):
        assert label in text
    assert "Sign out" not in text
    assert "Planlamacı" in text  # the role label beside the name


def test_english_planner_sees_english(client, login_as):
    factories.application()
    login_as("planner", locale="en")
    text = page(client.get(url_for("applications.index"), headers={"Accept-Language": "tr"}))
    assert '<html lang="en" dir="ltr">' in text
    assert "<h1>Applications</h1>" in text
    assert "Organisations" in text and "Sign out" in text
    assert "Başvurular" not in text and "Çıkış yap" not in text


@pytest.mark.parametrize(
    ("language", "heading", "sign_out"),
    [
        ("ru", "<h1>Заявки</h1>", "Выйти"),
        ("ka", "<h1>განაცხადები</h1>", "გასვლა"),
        ("vi", "<h1>Hồ sơ đăng ký</h1>", "Đăng xuất"),
        ("ar", "<h1>الطلبات</h1>", "تسجيل الخروج"),
    ],
)
def test_each_language_is_the_users_stored_choice(client, login_as, language, heading, sign_out):
    factories.application()
    login_as("planner", locale=language)
    text = page(client.get(url_for("applications.index"), headers={"Accept-Language": "en"}))
    assert f'<html lang="{language}"' in text
    assert heading in text and sign_out in text
    assert "Sign out" not in text


def test_language_switch_changes_and_stores_the_page_language(client, db, login_as):
    person = login_as("planner", locale="en")
    assert "<h1>Applications</h1>" in page(client.get(url_for("applications.index")))

    response = client.post(url_for("accounts.language"), data={"locale": "ar"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.locale == "ar"
    text = page(client.get(url_for("applications.index")))
    assert '<html lang="ar" dir="rtl">' in text and "<h1>الطلبات</h1>" in text

    client.post(url_for("accounts.language"), data={"locale": "tr"})
    assert "<h1>Başvurular</h1>" in page(client.get(url_for("applications.index")))


def test_a_user_picks_any_of_the_six_languages_on_their_account_page(client, db, login_as):
    person = login_as("auditor", locale="en")
    text = page(client.get(url_for("accounts.account")))
    for code in LANGUAGES:
        assert f'<option value="{code}"' in text
    client.post(url_for("accounts.account"), data={"locale": "ka"})
    db.session.refresh(person)
    assert person.locale == "ka"


# -- formats of the reader's language -----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "total", "country"),
    [
        ("en", "€4,350.00", "Georgia"),
        ("tr", "€4.350,00", "Gürcistan"),
        ("ru", "4 350,00 €", "Грузия"),
        ("ka", "4 350,00 €", "საქართველო"),
        ("vi", "4.350,00 €", "Georgia"),
    ],
)
def test_money_and_country_names_follow_the_reader(client, login_as, language, total, country):
    organisation = factories.organisation(country="GE", effective_personnel=40)
    quote = factories.quote(factories.application(organisation))
    login_as("planner", locale=language)
    text = page(client.get(url_for("quotes.detail", quote_id=quote.id)))
    assert total.replace(" ", "\u00a0") in text or total.replace(" ", "\u202f") in text, total
    text = page(client.get(url_for("organisations.index")))
    assert country in text
