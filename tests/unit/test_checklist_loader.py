"""Checklist loader: every bad file names the file and key of each problem, all at once."""

import hashlib

import pytest

from certification.checklists import (
    Checklist,
    ChecklistError,
    UnknownChecklistError,
    check_files,
    checklist_for,
    fingerprint,
    load_all,
    load_file,
    parse,
    text,
)

UNSCORED = """\
scheme = "demo"
edition = "2018"
version = "2026.1"
scored = false
languages = ["en", "tr"]
title.en = "Demo checklist"
title.tr = "Deneme soru listesi"

[[sections]]
number = "4"
title.en = "Guiding principles"
title.tr = "Yol gösterici ilkeler"

[[sections.clauses]]
number = "4.1"
title.en = "General"
title.tr = "Genel"

[[sections.clauses.questions]]
id = "4.1-a"
text.en = "Are the principles stated?"
text.tr = "İlkeler belirtilmiş mi?"
guidance.en = "Manual."
guidance.tr = "El kitabı."

[[sections.clauses.questions]]
id = "4.1-b"
text.en = "Are they applied?"
text.tr = "Uygulanıyor mu?"
guidance.en = "Interviews."
guidance.tr = "Görüşmeler."

[[sections]]
number = "5"
title.en = "Framework"
title.tr = "Çerçeve"

[[sections.clauses]]
number = "5.1"
title.en = "Policy"
title.tr = "Politika"

[[sections.clauses.questions]]
id = "5.1-a"
text.en = "Is there a policy?"
text.tr = "Bir politika var mı?"
guidance.en = "Policy document."
guidance.tr = "Politika dokümanı."
"""

LEVELS = "".join(
    f'\n[[maturity]]\npoints = {n}\nlabel.en = "L{n}"\nlabel.tr = "D{n}"\n'
    f'description.en = "Level {n}"\ndescription.tr = "Düzey {n}"\n'
    for n in range(5)
)
BANDS = "".join(
    f'\n[[bands]]\nmin_percent = {m}\nlabel.en = "{s} stars"\nlabel.tr = "{s} yıldız"\n'
    for m, s in ((0, 1), (60, 2), (80, 3))
)
SCORING = (
    "\n[scoring]\n"
    "grade_caps = { conforming = 4, observation = 4, ofi = 3, minor = 2, major = 0 }\n"
    "min_answered_percent = 80\n"
)
SCORED = (
    UNSCORED.replace("scored = false", "scored = true")
    .replace('id = "4.1-a"', 'id = "4.1-a"\nweight = 2\nmax_points = 4')
    .replace('id = "4.1-b"', 'id = "4.1-b"\nweight = 1.5')
    .replace('id = "5.1-a"', 'id = "5.1-a"\nweight = 1')
    .replace(
        '\n[[sections]]\nnumber = "4"', LEVELS + SCORING + BANDS + '\n[[sections]]\nnumber = "4"', 1
    )
)


def write(tmp_path, source, name="demo.toml"):
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def problems_of(tmp_path, source, name="demo.toml"):
    with pytest.raises(ChecklistError) as caught:
        load_file(write(tmp_path, source, name))
    return caught.value.problems


def edit(source, old, new):
    assert old in source, old
    return source.replace(old, new, 1)


