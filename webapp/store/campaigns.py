"""Starting and closing a campaign: a questionnaire version sent to chosen suppliers.

Creating a campaign invites every chosen supplier at once (one response each), so a
campaign never exists half-sent. The invitation tokens are returned to the caller,
which queues the e-mails; they are stored only as hashes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .audit import record
from .models import Campaign, Contract, QuestionnaireVersion, Response, StaffUser, Supplier
from .responses import invite


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
                        deadline=deadline, status="open")
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
    invitations = []
    for supplier in sorted({s.id: s for s in suppliers}.values(), key=lambda s: s.name):
        response, token = invite(session, campaign, supplier, actor)
        if reviewer is not None:
            response.reviewer_id = reviewer.id
        invitations.append((response, token))
    session.flush()
    return Created(campaign, invitations)


def close_campaign(session: Session, campaign: Campaign, actor: str) -> None:
    """Mark a campaign closed (the follow-up round is over); closing twice changes nothing."""
    if campaign.status == "closed":
        return
    campaign.status = "closed"
    session.flush()
    record(session, actor, "campaign.closed", campaign)


def contracts(session: Session) -> list[Contract]:
    """Every framework agreement, by reference."""
    return list(session.scalars(select(Contract).order_by(Contract.reference)))


def reviewers(session: Session) -> list[StaffUser]:
    """Active staff who may be named reviewer of a campaign."""
    return list(session.scalars(select(StaffUser).where(StaffUser.active.is_(True))
                                .order_by(StaffUser.name, StaffUser.email)))
