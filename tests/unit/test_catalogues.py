"""Every shipped language's catalogue is complete and sound: each msgid translated, nothing fuzzy,
the same placeholders as the English, every plural form there, and the field's key terms
rendered as that language's glossary says. The .mo files are built from the .po files."""

from __future__ import annotations

import gettext
import os
import re
import tomllib

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from certification import PACKAGE, ROOT
from certification.i18n import catalogues
from certification.i18n.languages import LANGUAGES

TRANSLATIONS = PACKAGE / "translations"
TRANSLATED = sorted(set(LANGUAGES) - {"en"})
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[^{}\s]+\}")
GLOSSARY = tomllib.loads((TRANSLATIONS / "glossary.toml").read_text(encoding="utf-8"))


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def messages(language: str) -> list:
    return [m for m in catalogue(language) if m.id]


def forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def english(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def singular(message) -> str:
    return english(message)[0]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, shadda, tatweel


def lower(text: str, language: str = "") -> str:
    """Casefolded (the Turkish dotted capital İ to i, not to i and a combining dot; in Turkish
    the dotless capital I to ı: "ASKIYA" is "askıya"), without Arabic vowel marks: "سُحبت" uses
    the stem "سحب"."""
    if language == "tr":
        text = text.replace("I", "ı")
    return ARABIC_MARKS.sub("", text.casefold().replace("i\u0307", "i"))


def words(text: str) -> str:
    """The text without its placeholders: %(recommendation)s is no use of "recommendation"."""
    return PLACEHOLDER.sub(" ", text)


def test_every_interface_language_has_a_catalogue():
    assert TRANSLATED == ["ar", "ka", "ru", "tr", "vi"]
    for language in TRANSLATED:
        assert messages(language), f"{language}: the catalogue is empty"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_msgid_is_translated_and_none_is_fuzzy(language):
    found = messages(language)
    untranslated = [singular(m) for m in found if not all(forms(m))]
    fuzzy = [singular(m) for m in found if m.fuzzy]
    done = len(found) - len(untranslated)
    assert untranslated == [], (
        f"{language}: {done}/{len(found)} translated; missing: {untranslated[:10]} ..."
    )
    assert fuzzy == [], f"{language}: fuzzy: {fuzzy}"
    assert not catalogue(language).fuzzy


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_are_those_of_the_english(language):
    wrong = []
    for message in messages(language):
        wanted = set().union(*(placeholders(text) for text in english(message)))
        for text in forms(message):
            if text and placeholders(text) != wanted:
                wrong.append((singular(message), sorted(placeholders(text) ^ wanted)))
    assert wrong == [], f"{language}: placeholders differ: {wrong}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_entries_have_every_form_of_the_language(language):
    rule = get_plural(language)
    header = catalogue(language)
    assert header.num_plurals == rule.num_plurals, f"{language}: Plural-Forms header"
    assert header.plural_expr.replace(" ", "") == rule.plural_expr.replace(" ", "")
    incomplete = [
        singular(m)
        for m in messages(language)
        if isinstance(m.id, (list, tuple))
        and (len(forms(m)) != rule.num_plurals or not all(forms(m)))
    ]
    assert incomplete == [], f"{language}: plural forms missing: {incomplete}"


def glossary(language: str) -> dict:
    path = TRANSLATIONS / language / "glossary.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_language_glossary_renders_every_key_term(language):
    terms = glossary(language)
    assert sorted(terms) == sorted(GLOSSARY), f"{language}: glossary terms differ from the list"
    for key, term in terms.items():
        assert term["rendering"] and term["stems"], f"{language}: {key} has no rendering"
        assert all(s == s.casefold() for s in term["stems"]), f"{language}: {key}: lower case"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_use_the_glossary_terms(language):
    """Where the English msgid has a key term, the translation has the glossary's rendering
    (one of its stems), unless the msgid is listed as using the word in another sense."""
    terms = glossary(language)
    missing = []
    for message in messages(language):
        for key, term in terms.items():
            pattern = re.compile(GLOSSARY[key]["match"], re.IGNORECASE)
            exempt = GLOSSARY[key].get("exempt", []) + term.get("exempt", [])
            if singular(message) in exempt:
                continue
            if not any(pattern.search(words(text)) for text in english(message)):
                continue
            for text in forms(message):
                if text and not any(stem in lower(text, language) for stem in term["stems"]):
                    missing.append((key, singular(message), text))
    assert missing == [], f"{language}: glossary terms not used: {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_exemptions_name_msgids_that_exist(language):
    known = {singular(m) for m in messages(language)}
    terms = [*glossary(language).items(), *GLOSSARY.items()]
    stale = [
        (key, msgid)
        for key, term in terms
        for msgid in term.get("exempt", [])
        if msgid not in known
    ]
    assert stale == [], f"{language}: exemptions for msgids no longer in the catalogue: {stale}"


def test_catalogues_cover_every_string_in_the_code_and_templates():
    """Extracting anew finds no msgid a catalogue lacks (the README's extract command)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "lazy_ngettext": (1, 2),
    }
    found = set()
    for _name, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    for language in TRANSLATED:
        missing = sorted(found - {singular(m) for m in messages(language)})
        assert missing == [], f"not in the {language} catalogue (extract, update): {missing}"


# -- the compiled catalogues ----------------------------------------------------------------


def test_compiled_catalogues_say_what_the_po_files_say(app):
    """The app compiled every catalogue when it started; the .mo gives each .po's strings."""
    assert catalogues.stale_catalogues(TRANSLATIONS) == []
    for language in TRANSLATED:
        with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as f:
            compiled = gettext.GNUTranslations(f)
        stale = [
            m.id
            for m in messages(language)
            if isinstance(m.id, str) and compiled.gettext(m.id) != m.string
        ]
        assert stale == [], f"{language}: the .mo is behind the .po: {stale[:5]}"


def test_a_missing_or_older_mo_is_compiled_again(tmp_path):
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: tr\\n"\n\nmsgid "Yes"\nmsgstr "Evet"\n')
    assert catalogues.stale_catalogues(tmp_path) == [po]
    assert catalogues.compile_stale(tmp_path) == [po.with_suffix(".mo")]
    assert catalogues.stale_catalogues(tmp_path) == []
    with po.with_suffix(".mo").open("rb") as f:
        assert gettext.GNUTranslations(f).gettext("Yes") == "Evet"

    po.write_text(po.read_text().replace("Evet", "Tamam"))
    later = po.with_suffix(".mo").stat().st_mtime + 5
    os.utime(po, (later, later))
    assert catalogues.stale_catalogues(tmp_path) == [po]
    catalogues.compile_stale(tmp_path)
    with po.with_suffix(".mo").open("rb") as f:
        assert gettext.GNUTranslations(f).gettext("Yes") == "Tamam"


def test_compiled_catalogues_are_not_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "*.mo" in ignored
