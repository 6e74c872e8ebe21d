"""`kedjekoll remind` and `kedjekoll outbox`: reminders by cron, and the outbox by hand."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import click
from sqlalchemy.orm import Session

CRON_ACTOR = "kedjekoll remind"


@contextmanager
def _session(mail: bool = True) -> Iterator[tuple[Session, object]]:
    """A session on the configured database (brought up to date), and the mail settings
    when the command sends `mail` (they need KEDJEKOLL_BASE_URL outside development)."""
    from .cli import _database_url
    from .config import environment
    from .mailer import MailSettings
    from .store.db import make_engine, session_factory
    from .store.migrate import upgrade

    try:
        settings = MailSettings.from_config(environment()) if mail else None
    except ValueError as exc:
        click.echo(f"kedjekoll: {exc}", err=True)
        sys.exit(2)
    engine = make_engine(_database_url())
    upgrade(engine)
    session = session_factory(engine)()
    try:
        yield session, settings
    finally:
        session.close()
        engine.dispose()


def _send(session: Session, settings, actor: str) -> int:
    from .mailer import send_pending

    report = send_pending(session, settings, actor, echo=click.echo)
    how = "printed (no KEDJEKOLL_SMTP_HOST)" if settings.printing else \
        f"sent to {settings.host}"
    click.echo(f"outbox: {report.sent + report.printed} {how}, {report.failed} failed")
    for error in dict.fromkeys(report.errors):
        click.echo(f"  error: {error}", err=True)
    return 1 if report.failed else 0


@click.command()
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today were this date (YYYY-MM-DD); default: today.")
@click.option("--dry-run", is_flag=True,
              help="Only list the reminders that would be queued; queue and send nothing.")
def remind(today: datetime | None, dry_run: bool) -> None:
    """Queue today's reminders, then send every pending mail in the outbox.

    A reminder goes to each supplier who has not submitted: KEDJEKOLL_REMIND_DAYS_BEFORE
    days before the deadline (default 7), on the deadline day, and
    KEDJEKOLL_REMIND_DAYS_AFTER days after it (default 3). Each step is sent once per
    response, however often this runs; only the latest step that applies is sent. Run
    it daily from cron. Without KEDJEKOLL_SMTP_HOST the mails, with their links, are
    printed instead. Exits 1 when a mail could not be sent (it stays pending and is
    tried again on the next run).
    """
    from .store.db import begin_write
    from .store.deadlines import deadline_for
    from .store.outbox import due_reminders, queue_reminders

    day: date = today.date() if today else date.today()
    with _session() as (session, settings):
        if dry_run:
            due = due_reminders(session, day, settings.schedule)
            for response, step in due:
                click.echo(f"would queue: {step:8} response {response.id} "
                           f"({response.supplier.name}, deadline {deadline_for(response)})")
            session.rollback()
            click.echo(f"{len(due)} reminders due on {day}; nothing queued or sent (dry run)")
            return
        begin_write(session)  # it reads, then writes: a writer from the start (R6)
        queued = queue_reminders(session, day, settings.compose(), settings.schedule,
                                 CRON_ACTOR)
        session.commit()
        steps = Counter(message.step for message in queued)
        detail = ", ".join(f"{step}: {n}" for step, n in sorted(steps.items()))
        click.echo(f"{len(queued)} reminders queued for {day}" + (f" ({detail})" if detail else ""))
        code = _send(session, settings, CRON_ACTOR)
    sys.exit(code)


@click.group()
def outbox() -> None:
    """The mail outbox: invitations and reminders waiting to be sent."""


@outbox.command(name="send")
def outbox_send() -> None:
    """Send every pending mail now (printed without KEDJEKOLL_SMTP_HOST).

    Exits 1 when a mail could not be sent; it stays pending for the next try.
    """
    with _session() as (session, settings):
        code = _send(session, settings, "kedjekoll outbox send")
    sys.exit(code)


@outbox.command(name="list")
@click.option("--state", type=click.Choice(["waiting", "failed", "sent"]), default=None,
              help="Only messages in this state.")
@click.option("--limit", default=50, show_default=True, type=int)
def outbox_list(state: str | None, limit: int) -> None:
    """List the newest messages: state, kind, supplier, recipients, attempts, last error."""
    from .store.outbox import messages, state_of

    with _session(mail=False) as (session, _settings):
        rows = messages(session, state, limit)
        for message, supplier in rows:
            state = "withdrawn" if message.delivery == "withdrawn" else state_of(message)
            line = (f"{message.id:6} {state:7} {message.kind:10} "
                    f"{message.step or '':8} {message.created_at:%Y-%m-%d %H:%M} {supplier} "
                    f"<{', '.join(message.recipients)}> attempts {message.attempts}")
            click.echo(line)
            if message.last_error and message.sent_at is None:
                click.echo(f"       last error: {message.last_error}")
        click.echo(f"{len(rows)} messages")
