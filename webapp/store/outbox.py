"""The mail outbox: invitations and reminders wait here until an SMTP server takes them.

A message is queued once (its `dedupe_key` is unique), holds its text with the
placeholder `{link}` instead of a link, and is sent later by `webapp.mailer`, which
mints a fresh link for each mail. A failed attempt leaves the row pending with the error
and the time of the next try, so nothing is lost while the SMTP server is down.

Reminders follow each supplier's deadline (store/deadlines.py `deadline_for`): `before`
(REMIND_DAYS_BEFORE days ahead), `due` (from the deadline day) and `overdue`
(REMIND_DAYS_AFTER days after it). Only the latest step that applies on a day is queued,
and never one whose time had already come when the supplier was invited: a campaign
created late does not fire every step at once.

A staff member's invitation or password reset (`staff_invite`, `staff_reset`) waits
here too, tied to the account instead of a response; its set-password link is minted
when it leaves, and it is withdrawn if the account has been deactivated meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, selectinload

from ..definitions.questions import EmailQuestion
from .audit import record
from .deadlines import deadline_column, deadline_for
from .models import Answer, Campaign, OutboxMessage, Response, StaffUser, Supplier, utcnow
from .status import CLARIFICATION, IN_PROGRESS, INVITED

INVITATION, REMINDER = "invitation", "reminder"
# mails that follow what the buyer does, and a link the supplier asked for
CLARIFY, DECISION, DEVIATION, NEW_LINK = "clarification", "decision", "deviation", "new_link"
STAFF_INVITE, STAFF_RESET = "staff_invite", "staff_reset"  # set-password mails to staff
DEADLINE = "deadline"  # one supplier was given a later deadline
BEFORE, DUE, OVERDUE, MANUAL = "before", "due", "overdue", "manual"
LINK = "{link}"
REMINDED = (INVITED, IN_PROGRESS, CLARIFICATION)  # still expected to (re)submit
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
LEASE = timedelta(minutes=10)  # a claimed message is left alone this long by other senders
WAITING, FAILED, SENT = "waiting", "failed", "sent"


class Compose(Protocol):
    """Writes a message: returns (subject, body); the body holds LINK where the link goes."""

    def __call__(self, response: Response, kind: str, step: str | None, language: str,
                 today: date, **facts: Any) -> tuple[str, str]: ...


@dataclass(frozen=True)
class Schedule:
    days_before: int = 7
    days_after: int = 3


class NothingToRemind(Exception):
    """The response is not waiting for the supplier (submitted, decided or closed)."""


def step_on(deadline: date, today: date, invited_on: date, schedule: Schedule) -> str | None:
    """The latest reminder step that applies on `today`, or None.

    A step whose time had come by the invitation day is left out: the invitation itself
    told the supplier about the deadline.
    """
    if today >= deadline + timedelta(days=schedule.days_after):
        step, began = OVERDUE, deadline + timedelta(days=schedule.days_after)
    elif today >= deadline:
        step, began = DUE, deadline
    elif today >= deadline - timedelta(days=schedule.days_before):
        step, began = BEFORE, deadline - timedelta(days=schedule.days_before)
    else:
        return None
    return step if began > invited_on else None


def reminder_key(response: Response, step: str) -> str:
    """One per response, round, deadline and step: a moved deadline re-arms the steps."""
    return f"reminder:{response.id}:{response.round}:{deadline_for(response)}:{step}"


def queue_invitation(session: Session, response: Response, compose: Compose, actor: str,
                     today: date | None = None) -> OutboxMessage | None:
    """Queue the invitation mail of a response (once).

    None if it was queued before, the supplier has no contact, or the response is no
    longer waiting for the supplier.
    """
    if response.status not in REMINDED:
        return None
    return _queue(session, response, INVITATION, None, f"invitation:{response.id}", compose,
                  actor, today or date.today())


def queue_manual_reminder(session: Session, response: Response, compose: Compose, actor: str,
                          today: date | None = None) -> OutboxMessage | None:
    """A reminder staff ask for now; at most one per response and day (None if queued)."""
    if response.status not in REMINDED:
        raise NothingToRemind(f"the response is {response.status}")
    if response.campaign.status != "open":
        raise NothingToRemind("the campaign is closed")
    today = today or date.today()
    return _queue(session, response, REMINDER, MANUAL, f"manual:{response.id}:{today}", compose,
                  actor, today)


def due_reminders(session: Session, today: date, schedule: Schedule
                  ) -> list[tuple[Response, str]]:
    """(response, step) for every response a reminder step applies to today, not yet queued."""
    horizon = today + timedelta(days=schedule.days_before)
    responses = session.scalars(
        select(Response).join(Campaign, Campaign.id == Response.campaign_id).where(
            Response.status.in_(REMINDED), Campaign.status == "open",
            deadline_column() <= horizon)
        .options(contains_eager(Response.campaign),
                 selectinload(Response.supplier).selectinload(Supplier.contacts))
        .order_by(Response.id)).all()
    due = []
    for response in responses:
        step = step_on(deadline_for(response), today, _day(response.invited_at), schedule)
        if step is not None:
            due.append((response, step))
    queued = _existing_keys(session, [reminder_key(r, s) for r, s in due])
    return [(r, s) for r, s in due if reminder_key(r, s) not in queued]


def queue_invitations(session: Session, responses: list[Response], compose: Compose,
                      actor: str, today: date | None = None) -> list[OutboxMessage]:
    """`queue_invitation` for each response (a new campaign's), in a few statements."""
    return queue_many(session, [(r, INVITATION, None, f"invitation:{r.id}")
                                for r in responses if r.status in REMINDED],
                      compose, actor, today or date.today())


def queue_reminders(session: Session, today: date, compose: Compose, schedule: Schedule,
                    actor: str) -> list[OutboxMessage]:
    """Queue today's reminder steps; running it again the same day queues nothing more."""
    return queue_many(session, [(r, REMINDER, step, reminder_key(r, step))
                                for r, step in due_reminders(session, today, schedule)],
                      compose, actor, today)


def queue_many(session: Session, wanted: list[tuple[Response, str, str | None, str]],
               compose: Compose, actor: str, today: date) -> list[OutboxMessage]:
    """`_queue` for each (response, kind, step, key), the first message of each response
    returned: the contacts, the addresses named in the forms and the keys already
    queued are read once for all, and the messages inserted together (R6: hundreds of
    invitations or reminders hold the write lock briefly, not a round trip each)."""
    if not wanted:
        return []
    responses = [response for response, *_rest in wanted]
    suppliers = {r.supplier_id for r in responses}
    for start in range(0, len(suppliers), 500):  # loads each supplier's contacts
        session.scalars(select(Supplier).options(selectinload(Supplier.contacts)).where(
            Supplier.id.in_(sorted(suppliers)[start:start + 500]))).all()
    named = _named_contacts_of(session, responses)
    planned = []
    for response, kind, step, key in wanted:
        groups = _by_language(session, response,
                              recipients_of(session, response, named[response.id]))
        planned += [(response, kind, step, key if i == 0 else f"{key}:{lang}", lang, addresses)
                    for i, (lang, addresses) in enumerate(groups.items()) if addresses]
    queued = _existing_keys(session, [key for _r, _k, _s, key, _l, _a in planned])
    messages = []
    for response, kind, step, key, lang, addresses in planned:
        if key in queued:
            continue
        subject, body = compose(response, kind, step, lang, today)
        if LINK not in body:
            raise ValueError(f"a {kind} mail must contain {LINK}")
        messages.append((response, OutboxMessage(
            kind=kind, step=step, response_id=response.id, recipients=addresses,
            language=lang, subject=subject[:300], body=body, dedupe_key=key,
            queued_by=actor)))
    try:
        with session.begin_nested():
            session.add_all([message for _response, message in messages])
            session.flush()
    except IntegrityError:  # another sender queued some meanwhile: one at a time
        found = (_queue(session, r, kind, step, key, compose, actor, today)
                 for r, kind, step, key in wanted)
        return [message for message in found if message is not None]
    first: dict[int, OutboxMessage] = {}
    for response, message in messages:
        record(session, actor, "mail.queued", message, response=response.id,
               kind=message.kind, step=message.step)
        first.setdefault(response.id, message)
    return list(first.values())


def _day(moment: datetime) -> date:
    return moment.date()


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(session.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.in_(keys[start:start + 500]))))
    return found