# (case, base file, old text, new text, a problem line that must appear)
UNSCORED_CASES = [
    ("bad TOML names the line", 'version = "2026.1"', "version = ", "demo.toml: invalid TOML"),
    ("missing top key", 'edition = "2018"\n', "", "demo.toml: edition: missing"),
    (
        "unknown top key",
        'version = "2026.1"',
        'version = "2026.1"\nauthor = "me"',
        "demo.toml: author: unknown key",
    ),
    (
        "wrong type",
        "scored = false",
        'scored = "no"',
        "demo.toml: scored: must be true or false, got string",
    ),
    (
        "bad scheme id",
        'scheme = "demo"',
        'scheme = "Demo Scheme"',
        "demo.toml: scheme: 'Demo Scheme' is not a scheme id",
    ),
    (
        "bad version",
        'version = "2026.1"',
        'version = "2026"',
        "demo.toml: version: '2026' is not a version like 2026.1",
    ),
    (
        "title not a table",
        'title.en = "Demo checklist"\ntitle.tr = "Deneme soru listesi"',
        'title = "Demo"',
        "demo.toml: title: must be a table, got string",
    ),
    (
        "missing Turkish",
        'text.tr = "Uygulanıyor mu?"\n',
        "",
        "demo.toml: sections[0].clauses[0].questions[1].text.tr: missing",
    ),
    ("missing English", 'title.en = "Framework"\n', "", "demo.toml: sections[1].title.en: missing"),
    (
        "empty text",
        'guidance.en = "Interviews."',
        'guidance.en = "  "',
        "demo.toml: sections[0].clauses[0].questions[1].guidance.en: empty",
    ),
    (
        "text not a string",
        'guidance.en = "Interviews."',
        "guidance.en = 3",
        "demo.toml: sections[0].clauses[0].questions[1].guidance.en: must be a string, got integer",
    ),
    (
        "undeclared language",
        'title.tr = "Deneme soru listesi"',
        'title.tr = "Deneme soru listesi"\ntitle.de = "Probe"',
        "demo.toml: title.de: language not in languages (en, tr)",
    ),
    (
        "languages without Turkish",
        'languages = ["en", "tr"]',
        'languages = ["en"]',
        "demo.toml: languages: must include 'tr'",
    ),
    (
        "duplicate question id",
        'id = "4.1-b"',
        'id = "4.1-a"',
        "demo.toml: sections[0].clauses[0].questions[1].id: duplicate id '4.1-a' "
        "(first at sections[0].clauses[0].questions[0].id)",
    ),
    (
        "id of another clause",
        'id = "4.1-b"',
        'id = "4.2-b"',
        "demo.toml: sections[0].clauses[0].questions[1].id: "
        "'4.2-b' must start with its clause 4.1-",
    ),
    (
        "malformed id",
        'id = "4.1-b"',
        'id = "4.1b"',
        "demo.toml: sections[0].clauses[0].questions[1].id: '4.1b' is not a question id",
    ),
    (
        "clause outside its section",
        'number = "5.1"',
        'number = "6.1"',
        "demo.toml: sections[1].clauses[0].number: clause 6.1 is not in section 5",
    ),
    (
        "duplicate clause",
        'number = "5.1"',
        'number = "4.1"',
        "demo.toml: sections[1].clauses[0].number: duplicate clause '4.1'",
    ),
    (
        "malformed clause number",
        'number = "4.1"',
        'number = "4.x"',
        "demo.toml: sections[0].clauses[0].number: '4.x' is not a clause number",
    ),
    (
        "sections out of order",
        'number = "4"',
        'number = "6"',
        "demo.toml: sections[1].number: section 5 comes after 6",
    ),
    (
        "section number not a string",
        'number = "4"',
        "number = 4",
        "demo.toml: sections[0].number: must be a string, got integer",
    ),
    (
        "unknown question key",
        'id = "5.1-a"',
        'id = "5.1-a"\nnote = "x"',
        "demo.toml: sections[1].clauses[0].questions[0].note: unknown key",
    ),
    (
        "zero weight",
        'id = "5.1-a"',
        'id = "5.1-a"\nweight = 0',
        "demo.toml: sections[1].clauses[0].questions[0].weight: must be greater than 0, got 0",
    ),
    (
        "negative weight",
        'id = "5.1-a"',
        'id = "5.1-a"\nweight = -1.5',
        "demo.toml: sections[1].clauses[0].questions[0].weight: must be greater than 0, got -1.5",
    ),
    (
        "weight as text",
        'id = "5.1-a"',
        'id = "5.1-a"\nweight = "1"',
        "demo.toml: sections[1].clauses[0].questions[0].weight: must be a number, got string",
    ),
    (
        "points in an unscored file",
        'id = "5.1-a"',
        'id = "5.1-a"\nmax_points = 4',
        "demo.toml: sections[1].clauses[0].questions[0].max_points: only a scored checklist",
    ),
    (
        "bands in an unscored file",
        'title.tr = "Deneme soru listesi"',
        'title.tr = "Deneme soru listesi"\nbands = []',
        "demo.toml: bands: only a scored checklist has rating bands",
    ),
]

