"""`flask checklists check`: validate the checklist files before anyone audits with them."""

from __future__ import annotations

from pathlib import Path

import click

from certification.checklists.loader import CHECKLISTS_DIR, FileCheck, check_files


@click.group("checklists")
def checklists_group() -> None:
    """Checklist files (checklists/*.toml): one per scheme and edition."""


@checklists_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def check_command(files: tuple[Path, ...]) -> None:
    """Validate FILES (default: every file in checklists/); exit 1 on any problem."""
    paths = list(files) or sorted(CHECKLISTS_DIR.glob("*.toml"))
    if not paths:
        raise click.ClickException(f"no checklist files (*.toml) in {CHECKLISTS_DIR}")
    results = check_files(paths)
    for result in results:
        for problem in result.problems:
            click.echo(problem)
        click.echo(_summary(result))
    problems = sum(len(result.problems) for result in results)
    if problems:
        bad = sum(1 for result in results if result.problems)
        click.echo(f"{_count(problems, 'problem')} in {_count(bad, 'file')}.")
        click.get_current_context().exit(1)


def _summary(result: FileCheck) -> str:
    """ "iso10002-2018.toml: 39 clauses, 52 questions, ok" """
    parts = []
    if result.checklist is not None:
        checklist = result.checklist
        parts += [
            _count(len(checklist.clauses()), "clause"),
            _count(len(checklist.questions()), "question"),
        ]
        if checklist.scored:
            parts.append(_count(len(checklist.bands), "rating band"))
    parts.append(_count(len(result.problems), "problem") if result.problems else "ok")
    return f"{result.file}: {', '.join(parts)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
