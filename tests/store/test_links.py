"""Invitation links: several per response, a lost link revokes them all; migration 0005."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.store.conftest import make_campaign, new_database
from webapp.store.db import make_engine
from webapp.store.migrate import upgrade
from webapp.store.models import InvitationLink
from webapp.store.responses import add_link, by_link, by_token, hash_token, new_token


def test_every_link_of_a_response_opens_it_until_a_lost_link_revokes_them(session, masks):
    _, [(response, first), (other, other_token)] = make_campaign(session, masks, suppliers=2)
    second = add_link(session, response)
    assert second != first
    assert by_token(session, first) is response and by_token(session, second) is response
    links = session.scalars(select(InvitationLink).where(
        InvitationLink.response_id == response.id).order_by(InvitationLink.id)).all()
    assert [link.token_hash for link in links] == [hash_token(first), hash_token(second)]
    assert by_link(session, response.id, links[0].id) is response
    assert by_link(session, other.id, links[0].id) is None  # a link names one response only
    after = links[0].expires_at + timedelta(seconds=1)
    assert by_link(session, response.id, links[0].id, now=after) is None  # sessions end too

    third = new_token(session, response, "staff@example.org")
    assert by_token(session, first) is None and by_token(session, second) is None
    assert by_token(session, third) is response
    assert by_link(session, response.id, links[1].id) is None
    assert by_token(session, other_token) is other  # other suppliers' links are untouched


def test_migration_moves_each_token_into_a_link_and_keeps_the_answers(backend, tmp_path,
                                                                       request):
    engine = make_engine(new_database(backend, tmp_path, request, revision="0004"))
    now = datetime(2026, 11, 1, tzinfo=UTC)
    token = "old-token-" + uuid.uuid4().hex
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO questionnaire_version (id, questionnaire_id, version, content_hash, "
            "definition, recorded_at) VALUES (1, 'q', 1, 'h', '{}', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO campaign (id, name, questionnaire_version_id, deadline, status, "
            "created_at) VALUES (1, 'C', 1, '2026-12-01', 'open', :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO supplier (id, name, country, created_at) VALUES (1, 'S', 'SE', :now)"),
            {"now": now})
        connection.execute(text(
            "INSERT INTO response (id, campaign_id, supplier_id, token_hash, token_expires_at, "
            "status, round, draft_version, session_epoch, invited_at) VALUES (1, 1, 1, :hash, "
            ":expires, 'in_progress', 1, 1, 0, :now)"),
            {"hash": hash_token(token), "expires": datetime(2027, 6, 1, tzinfo=UTC),
             "now": now})
        connection.execute(text(
            "INSERT INTO answer (response_id, question_id, value, updated_at) "
            "VALUES (1, 'name', '\"Acme\"', :now)"), {"now": now})
    upgrade(engine)
    with Session(engine) as session:
        response = by_token(session, token, now=now)
        assert response is not None and response.id == 1
        answers = session.execute(text("SELECT question_id FROM answer")).scalars().all()
        assert answers == ["name"]
        assert by_token(session, token, now=datetime(2027, 6, 2, tzinfo=UTC)) is None
    engine.dispose()