SCORED_CASES = [
    (
        "points above 4",
        "max_points = 4",
        "max_points = 5",
        "demo.toml: sections[0].clauses[0].questions[0].max_points: must be between 1 and 4",
    ),
    (
        "no points",
        "max_points = 4",
        "max_points = 0",
        "demo.toml: sections[0].clauses[0].questions[0].max_points: must be between 1 and 4",
    ),
    (
        "weight missing in a scored file",
        "weight = 1.5\n",
        "",
        "demo.toml: sections[0].clauses[0].questions[1].weight: missing",
    ),
    (
        "maturity level outside 0-4",
        "points = 4",
        "points = 5",
        "demo.toml: maturity[4].points: must be 0 to 4, got 5",
    ),
    (
        "maturity levels out of order",
        "points = 1",
        "points = 2",
        "demo.toml: maturity[1].points: must be 1",
    ),
    ("maturity scale missing", LEVELS, "", "demo.toml: maturity: missing"),
    (
        "maturity label without Turkish",
        'label.tr = "D3"\n',
        "",
        "demo.toml: maturity[3].label.tr: missing",
    ),
    (
        "bands not increasing",
        "min_percent = 80",
        "min_percent = 50",
        "demo.toml: bands[2].min_percent: must be above the band before (60), got 50",
    ),
    (
        "bands not covering 0",
        "min_percent = 0",
        "min_percent = 10",
        "demo.toml: bands[0].min_percent: must be 0 so that every score has a band",
    ),
    (
        "band above 100",
        "min_percent = 80",
        "min_percent = 120",
        "demo.toml: bands[2].min_percent: must be between 0 and 100, got 120",
    ),
    ("band label missing", 'label.en = "2 stars"\n', "", "demo.toml: bands[1].label.en: missing"),
    ("bands missing", BANDS, "", "demo.toml: bands: missing"),
    # The star scheme's scoring rules (domain.md): stated in the file, checked here.
    ("scoring missing", SCORING, "", "demo.toml: scoring: missing"),
    ("a major earning points", "major = 0", "major = 1", "demo.toml: scoring.grade_caps.major"),
    (
        "a minor earning full points",
        "minor = 2",
        "minor = 4",
        "demo.toml: scoring.grade_caps.minor: a minor nonconformity cannot earn full points",
    ),
    (
        "a minor above a conforming answer",
        "conforming = 4",
        "conforming = 1",
        "demo.toml: scoring.grade_caps.minor: a minor nonconformity cannot earn more",
    ),
    ("a grade without its cap", "ofi = 3, ", "", "demo.toml: scoring.grade_caps.ofi: missing"),
    (
        "an unknown grade",
        "major = 0",
        "major = 0, fatal = 0",
        "demo.toml: scoring.grade_caps.fatal: unknown grade",
    ),
    ("a cap beyond the scale", "ofi = 3", "ofi = 7", "demo.toml: scoring.grade_caps.ofi: must be"),
    (
        "no share of questions",
        "min_answered_percent = 80",
        "",
        "demo.toml: scoring.min_answered_percent: missing",
    ),
    (
        "a share beyond 100",
        "min_answered_percent = 80",
        "min_answered_percent = 120",
        "demo.toml: scoring.min_answered_percent: must be above 0",
    ),
    (
        "a band below the stars after a star band",
        'min_percent = 60\nlabel.en = "2 stars"',
        'min_percent = 60\ncertifiable = false\nlabel.en = "2 stars"',
        "demo.toml: bands[1].certifiable: a band below the lowest star comes before",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in UNSCORED_CASES],
    ids=[case[0] for case in UNSCORED_CASES],
)
def test_a_bad_unscored_file_names_file_and_key(tmp_path, old, new, expected):
    problems = problems_of(tmp_path, edit(UNSCORED, old, new))
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in SCORED_CASES],
    ids=[case[0] for case in SCORED_CASES],
)
def test_a_bad_scored_file_names_file_and_key(tmp_path, old, new, expected):
    problems = problems_of(tmp_path, edit(SCORED, old, new))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_bad_toml_names_the_line(tmp_path):
    (problem,) = problems_of(tmp_path, edit(UNSCORED, 'version = "2026.1"', "version = "))
    assert "line 3" in problem


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("", "demo.toml: sections: missing"),
        ("sections = []\n", "demo.toml: sections: empty: at least one entry is needed"),
        ('sections = ["4"]\n', "demo.toml: sections[0]: must be a table, got string"),
        (
            '[[sections]]\nnumber = "4"\ntitle = { en = "A", tr = "B" }\nclauses = []\n',
            "demo.toml: sections[0].clauses: empty",
        ),
    ],
)
def test_sections_must_be_a_non_empty_array_of_tables(tmp_path, tail, expected):
    head = UNSCORED.split("\n[[sections]]")[0]
    problems = problems_of(tmp_path, f"{head}\n{tail}")
    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    source = edit(UNSCORED, 'text.tr = "Uygulanıyor mu?"\n', "")
    source = edit(source, 'id = "5.1-a"', 'id = "5.1-a"\nweight = 0')
    source = edit(source, 'edition = "2018"', "edition = 2018")
    problems = problems_of(tmp_path, source)
    assert problems == [
        "demo.toml: edition: must be a string, got integer",
        "demo.toml: sections[0].clauses[0].questions[1].text.tr: missing",
        "demo.toml: sections[1].clauses[0].questions[0].weight: must be greater than 0, got 0",
    ]


