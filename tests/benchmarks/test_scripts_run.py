"""The benchmark scripts still run against today's schema: each at a tiny size, in a fresh
process, on SQLite. They are how the speed goals are measured (issues 3, 4, 11, 14); a script
that broke with a schema change would only be noticed on the day someone needs the figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(script: str, *args: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # SQLite
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout


def test_scale_times_every_page_at_two_sizes_without_an_error():
    figures = json.loads(run("scale.py", "--sizes", "20", "40", "--runs", "1", "--json"))
    assert set(figures) == {"20", "40"}
    pages = figures["20"]
    assert {"organisation, long history", "certificates list, last page", "JSON look-up"} <= set(
        pages
    )
    for size in figures.values():
        assert set(size) == set(pages)
        for page, measured in size.items():
            assert measured["p50"] > 0 and measured["p95"] >= measured["p50"], page
            assert measured["sql"] >= 1, page
    assert figures["40"]["JSON look-up"]["sql"] == 1  # one indexed read (issue 14)


def test_certificate_pdf_prints_its_ratios():
    printed = run("certificate_pdf.py", "1")
    assert "the bare canvas" in printed and "goal 50 ms" in printed and "signing adds" in printed


def test_export_register_writes_both_workbooks():
    printed = run("export_register.py", "30")
    assert "register workbook" in printed and "CertSearch workbook" in printed


def test_report_pdf_times_the_report_with_and_without_photos():
    printed = run("report_pdf.py", "1")
    assert "findings: 20" in printed and "load data + render" in printed
    assert "with a photo on each finding" in printed and "goal: 300 ms" in printed
