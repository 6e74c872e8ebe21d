"""Every transition of the status machine, legal and illegal, with its audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.store.conftest import make_campaign
from webapp.store.models import AuditEvent
from webapp.store.status import STATUSES, TRANSITIONS, IllegalTransition, transition

PAIRS = [(a, b) for a in STATUSES for b in STATUSES]


def _events(session, response):
    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "response", AuditEvent.object_id == response.id,
        AuditEvent.action == "status"))


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition(session, masks, old, new):
    _, [(response, _)] = make_campaign(session, masks)
    response.status = old
    session.flush()
    before = _events(session, response)
    if new in TRANSITIONS[old]:
        transition(session, response, new, "tester@example.org", note="x")
        session.flush()
        assert response.status == new
        assert _events(session, response) == before + 1
        event = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert event.details == {"old": old, "new": new, "note": "x"}
        assert event.actor == "tester@example.org" and event.at is not None
    else:
        with pytest.raises(IllegalTransition, match=f"'{old}' cannot become '{new}'"):
            transition(session, response, new, "tester@example.org")
        session.flush()
        assert response.status == old
        assert _events(session, response) == before


def test_closed_is_final_and_every_status_can_be_left_or_is_closed():
    assert TRANSITIONS["closed"] == frozenset()
    for status in STATUSES:
        assert status == "closed" or TRANSITIONS[status]
