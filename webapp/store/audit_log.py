"""Reading the audit trail: filtered in SQL, a page at a time, with the names it points at.

An event concerns a campaign or a supplier when its object is one, when its details
name one (`campaign=`, `supplier=`), or when it is about a response (its object, or
`response=` in its details) of that campaign or supplier; a supplier's own actions
(actor `supplier:<id>:<e-mail>`) concern the supplier too. The names and links of the
objects on a page are looked up once per kind of object for the whole page
(`names_for`), never once per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..definitions import Questionnaire
from .models import (
    MAX_ID,
    Attachment,
    AuditEvent,
    Campaign,
    Contact,
    Deviation,
    QuestionnaireVersion,
    Response,
    StaffUser,
    Supplier,
)
from .versions import definition

#: the actor filter value meaning "any supplier's contact"
SUPPLIERS = "supplier"
SUPPLIER_ACTOR = "supplier:"


@dataclass(frozen=True)
class AuditFilter:
    """What to show: each given part narrows the log; `start`/`end` are UTC, end excluded."""

    campaign: int | None = None
    supplier: int | None = None
    actor: str | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def _detail_id(key: str) -> ColumnElement[int]:
    return AuditEvent.details[key].as_integer()


def _response_of_event() -> ColumnElement[int]:
    return case((AuditEvent.object_type == "response", AuditEvent.object_id),
                else_=_detail_id("response"))


def conditions(chosen: AuditFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of a filter (an empty list shows everything)."""
    where: list[ColumnElement[bool]] = []
    if chosen.campaign is not None:
        where.append(or_(
            and_(AuditEvent.object_type == "campaign", AuditEvent.object_id == chosen.campaign),
            _detail_id("campaign") == chosen.campaign,
            _response_of_event().in_(
                select(Response.id).where(Response.campaign_id == chosen.campaign))))
    if chosen.supplier is not None:
        where.append(or_(
            and_(AuditEvent.object_type == "supplier", AuditEvent.object_id == chosen.supplier),
            _detail_id("supplier") == chosen.supplier,
            AuditEvent.actor.like(f"{SUPPLIER_ACTOR}{chosen.supplier}:%"),
            _response_of_event().in_(
                select(Response.id).where(Response.supplier_id == chosen.supplier))))
    if chosen.actor == SUPPLIERS:
        where.append(AuditEvent.actor.like(f"{SUPPLIER_ACTOR}%"))
    elif chosen.actor:
        where.append(AuditEvent.actor == chosen.actor)
    if chosen.action:
        where.append(AuditEvent.action == chosen.action)
    if chosen.start is not None:
        where.append(AuditEvent.at >= chosen.start)
    if chosen.end is not None:
        where.append(AuditEvent.at < chosen.end)
    return where


def count(session: Session, chosen: AuditFilter) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(*conditions(chosen))) or 0


def page(session: Session, chosen: AuditFilter, limit: int, offset: int) -> list[AuditEvent]:
    """The events of one page, newest first."""
    return list(session.scalars(select(AuditEvent).where(*conditions(chosen))
                                .order_by(AuditEvent.id.desc()).limit(limit).offset(offset)))


def batches(session: Session, chosen: AuditFilter, size: int = 500
            ) -> Iterator[list[AuditEvent]]:
    """Every matching event, newest first, `size` at a time (for a download)."""
    before: int | None = None
    while True:
        query = select(AuditEvent).where(*conditions(chosen))
        if before is not None:
            query = query.where(AuditEvent.id < before)
        batch = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(size)))
        if not batch:
            return
        yield batch
        before = batch[-1].id
        session.expunge_all()  # keep memory flat over a long log


def actions(session: Session) -> list[str]:
    """Every action code in the log."""
    return list(session.scalars(select(AuditEvent.action).distinct()))


def staff_actors(session: Session) -> list[str]:
    """Every actor that is not a supplier's contact (staff e-mails, commands)."""
    return list(session.scalars(select(AuditEvent.actor).distinct().where(
        AuditEvent.actor.not_like(f"{SUPPLIER_ACTOR}%")).order_by(AuditEvent.actor)))


def campaigns(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(
        select(Campaign.id, Campaign.name).order_by(Campaign.created_at.desc(), Campaign.id))]


def suppliers(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(
        select(Supplier.id, Supplier.name).order_by(Supplier.name, Supplier.id))]


