"""Corrective action plans: deviations, the supplier's progress reports, closing the plan.

A reviewer who decides "action plan" lists deviations (severity, description, owner,
deadline). The supplier reports progress on each; only a reviewer closes one, and the
plan is closed (the response accepted) once every deviation is closed. Every change is a
`DeviationReport` row, so the history of a deviation is kept as it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from . import notices
from .audit import record
from .models import Attachment, Deviation, DeviationReport, Response, StaffUser, utcnow
from .status import ACCEPTED, ACTION_PLAN, transition

SEVERITIES = ("minor", "major", "critical")
DEVIATION_STATUSES = ("open", "in_progress", "closed")
MAX_NOTE = 5000

Light = Literal["green", "yellow", "red"]


class PlanClosed(ValueError):
    """The response has no action plan under way; nothing can be reported on it."""


class NoteTooLong(ValueError):
    """A note past MAX_NOTE characters: refused whole, never cut short."""


def _today() -> date:
    """The server's local date, as for every other deadline in the app."""
    return date.today()


def is_overdue(deviation: Deviation, today: date | None = None) -> bool:
    """Not closed, and its deadline has passed."""
    return deviation.status != "closed" and deviation.deadline < (today or _today())


def closed_late(deviation: Deviation) -> bool:
    if deviation.closed_at is None:
        return False
    closed = deviation.closed_at
    closed = closed if closed.tzinfo else closed.replace(tzinfo=UTC)
    return closed.astimezone().date() > deviation.deadline


def store_plan(session: Session, response: Response) -> None:
    """Keep on the response what its plan's traffic light is read from (tracking.py
    counts lights in SQL from these columns): the number of deviations, the earliest
    deadline of one not closed, and whether one was closed after its deadline."""
    session.flush()
    items = session.scalars(select(Deviation).where(Deviation.response_id == response.id)).all()
    response.plan_items = len(items)
    response.plan_due = min((d.deadline for d in items if d.status != "closed"), default=None)
    response.plan_late = any(closed_late(d) for d in items)


def traffic_light(deviations: list[Deviation], today: date | None = None) -> Light:
    """Green: none, or all fixed in time; yellow: being handled; red: not fixed in time."""
    today = today or _today()
    if any(is_overdue(d, today) or closed_late(d) for d in deviations):
        return "red"
    if any(d.status != "closed" for d in deviations):
        return "yellow"
    return "green"


@dataclass(frozen=True)
class PlanSummary:
    total: int
    closed: int
    overdue: int
    light: Light


def summary(deviations: list[Deviation], today: date | None = None) -> PlanSummary:
    today = today or _today()
    return PlanSummary(total=len(deviations),
                       closed=sum(1 for d in deviations if d.status == "closed"),
                       overdue=sum(1 for d in deviations if is_overdue(d, today)),
                       light=traffic_light(deviations, today))


def deviations_of(session: Session, response: Response) -> list[Deviation]:
    """The response's deviations, most severe first, with their reports (two queries)."""
    rank = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    rows = session.scalars(
        select(Deviation).where(Deviation.response_id == response.id)
        .options(selectinload(Deviation.reports)).order_by(Deviation.deadline, Deviation.id)
    ).all()
    return sorted(rows, key=lambda d: (rank.get(d.severity, 9), d.deadline, d.id))


def _lock(session: Session, response: Response) -> None:
    """Re-read the response under a row lock before checking its status (R7).

    Adding, reporting and closing then run one at a time per response, so a plan is
    never accepted while a deviation is being added to it.
    """
    session.flush()
    session.refresh(response, with_for_update=True)


def add_deviation(session: Session, response: Response, severity: str, description: str,
                  owner: str, deadline: date, actor: StaffUser) -> Deviation:
    """A reviewer adds an item to the response's action plan."""
    _lock(session, response)
    if response.status != ACTION_PLAN:
        raise PlanClosed("deviations belong to a response with an action plan")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}")
    if not description.strip() or not owner.strip():
        raise ValueError("a deviation needs a description and an owner")
    deviation = Deviation(response_id=response.id, severity=severity,
                          description=description.strip(), owner=owner.strip()[:200],
                          deadline=deadline)
    session.add(deviation)
    store_plan(session, response)
    record(session, actor.email, "deviation.added", deviation, response=response.id,
           severity=severity, deadline=deadline.isoformat())
    notices.deviation_added(session, response, deviation, actor.email)
    return deviation


