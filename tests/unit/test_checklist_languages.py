"""Checklists in six languages (#13): a file that declares a language has every text in it; the
shipped files speak all six; a report picks the question in its own language."""

from __future__ import annotations

import re

import pytest

from certification.checklists import ChecklistError, checklist_for, load_file, question_text
from certification.i18n.languages import LANGUAGES
from tests.unit.test_checklist_loader import UNSCORED, edit, write

SIX = ("en", "tr", "ru", "ka", "vi", "ar")
SHIPPED = [("iso10002", "2018"), ("csat-star", "2018"), ("ts-iso10002", "2004")]


def in_six_languages(source: str) -> str:
    """The demo file with `languages` of all six and a ru/ka/vi/ar line after each Turkish one."""
    source = edit(
        source, 'languages = ["en", "tr"]', f"languages = {list(SIX)!r}".replace("'", '"')
    )

    def more(match: re.Match) -> str:
        key = match.group(1)
        return match.group(0) + "".join(f'\n{key}.{lang} = "{lang}: text"' for lang in SIX[2:])

    return re.sub(r'^(\S+)\.tr = ".*"$', more, source, flags=re.M)


def test_a_file_in_six_languages_loads(tmp_path):
    checklist = load_file(write(tmp_path, in_six_languages(UNSCORED)))
    assert checklist.languages == SIX
    assert checklist.question("4.1-a").text["ka"] == "ka: text"


def test_a_declared_language_missing_from_one_question_is_named(tmp_path):
    source = edit(in_six_languages(UNSCORED), 'text.ka = "ka: text"\n', "")
    with pytest.raises(ChecklistError) as caught:
        load_file(write(tmp_path, source))
    assert caught.value.problems == [
        "demo.toml: sections[0].clauses[0].questions[0].text.ka: missing"
    ]


def test_an_empty_georgian_guidance_is_named(tmp_path):
    source = in_six_languages(UNSCORED).replace('guidance.ka = "ka: text"', 'guidance.ka = " "', 1)
    with pytest.raises(ChecklistError) as caught:
        load_file(write(tmp_path, source))
    assert caught.value.problems == [
        "demo.toml: sections[0].clauses[0].questions[0].guidance.ka: empty"
    ]


def test_a_text_in_a_language_the_file_does_not_declare_is_named(tmp_path):
    source = edit(UNSCORED, 'text.tr = "İlkeler belirtilmiş mi?"', 'text.tr = "x"\ntext.ka = "y"')
    with pytest.raises(ChecklistError) as caught:
        load_file(write(tmp_path, source))
    assert caught.value.problems == [
        "demo.toml: sections[0].clauses[0].questions[0].text.ka: language not in languages (en, tr)"
    ]


@pytest.mark.parametrize(("scheme", "edition"), SHIPPED)
def test_the_shipped_checklists_speak_every_language_of_the_interface(scheme, edition):
    checklist = checklist_for(scheme, edition)
    assert set(checklist.languages) == set(LANGUAGES) == set(SIX)
    texts = [checklist.title]
    for section in checklist.sections:
        texts.append(section.title)
        for clause in section.clauses:
            texts.append(clause.title)
            texts += [t for q in clause.questions for t in (q.text, q.guidance)]
    texts += [level.label for level in checklist.maturity] + [b.label for b in checklist.bands]
    assert all(set(t) == set(SIX) and all(v.strip() for v in t.values()) for t in texts)


@pytest.mark.parametrize(("scheme", "edition"), SHIPPED)
def test_no_shipped_translation_is_a_copy_of_the_english(scheme, edition):
    """A forgotten translation often is the English pasted; a question's text never is."""
    for question in checklist_for(scheme, edition).questions():
        english = question.text["en"]
        assert [lang for lang in SIX[1:] if question.text[lang] == english] == [], question.id


def test_georgian_and_arabic_questions_are_in_their_scripts():
    question = checklist_for("iso10002", "2018").question("7.2-a")
    assert re.search("[\u10d0-\u10ff]", question.text["ka"])
    assert re.search("[\u0600-\u06ff]", question.text["ar"])
    assert re.search("[\u0400-\u04ff]", question.text["ru"])


@pytest.mark.parametrize("language", SIX)
def test_question_text_picks_the_language(language):
    checklist = checklist_for("iso10002", "2018")
    expected = checklist.question("7.2-a").text[language]
    assert question_text(checklist, "7.2-a", language) == expected


def test_question_text_falls_back_to_english_and_knows_no_unknown_question(tmp_path):
    checklist = load_file(write(tmp_path, UNSCORED))  # English and Turkish only
    assert question_text(checklist, "4.1-a", "ka") == "Are the principles stated?"
    assert question_text(checklist, "4.1-a", "tr_TR") == "İlkeler belirtilmiş mi?"
    assert question_text(checklist, "9.9-z", "tr") == ""
    assert question_text(None, "4.1-a", "tr") == ""