def named_contacts(session: Session, response: Response) -> list[str]:
    """The e-mail addresses the supplier gave in the form (its e-mail questions), in order.

    Found by type, not by id, so every questionnaire's contact questions count.
    """
    from .responses import questionnaire_of  # responses imports this module's neighbours

    questions = questionnaire_of(response).questions
    rows = session.execute(select(Answer.question_id, Answer.value).where(
        Answer.response_id == response.id).order_by(Answer.question_id))
    found = []
    for question_id, value in rows:
        if isinstance(questions.get(question_id), EmailQuestion) and isinstance(value, str) \
                and EMAIL.fullmatch(value.strip()):
            found.append(value.strip())
    return found


def _named_contacts_of(session: Session, responses: list[Response]) -> dict[int, list[str]]:
    """`named_contacts` of many responses: one query per 500 of them."""
    from .responses import questionnaire_of

    questions: dict[int, dict] = {}
    for response in responses:
        if response.campaign_id not in questions:
            questions[response.campaign_id] = questionnaire_of(response).questions
    asked = {qid for by_id in questions.values() for qid, question in by_id.items()
             if isinstance(question, EmailQuestion)}
    campaign_of = {r.id: r.campaign_id for r in responses}
    found: dict[int, list[str]] = {r.id: [] for r in responses}
    ids = sorted(found)
    for start in range(0, len(ids) if asked else 0, 500):
        for response_id, question_id, value in session.execute(
                select(Answer.response_id, Answer.question_id, Answer.value).where(
                    Answer.response_id.in_(ids[start:start + 500]),
                    Answer.question_id.in_(asked))
                .order_by(Answer.response_id, Answer.question_id)):
            question = questions[campaign_of[response_id]].get(question_id)
            if isinstance(question, EmailQuestion) and isinstance(value, str) \
                    and EMAIL.fullmatch(value.strip()):
                found[response_id].append(value.strip())
    return found


