"""Starting, closing and reopening a campaign: a questionnaire version sent to suppliers.

Creating a campaign invites every chosen supplier at once (one response each), so a
campaign never exists half-sent. The invitation tokens are returned to the caller,
which queues the e-mails; they are stored only as hashes. Closing and reopening are
counted first (`closing`, `reopening`) so the confirmation page says what will happen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from . import outbox
from .audit import record
from .models import (
    Campaign,
    Contract,
    OutboxMessage,
    QuestionnaireVersion,
    Response,
    StaffUser,
    Supplier,
    utcnow,
)
from .responses import invite_many
from .status import (
    CAMPAIGN_CLOSED,
    CAMPAIGN_OPEN,
    CLARIFICATION,
    CLOSED,
    DECISIONS,
    IN_PROGRESS,
    IN_REVIEW,
    INVITED,
    SUBMITTED,
)


class CampaignError(ValueError):
    """The campaign cannot be created as asked; the message says why."""


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{4,38}[0-9]")


@dataclass(frozen=True)
class BuyerContact:
    """The person at the buyer a supplier can turn to: name, e-mail, phone (optional)."""

    name: str
    email: str
    phone: str | None = None

    @classmethod
    def of(cls, campaign: Campaign) -> BuyerContact | None:
        """The campaign's contact, or None when the campaign names nobody."""
        if not campaign.contact_name or not campaign.contact_email:
            return None
        return cls(campaign.contact_name, campaign.contact_email, campaign.contact_phone)

    def problems(self) -> list[str]:
        """Which part is wrong: `name`, `email` or `phone` (empty when all are fine)."""
        found = []
        if not self.name.strip() or len(self.name.strip()) > 200:
            found.append("name")
        if len(self.email.strip()) > 254 or not EMAIL.fullmatch(self.email.strip()):
            found.append("email")
        if self.phone and self.phone.strip() and not PHONE.fullmatch(self.phone.strip()):
            found.append("phone")
        return found


@dataclass(frozen=True)
class Created:
    """A new campaign and the (response, token) pair of each invitation."""

    campaign: Campaign
    invitations: list[tuple[Response, str]]


def create_campaign(session: Session, *, name: str, version: QuestionnaireVersion,
                    contract: Contract | None, suppliers: Sequence[Supplier], deadline: date,
                    reviewer: StaffUser | None, actor: str,
                    today: date | None = None, contact: BuyerContact | None = None) -> Created:
    """Create a campaign and invite each supplier once; flushes, does not commit.

    `contact` names the person at the buyer the suppliers see on every page and mail.
    """
    name = name.strip()
    if not name:
        raise CampaignError("a campaign needs a name")
    if deadline <= (today or date.today()):
        raise CampaignError("the deadline must be in the future")
    if not suppliers:
        raise CampaignError("choose at least one supplier")
    if contract is not None:
        allowed = {s.id for s in contract.suppliers}
        outside = [s.name for s in suppliers if s.id not in allowed]
        if outside:
            raise CampaignError(f"not suppliers of {contract.reference}: {', '.join(outside)}")
    if contact is not None and contact.problems():
        raise CampaignError(f"the contact's {', '.join(contact.problems())} is not valid")
    campaign = Campaign(name=name, questionnaire_version=version, contract=contract,
                        deadline=deadline, status=CAMPAIGN_OPEN)
    if contact is not None:
        campaign.contact_name = contact.name.strip()
        campaign.contact_email = contact.email.strip().lower()
        campaign.contact_phone = (contact.phone or "").strip() or None
    session.add(campaign)
    session.flush()
    record(session, actor, "campaign.created", campaign, questionnaire=version.questionnaire_id,
           version=version.version, contract=contract.reference if contract else None,
           deadline=deadline.isoformat(), suppliers=len(suppliers),
           reviewer=reviewer.email if reviewer else None,
           contact=campaign.contact_email)
    chosen = sorted({s.id: s for s in suppliers}.values(), key=lambda s: s.name)
    invitations = invite_many(session, campaign, chosen, actor,
                              reviewer.id if reviewer is not None else None)
    return Created(campaign, invitations)


@dataclass(frozen=True)
class CampaignState:
    """What closing or reopening a campaign touches, counted for its confirmation page.

    `not_started` and `drafts` are suppliers who have not submitted (their invitations
    are withdrawn by closing); `clarifying` were asked to clarify and have not answered;
    `in_review` have submitted and wait for a decision (reviews go on when closed);
    `mails` are the outbox messages closing withdraws, or reopening sends again.
    """

    not_started: int = 0
    drafts: int = 0
    clarifying: int = 0
    in_review: int = 0
    decided: int = 0
    extended: int = 0
    mails: int = 0
    invitation_mails: int = 0

    @property
    def waiting(self) -> int:
        """Suppliers who were expected to answer: they cannot while the campaign is closed."""
        return self.not_started + self.drafts + self.clarifying


