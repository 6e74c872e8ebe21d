"""Tracking figures for staff: every campaign at a glance, and one row per supplier.

The one source of every count staff see: the overview (per campaign and per framework
agreement), the header of a campaign page and its rows all come from the functions here.
Each is one SQL query, filtered to the campaign asked for, so a page costs the same
number of queries with 500 responses or 50,000, and the counting happens in the
database over the index ix_response_campaign_figures, never row by row in Python.
Scores, ratings and flag counts are the verdict stored on each response
(store/verdicts.py), the same figures the review page and the exports show; a plan's
traffic light is read from the plan's facts stored on it (store/action_plans.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Campaign, Contract, Response, StaffUser, Supplier
from .status import ANSWERED, is_overdue


@dataclass
class CampaignLine:
    id: int
    name: str
    contract: str
    deadline: date
    invited: int = 0
    answered: int = 0
    overdue: int = 0
    by_status: Counter = field(default_factory=Counter)
    ratings: Counter = field(default_factory=Counter)
    red: int = 0  # responses whose verdict has a red flag
    amber: int = 0
    plans: Counter = field(default_factory=Counter)  # action plans by traffic light


def plan_light(items: int, due: date | None, late: bool, today: date) -> str | None:
    """A plan's traffic light from the columns action_plans.store_plan keeps on the
    response (the same as action_plans.traffic_light of its deviations), None for no
    plan: red when a deviation is not fixed in time, yellow while any is being handled,
    green when all were fixed in time."""
    if not items:
        return None
    if late or (due is not None and due < today):
        return "red"
    return "yellow" if due is not None else "green"


def _figures(session: Session, campaign_id: int | None,
             today: date | None) -> dict[int, CampaignLine]:
    """Every campaign's line, or one campaign's: one aggregate query.

    The counts are grouped in the order of ix_response_campaign_figures, so the database
    reads that index alone, in order, filtered to the campaign when one is asked for;
    the groups (a handful per campaign) are summed here.
    """
    today = today or date.today()
    keys = (Response.campaign_id, Response.status, Response.rating, Response.red_flags,
            Response.amber_flags, Response.plan_items, Response.plan_late, Response.plan_due,
            Response.deadline)
    counts = select(*keys, func.count().label("n")).group_by(*keys)
    if campaign_id is not None:
        counts = counts.where(Response.campaign_id == campaign_id)
    counted = counts.subquery()
    query = (select(Campaign.id, Campaign.name, Contract.name, Campaign.deadline,
                    *(counted.c[key.key] for key in keys[1:]), counted.c.n)
             .outerjoin(Contract, Contract.id == Campaign.contract_id)
             .outerjoin(counted, counted.c.campaign_id == Campaign.id)
             .order_by(Campaign.deadline.desc(), Campaign.id))
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    lines: dict[int, CampaignLine] = {}
    for (cid, name, contract, deadline, status, rating, red, amber, items, late, due, own,
         n) in session.execute(query):
        line = lines.setdefault(cid, CampaignLine(cid, name, contract or "", deadline))
        if status is None:
            continue
        line.invited += n
        line.by_status[status] += n
        line.answered += n if status in ANSWERED else 0
        # past the supplier's own deadline if it was given one (store/deadlines.py)
        line.overdue += n if is_overdue(status, own or deadline, today) else 0
        if rating:
            line.ratings[rating] += n
        line.red += n if red else 0
        line.amber += n if amber else 0
        light = plan_light(items, due, late, today)
        if light:
            line.plans[light] += n
    return lines


def overview(session: Session, today: date | None = None) -> list[CampaignLine]:
    """Every campaign with its counts per status, overdue, ratings, flags and action plans."""
    return list(_figures(session, None, today).values())


def campaign_figures(session: Session, campaign: Campaign,
                     today: date | None = None) -> CampaignLine:
    """The same line for one campaign, counted over that campaign's responses only."""
    return _figures(session, campaign.id, today)[campaign.id]


def by_contract(lines: list[CampaignLine]) -> dict[str, CampaignLine]:
    """The same figures summed per framework agreement."""
    totals: dict[str, CampaignLine] = defaultdict(lambda: CampaignLine(0, "", "", date.min))
    for line in lines:
        total = totals[line.contract]
        total.contract = total.name = line.contract
        for name in ("invited", "answered", "overdue", "red", "amber"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
        total.by_status.update(line.by_status)
        total.ratings.update(line.ratings)
        total.plans.update(line.plans)
    return dict(sorted(totals.items()))


def count_lines(figures: CampaignLine, status: str | None = None) -> int:
    """How many rows `campaign_lines` has in all, for paging (read off the figures)."""
    return figures.by_status.get(status, 0) if status else figures.invited


@dataclass
class SupplierLine:
    response_id: int
    supplier: str
    status: str
    last_activity: datetime | None
    submitted_at: datetime | None
    total: float | None
    rating: str | None
    red: int
    amber: int
    reviewer: str | None
    overdue: bool
    plan: str | None = None  # traffic light of the action plan, if there is one
    deadline: date | None = None  # a later deadline for this supplier alone


SORTS = {"supplier": Supplier.name, "status": Response.status, "score": Response.score,
         "submitted": Response.submitted_at, "activity": Response.last_saved_at,
         "red": Response.red_flags}


def campaign_lines(session: Session, campaign: Campaign, status: str | None = None,
                   sort: str = "supplier", descending: bool = False,
                   today: date | None = None, limit: int | None = None,
                   offset: int = 0) -> list[SupplierLine]:
    """One row per supplier of a campaign, filtered by status, sorted by a column, paged."""
    order: Any = SORTS.get(sort, Supplier.name)
    ordering = (order.desc().nulls_last() if descending else order.asc().nulls_last(),
                Supplier.name, Response.id)
    # The page's ids first, sorted on narrow rows; then the columns of those rows only.
    page = (select(Response.id).join(Supplier, Supplier.id == Response.supplier_id)
            .where(Response.campaign_id == campaign.id).order_by(*ordering))
    if status:
        page = page.where(Response.status == status)
    if limit is not None:
        page = page.limit(limit).offset(offset)
    query = (select(Response.id, Supplier.name, Response.status, Response.last_saved_at,
                    Response.invited_at, Response.submitted_at, Response.score,
                    Response.rating, Response.red_flags, Response.amber_flags,
                    StaffUser.name, Response.plan_items, Response.plan_due,
                    Response.plan_late, Response.deadline)
             .join(Supplier, Supplier.id == Response.supplier_id)
             .outerjoin(StaffUser, StaffUser.id == Response.reviewer_id)
             .where(Response.id.in_(page)).order_by(*ordering))
    today = today or date.today()
    return [SupplierLine(rid, supplier, state, saved or invited, submitted, total, rating,
                         red or 0, amber or 0, reviewer,
                         is_overdue(state, own or campaign.deadline, today),
                         plan_light(items, due, late, today), own)
            for (rid, supplier, state, saved, invited, submitted, total, rating, red, amber,
                 reviewer, items, due, late, own) in session.execute(query)]