def recipients_of(session: Session, response: Response, named: list[str] | None = None
                  ) -> list[str]:
    """The registered contacts, then those named in the form (`named`, if already read);
    each address once."""
    addresses = [c.email for c in response.supplier.contacts if c.email]
    addresses += named_contacts(session, response) if named is None else named
    unique: dict[str, str] = {}
    for address in addresses:
        unique.setdefault(address.lower(), address)
    return list(unique.values())


def queue_to(session: Session, response: Response, kind: str, step: str | None, key: str,
             compose: Compose, actor: str, today: date | None = None,
             recipients: list[str] | None = None, **facts: Any) -> OutboxMessage | None:
    """Queue one mail about `response` (once per `key`): to `recipients`, or else to every
    contact of the supplier (registered and named in the form). None if already queued
    or there is nobody to write to."""
    return _queue(session, response, kind, step, key, compose, actor, today or date.today(),
                  recipients, facts)


def _queue(session: Session, response: Response, kind: str, step: str | None, key: str,
           compose: Compose, actor: str, today: date, recipients: list[str] | None = None,
           facts: dict[str, Any] | None = None) -> OutboxMessage | None:
    """One message per language among the recipients: each registered contact reads the
    mail in their own language, addresses named in the form in the first contact's."""
    groups = _by_language(session, response, recipients)
    queued = [_queue_one(session, response, kind, step, key if i == 0 else f"{key}:{lang}",
                         compose, actor, today, addresses, lang, facts)
              for i, (lang, addresses) in enumerate(groups.items())]
    return next((m for m in queued if m is not None), None)


def _by_language(session: Session, response: Response, recipients: list[str] | None
                 ) -> dict[str, list[str]]:
    contacts = response.supplier.contacts
    first = contacts[0].language if contacts and contacts[0].language in ("sv", "en") \
        else "sv"
    addresses = recipients if recipients is not None else recipients_of(session, response)
    spoken = {c.email.lower(): c.language for c in contacts
              if c.email and c.language in ("sv", "en")}
    groups: dict[str, list[str]] = {}
    for address in addresses:
        groups.setdefault(spoken.get(address.lower(), first), []).append(address)
    return dict(sorted(groups.items(), key=lambda item: item[0] != first))


def _queue_one(session: Session, response: Response, kind: str, step: str | None, key: str,
               compose: Compose, actor: str, today: date, addresses: list[str],
               language: str, facts: dict[str, Any] | None) -> OutboxMessage | None:
    if not addresses:
        return None
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return None
    subject, body = compose(response, kind, step, language, today, **(facts or {}))
    if LINK not in body:
        raise ValueError(f"a {kind} mail must contain {LINK}")
    message = OutboxMessage(
        kind=kind, step=step, response_id=response.id, recipients=addresses,
        language=language, subject=subject[:300], body=body, dedupe_key=key, queued_by=actor)
    try:
        with session.begin_nested():  # another sender may have queued it a moment ago
            session.add(message)
            session.flush()
    except IntegrityError:
        return None
    record(session, actor, "mail.queued", message, response=response.id, kind=kind, step=step)
    return message


# ------------------------------------------------------------------ sending


