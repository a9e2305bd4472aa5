"""`flask --app app notifications send [--today YYYY-MM-DD]`: today's reminders, then delivery."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from certification.i18n.local_time import body_today


@click.group("notifications")
def notifications_group() -> None:
    """E-mail notifications and reminders."""


@notifications_group.command("send")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Write the reminders as of this day (YYYY-MM-DD); default: today.",
)
@with_appcontext
def send_command(today) -> None:
    """Write today's reminders to the outbox (once: running it again adds nothing), then send
    what waits in the outbox. Run it every few minutes (cron); it is safe to run twice at once."""
    from certification.extensions import db
    from certification.notifications.reminders import send_reminders
    from certification.notifications.sender import configured, send_pending

    day = today.date() if today else body_today()
    written = send_reminders(day)
    db.session.commit()
    click.echo(f"Reminders as of {day.isoformat()}: {written} new message(s).")
    if not configured():
        click.echo("MAIL_SERVER is not set: messages wait in the outbox (Admin > Outbox).")
        return
    result = send_pending()
    click.echo(
        f"Sent {result.sent}, to retry later {result.retrying}, failed {result.failed}"
        + (f", left by a stopped sender {result.stale}" if result.stale else "")
        + "."
    )
    for error in result.errors[:20]:
        click.echo(f"  {error}")
