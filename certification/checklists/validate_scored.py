"""Validation of what only a scored checklist has: the maturity scale, the rating bands (and
which of them give a certificate), and the scoring rules (points capped by grade, the share of
questions a rating needs). Also the small helpers every check shares.

Pure: no Flask, no database. ChecklistReader (validate.py) mixes these checks in.
"""

from __future__ import annotations

import math
from typing import Any

from certification.checklists.model import (
    CAPPED_GRADES,
    LEGACY_GRADE_CAPS,
    MAX_POINTS,
    Band,
    MaturityLevel,
)


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


KINDS: dict[str, tuple[str, Any]] = {
    "string": ("a string", lambda v: isinstance(v, str)),
    "boolean": ("true or false", lambda v: isinstance(v, bool)),
    "integer": ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "number": ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
    "table": ("a table", lambda v: isinstance(v, dict)),
    "array": ("an array", lambda v: isinstance(v, list)),
}


def toml_type(value: object) -> str:
    for kind in ("boolean", "integer", "string", "table", "array"):
        if KINDS[kind][1](value):
            return kind
    return "float" if isinstance(value, float) else "date/time"


class ScoredChecks:
    """Checks of a scored file; needs the reader's problem, get, keys, tables and texts."""

    stored: bool = False

    def read_maturity(self, data: dict, scored: bool) -> tuple[MaturityLevel, ...]:
        if not scored:
            if "maturity" in data:
                self.problem("maturity", "only a scored checklist has a maturity scale")
            return ()
        if "maturity" not in data:
            self.problem(
                "maturity", f"missing: a scored checklist describes points 0 to {MAX_POINTS}"
            )
            return ()
        levels = []
        entries = self.tables(data, "maturity", "")
        for index, (path, table) in enumerate(entries):
            self.keys(table, path, ("points", "label", "description"))
            points = self.get(table, "points", path, "integer")
            if points is not None and not 0 <= points <= MAX_POINTS:
                self.problem(join_path(path, "points"), f"must be 0 to {MAX_POINTS}, got {points}")
            elif points is not None and points != index:
                self.problem(
                    join_path(path, "points"), f"must be {index}: list the levels in order"
                )
            levels.append(
                MaturityLevel(
                    points, self.texts(table, "label", path), self.texts(table, "description", path)
                )
            )
        if entries and len(entries) != MAX_POINTS + 1:
            self.problem("maturity", f"must list {MAX_POINTS + 1} levels, 0 to {MAX_POINTS}")
        return tuple(levels)

    def read_bands(self, data: dict, scored: bool) -> tuple[Band, ...]:
        if not scored:
            if "bands" in data:
                self.problem("bands", "only a scored checklist has rating bands")
            return ()
        if "bands" not in data:
            self.problem("bands", "missing: a scored checklist defines its rating bands")
            return ()
        bands, previous = [], None
        for index, (path, table) in enumerate(self.tables(data, "bands", "")):
            self.keys(table, path, ("min_percent", "label"), ("certifiable",))
            minimum = self.get(table, "min_percent", path, "number")
            where = join_path(path, "min_percent")
            if minimum is None:
                pass
            elif not (math.isfinite(minimum) and 0 <= minimum <= 100):
                self.problem(where, f"must be between 0 and 100, got {minimum}")
            elif index == 0 and minimum != 0:
                self.problem(where, f"must be 0 so that every score has a band, got {minimum:g}")
            elif previous is not None and minimum <= previous:
                self.problem(
                    where, f"must be above the band before ({previous:g}), got {minimum:g}"
                )
            else:
                previous = minimum
            certifiable = self.get(table, "certifiable", path, "boolean")
            label = self.texts(table, "label", path)
            bands.append(Band(float(minimum or 0), label, certifiable is not False))
        self.check_certifiable(bands)
        return tuple(bands)

    def check_certifiable(self, bands: list[Band]) -> None:
        """The bands below the lowest star give no certificate: they come first, and at least
        one band is certifiable."""
        if bands and not any(band.certifiable for band in bands):
            self.problem("bands", "no band is certifiable: mark the star bands certifiable")
        seen_certifiable = False
        for index, band in enumerate(bands):
            if band.certifiable:
                seen_certifiable = True
            elif seen_certifiable:
                path = join_path(join_path("bands", index), "certifiable")
                self.problem(path, "a band below the lowest star comes before every star band")

    def read_scoring(
        self, data: dict, scored: bool, sections
    ) -> tuple[dict[str, int], float | None]:
        """Caps of the maturity points by grade, and the share of questions a rating needs."""
        if not scored:
            if "scoring" in data:
                self.problem("scoring", "only a scored checklist has scoring rules")
            return {}, None
        if "scoring" not in data:
            if self.stored:
                return dict(LEGACY_GRADE_CAPS), None
            self.problem(
                "scoring",
                "missing: a scored checklist states grade_caps and min_answered_percent",
            )
            return {}, None
        table = self.get(data, "scoring", "", "table")
        if table is None:
            return {}, None
        self.keys(table, "scoring", ("grade_caps", "min_answered_percent"))
        caps = self.read_caps(table, sections)
        share = self.get(table, "min_answered_percent", "scoring", "number")
        if share is not None and not (math.isfinite(share) and 0 < share <= 100):
            self.problem(
                "scoring.min_answered_percent", f"must be above 0 and at most 100, got {share}"
            )
            share = None
        return caps, (float(share) if share is not None else None)

    def read_caps(self, table: dict, sections) -> dict[str, int]:
        """domain.md: a major nonconformity earns no points; a minor cannot earn full points."""
        given = self.get(table, "grade_caps", "scoring", "table") or {}
        here = "scoring.grade_caps"
        caps: dict[str, int] = {}
        for grade in CAPPED_GRADES:
            if "grade_caps" in table and grade not in given:
                self.problem(join_path(here, grade), "missing")
        for grade, value in given.items():
            path = join_path(here, grade)
            if grade not in CAPPED_GRADES:
                self.problem(path, f"unknown grade (expected: {', '.join(CAPPED_GRADES)})")
            elif isinstance(value, bool) or not isinstance(value, int):
                self.problem(path, f"must be a whole number, got {toml_type(value)}")
            elif not 0 <= value <= MAX_POINTS:
                self.problem(path, f"must be 0 to {MAX_POINTS}, got {value}")
            else:
                caps[grade] = value
        if caps.get("major", 0) != 0:
            self.problem(
                join_path(here, "major"),
                f"a major nonconformity earns no points: must be 0, got {caps['major']}",
            )
        tops = [
            q.max_points or MAX_POINTS for s in sections for c in s.clauses for q in c.questions
        ]
        if "minor" in caps and tops and caps["minor"] >= min(tops):
            self.problem(
                join_path(here, "minor"),
                f"a minor nonconformity cannot earn full points: must be below every "
                f"question's max_points (the lowest is {min(tops)}), got {caps['minor']}",
            )
        better = [caps[g] for g in ("conforming", "observation", "ofi") if g in caps]
        if "minor" in caps and better and caps["minor"] > min(better):
            self.problem(
                join_path(here, "minor"),
                "a minor nonconformity cannot earn more than a grade that is no nonconformity",
            )
        return caps
