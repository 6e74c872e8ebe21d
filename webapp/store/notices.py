"""Mail when the buyer acts (asks, decides, gives more time), and a new link on request.

Each event is queued in the outbox once (its `dedupe_key` names the event: the round a
clarification was asked or a decision made in, the deviation, the report that closed
it), to the supplier's contacts, each in their own language (store.outbox): the
registered ones and those the supplier named in the form. The link is minted when the
mail is sent (webapp.mailer), so no token is stored.

The words come from the composer the app puts in the session's `info` under COMPOSE
(webapp.database); a session without one (a script, a store test) queues no mail.
"""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..definitions.questions import EmailQuestion
from . import outbox
from .models import (
    Answer,
    Campaign,
    Contact,
    Deviation,
    DeviationReport,
    OutboxMessage,
    Response,
    Review,
    utcnow,
)
from .versions import definition

COMPOSE = "kedjekoll.compose"


def _composer(session: Session) -> outbox.Compose | None:
    return session.info.get(COMPOSE)


def clarification_requested(session: Session, response: Response, review: Review,
                            actor: str) -> OutboxMessage | None:
    """The reviewer asked about named questions of `review`'s round."""
    compose = _composer(session)
    if compose is None:
        return None
    asked = [(g.question_id, g.clarification, g.wants_file) for g in review.grades
             if g.clarification]
    return outbox.queue_to(session, response, outbox.CLARIFY, None,
                           f"clarification:{response.id}:{review.round}", compose, actor,
                           asked=asked)


def decision_made(session: Session, response: Response, review: Review, actor: str
                  ) -> OutboxMessage | None:
    """Accepted, action plan or rejected: one mail per decided round."""
    compose = _composer(session)
    if compose is None or review.decision is None:
        return None
    return outbox.queue_to(session, response, outbox.DECISION, review.decision,
                           f"decision:{response.id}:{review.round}", compose, actor)


def plan_closed(session: Session, response: Response, actor: str) -> OutboxMessage | None:
    """Every deviation was closed and the reviewer closed the plan: the response is
    accepted, which the supplier hears as a decision (once per round)."""
    compose = _composer(session)
    if compose is None:
        return None
    return outbox.queue_to(session, response, outbox.DECISION, "accepted",
                           f"decision:{response.id}:{response.round}:plan-closed", compose,
                           actor)


def deviation_added(session: Session, response: Response, deviation: Deviation, actor: str
                    ) -> OutboxMessage | None:
    compose = _composer(session)
    if compose is None:
        return None
    return outbox.queue_to(session, response, outbox.DEVIATION, "added",
                           f"deviation:{deviation.id}:added", compose, actor,
                           deviation=deviation)


def deviation_closed(session: Session, response: Response, deviation: Deviation,
                     report: DeviationReport, actor: str) -> OutboxMessage | None:
    """A reviewer closed a deviation; reopened and closed again, it is a new event."""
    compose = _composer(session)
    if compose is None:
        return None
    return outbox.queue_to(session, response, outbox.DEVIATION, "closed",
                           f"deviation:{deviation.id}:closed:{report.id}", compose, actor,
                           deviation=deviation, note=report.note)


def deadline_extended(session: Session, response: Response, old: date, actor: str,
                      today: date | None = None) -> OutboxMessage | None:
    """The supplier was given a later deadline (store/deadlines.py): one mail per new date."""
    compose = _composer(session)
    if compose is None:
        return None
    return outbox.queue_to(session, response, outbox.DEADLINE, None,
                           f"deadline:{response.id}:{response.deadline}", compose, actor,
                           today, old=old)


def open_responses_of(session: Session, address: str) -> list[Response]:
    """The responses of open campaigns that `address` is a contact of (registered, or
    named in the form), oldest first."""
    registered = session.scalars(select(Response).join(Campaign).join(
        Contact, Contact.supplier_id == Response.supplier_id).where(
        Campaign.status == "open", func.lower(Contact.email) == address)).all()
    found = {r.id: r for r in registered}
    for campaign in session.scalars(select(Campaign).where(Campaign.status == "open")):
        q = definition(campaign.questionnaire_version)
        ids = [i for i, x in q.questions.items() if isinstance(x, EmailQuestion)]
        if not ids:
            continue
        rows = session.execute(select(Response, Answer.value).join(
            Answer, Answer.response_id == Response.id).where(
            Response.campaign_id == campaign.id, Answer.question_id.in_(ids)))
        for response, value in rows:
            if isinstance(value, str) and value.strip().lower() == address:
                found.setdefault(response.id, response)
    return sorted(found.values(), key=lambda r: r.id)


def new_link_requested(session: Session, email: str, actor: str,
                       today: date | None = None) -> int:
    """Queue a new link to `email` for each open response it is a contact of.

    The mail goes to that address only. Returns how many were queued; the caller must
    not tell the asker (no enumeration). Asking again within the same minute queues
    nothing more; the rate limit on the page keeps the rest in check.
    """
    compose = _composer(session)
    address = (email or "").strip().lower()
    if compose is None or len(address) > 254 or not outbox.EMAIL.fullmatch(address):
        return 0
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
    minute = f"{utcnow():%Y%m%d%H%M}"
    queued = 0
    for response in open_responses_of(session, address):
        message = outbox.queue_to(session, response, outbox.NEW_LINK, None,
                                  f"new_link:{response.id}:{digest}:{minute}", compose,
                                  actor, today, recipients=[address])
        queued += message is not None
    return queued
