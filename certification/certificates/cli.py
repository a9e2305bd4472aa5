"""`flask --app app certificates sweep`: the nightly housekeeping of certificates."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext


@click.group("certificates")
def certificates_group() -> None:
    """Certificate housekeeping."""


@certificates_group.command("sweep")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Run as of this day (YYYY-MM-DD); default: today.",
)
@with_appcontext
def sweep_command(today) -> None:
    """Expire lapsed certificates; flag overdue surveillance and suspensions for the committee."""
    from certification.certificates.services import sweep
    from certification.extensions import db

    day = today.date() if today else date.today()
    result = sweep(day)
    db.session.commit()
    click.echo(f"Sweep as of {day.isoformat()}:")
    click.echo(f"  {len(result.expired)} certificate(s) expired")
    click.echo(f"  {len(result.overdue_surveillance)} surveillance audit(s) overdue")
    click.echo(f"  {len(result.overdue_suspensions)} suspension(s) past their limit")
    click.echo(f"  {result.newly_flagged} new flag(s) for the committee")
