"""The shipped checklist files: valid, complete against domain.md, in English and Turkish."""

from pathlib import Path

import pytest

from certification.applications.schemes import SCHEMES, scheme_title
from certification.checklists import CHECKLISTS_DIR, check_files, load_all

# domain.md, "ISO 10002:2018 clause structure": every sub-clause of clauses 4 to 8.
ISO10002_2018 = {
    "4.1": "General",
    "4.2": "Commitment",
    "4.3": "Capability",
    "4.4": "Transparency",
    "4.5": "Accessibility",
    "4.6": "Responsiveness",
    "4.7": "Objectivity",
    "4.8": "Charges",
    "4.9": "Information integrity",
    "4.10": "Confidentiality",
    "4.11": "Customer-focused approach",
    "4.12": "Accountability",
    "4.13": "Improvement",
    "4.14": "Competence",
    "4.15": "Timeliness",
    "5.1": "Context of the organization",
    "5.2": "Leadership and commitment",
    "5.3": "Policy",
    "5.4": "Responsibility and authority",
    "6.1": "General",
    "6.2": "Objectives",
    "6.3": "Activities",
    "6.4": "Resources",
    "7.1": "Communication",
    "7.2": "Receipt of complaint",
    "7.3": "Tracking of complaint",
    "7.4": "Acknowledgement of complaint",
    "7.5": "Initial assessment of complaint",
    "7.6": "Investigation of complaints",
    "7.7": "Response to complaints",
    "7.8": "Communicating the decision",
    "7.9": "Closing the complaint",
    "8.1": "Collection of information",
    "8.2": "Analysis and evaluation of complaints",
    "8.3": "Satisfaction with the complaints-handling process",
    "8.4": "Monitoring of the complaints-handling process",
    "8.5": "Auditing of the complaints-handling process",
    "8.6": "Management review of the complaints-handling process",
    "8.7": "Continual improvement",
}
ISO10002_2018_SECTIONS = {
    "4": "Guiding principles",
    "5": "Complaints-handling framework",
    "6": "Planning, design and development",
    "7": "Operation of the complaints-handling process",
    "8": "Maintenance and improvement",
}

# ISO 10002:2004 (adopted as TS ISO 10002:2006): ten sub-clauses of guiding principles, clause 5 =
# commitment, policy, responsibility and authority; clauses 7 and 8 titled as in 2018 (domain.md).
TS_ISO10002_2004 = {
    "4.1": "General",
    "4.2": "Visibility",
    "4.3": "Accessibility",
    "4.4": "Responsiveness",
    "4.5": "Objectivity",
    "4.6": "Charges",
    "4.7": "Confidentiality",
    "4.8": "Customer-focused approach",
    "4.9": "Accountability",
    "4.10": "Continual improvement",
    "5.1": "Commitment",
    "5.2": "Policy",
    "5.3": "Responsibility and authority",
    "6.1": "General",
    "6.2": "Objectives",
    "6.3": "Activities",
    "6.4": "Resources",
    **{number: title for number, title in ISO10002_2018.items() if number[0] in "78"},
}

