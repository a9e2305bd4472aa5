"""The language rules: search folding in every script, the order of names in each language,
numbers, percentages, money, dates and country names per locale, plural numbers, direction."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import LanguageAccept

from certification.i18n import formatting, languages
from certification.i18n.collation import Page, page_by_name, sorted_by_name
from certification.i18n.folding import fold
from certification.i18n.plurals import plural_number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("istanbul", "İSTANBUL"),
        ("isik", "Işık Enerji"),
        ("sirket", "Şirket"),
        ("nguyen duc anh", "Nguyễn Đức Anh"),  # tone marks and đ
        ("sieu thi ha long", "Siêu thị Hạ Long"),
        ("საქართველო", "ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ"),  # Georgian Mtavruli capitals
        ("елка", "Ёлка"),
        ("йошкар", "ЙОШКАР-ОЛА"),
        ("محمد", "مُحَمَّد"),  # harakat and shadda
        ("محمد", "مـــحـمـد"),  # tatweel
        ("احمد", "أحمد"),  # alef with hamza
        ("مدرسه", "مدرسة"),  # teh marbuta
        ("مستشفي", "مستشفى"),  # alef maksura
        ("2026", "٢٠٢٦"),  # Arabic-Indic digits
        ("الخليج", "\u200fالخليج\u200f"),  # direction marks from copy and paste
    ],
)
def test_folding_makes_what_is_typed_find_what_is_stored(typed, stored):
    assert fold(typed) in fold(stored)
    assert fold(stored) == fold(fold(stored))


def test_folding_keeps_different_letters_apart():
    assert fold("Ankara") != fold("Ankana")
    assert fold("მზე") != fold("მთე")
    assert fold("سلام") != fold("سلم")


@pytest.mark.parametrize(
    ("locale", "shuffled", "ordered"),
    [
        # Turkish: C < Ç, G < Ğ, I (dotless) < İ, O < Ö, S < Ş, U < Ü.
        ("tr", ["Zeynep", "Çağla", "Cem", "Ömer", "Ozan", "İpek", "Ilgaz"],
         ["Cem", "Çağla", "Ilgaz", "İpek", "Ozan", "Ömer", "Zeynep"]),
        # Vietnamese: A < Ă < Â, D < Đ, E < Ê.
        ("vi", ["Đà Nẵng", "Ân", "Dung", "Ăn", "An", "Êm", "Em"],
         ["An", "Ăn", "Ân", "Dung", "Đà Nẵng", "Em", "Êm"]),
        ("ru", ["Яков", "Ёлкин", "Елисеев", "Жуков", "Абрамов"],
         ["Абрамов", "Елисеев", "Ёлкин", "Жуков", "Яков"]),
        ("ka", ["ზურაბ", "ანა", "ბესო", "თამარ"], ["ანა", "ბესო", "ზურაბ", "თამარ"]),
        ("ar", ["يوسف", "باسم", "أحمد", "جميلة"], ["أحمد", "باسم", "جميلة", "يوسف"]),
        # English: Ç is a C with an accent, not a letter of its own (Turkish puts it after C).
        ("en", ["Zoe", "Cem", "Çelik", "Oliver"], ["Çelik", "Cem", "Oliver", "Zoe"]),
    ],
)  # fmt: skip
def test_names_are_sorted_in_the_readers_language(locale, shuffled, ordered):
    assert sorted_by_name(shuffled, lambda name: name, locale) == ordered


def test_a_page_of_names_is_cut_from_the_collated_order():
    class Named:
        def __init__(self, id, name):
            self.id, self.name = id, name

    people = [Named(i, name) for i, name in enumerate(["Şule", "Sevgi", "Zafer", "Can", "Çetin"])]
    rows = [(p.id, p.name) for p in people]
    load = lambda ids: [p for p in people if p.id in ids]  # noqa: E731
    page = page_by_name(rows, load, "tr", page=2, per_page=2)
    assert [p.name for p in page.items] == ["Sevgi", "Şule"]
    assert (page.total, page.pages, page.prev_num, page.next_num) == (5, 3, 1, 3)
    assert page_by_name(rows, load, "tr", page=9, per_page=2).items == []
    assert Page([], 1, 20, 0).pages == 0


@pytest.mark.parametrize(
    ("locale", "percent", "money", "day"),
    [
        ("en", "87.5%", "€1,234.50", "Mar 5, 2026"),
        ("tr", "%87,5", "€1.234,50", "5 Mar 2026"),
        ("ru", "87,5 %", "1 234,50 €", "5 мар. 2026 г."),
        ("ka", "87,5%", "1 234,50 €", "5 მარ. 2026"),
        ("vi", "87,5%", "1.234,50 €", "5 thg 3, 2026"),
        ("ar", "87.5%", "1,234.50 €", "05‏/03‏/2026"),
    ],
)
def test_numbers_money_and_dates_follow_the_locale(app, locale, percent, money, day):
    def plain(text: str) -> str:  # the locale's no-break spaces and direction marks aside
        for mark in ("\u00a0", "\u202f", "\u200e", "\u200f", "\u061c"):
            text = text.replace(mark, " " if mark in "\u00a0\u202f" else "")
        return text

    assert plain(formatting.percent(87.5, locale=locale)) == plain(percent)
    assert plain(formatting.money(1234.5, "EUR", locale=locale)) == plain(money)
    assert plain(formatting.day(date(2026, 3, 5), locale=locale)) == plain(day)


def test_percentages_keep_up_to_one_decimal_and_the_sign():
    assert formatting.percent(100, locale="en") == "100%"
    assert formatting.percent(-20, locale="ru").replace("\u00a0", " ") == "-20 %"
    assert formatting.percent(33.33, locale="tr") == "%33,3"


def test_country_names_are_in_the_readers_language():
    assert formatting.country("GE", "en") == "Georgia"
    assert formatting.country("GE", "ru") == "Грузия"
    assert formatting.country("GE", "ka") == "საქართველო"
    assert formatting.country("TR", "ar") == "تركيا"
    assert formatting.country("VN", "vi") == "Việt Nam"
    assert formatting.country("XX", "en") == "XX"


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [(1, "ru", 1), (2, "ru", 2), (5, "ru", 5), ("2.0", "ru", 2), (2.5, "ru", 2),
     (2.5, "en", 2), (0.5, "en", 2), (2.5, "ar", 100), (1.5, "tr", 2)],
)  # fmt: skip
def test_fractions_take_the_plural_form_their_language_gives_them(value, locale, expected):
    assert plural_number(value, locale) == expected


def test_arabic_reads_right_to_left_and_the_others_left_to_right():
    assert languages.direction("ar") == "rtl"
    assert [languages.direction(code) for code in ("en", "tr", "ru", "ka", "vi")] == ["ltr"] * 5


@pytest.mark.parametrize(
    ("user", "session", "accept", "expected"),
    [
        ("ka", "ru", "vi", "ka"),
        (None, "ru", "vi", "ru"),
        (None, None, "vi-VN,vi;q=0.9", "vi"),
        ("xx", None, "ar-SA", "ar"),
        (None, None, "de", "en"),
    ],
)
def test_the_readers_language_is_theirs_then_the_sessions_then_the_browsers(
    user, session, accept, expected
):
    values = [(part.split(";")[0], 1 - i / 10) for i, part in enumerate(accept.split(","))]
    assert languages.choose(user, session, LanguageAccept(values)) == expected
