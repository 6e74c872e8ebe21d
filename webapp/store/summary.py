"""Tracking figures for a campaign: counts per status, overdue, ratings, flags."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .deadlines import deadline_column
from .models import Campaign, Response
from .status import ANSWERED, is_overdue


@dataclass
class CampaignSummary:
    campaign_id: int
    invited: int = 0
    by_status: Counter = field(default_factory=Counter)
    answered: int = 0
    overdue: int = 0
    ratings: Counter = field(default_factory=Counter)
    red_flags: int = 0  # responses whose verdict has a red flag
    amber_flags: int = 0


def campaign_summary(session: Session, campaign: Campaign, today: date | None = None
                     ) -> CampaignSummary:
    """One query: every response with its verdict's rating and flags."""
    rows = session.execute(
        select(Response.status, Response.rating, Response.red_flags, Response.amber_flags,
               deadline_column())
        .join(Campaign, Campaign.id == Response.campaign_id)
        .where(Response.campaign_id == campaign.id))
    summary = CampaignSummary(campaign.id)
    for status, rating, red, amber, deadline in rows:
        summary.invited += 1
        summary.by_status[status] += 1
        summary.answered += status in ANSWERED
        summary.overdue += is_overdue(status, deadline, today)
        if rating is not None:
            summary.ratings[rating] += 1
        summary.red_flags += bool(red)
        summary.amber_flags += bool(amber)
    return summary
