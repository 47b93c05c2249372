"""`flask reminders run` (the day's deadline reminders, then the e-mail outbox) and `flask notifications deliver`
(the outbox alone), for cron or a systemd timer."""

import time
from datetime import date

import click
from flask import Flask

from .. import db, mail
from ..web import action_time, today
from . import delivery, reminders

reminders_group = db.UnitOfWorkGroup("reminders", help="Scheduled deadline reminders.")
notifications_group = db.UnitOfWorkGroup("notifications", help="Notifications: e-mail delivery.")


def _report(result: delivery.Delivery) -> str:
    """One line about a delivery run."""
    if not result.configured:
        return "e-mail: no MAIL_SERVER configured, messages stay in the app"
    return f"e-mail: {result.sent} sent, {result.failed} failed (retried next run), {result.skipped} turned off"


@reminders_group.command("run")
@click.option("--today", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to remind for (ISO, Gregorian), default today in Asia/Bangkok.")
@click.option("--no-mail", is_flag=True, help="Create the messages only; leave e-mail to `notifications deliver`.")
def run_command(day, no_mail: bool):
    """Create today's reminders (idempotent: a second run the same day creates nothing), then mail the outbox."""
    started = time.perf_counter()
    the_day: date = day.date() if day is not None else today()
    result = reminders.run(the_day, now=action_time())
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"reminders for {the_day.isoformat()}: {result.entry} to LAO officers "
               f"({result.recipients['laos']} LAOs), {result.confirm} to verifiers "
               f"({result.recipients['provinces']} provinces), {result.digest} national digests "
               f"({result.recipients['provinces_behind']} provinces behind) in {elapsed:.2f} s")
    if not no_mail:
        try:
            click.echo(_report(delivery.deliver()))
        except mail.MailError as exc:
            click.echo(f"e-mail: not sent now, retried next run ({exc})", err=True)


@notifications_group.command("deliver")
@click.option("--limit", type=int, default=None, help="Send at most this many messages.")
def deliver_command(limit: int | None):
    """Mail every notification not mailed yet to users who accept it (idempotent; failures are retried next run)."""
    try:
        result = delivery.deliver(limit=limit)
    except mail.MailError as exc:
        raise click.ClickException(f"e-mail not sent, retried next run: {exc}") from exc
    click.echo(_report(result))


def register(app: Flask) -> None:
    """Attach the command groups to `app`."""
    app.cli.add_command(reminders_group)
    app.cli.add_command(notifications_group)