def pending(session: Session, now: datetime | None = None, limit: int = 200
            ) -> list[OutboxMessage]:
    """Unsent messages whose next attempt is due, oldest first."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= (now or utcnow()))
        .order_by(OutboxMessage.id).limit(limit)))


def claim(session: Session, message: OutboxMessage, now: datetime | None = None) -> bool:
    """Take the message for sending; False if it was sent or taken by another sender."""
    now = now or utcnow()
    taken = session.execute(
        update(OutboxMessage).where(
            OutboxMessage.id == message.id, OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False))
    session.refresh(message)
    return taken.rowcount == 1


def mark_sent(session: Session, message: OutboxMessage, delivery: str, actor: str) -> None:
    """The SMTP server accepted the message (`smtp`), or it was printed (`printed`)."""
    message.sent_at = utcnow()
    message.delivery = delivery
    message.attempts += 1
    message.last_error = None
    record(session, actor, "mail.sent", message, response=message.response_id,
           kind=message.kind, step=message.step, delivery=delivery,
           recipients=len(message.recipients))
    session.flush()


def _awaited(response: Response) -> bool:
    return response.status in REMINDED and response.campaign.status == "open"


#: whether a queued mail of a kind is still worth sending: an invitation, reminder,
#: clarification request or new deadline only while the supplier is expected to answer,
#: a new link while the campaign is open; news of a decision or a deviation always
WANTED = {INVITATION: _awaited, REMINDER: _awaited, CLARIFY: _awaited, DEADLINE: _awaited,
          NEW_LINK: lambda response: response.campaign.status == "open",
          DECISION: lambda response: True, DEVIATION: lambda response: True}


#: the kinds that wait while a campaign is closed: closing withdraws them, and reopening
#: brings back those that carry a request (REOPEN_REQUEUES); reminders follow the schedule
NEEDS_OPEN_CAMPAIGN = frozenset({INVITATION, REMINDER, CLARIFY, DEADLINE, NEW_LINK})
REOPEN_REQUEUES = frozenset({INVITATION, CLARIFY, DEADLINE})


def still_wanted(message: OutboxMessage) -> bool:
    """A queued mail is not stale.

    A mail may wait for hours while the SMTP server is down; meanwhile the supplier may
    have submitted, or the campaign been closed; a staff account may have been closed.
    """
    if message.staff_user is not None:
        return message.staff_user.active
    return WANTED.get(message.kind, _awaited)(message.response)


def mark_withdrawn(session: Session, message: OutboxMessage, actor: str) -> None:
    """Never send a message that is no longer wanted; it leaves the queue, audited."""
    message.sent_at = utcnow()
    message.delivery = "withdrawn"
    message.last_error = None
    record(session, actor, "mail.withdrawn", message, response=message.response_id,
           kind=message.kind, step=message.step,
           status=message.response.status if message.response else "deactivated")
    session.flush()


def retry_delay(attempts: int) -> timedelta:
    """5 minutes after the first failure, doubling up to 6 hours."""
    return min(timedelta(minutes=5) * 2 ** max(attempts - 1, 0), timedelta(hours=6))


def mark_failed(session: Session, message: OutboxMessage, error: str,
                now: datetime | None = None) -> None:
    """Keep the message pending, with the error and the time of the next attempt."""
    message.attempts += 1
    message.last_error = error[:1000]
    message.next_attempt_at = (now or utcnow()) + retry_delay(message.attempts)
    session.flush()


# ------------------------------------------------------------------ listing


def state_of(message: OutboxMessage) -> str:
    if message.sent_at is not None:
        return SENT
    return FAILED if message.last_error else WAITING


def messages(session: Session, state: str | None = None, limit: int = 200
             ) -> list[tuple[OutboxMessage, str]]:
    """(message, supplier name or staff member's name), newest first, optionally only
    waiting, failed or sent."""
    query = select(OutboxMessage, func.coalesce(Supplier.name, StaffUser.name)).outerjoin(
        Response, Response.id == OutboxMessage.response_id).outerjoin(
        Supplier, Supplier.id == Response.supplier_id).outerjoin(
        StaffUser, StaffUser.id == OutboxMessage.staff_user_id)
    if state == SENT:
        query = query.where(OutboxMessage.sent_at.is_not(None))
    elif state == FAILED:
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_not(None))
    elif state == WAITING:
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_(None))
    rows = session.execute(query.order_by(OutboxMessage.id.desc()).limit(limit))
    return [(message, name) for message, name in rows]


def counts(session: Session) -> dict[str, int]:
    """How many messages are waiting, failed and sent (one query)."""
    rows = session.execute(select(
        func.count().filter(OutboxMessage.sent_at.is_not(None)),
        func.count().filter(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_not(None)),
        func.count().filter(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error.is_(None)),
    )).one()
    return {SENT: rows[0], FAILED: rows[1], WAITING: rows[2]}
