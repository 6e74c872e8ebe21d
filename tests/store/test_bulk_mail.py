"""Inviting and reminding many suppliers, on SQLite and PostgreSQL: the same queries for
a hundred suppliers as for five, so the write lock is held briefly (R6)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from tests.support.queries import statements_by_kind
from webapp.store import outbox
from webapp.store.campaigns import create_campaign
from webapp.store.models import AuditEvent, Contact, Contract, OutboxMessage, Supplier
from webapp.store.outbox import Schedule
from webapp.store.versions import record_version

SCHEDULE = Schedule(days_before=7, days_after=3)


def compose(response, kind, step, language, today):
    return f"{kind} {step} {language}", f"Hej {response.supplier.name}: {outbox.LINK}\n"


def _statements(session, work) -> dict[str, int]:
    """How many SELECTs and how many statements in all `work()` runs."""
    return statements_by_kind(session.get_bind().engine, work)


def _campaign(session, masks, suppliers: int, days: int):
    """A campaign for `suppliers` suppliers (two contacts each, one in English) with its
    invitations queued; returns it and what that cost."""
    tag = uuid.uuid4().hex[:6]
    contract = Contract(name=f"Avtal {tag}", reference=f"A-{tag}", year=2024, risk_areas=[])
    for n in range(suppliers):
        supplier = Supplier(name=f"Leverantör {tag}-{n:03d}", org_number=f"{tag}-{n}")
        supplier.contacts += [Contact(name="Kim", email=f"kim{n}@{tag}.example"),
                              Contact(name="Sam", email=f"sam{n}@{tag}.example",
                                      language="en")]
        contract.suppliers.append(supplier)
    session.add(contract)
    version = record_version(session, masks)
    session.flush()
    done = {}

    def work() -> None:
        created = create_campaign(session, name=f"Runda {tag}", version=version,
                                  contract=contract, suppliers=contract.suppliers,
                                  deadline=date.today() + timedelta(days=days),
                                  reviewer=None, actor="staff@region.example")
        done["campaign"] = created.campaign
        done["queued"] = outbox.queue_invitations(
            session, [r for r, _token in created.invitations], compose, "staff@region.example")
        session.flush()

    return done, _statements(session, work)


def test_a_hundred_invitations_cost_the_queries_of_five(session, backend, masks):
    """R6: creating a campaign and queueing its invitations reads nothing per supplier
    (and on PostgreSQL writes a table at a time, too)."""
    few, few_cost = _campaign(session, masks, 5, days=20)
    many, many_cost = _campaign(session, masks, 100, days=60)
    assert len(few["queued"]) == 5 and len(many["queued"]) == 100
    assert few_cost["select"] == many_cost["select"]
    if backend == "postgresql":
        assert few_cost["all"] == many_cost["all"]
    messages = session.scalars(select(OutboxMessage).where(
        OutboxMessage.dedupe_key.like("invitation:%"),
        OutboxMessage.response_id.in_([m.response_id for m in many["queued"]]))).all()
    assert len(messages) == 200  # one in Swedish, one in English, for each supplier
    assert {(m.language, len(m.recipients)) for m in messages} == {("sv", 1), ("en", 1)}
    queued_events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "mail.queued",
        AuditEvent.object_id.in_([m.id for m in messages]))).all()
    assert len(queued_events) == 200

    # the day before the later deadline's first reminder, then on it: the earlier
    # campaign is overdue by then, so 105 suppliers are reminded
    early = outbox.queue_reminders(session, few["campaign"].deadline - timedelta(days=7),
                                   compose, SCHEDULE, "cron")
    assert len(early) == 5
    day = many["campaign"].deadline - timedelta(days=7)
    found = {}
    cost = _statements(session, lambda: found.update(
        late=outbox.queue_reminders(session, day, compose, SCHEDULE, "cron")))
    assert len(found["late"]) == 105
    # the due responses with their suppliers and contacts, each campaign's questionnaire,
    # the addresses named in the forms, the keys already queued: none per supplier
    assert cost["select"] <= 12, cost
    assert outbox.queue_reminders(session, day, compose, SCHEDULE, "cron") == []
