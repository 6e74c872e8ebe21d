"""Reading the audit trail on SQLite and PostgreSQL: the filters in SQL, names in few queries."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.store.conftest import make_campaign
from webapp.store import audit_log
from webapp.store.audit import record
from webapp.store.audit_log import AuditFilter
from webapp.store.models import AuditEvent


def _setup(session, masks):
    campaign, [(first, _), (second, _)] = make_campaign(session, masks, suppliers=2)
    other, [(elsewhere, _)] = make_campaign(session, masks)
    record(session, "granskare@region.example", "graded", first, question="company_name", old=None,
           new=2)
    record(session, f"supplier:{second.supplier_id}:kim@example.org", "opened", second)
    record(session, "granskare@region.example", "mail.queued", None, response=second.id,
           kind="reminder", step="manual")
    record(session, "admin@region.example", "campaign.closed", campaign)
    record(session, "granskare@region.example", "graded", elsewhere, question="company_name",
           old=1, new=3)
    session.add(AuditEvent(at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC), actor="natt@example.org",
                           action="status", object_type="response", object_id=first.id,
                           details={"old": "invited", "new": "in_progress"}))
    session.flush()
    return campaign, first, second, other, elsewhere


def _actions(session, chosen):
    return sorted(e.action for e in audit_log.page(session, chosen, 100, 0))


def test_filters_by_campaign_supplier_person_action_and_time(session, masks):
    campaign, first, second, other, elsewhere = _setup(session, masks)
    by_campaign = AuditFilter(campaign=campaign.id)
    assert _actions(session, by_campaign) == [
        "campaign.closed", "graded", "invited", "invited", "mail.queued", "opened", "status"]
    assert audit_log.count(session, by_campaign) == 7
    assert _actions(session, AuditFilter(campaign=other.id)) == ["graded", "invited"]
    assert _actions(session, AuditFilter(supplier=second.supplier_id)) == [
        "invited", "mail.queued", "opened"]
    assert _actions(session, AuditFilter(campaign=campaign.id, actor=audit_log.SUPPLIERS)) == [
        "opened"]
    assert _actions(session, AuditFilter(campaign=campaign.id,
                                         actor="granskare@region.example")) == [
        "graded", "mail.queued"]
    assert _actions(session, AuditFilter(action="graded", supplier=elsewhere.supplier_id)) == [
        "graded"]
    night = AuditFilter(campaign=campaign.id, start=datetime(2025, 3, 1, 23, tzinfo=UTC),
                        end=datetime(2025, 3, 2, 23, tzinfo=UTC))
    assert _actions(session, night) == ["status"]


def test_names_of_a_page_and_every_event_in_batches(session, masks):
    campaign, first, second, _other, _elsewhere = _setup(session, masks)
    events = audit_log.page(session, AuditFilter(campaign=campaign.id), 100, 0)
    names = audit_log.names_for(session, events)
    assert names.campaigns[campaign.id] == campaign.name
    assert names.responses[second.id][2] == second.supplier.name
    assert names.suppliers[second.supplier_id] == second.supplier.name
    assert "company_name" in names.questionnaires[first.id].questions
    batches = list(audit_log.batches(session, AuditFilter(campaign=campaign.id), size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
