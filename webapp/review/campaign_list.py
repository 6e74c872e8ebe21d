"""The list of campaigns: where the staff menu's "Campaigns" leads.

Open campaigns first, nearest deadline first, each with its questionnaire and how far its
suppliers have come. Two queries (the campaigns with their counts, their
questionnaire versions), counted in SQL, whatever the number of responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from ..access import audience
from ..database import db
from ..rendering import local_today
from ..store.models import Campaign, Contract, Response
from ..store.status import ANSWERED, IN_PROGRESS, IN_REVIEW, INVITED, SUBMITTED
from ..store.versions import definition
from . import bp


@dataclass
class CampaignRow:
    campaign: Campaign
    contract: str
    invited: int
    answered: int
    to_review: int
    unanswered: int  # invited or in progress: overdue once the deadline has passed

    def overdue(self, today: date) -> int:
        return self.unanswered if today > self.campaign.deadline else 0


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def campaign_rows(session: Session) -> list[CampaignRow]:
    """Every campaign with its counts, open ones first, by deadline."""
    counts = (select(Response.campaign_id.label("campaign_id"),
                     func.count(Response.id).label("invited"),
                     _count(Response.status.in_(ANSWERED)).label("answered"),
                     _count(Response.status.in_((SUBMITTED, IN_REVIEW))).label("to_review"),
                     _count(Response.status.in_((INVITED, IN_PROGRESS))).label("unanswered"))
              .group_by(Response.campaign_id).subquery())
    rows = session.execute(
        select(Campaign, Contract.name, counts.c.invited, counts.c.answered,
               counts.c.to_review, counts.c.unanswered)
        .options(selectinload(Campaign.questionnaire_version))
        .outerjoin(Contract, Contract.id == Campaign.contract_id)
        .outerjoin(counts, counts.c.campaign_id == Campaign.id)
        .order_by(case((Campaign.status == "open", 0), else_=1), Campaign.deadline,
                  Campaign.id))
    return [CampaignRow(c, contract or "", invited or 0, answered or 0, to_review or 0,
                        unanswered or 0)
            for c, contract, invited, answered, to_review, unanswered in rows]


@bp.get("/campaigns")
@audience("staff")
def campaigns():
    rows = campaign_rows(db())
    return render_template(
        "review/campaigns.html", rows=rows, today=local_today(),
        questionnaires={r.campaign.id: definition(r.campaign.questionnaire_version) for r in rows})