def _state(session: Session, campaign: Campaign, messages: list[OutboxMessage]
           ) -> CampaignState:
    counts: dict[str, int] = dict(session.execute(
        select(Response.status, func.count()).where(Response.campaign_id == campaign.id)
        .group_by(Response.status)).tuples().all())
    extended = session.scalar(select(func.count()).select_from(Response).where(
        Response.campaign_id == campaign.id, Response.deadline.is_not(None))) or 0
    return CampaignState(
        not_started=counts.get(INVITED, 0), drafts=counts.get(IN_PROGRESS, 0),
        clarifying=counts.get(CLARIFICATION, 0),
        in_review=counts.get(SUBMITTED, 0) + counts.get(IN_REVIEW, 0),
        decided=sum(counts.get(s, 0) for s in (*DECISIONS, CLOSED)),
        extended=extended, mails=len(messages),
        invitation_mails=sum(m.kind == outbox.INVITATION for m in messages))


def _campaign_mails(campaign: Campaign) -> Select:
    """The outbox messages about this campaign's responses, oldest first."""
    return (select(OutboxMessage).join(Response, Response.id == OutboxMessage.response_id)
            .where(Response.campaign_id == campaign.id).order_by(OutboxMessage.id))


def _withdrawable(session: Session, campaign: Campaign) -> list[OutboxMessage]:
    """Mails waiting to be sent that closing the campaign would withdraw."""
    waiting = session.scalars(_campaign_mails(campaign).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.kind.in_(outbox.NEEDS_OPEN_CAMPAIGN)))
    return [m for m in waiting if outbox.still_wanted(m)]


def _returning(session: Session, campaign: Campaign) -> list[OutboxMessage]:
    """Mails that closing withdrew and reopening sends again (invitations, requests)."""
    if campaign.status != CAMPAIGN_CLOSED or campaign.closed_at is None:
        return []
    withdrawn = session.scalars(_campaign_mails(campaign).where(
        OutboxMessage.delivery == "withdrawn", OutboxMessage.sent_at >= campaign.closed_at,
        OutboxMessage.kind.in_(outbox.REOPEN_REQUEUES)))
    return [m for m in withdrawn if m.response.status in outbox.REMINDED]


def closing(session: Session, campaign: Campaign) -> CampaignState:
    """What closing `campaign` now would do (nothing is changed)."""
    return _state(session, campaign, _withdrawable(session, campaign))


def reopening(session: Session, campaign: Campaign) -> CampaignState:
    """What reopening the closed `campaign` now would do (nothing is changed)."""
    return _state(session, campaign, _returning(session, campaign))


def close_campaign(session: Session, campaign: Campaign, actor: str) -> CampaignState:
    """Close a follow-up round; closing twice changes nothing. Flushes.

    Suppliers who have not submitted can no longer change or submit answers (their
    drafts are kept, status.may_answer); mails waiting for them are withdrawn at once,
    each audited; reviews and action plans go on. One `campaign.closed` event.
    """
    if campaign.status == CAMPAIGN_CLOSED:
        return closing(session, campaign)
    withdrawn = _withdrawable(session, campaign)
    state = _state(session, campaign, withdrawn)
    campaign.status, campaign.closed_at = CAMPAIGN_CLOSED, utcnow()
    session.flush()
    for message in withdrawn:
        outbox.mark_withdrawn(session, message, actor)
    record(session, actor, "campaign.closed", campaign, not_started=state.not_started,
           drafts=state.drafts, clarifying=state.clarifying, mails_withdrawn=state.mails)
    return state


def reopen_campaign(session: Session, campaign: Campaign, actor: str) -> CampaignState:
    """Open a closed campaign again; reopening an open one changes nothing. Flushes.

    Suppliers carry on where they were: drafts and links are as they were left, and the
    invitations and clarification requests that closing withdrew go back to the outbox
    (reminders do not: the schedule sends the next one). One `campaign.reopened` event.
    """
    if campaign.status != CAMPAIGN_CLOSED:
        return reopening(session, campaign)
    returning = _returning(session, campaign)
    state = _state(session, campaign, returning)
    closed_at = campaign.closed_at
    campaign.status, campaign.closed_at = CAMPAIGN_OPEN, None
    for message in returning:
        message.sent_at = message.delivery = None
        message.next_attempt_at = utcnow()
    session.flush()
    record(session, actor, "campaign.reopened", campaign, mails_requeued=state.mails,
           waiting=state.waiting, closed_at=closed_at.isoformat() if closed_at else None)
    return state


def contracts(session: Session) -> list[Contract]:
    """Every framework agreement, by reference."""
    return list(session.scalars(select(Contract).order_by(Contract.reference)))


def reviewers(session: Session) -> list[StaffUser]:
    """Active staff who may be named reviewer of a campaign."""
    return list(session.scalars(select(StaffUser).where(StaffUser.active.is_(True))
                                .order_by(StaffUser.name, StaffUser.email)))