@dataclass
class Names:
    """What the ids on a page of events stand for, looked up once per kind of object."""

    responses: dict[int, tuple[int, int, str, str]] = field(default_factory=dict)
    campaigns: dict[int, str] = field(default_factory=dict)
    suppliers: dict[int, str] = field(default_factory=dict)
    attachments: dict[int, tuple[str, int]] = field(default_factory=dict)
    deviations: dict[int, tuple[str, int]] = field(default_factory=dict)
    contacts: dict[int, tuple[str, int]] = field(default_factory=dict)
    staff: dict[int, str] = field(default_factory=dict)
    staff_by_email: dict[str, str] = field(default_factory=dict)
    versions: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: the questionnaire each response answers (for the words of a question id)
    questionnaires: dict[int, Questionnaire] = field(default_factory=dict)


def _ids(values: Iterable[Any]) -> set[int]:
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)
            and 0 < v <= MAX_ID}


def supplier_of_actor(actor: str) -> int | None:
    """The supplier id in an actor `supplier:<id>:<e-mail>`, else None."""
    if not actor.startswith(SUPPLIER_ACTOR):
        return None
    number = actor[len(SUPPLIER_ACTOR):].split(":", 1)[0]
    return int(number) if number.isdigit() and int(number) <= MAX_ID else None


def names_for(session: Session, events: list[AuditEvent]) -> Names:
    """The names of every object the events point at (objects and ids in details)."""
    def of(kind: str, key: str | None = None) -> set[int]:
        found = [e.object_id for e in events if e.object_type == kind]
        if key:
            found += [(e.details or {}).get(key) for e in events]
        return _ids(found)

    names = Names()
    response_ids = of("response", "response")
    if response_ids:
        version_of: dict[int, int] = {}
        for rid, cid, sid, supplier, campaign, vid in session.execute(
                select(Response.id, Response.campaign_id, Response.supplier_id, Supplier.name,
                       Campaign.name, Campaign.questionnaire_version_id)
                .join(Supplier, Supplier.id == Response.supplier_id)
                .join(Campaign, Campaign.id == Response.campaign_id)
                .where(Response.id.in_(response_ids))):
            names.responses[rid] = (cid, sid, supplier, campaign)
            names.suppliers[sid], names.campaigns[cid] = supplier, campaign
            version_of[rid] = vid
        if any(e.details and "question" in e.details for e in events):
            rows = {v.id: v for v in session.scalars(select(QuestionnaireVersion).where(
                QuestionnaireVersion.id.in_(set(version_of.values()))))}
            names.questionnaires = {rid: definition(rows[vid])
                                    for rid, vid in version_of.items()}
    campaign_ids = of("campaign", "campaign") - names.campaigns.keys()
    if campaign_ids:
        names.campaigns.update((i, n) for i, n in session.execute(
            select(Campaign.id, Campaign.name).where(Campaign.id.in_(campaign_ids))))
    attachment_ids = of("attachment", "file")
    if attachment_ids:
        names.attachments = {i: (n, r) for i, n, r in session.execute(
            select(Attachment.id, Attachment.original_name, Attachment.response_id)
            .where(Attachment.id.in_(attachment_ids)))}
    deviation_ids = of("deviation")
    if deviation_ids:
        names.deviations = {i: (d, r) for i, d, r in session.execute(
            select(Deviation.id, Deviation.description, Deviation.response_id)
            .where(Deviation.id.in_(deviation_ids)))}
    contact_ids = of("contact")
    if contact_ids:
        names.contacts = {i: (f"{n} <{e}>", s) for i, n, e, s in session.execute(
            select(Contact.id, Contact.name, Contact.email, Contact.supplier_id)
            .where(Contact.id.in_(contact_ids)))}
    supplier_ids = (of("supplier", "supplier") | _ids(
        [supplier_of_actor(e.actor) for e in events])
        | _ids(s for _n, s in names.contacts.values())) - names.suppliers.keys()
    if supplier_ids:
        names.suppliers.update((i, n) for i, n in session.execute(
            select(Supplier.id, Supplier.name).where(Supplier.id.in_(supplier_ids))))
    version_ids = of("questionnaire_version")
    if version_ids:
        names.versions = {i: (q, v) for i, q, v in session.execute(
            select(QuestionnaireVersion.id, QuestionnaireVersion.questionnaire_id,
                   QuestionnaireVersion.version)
            .where(QuestionnaireVersion.id.in_(version_ids)))}
    emails = {e.actor for e in events if "@" in e.actor and not e.actor.startswith(
        SUPPLIER_ACTOR)}
    staff_ids = of("staff_user")
    if emails or staff_ids:
        for sid, email, name in session.execute(select(
                StaffUser.id, StaffUser.email, StaffUser.name).where(
                or_(StaffUser.email.in_(emails), StaffUser.id.in_(staff_ids)))):
            names.staff[sid] = f"{name} <{email}>"
            names.staff_by_email[email] = name
    return names
