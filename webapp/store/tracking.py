"""Tracking figures for staff: every campaign at a glance, and one row per supplier.

Each function is one query whatever the number of responses. Scores, ratings and flag
counts are the verdict stored on each response (store/verdicts.py), the same figures the
review page and the exports show.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .action_plans import traffic_light
from .deadlines import deadline_column, overdue_condition
from .models import Campaign, Contract, Deviation, Response, StaffUser, Supplier
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
    red: int = 0
    amber: int = 0
    plans: Counter = field(default_factory=Counter)  # action plans by traffic light


def plan_lights(session: Session, campaign_id: int | None = None,
                today: date | None = None) -> dict[int, tuple[int, str]]:
    """{response id: (campaign id, traffic light)} for every response with deviations.

    One query, for one campaign or all of them.
    """
    query = (select(Deviation, Response.campaign_id)
             .join(Response, Response.id == Deviation.response_id))
    if campaign_id is not None:
        query = query.where(Response.campaign_id == campaign_id)
    grouped: dict[int, tuple[int, list[Deviation]]] = {}
    for deviation, cid in session.execute(query):
        grouped.setdefault(deviation.response_id, (cid, []))[1].append(deviation)
    return {rid: (cid, traffic_light(items, today)) for rid, (cid, items) in grouped.items()}


def overview(session: Session, today: date | None = None) -> list[CampaignLine]:
    """Every campaign with its counts per status, overdue, ratings, flags and action plans."""
    red, amber = Response.red_flags > 0, Response.amber_flags > 0
    overdue = func.count(Response.id).filter(overdue_condition(today or date.today()))
    rows = session.execute(
        select(Campaign.id, Campaign.name, Contract.name, Campaign.deadline, Response.status,
               Response.rating, red, amber, func.count(Response.id), overdue)
        .outerjoin(Contract, Contract.id == Campaign.contract_id)
        .outerjoin(Response, Response.campaign_id == Campaign.id)
        .group_by(Campaign.id, Campaign.name, Contract.name, Campaign.deadline,
                  Response.status, Response.rating, red, amber)
        .order_by(Campaign.deadline.desc(), Campaign.id))
    lines: dict[int, CampaignLine] = {}
    for cid, name, contract, deadline, status, rating, has_red, has_amber, count, late in rows:
        line = lines.setdefault(cid, CampaignLine(cid, name, contract or "", deadline))
        if status is None:
            continue
        line.invited += count
        line.by_status[status] += count
        line.answered += count if status in ANSWERED else 0
        line.overdue += late  # past each supplier's own deadline (store/deadlines.py)
        if rating:
            line.ratings[rating] += count
        line.red += count if has_red else 0
        line.amber += count if has_amber else 0
    for cid, light in plan_lights(session, today=today).values():
        if cid in lines:
            lines[cid].plans[light] += 1
    return list(lines.values())


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


def count_lines(session: Session, campaign: Campaign, status: str | None = None) -> int:
    """How many rows `campaign_lines` has in all, for paging."""
    query = select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
    if status:
        query = query.where(Response.status == status)
    return session.scalar(query) or 0


def campaign_lines(session: Session, campaign: Campaign, status: str | None = None,
                   sort: str = "supplier", descending: bool = False,
                   today: date | None = None, limit: int | None = None,
                   offset: int = 0) -> list[SupplierLine]:
    """One row per supplier of a campaign, filtered by status, sorted by a column, paged."""
    order: Any = SORTS.get(sort, Supplier.name)
    query = (select(Response.id, Supplier.name, Response.status, Response.last_saved_at,
                    Response.invited_at, Response.submitted_at, Response.score,
                    Response.rating, Response.red_flags, Response.amber_flags,
                    StaffUser.name, Response.deadline, deadline_column())
             .join(Supplier, Supplier.id == Response.supplier_id)
             .join(Campaign, Campaign.id == Response.campaign_id)
             .outerjoin(StaffUser, StaffUser.id == Response.reviewer_id)
             .where(Response.campaign_id == campaign.id)
             .order_by(order.desc().nulls_last() if descending else order.asc().nulls_last(),
                       Supplier.name, Response.id))
    if status:
        query = query.where(Response.status == status)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    lights = plan_lights(session, campaign.id, today)
    lines = []
    for (rid, supplier, state, saved, invited, submitted, total, rating, red, amber,
         reviewer, own, deadline) in session.execute(query):
        lines.append(SupplierLine(rid, supplier, state, saved or invited, submitted, total,
                                  rating, red or 0, amber or 0, reviewer,
                                  is_overdue(state, deadline, today),
                                  lights[rid][1] if rid in lights else None, own))
    return lines