def test_the_error_message_lists_every_problem(tmp_path):
    source = edit(edit(UNSCORED, 'scheme = "demo"\n', ""), 'version = "2026.1"\n', "")
    with pytest.raises(ChecklistError) as caught:
        load_file(write(tmp_path, source))
    assert str(caught.value) == "demo.toml: scheme: missing\ndemo.toml: version: missing"


def test_an_unreadable_or_non_utf8_file_is_one_problem(tmp_path):
    with pytest.raises(ChecklistError, match=r"^absent\.toml: cannot be read"):
        load_file(tmp_path / "absent.toml")
    (tmp_path / "latin.toml").write_bytes('title.en = "şikâyet"'.encode("iso-8859-9"))
    with pytest.raises(ChecklistError, match=r"^latin\.toml: not UTF-8 text"):
        load_file(tmp_path / "latin.toml")


def test_a_valid_file_loads_into_frozen_objects(tmp_path):
    checklist = load_file(write(tmp_path, UNSCORED))
    assert (checklist.scheme, checklist.edition, checklist.version) == ("demo", "2018", "2026.1")
    assert checklist.file == "demo.toml"
    assert checklist.title == {"en": "Demo checklist", "tr": "Deneme soru listesi"}
    assert checklist.scored is False and checklist.bands == () and checklist.maturity == ()
    assert [s.number for s in checklist.sections] == ["4", "5"]
    assert [q.id for q in checklist.questions()] == ["4.1-a", "4.1-b", "5.1-a"]
    question = checklist.question("4.1-b")
    assert (question.clause, question.weight, question.max_points) == ("4.1", 1.0, None)
    assert question.text["tr"] == "Uygulanıyor mu?"
    assert checklist.clause("5.1").title["en"] == "Policy"
    with pytest.raises(AttributeError):
        checklist.version = "2027.1"


def test_a_scored_file_has_weights_points_maturity_and_bands(tmp_path):
    checklist = load_file(write(tmp_path, SCORED))
    assert checklist.scored
    assert [(q.weight, q.max_points) for q in checklist.questions()] == [
        (2.0, 4),
        (1.5, 4),
        (1.0, 4),
    ]
    assert [level.points for level in checklist.maturity] == [0, 1, 2, 3, 4]
    assert [band.min_percent for band in checklist.bands] == [0, 60, 80]
    assert checklist.grade_caps == {
        "conforming": 4,
        "observation": 4,
        "ofi": 3,
        "minor": 2,
        "major": 0,
    }
    assert checklist.min_answered_percent == 80
    question = checklist.questions()[0]
    assert [checklist.points_cap(question, g) for g in ("conforming", "minor", "major")] == [
        4,
        2,
        0,
    ]
    assert checklist.band_for(0).label["en"] == "1 stars"
    assert checklist.band_for(79.9).label["tr"] == "2 yıldız"
    assert checklist.band_for(80).label["en"] == "3 stars"


def test_unknown_question_or_clause_is_a_key_error(tmp_path):
    checklist = load_file(write(tmp_path, UNSCORED))
    with pytest.raises(KeyError, match="no question '9.9-z'"):
        checklist.question("9.9-z")
    with pytest.raises(KeyError, match="no clause '9.9'"):
        checklist.clause("9.9")


def test_source_and_fingerprint_identify_the_exact_file(tmp_path):
    path = write(tmp_path, UNSCORED)
    checklist = load_file(path)
    assert checklist.source == path.read_text(encoding="utf-8")
    assert fingerprint(checklist) == hashlib.sha256(path.read_bytes()).hexdigest()
    again = parse(checklist.source, checklist.file)  # what an old audit can do with its copy
    assert again == checklist and fingerprint(again) == fingerprint(checklist)
    edited = load_file(write(tmp_path, edit(UNSCORED, "El kitabı.", "El kitabı ve kayıtlar.")))
    assert fingerprint(edited) != fingerprint(checklist)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("tr", "şikâyet"), ("tr_TR", "şikâyet"), ("en", "complaint"), ("de", "complaint"),
     (None, "complaint")],
)  # fmt: skip
def test_text_falls_back_to_english(locale, expected):
    assert text({"en": "complaint", "tr": "şikâyet"}, locale) == expected


def test_text_of_nothing_is_empty():
    assert text({}, "tr") == "" and text(None, "tr") == ""
    assert text({"tr": "şikâyet"}, "en") == "şikâyet"


