"""Thin click commands that call services and rules; `register_cli(app)` adds them to `flask`."""

from __future__ import annotations

import json
import math

import click
from flask import Flask
from flask.cli import with_appcontext

from certification.audit_time import AuditTime, AuditTimeError, compute_audit_time, table_band
from certification.certificates.cli import certificates_group
from certification.checklists.cli import checklists_group
from certification.exports.cli import export_group
from certification.i18n.cli import search_group
from certification.i18n.local_time import body_today
from certification.notifications.cli import notifications_group
from certification.storage.cli import backup_command, restore_command, uploads_group


def register_cli(app: Flask) -> None:
    """Add the project's commands to `flask --app app ...`."""
    app.cli.add_command(audit_time_command)
    app.cli.add_command(checklists_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(quotes_group)
    app.cli.add_command(certificates_group)
    app.cli.add_command(export_group)
    for command in (uploads_group, backup_command, restore_command):
        app.cli.add_command(command)
    app.cli.add_command(notifications_group)
    app.cli.add_command(search_group)


@click.command("demo")
@click.option("--yes", is_flag=True, help="Do not ask before replacing a non-empty database.")
@with_appcontext
def demo_command(yes: bool) -> None:
    """Rebuild the database with the demo data set and print the demo logins."""
    from certification import demo
    from certification.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite" and not yes:
        click.confirm(f"This deletes every row in {url.render_as_string()}. Go on?", abort=True)
    demo.rebuild_database()
    logins = demo.build(body_today())
    db.session.commit()
    click.echo(f"Demo data built in {url.render_as_string()}.")
    click.echo(f"Every demo login uses the password: {demo.DEMO_PASSWORD}")
    for role, people in logins.items():
        click.echo(f"\n{role}:")
        for email, name in people:
            click.echo(f"  {email:<40} {name}")
    urls = demo.calendar_urls()
    db.session.commit()
    click.echo("\nPrivate calendar feeds (subscribe in a calendar program; host from BASE_URL):")
    for email, url in urls:
        click.echo(f"  {email:<40} {url}")


@click.group("quotes")
def quotes_group() -> None:
    """Quote housekeeping."""


@quotes_group.command("expire")
@with_appcontext
def expire_quotes_command() -> None:
    """Mark issued quotes past their validity as expired (run daily, e.g. from cron)."""
    from certification.extensions import db
    from certification.quotes.services import expire_quotes

    count = expire_quotes(body_today())
    db.session.commit()
    click.echo(f"{count} quote(s) expired.")


class _Number(click.ParamType):
    """An int or float whose bad value fails with a one-line error instead of a usage screen."""

    def __init__(self, kind: type) -> None:
        self.kind = kind
        self.name = "integer" if kind is int else "number"

    def convert(self, value, param, ctx):
        if isinstance(value, self.kind):
            return value
        try:
            number = self.kind(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            what = "a whole number" if self.kind is int else "a number"
            raise click.ClickException(f"{param.opts[0]} must be {what}, got {value!r}")
        return number


@click.command("audit-time")
@click.option("--employees", type=_Number(int), help="Effective personnel (required).")
@click.option(
    "--sites",
    type=_Number(int),
    default=None,
    help="Number of sites, the central function included (default 1).",
)
@click.option(
    "--site-personnel",
    default=None,
    help="Personnel at each site, the central function first, comma-separated (e.g. 120,40,30):"
    " the time then follows IAF MD 1, site by site.",
)
@click.option(
    "--site-reduction",
    type=_Number(float),
    default=0.0,
    show_default=True,
    help="Further reduction of each sampled site's time in percent (IAF MD 1: at most 50 in all).",
)
@click.option(
    "--adjust",
    type=_Number(float),
    default=0.0,
    show_default=True,
    help="Adjustment in percent of the table value; a reduction of at most 30.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def audit_time_command(
    employees: int | None,
    sites: int | None,
    site_personnel: str | None,
    site_reduction: float,
    adjust: float,
    as_json: bool,
) -> None:
    """Audit time for a cycle by IAF MD 5 table QMS 1, with the IAF MD 1 site sample."""
    if employees is None:
        raise click.ClickException("--employees is required (effective personnel, at least 1)")
    per_site = _site_personnel(site_personnel, sites)
    try:
        result = compute_audit_time(
            employees,
            sites=1 if sites is None else sites,
            adjust_percent=adjust,
            site_personnel=per_site,
            site_reduction_percent=site_reduction,
        )
    except AuditTimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(result.to_dict()) if as_json else _table(result))


def _site_personnel(text: str | None, sites: int | None) -> list[int] | None:
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",")]
    if not parts or not all(part.isdigit() and len(part) <= 9 for part in parts):
        raise click.ClickException(
            f"--site-personnel must be whole numbers separated by commas, got {text!r}"
        )
    if sites is not None and sites != len(parts):
        raise click.ClickException(
            f"--sites is {sites} but --site-personnel lists {len(parts)} sites"
        )
    return [int(part) for part in parts]


def _table(result: AuditTime) -> str:
    band = table_band(result.employees)
    sample = result.sample_sites
    site_word = "site" if result.sites == 1 else "sites"
    rows = [
        ("Table QMS 1", f"{_d(result.table_days)} days (band {band.low}-{band.high})"),
        ("Adjustment", f"{result.adjustment_percent:+g}%"),
        ("Initial audit", f"{_d(result.initial_days)} days" + _visited(result)),
        ("  stage 1", f"{_d(result.stage1_days)} days"),
        ("  stage 2", f"{_d(result.stage2_days)} days"),
        ("Surveillance", f"{_d(result.surveillance_days)} days each"),
        ("Recertification", f"{_d(result.recertification_days)} days"),
        (
            "Sites to visit",
            f"initial {sample.initial}, surveillance {sample.surveillance}, "
            f"recertification {sample.recertification} (central function included)",
        ),
    ]
    for site in result.site_times:
        name = "central function" if site.central else f"site {site.index + 1}"
        rows.append(
            (
                f"  {name}",
                f"{site.personnel} people: {_d(site.initial_days)} days initial, "
                f"{_d(site.surveillance_days)} surveillance, "
                f"{_d(site.recertification_days)} recertification ({site.adjustment_percent:+g}%)",
            )
        )
    title = f"Audit time for {result.employees} effective personnel, {result.sites} {site_word}"
    return "\n".join([title, *(f"  {label:<17} {value}" for label, value in rows)])


def _visited(result: AuditTime) -> str:
    return " (central function + the largest sampled sites)" if result.site_times else ""


def _d(days: float) -> str:
    """Days as people write them: 7, 2.5."""
    return f"{days:g}"
