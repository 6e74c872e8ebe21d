"""Sending the outbox: over SMTP, or printed when no SMTP server is configured.

For each pending message the sender claims the row, mints a new invitation link and
commits, and only then hands the mail to the SMTP server: a link is never in a mail
the database does not know, and a mail that fails leaves only an unused link behind.
A failure keeps the row pending with the error and the time of the next attempt; a
message whose supplier no longer has to answer is withdrawn, not sent. A staff
member's invitation or reset carries a fresh set-password link instead, and is withdrawn
if the account was deactivated.
One SMTP connection serves a whole batch. Tokens are never logged or stored
(shared/security.md S15): they exist only in the mail, or on stdout when printing.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy.orm import Session

from .mailtext import MailText
from .store import outbox
from .store.campaigns import BuyerContact
from .store.db import begin_write
from .store.models import Campaign, OutboxMessage, Response, utcnow
from .store.responses import add_link
from .store.staff import password_link_token

log = logging.getLogger("kedjekoll.mail")
SECURITY = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
# Headers are folded only past SMTP's own limit: Python folds a subject of about 70
# characters onto a line of its own, and readers then see it start with a space.
MAIL_POLICY = policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes and what it says; from the app's configuration (KEDJEKOLL_*)."""

    base_url: str = "http://127.0.0.1:5000"
    buyer: str = "Kedjekoll"
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: str = "starttls"
    sender: str = "kedjekoll@localhost"
    timeout: float = 30.0
    schedule: outbox.Schedule = outbox.Schedule()
    contact: BuyerContact | None = None  # the buyer's general contact (KEDJEKOLL_BUYER_CONTACT_*)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        security = str(config.get("SMTP_SECURITY") or "starttls").lower()
        if security not in SECURITY:
            raise ValueError(f"KEDJEKOLL_SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        return cls(
            base_url=str(config.get("BASE_URL") or cls.base_url),
            buyer=str(config.get("BUYER_NAME") or cls.buyer),
            host=config.get("SMTP_HOST") or None,
            port=config.get("SMTP_PORT") or None,
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            security=security,
            sender=str(config.get("SMTP_FROM") or cls.sender),
            timeout=float(config.get("SMTP_TIMEOUT") or cls.timeout),
            schedule=outbox.Schedule(int(config.get("REMIND_DAYS_BEFORE", 7)),
                                     int(config.get("REMIND_DAYS_AFTER", 3))),
            contact=general_contact(config))

    @property
    def printing(self) -> bool:
        """No SMTP server: messages are printed (with their links) instead of sent."""
        return not self.host

    def link(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/i/{token}"

    def password_link(self, token: str) -> str:
        """A staff member's set-password link (`auth.password_link`)."""
        return f"{self.base_url.rstrip('/')}/staff/password/{token}"

    def compose(self) -> MailText:
        return MailText(self.buyer, self.contact)


def general_contact(config: Mapping[str, Any]) -> BuyerContact | None:
    """The buyer's contact for when no campaign names one, if configured."""
    if config.get("BUYER_CONTACT_NAME") and config.get("BUYER_CONTACT_EMAIL"):
        return BuyerContact(str(config["BUYER_CONTACT_NAME"]),
                            str(config["BUYER_CONTACT_EMAIL"]),
                            str(config.get("BUYER_CONTACT_PHONE") or "") or None)
    return None


def queue_invitations(session: Session, campaign: Campaign, responses: Iterable[Response],
                      actor: str, settings: MailSettings | None = None,
                      today: date | None = None) -> list[OutboxMessage]:
    """Queue the invitation mail of each response of a new campaign (each once).

    In a request, settings come from the app's configuration. The mails leave with the
    next `send_pending` (the staff outbox page, `kedjekoll outbox send`, or cron).
    """
    if settings is None:
        from flask import current_app

        settings = MailSettings.from_config(current_app.config)
    responses = list(responses)
    for response in responses:
        if response.campaign_id != campaign.id:
            raise ValueError(f"response {response.id} is not in campaign {campaign.id}")
    return outbox.queue_invitations(session, responses, settings.compose(), actor, today)


@dataclass
class SendReport:
    sent: int = 0
    printed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


Transport = Callable[[OutboxMessage, str], str]  # (message, link) -> delivery


def send_pending(session: Session, settings: MailSettings, actor: str,
                 now: datetime | None = None, echo: Callable[[str], Any] = print,
                 limit: int = 200) -> SendReport:
    """Send (or print) every message that is due; commits `session` as it goes.

    Each message is its own transaction pair: claim and mint the link (committed before
    the mail leaves), then record the outcome.
    """
    now = now or utcnow()
    begin_write(session)
    ids = [message.id for message in outbox.pending(session, now, limit)]
    session.commit()
    report = SendReport()
    if not ids:
        return report
    if settings.printing:
        def show(message: OutboxMessage, link: str) -> str:
            echo(f"To: {', '.join(message.recipients)}\nSubject: {message.subject}\n"
                 f"Link: {link}\n")
            return "printed"

        for message_id in ids:
            _deliver(session, message_id, settings, show, actor, now, report)
        return report
    try:
        connection = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"cannot reach the SMTP server {settings.host}: {_describe(exc)}"
        log.warning("%s; %d messages stay pending", error, len(ids))
        for message_id in ids:
            _fail(session, message_id, error, now)
        report.failed += len(ids)
        report.errors.append(error)
        return report

    def send(message: OutboxMessage, link: str) -> str:
        connection.send_message(_email(settings, message, link))
        return "smtp"

    try:
        for number, message_id in enumerate(ids):
            if not _deliver(session, message_id, settings, send, actor, now, report) \
                    and not _alive(connection):
                error = report.errors[-1]
                for rest in ids[number + 1:]:
                    _fail(session, rest, error, now)
                    report.failed += 1
                break
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return report


def _deliver(session: Session, message_id: int, settings: MailSettings, transport: Transport,
             actor: str, now: datetime, report: SendReport) -> bool:
    begin_write(session)
    message = session.get(OutboxMessage, message_id)
    if message is None or not outbox.claim(session, message, now):
        session.commit()
        return True  # sent or taken by another sender meanwhile
    if not outbox.still_wanted(message):
        outbox.mark_withdrawn(session, message, actor)
        session.commit()
        log.info("outbox message %d withdrawn: %s", message.id,
                 f"the response is {message.response.status}" if message.response
                 else "the account is deactivated")
        return True
    token, link = _mint(session, message, settings, actor)
    session.commit()  # the link exists before any mail carries it
    try:
        delivery = transport(message, link)
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        error = _describe(exc).replace(token, "…")
        log.warning("outbox message %d not sent: %s", message.id, error)
        _fail(session, message_id, error, now)
        report.failed += 1
        report.errors.append(error)
        return False
    begin_write(session)
    outbox.mark_sent(session, message, delivery, actor)
    session.commit()
    log.info("outbox message %d (%s %s) delivered: %s", message.id, message.kind,
             message.step or "", delivery)
    if delivery == "printed":
        report.printed += 1
    else:
        report.sent += 1
    return True


def _mint(session: Session, message: OutboxMessage, settings: MailSettings, actor: str
          ) -> tuple[str, str]:
    """(token, link) for the mail: a supplier's invitation link, or a staff member's
    set-password link (which voids their earlier one)."""
    if message.staff_user is not None:
        token = password_link_token(session, message.staff_user, actor)
        return token, settings.password_link(token)
    token = add_link(session, message.response)
    return token, settings.link(token)


def _fail(session: Session, message_id: int, error: str, now: datetime) -> None:
    begin_write(session)
    message = session.get(OutboxMessage, message_id)
    if message is not None and message.sent_at is None:
        outbox.mark_failed(session, message, error, now)
    session.commit()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _connect(settings: MailSettings) -> smtplib.SMTP:
    port = settings.port or DEFAULT_PORTS[settings.security]
    context = ssl.create_default_context()
    if settings.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(settings.host or "", port,
                                                    timeout=settings.timeout, context=context)
    else:
        connection = smtplib.SMTP(settings.host or "", port, timeout=settings.timeout)
        if settings.security == "starttls":
            connection.starttls(context=context)
    if settings.username:
        connection.login(settings.username, settings.password or "")
    return connection


def _alive(connection: smtplib.SMTP) -> bool:
    try:
        return connection.noop()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


def _email(settings: MailSettings, message: OutboxMessage, link: str) -> EmailMessage:
    mail = EmailMessage(policy=MAIL_POLICY)
    mail["From"] = settings.sender
    mail["To"] = ", ".join(message.recipients)
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(usegmt=True)
    domain = settings.sender.rpartition("@")[2].strip("> ") or "localhost"
    mail["Message-ID"] = make_msgid(f"outbox-{message.id}", domain=domain)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body.replace(outbox.LINK, link))
    mail["Content-Language"] = message.language  # after set_content, which clears Content-*
    return mail
