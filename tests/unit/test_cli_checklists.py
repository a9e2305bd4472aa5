"""`flask checklists check`: one line per problem, a summary per file, non-zero exit on problems."""

import re

import pytest
from flask import Flask

from certification.checklists import CHECKLISTS_DIR
from certification.cli import register_cli


@pytest.fixture
def runner():
    app = Flask(__name__)  # no database, no config: checking files must not need them
    register_cli(app)
    return app.test_cli_runner()


def test_the_shipped_files_check_clean(runner):
    result = runner.invoke(args=["checklists", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "csat-star-2018.toml: 39 clauses, 52 questions, 6 rating bands, ok",
        "iso10002-2018.toml: 39 clauses, 52 questions, ok",
        "ts-iso10002-2004.toml: 33 clauses, 45 questions, ok",
    ]


def test_one_good_file_given_by_path(runner):
    result = runner.invoke(
        args=["checklists", "check", str(CHECKLISTS_DIR / "csat-star-2018.toml")]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "csat-star-2018.toml: 39 clauses, 52 questions, 6 rating bands, ok\n"


def test_a_bad_file_prints_each_problem_and_exits_non_zero(runner, tmp_path):
    source = (CHECKLISTS_DIR / "iso10002-2018.toml").read_text(encoding="utf-8")
    source = source.replace('id = "4.1-a"', 'id = "4.1-a"\nweight = 0', 1)
    source = re.sub(r'version = "[0-9.]+"\n', "", source, count=1)
    bad = tmp_path / "iso10002-2018.toml"
    bad.write_text(source, encoding="utf-8")
    good = CHECKLISTS_DIR / "ts-iso10002-2004.toml"
    result = runner.invoke(args=["checklists", "check", str(bad), str(good)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "iso10002-2018.toml: version: missing",
        "iso10002-2018.toml: sections[0].clauses[0].questions[0].weight: "
        "must be greater than 0, got 0",
        "iso10002-2018.toml: 2 problems",
        "ts-iso10002-2004.toml: 33 clauses, 45 questions, ok",
        "2 problems in 1 file.",
    ]


def test_invalid_toml_and_a_missing_file_are_problems_too(runner, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('scheme = "x"\nedition = \n', encoding="utf-8")
    result = runner.invoke(args=["checklists", "check", str(broken), str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("broken.toml: invalid TOML:") and "line 2" in lines[0]
    assert lines[1] == "broken.toml: 1 problem"
    assert lines[2].startswith("nope.toml: cannot be read")
    assert lines[-1] == "2 problems in 2 files."
