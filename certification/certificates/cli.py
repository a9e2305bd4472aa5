"""`flask --app app certificates sweep`: the nightly housekeeping of certificates."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from certification.i18n.local_time import body_today


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

    day = today.date() if today else body_today()
    result = sweep(day)
    db.session.commit()
    click.echo(f"Sweep as of {day.isoformat()}:")
    click.echo(f"  {len(result.expired)} certificate(s) expired")
    click.echo(f"  {len(result.overdue_surveillance)} surveillance audit(s) overdue")
    click.echo(f"  {len(result.overdue_suspensions)} suspension(s) past their limit")
    click.echo(f"  {result.newly_flagged} new flag(s) for the committee")


@certificates_group.command("pdf")
@click.argument("number")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write."
)
@with_appcontext
def pdf_command(number: str, output: str | None) -> None:
    """Write the PDF of certificate NUMBER exactly as issued (it verifies as genuine)."""
    from sqlalchemy import select

    from certification.certificates.issued import issue_pdf
    from certification.certificates.models import Certificate
    from certification.extensions import db

    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
    if certificate is None:
        raise click.ClickException(f"No certificate has the number {number!r}.")
    issued = issue_pdf(certificate)  # stored at issue; made now for one issued before that
    db.session.commit()
    target = output or f"{number}.pdf"
    with open(target, "wb") as f:
        f.write(issued.pdf)
    click.echo(f"Wrote {target} ({len(issued.pdf)} bytes, SHA-256 {issued.sha256}).")
