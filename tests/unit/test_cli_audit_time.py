"""`flask audit-time`: JSON and table output, one-line errors, non-zero exit on bad input."""

import json

import pytest
from flask import Flask

from certification.cli import register_cli

JSON_KEYS = {
    "employees",
    "sites",
    "table_days",
    "adjustment_percent",
    "initial_days",
    "stage1_days",
    "stage2_days",
    "surveillance_days",
    "recertification_days",
    "sample_sites",
    "site_times",
}


@pytest.fixture
def runner():
    app = Flask(__name__)  # no database, no config: the command must not need them
    register_cli(app)
    return app.test_cli_runner()


def test_json_output_is_one_object_with_the_documented_keys(runner):
    result = runner.invoke(
        args=["audit-time", "--employees", "120", "--sites", "10", "--adjust", "-10", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1
    data = json.loads(result.stdout)
    assert set(data) == JSON_KEYS
    assert data["employees"] == 120
    assert data["table_days"] == 7
    assert data["adjustment_percent"] == -10
    assert (data["initial_days"], data["stage1_days"], data["stage2_days"]) == (6.5, 2, 4.5)
    assert (data["surveillance_days"], data["recertification_days"]) == (2, 4.5)
    # IAF MD 1: 10 sites = the central function + 9: 1 + 3, 1 + ceil(1.8), 1 + ceil(2.4).
    assert data["sample_sites"] == {"initial": 4, "surveillance": 3, "recertification": 4}


def test_defaults_are_one_site_and_no_adjustment(runner):
    result = runner.invoke(args=["audit-time", "--employees", "3", "--json"])
    data = json.loads(result.stdout)
    assert (data["sites"], data["adjustment_percent"], data["initial_days"]) == (1, 0, 1.5)
    assert data["sample_sites"] == {"initial": 1, "surveillance": 1, "recertification": 1}


def test_an_exact_quarter_rounds_up(runner):
    result = runner.invoke(args=["audit-time", "--employees", "16", "--adjust=-25", "--json"])
    assert json.loads(result.stdout)["initial_days"] == 2.5  # 3 x 0.75 = 2.25


def test_table_output_is_readable(runner):
    result = runner.invoke(args=["audit-time", "--employees", "120", "--sites", "10"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Audit time for 120 effective personnel, 10 sites"
    assert "  Table QMS 1       7 days (band 86-125)" in lines
    assert "  Initial audit     7 days" in lines
    assert "    stage 1         2.5 days" in lines
    assert "  Surveillance      2.5 days each" in lines
    assert any("initial 4, surveillance 3, recertification 4" in line for line in lines)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--employees", "50", "--adjust", "-31"], "reduction can be at most 30%"),
        (["--employees", "0"], "effective personnel must be at least 1, got 0"),
        (["--employees", "-4"], "effective personnel must be at least 1, got -4"),
        (["--employees", "abc"], "--employees must be a whole number, got 'abc'"),
        (["--employees", "5.5"], "--employees must be a whole number, got '5.5'"),
        (["--employees", "50", "--adjust", "much"], "--adjust must be a number, got 'much'"),
        (["--employees", "50", "--adjust", "nan"], "--adjust must be a number, got 'nan'"),
        (["--employees", "50", "--sites", "0"], "number of sites must be at least 1, got 0"),
        ([], "--employees is required"),
        (["--employees", "50", "--site-personnel", "30,x"], "whole numbers separated by commas"),
        (["--employees", "50", "--sites", "3", "--site-personnel", "30,20"], "lists 2 sites"),
        (
            ["--employees", "50", "--site-personnel", "30,20", "--site-reduction", "60"],
            "IAF MD 1",
        ),
    ],
)
def test_bad_input_fails_with_one_line_on_stderr(runner, args, message):
    result = runner.invoke(args=["audit-time", *args, "--json"])
    assert result.exit_code != 0
    assert result.stdout == ""
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("Error: ")
    assert message in errors[0]


@pytest.mark.parametrize(
    "sites, expected",
    [
        ("1", {"initial": 1, "surveillance": 1, "recertification": 1}),
        ("2", {"initial": 2, "surveillance": 2, "recertification": 2}),  # no sampling
        ("3", {"initial": 3, "surveillance": 2, "recertification": 3}),  # EA's answer on MD 1
    ],
)
def test_sample_sites_count_the_central_function(runner, sites, expected):
    result = runner.invoke(args=["audit-time", "--employees", "40", "--sites", sites, "--json"])
    assert json.loads(result.stdout)["sample_sites"] == expected


def test_a_reduction_never_rounds_below_70_percent_in_json(runner):
    result = runner.invoke(args=["audit-time", "--employees", "1000", "--adjust=-30", "--json"])
    data = json.loads(result.stdout)
    assert (data["table_days"], data["initial_days"]) == (13, 9.5)  # 9.1 would round to 9


def test_site_personnel_gives_the_time_site_by_site(runner):
    args = ["audit-time", "--employees", "1200", "--site-personnel", "710,210,180,60,40"]
    result = runner.invoke(args=[*args, "--json"])
    data = json.loads(result.stdout)
    assert data["sites"] == 5 and data["initial_days"] == 30
    assert [site["initial_days"] for site in data["site_times"]] == [12, 9, 9, 5, 4]
    assert data["site_times"][0]["central"] is True
    table = runner.invoke(args=args).stdout
    assert "central function 710 people: 12 days initial" in table