def test_load_all_keys_by_scheme_and_edition(tmp_path):
    write(tmp_path, UNSCORED, "demo-2018.toml")
    write(tmp_path, edit(SCORED, 'scheme = "demo"', 'scheme = "demo-star"'), "demo-star-2018.toml")
    checklists = load_all(tmp_path)
    assert set(checklists) == {("demo", "2018"), ("demo-star", "2018")}
    assert isinstance(checklists[("demo-star", "2018")], Checklist)


def test_load_all_reports_the_problems_of_every_file(tmp_path):
    write(tmp_path, edit(UNSCORED, 'version = "2026.1"\n', ""), "a.toml")
    write(tmp_path, edit(UNSCORED, 'title.tr = "Genel"\n', ""), "b.toml")
    with pytest.raises(ChecklistError) as caught:
        load_all(tmp_path)
    assert caught.value.problems == [
        "a.toml: version: missing",
        "b.toml: sections[0].clauses[0].title.tr: missing",
    ]


def test_two_files_for_one_scheme_and_edition_are_a_problem(tmp_path):
    write(tmp_path, UNSCORED, "a.toml")
    write(tmp_path, edit(UNSCORED, 'version = "2026.1"', 'version = "2026.2"'), "b.toml")
    with pytest.raises(ChecklistError) as caught:
        load_all(tmp_path)
    assert caught.value.problems == ["b.toml: scheme, edition: demo:2018 is also defined in a.toml"]


BASED = edit(
    edit(SCORED, 'scheme = "demo"', 'scheme = "demo-star"'),
    'languages = ["en", "tr"]',
    'languages = ["en", "tr"]\nbased_on = { scheme = "demo", edition = "2018" }',
)


def test_a_scheme_based_on_another_has_the_same_clauses(tmp_path):
    write(tmp_path, UNSCORED, "demo-2018.toml")
    write(tmp_path, BASED, "demo-star-2018.toml")
    assert load_all(tmp_path)[("demo-star", "2018")].based_on == ("demo", "2018")
    # checking only the scored file still finds its base next to it
    (result,) = check_files([tmp_path / "demo-star-2018.toml"])
    assert result.problems == []


def test_clauses_unknown_to_the_base_scheme_are_named(tmp_path):
    write(tmp_path, UNSCORED, "demo-2018.toml")
    source = edit(edit(BASED, 'number = "5.1"', 'number = "5.2"'), '"5.1-a"', '"5.2-a"')
    write(tmp_path, source, "demo-star-2018.toml")
    with pytest.raises(ChecklistError) as caught:
        load_all(tmp_path)
    assert caught.value.problems == [
        "demo-star-2018.toml: sections[1].clauses[0].number: clause 5.2 is not in demo:2018",
        "demo-star-2018.toml: sections: clause 5.1 of demo:2018 is missing",
    ]


def test_a_missing_base_scheme_is_a_problem(tmp_path):
    write(tmp_path, BASED, "demo-star-2018.toml")
    with pytest.raises(ChecklistError, match=r"based_on: no valid checklist demo:2018"):
        load_all(tmp_path)


def test_checklist_for_finds_the_shipped_files_once():
    checklist = checklist_for("iso10002", "2018")
    assert checklist.file == "iso10002-2018.toml"
    assert checklist_for("iso10002", "2018") is checklist


def test_checklist_for_an_unknown_scheme_says_what_is_known():
    with pytest.raises(UnknownChecklistError) as caught:
        checklist_for("iso9001", "2015")
    assert isinstance(caught.value, KeyError)
    message = str(caught.value)
    assert "no checklist file for scheme 'iso9001' edition '2015'" in message
    assert "iso10002:2018" in message


def test_a_band_below_the_lowest_star_gives_no_certificate(tmp_path):
    source = edit(
        SCORED,
        'min_percent = 0\nlabel.en = "1 stars"',
        'min_percent = 0\ncertifiable = false\nlabel.en = "1 stars"',
    )
    checklist = load_file(write(tmp_path, source))
    assert [band.certifiable for band in checklist.bands] == [False, True, True]


def test_no_certifiable_band_at_all_is_a_problem(tmp_path):
    source = SCORED.replace("\n[[bands]]\n", "\n[[bands]]\ncertifiable = false\n")
    problems = problems_of(tmp_path, source)
    assert "demo.toml: bands: no band is certifiable: mark the star bands certifiable" in problems


def test_a_copy_an_audit_kept_before_scoring_rules_still_reads(tmp_path):
    """An audit keeps its file; a copy without [scoring] reads with the rule's own caps."""
    source = edit(SCORED, SCORING, "")
    with pytest.raises(ChecklistError):
        parse(source, "kept.toml")
    checklist = parse(source, "kept.toml", stored=True)
    assert checklist.grade_caps == {"major": 0, "minor": 3}
    assert checklist.min_answered_percent is None
