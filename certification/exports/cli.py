"""`flask --app app export register|certsearch FILE.xlsx`: the workbooks from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from certification.exports import reporting

XLSX = click.Path(dir_okay=False, writable=True, path_type=Path)


@click.group("export")
def export_group() -> None:
    """Certificate workbooks: the register and the IAF CertSearch upload."""


@export_group.command("register")
@click.argument("file", type=XLSX)
@with_appcontext
def register_command(file: Path) -> None:
    """Write the certificate register (every revision, newest first) to FILE."""
    from certification.exports.register import write_register

    started = time.perf_counter()
    with reporting(_progress()):
        count = write_register(file)
    _end_progress()
    click.echo(f"Wrote {count} certificate(s) to {file} in {_since(started)}.")


@export_group.command("certsearch")
@click.argument("file", type=XLSX)
@with_appcontext
def certsearch_command(file: Path) -> None:
    """Write the IAF CertSearch upload workbook to FILE; refuse (exit 1) on values over limits."""
    from certification.exports import ExportRefused
    from certification.exports.certsearch import write_certsearch

    started = time.perf_counter()
    try:
        with reporting(_progress()):
            result = write_certsearch(file)
    except ExportRefused as refused:
        _end_progress()
        for problem in refused.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"Nothing written: {len(refused.problems)} value(s) CertSearch would refuse."
        ) from None
    _end_progress()
    click.echo(
        f"Wrote {result.certifications} certificate(s) and {result.sites} site(s) to {file} "
        f"in {_since(started)}."
    )


def _progress():
    """On a terminal, the rows read so far, on one line rewritten as they grow."""
    if not sys.stderr.isatty():
        return None

    def show(rows: int) -> None:
        click.echo(f"\r{rows:>9,} rows read", err=True, nl=False)

    return show


def _end_progress() -> None:
    if sys.stderr.isatty():
        click.echo("", err=True)


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.2f} s"