FILES = sorted(CHECKLISTS_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def checklists():
    return load_all()


def test_the_three_files_are_shipped():
    assert [path.name for path in FILES] == [
        "csat-star-2018.toml",
        "iso10002-2018.toml",
        "ts-iso10002-2004.toml",
    ]


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_file_loads_without_problems(path):
    (result,) = check_files([path])
    assert result.problems == []
    assert result.checklist.file == path.name
    assert path.name == f"{result.checklist.scheme}-{result.checklist.edition}.toml"


def test_every_scheme_a_client_can_apply_for_has_a_checklist(checklists):
    assert set(checklists) == {(scheme, edition) for scheme, edition, _title in SCHEMES}


def test_iso10002_2018_covers_exactly_the_subclauses_of_clauses_4_to_8(checklists):
    checklist = checklists[("iso10002", "2018")]
    assert checklist.scored is False
    assert {s.number: s.title["en"] for s in checklist.sections} == ISO10002_2018_SECTIONS
    assert {c.number: c.title["en"] for c in checklist.clauses()} == ISO10002_2018
    assert [c.number for c in checklist.clauses()] == list(ISO10002_2018)


def test_ts_iso10002_2004_follows_the_2004_structure(checklists):
    checklist = checklists[("ts-iso10002", "2004")]
    assert [c.number for c in checklist.clauses()] == list(TS_ISO10002_2004)
    assert {c.number: c.title["en"] for c in checklist.clauses()} == TS_ISO10002_2004
    assert checklist.sections[2].title["en"] == "Planning and design"


def test_the_star_scheme_is_scored_on_the_2018_clauses(checklists):
    checklist = checklists[("csat-star", "2018")]
    assert checklist.scored and checklist.based_on == ("iso10002", "2018")
    assert [c.number for c in checklist.clauses()] == list(ISO10002_2018)
    assert [level.points for level in checklist.maturity] == [0, 1, 2, 3, 4]
    assert all(q.weight > 0 and q.max_points == 4 for q in checklist.questions())
    minimums = [band.min_percent for band in checklist.bands]
    assert minimums[0] == 0 and minimums == sorted(set(minimums))
    assert checklist.band_for(100).label["en"].startswith("Five stars")


@pytest.mark.parametrize(
    "key", [("iso10002", "2018"), ("ts-iso10002", "2004"), ("csat-star", "2018")]
)
def test_each_clause_has_one_to_three_questions_in_english_and_turkish(checklists, key):
    checklist = checklists[key]
    assert checklist.version.startswith("2026.")
    for clause in checklist.clauses():
        assert 1 <= len(clause.questions) <= 3, clause.number
        assert clause.title["tr"] != clause.title["en"], clause.number
    for question in checklist.questions():
        for field in (question.text, question.guidance):
            assert field["en"].strip() and field["tr"].strip(), question.id
            assert field["en"] != field["tr"], question.id
        assert question.text["en"].endswith("?") and question.text["tr"].endswith("?"), question.id


def test_turkish_text_is_written_with_turkish_letters(checklists):
    turkish = " ".join(q.text["tr"] for q in checklists[("iso10002", "2018")].questions())
    assert "şikâyet" in turkish.lower()
    assert set("çğıöşü") <= set(turkish.lower())


ALL_FILES = [("iso10002", "2018"), ("ts-iso10002", "2004"), ("csat-star", "2018")]


@pytest.mark.parametrize("key", ALL_FILES)
def test_a_rejected_outcome_keeps_the_complaint_open_with_recourse(checklists, key):
    """ISO 10002 7.9: a complaint whose outcome the complainant does not accept stays open, with
    internal and external recourse offered, until those are exhausted or the complainant is
    satisfied; the checklist asks exactly that (question and guidance, English and Turkish)."""
    closing = checklists[key].clause("7.9")
    words = " ".join(q.text["en"] + " " + q.guidance["en"] for q in closing.questions).lower()
    for needed in ("does not accept", "stay open", "internal and external recourse", "exhausted"):
        assert needed in words, needed
    turkish = " ".join(q.text["tr"] + " " + q.guidance["tr"] for q in closing.questions)
    assert "açık tutuluyor" in turkish and "başvuru yolları" in turkish
    # No question lets a rejected complaint be closed on the organization's own final decision.
    assert not any("final decision has been made" in q.text["en"] for q in closing.questions)


@pytest.mark.parametrize(
    ("key", "representative"), [(ALL_FILES[0], "5.4"), (ALL_FILES[1], "5.3"), (ALL_FILES[2], "5.4")]
)
def test_questions_sit_under_the_clause_that_asks_for_them(checklists, key, representative):
    checklist = checklists[key]

    def clause_of(fragment: str) -> str:
        (found,) = [q.clause for q in checklist.questions() if fragment in q.text["en"]]
        return found

    # Recourse offered after a rejected outcome: 7.9 (closing), not 7.8 (communicating).
    assert clause_of("internal and external recourse still open") == "7.9"
    # Classifying complaints comes with their analysis (8.2), not with collecting them (8.1).
    assert clause_of("classified consistently") == "8.2"
    # The complaints-handling representative is a matter of responsibility and authority.
    assert clause_of("complaints-handling representative") == representative


def test_the_turkish_adoption_of_the_2004_edition_is_named_ts_iso_10002_2006(checklists):
    """No "TS ISO 10002:2004" anywhere a reader sees it: scheme names, checklist titles, pages,
    catalogues, documentation (the data migration that corrects old rows aside)."""
    assert scheme_title("ts-iso10002", "2004") == "TS ISO 10002:2006"
    assert checklists[("ts-iso10002", "2004")].title["en"].startswith("TS ISO 10002:2006")
    root = Path(CHECKLISTS_DIR).parent
    wrong = "TS ISO 10002:" + "2004"
    places = ["certification", "templates", "checklists", "README.md"]
    found = []
    for place in places:
        paths = [root / place] if (root / place).is_file() else (root / place).rglob("*")
        for path in paths:
            if path.is_file() and "migrations" not in path.parts and path.suffix != ".mo":
                if wrong in path.read_text(encoding="utf-8", errors="ignore"):
                    found.append(str(path.relative_to(root)))
    assert found == []
