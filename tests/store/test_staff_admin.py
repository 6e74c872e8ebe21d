"""Account administration in the store, on SQLite and PostgreSQL: roles, deactivation,
the last administrator, and two administrators demoting each other at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.models import AuditEvent, StaffUser
from webapp.store.staff import (
    AccountError,
    accounts,
    add_user,
    authenticate,
    change_role,
    deactivate,
    last_admin,
    password_link_token,
    reactivate,
    user_for_token,
)

PASSWORD = "a long enough password"


def events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_deactivation_ends_sessions_voids_the_link_and_is_reversible(session):
    add_user(session, "boss@region.example", "Boss", "admin", "test", PASSWORD)
    rita = add_user(session, "rita@region.example", "Rita", "reviewer", "test", PASSWORD)
    token = password_link_token(session, rita, "test")
    epoch = rita.session_epoch
    assert deactivate(session, rita, "boss@region.example")
    assert not rita.active and rita.session_epoch == epoch + 1
    assert user_for_token(session, token) is None and rita.password_token_hash is None
    assert authenticate(session, "rita@region.example", PASSWORD) is None
    with pytest.raises(AccountError) as refused:
        password_link_token(session, rita, "test")
    assert refused.value.code == "inactive"
    assert not deactivate(session, rita, "boss@region.example")  # once is enough
    assert reactivate(session, rita, "boss@region.example")
    assert authenticate(session, "rita@region.example", PASSWORD) is rita
    session.flush()
    assert [e.object_id for e in events(session, "user.disabled")] == [rita.id]
    assert [e.object_id for e in events(session, "user.enabled")] == [rita.id]


def test_the_last_active_admin_stays(session):
    boss = add_user(session, "boss@region.example", "Boss", "admin", "test", PASSWORD)
    other = add_user(session, "other@region.example", "Other", "admin", "test", PASSWORD)
    assert not last_admin(session, boss)
    assert deactivate(session, other, "boss@region.example")  # an inactive admin counts not
    assert last_admin(session, boss)
    for attempt in (lambda: change_role(session, boss, "reviewer", "x"),
                    lambda: deactivate(session, boss, "x")):
        with pytest.raises(AccountError) as refused:
            attempt()
        assert refused.value.code == "last_admin"
    assert boss.role == "admin" and boss.active
    assert change_role(session, boss, "admin", "x") is False  # no change, no event
    session.flush()
    assert events(session, "user.role_changed") == []


def test_accounts_lists_active_people_first_and_a_waiting_mail(session):
    add_user(session, "b@region.example", "Bertil", "reviewer", "test", PASSWORD)
    closed = add_user(session, "a@region.example", "Anna", "reviewer", "test", PASSWORD)
    invited = add_user(session, "c@region.example", "Cecilia", "reviewer", "test")
    deactivate(session, closed, "test")
    listed = [a for a in accounts(session)
              if a.user.email in ("a@region.example", "b@region.example", "c@region.example")]
    assert [a.user.name for a in listed] == ["Bertil", "Cecilia", "Anna"]
    assert [a.invited for a in listed] == [False, True, False]
    assert invited.role == "reviewer"


@pytest.mark.parametrize("email", ["anna", "anna@", "anna@region", "an na@region.se"])
def test_an_email_that_cannot_be_one_is_refused(session, email):
    with pytest.raises(AccountError) as refused:
        add_user(session, email, "Anna", "reviewer", "test")
    assert refused.value.code == "email"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(fresh_url):
    engine = make_engine(fresh_url)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        ids = [add_user(session, f"{n}@region.example", n, "admin", "test", PASSWORD).id
               for n in ("anna", "bo")]
    barrier = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def demote(user_id: int) -> None:
        barrier.wait()
        try:
            with unit_of_work(factory) as session:  # BEGIN IMMEDIATE on SQLite
                change_role(session, session.get(StaffUser, user_id), "reviewer", "test")
            outcome[user_id] = "demoted"
        except AccountError as exc:
            outcome[user_id] = exc.code

    threads = [threading.Thread(target=demote, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with factory() as session:
        roles = sorted(session.scalars(select(StaffUser.role)))
    engine.dispose()
    assert sorted(outcome.values()) == ["demoted", "last_admin"]
    assert roles == ["admin", "reviewer"]