def _deviation(session: Session, response: Response, deviation_id: int) -> Deviation:
    deviation = session.scalar(select(Deviation).where(
        Deviation.id == deviation_id, Deviation.response_id == response.id)
        .with_for_update())
    if deviation is None:
        raise LookupError("no such deviation on this response")
    return deviation


def report_progress(session: Session, response: Response, deviation_id: int, note: str,
                    author: str, attachment: Attachment | None = None) -> DeviationReport:
    """The supplier says what has been done; an open deviation becomes in progress.

    The supplier never closes a deviation: a reviewer does, after checking.
    """
    _lock(session, response)
    if response.status != ACTION_PLAN:
        raise PlanClosed("the action plan is not open for reports")
    note = (note or "").strip()
    if not note:
        raise ValueError("describe what has been done")
    if len(note) > MAX_NOTE:
        raise ValueError(f"the report is longer than {MAX_NOTE} characters")
    deviation = _deviation(session, response, deviation_id)
    if deviation.status == "closed":
        raise ValueError("the deviation is already closed")
    if attachment is not None and attachment.response_id != response.id:
        raise LookupError("no such file on this response")
    old = deviation.status
    deviation.status = "in_progress"
    deviation.updated_at = utcnow()
    report = DeviationReport(by_supplier=True, author=author, status=deviation.status,
                             note=note, attachment_id=attachment.id if attachment else None)
    deviation.reports.append(report)
    session.flush()
    record(session, author, "deviation.reported", deviation, response=response.id,
           old=old, new=deviation.status, file=attachment.id if attachment else None)
    return report


def set_status(session: Session, response: Response, deviation_id: int, status: str,
               note: str, actor: StaffUser) -> DeviationReport:
    """A reviewer moves a deviation to open, in progress or closed, with a note."""
    _lock(session, response)
    if response.status != ACTION_PLAN:
        raise PlanClosed("the action plan is not open")
    if status not in DEVIATION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(DEVIATION_STATUSES)}")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise NoteTooLong(f"the note is longer than {MAX_NOTE} characters")
    deviation = _deviation(session, response, deviation_id)
    old = deviation.status
    if status == old and not note:
        raise ValueError("change the status or write a note")
    deviation.status = status
    deviation.updated_at = utcnow()
    if status == "closed" and old != "closed":
        deviation.closed_at = utcnow()
    elif status != "closed":
        deviation.closed_at = None
    report = DeviationReport(by_supplier=False, author=actor.email, status=status, note=note)
    deviation.reports.append(report)
    store_plan(session, response)
    record(session, actor.email, "deviation.updated", deviation, response=response.id,
           old=old, new=status)
    if status == "closed" and old != "closed":
        notices.deviation_closed(session, response, deviation, report, actor.email)
    return report


def close_action_plan(session: Session, response: Response, actor: StaffUser) -> None:
    """Accept a response whose deviations are all closed.

    Only a response with an action plan: any other would be accepted without a decision.
    """
    _lock(session, response)
    if response.status != ACTION_PLAN:
        raise PlanClosed("the response has no action plan under way")
    open_items = session.scalars(select(Deviation.id).where(
        Deviation.response_id == response.id, Deviation.status != "closed")).all()
    if open_items:
        raise ValueError(f"{len(open_items)} deviations are not closed yet")
    transition(session, response, ACCEPTED, actor.email)
    notices.plan_closed(session, response, actor.email)


__all__ = ["DEVIATION_STATUSES", "SEVERITIES", "NoteTooLong", "PlanClosed", "PlanSummary",
           "add_deviation", "close_action_plan", "closed_late", "deviations_of", "is_overdue",
           "report_progress", "set_status", "store_plan", "summary", "traffic_light"]
