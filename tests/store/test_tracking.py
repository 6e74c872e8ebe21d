"""Tracking figures counted in SQL, on SQLite and PostgreSQL: the same statements with N
and 3N responses, an index on the campaign behind every query of a campaign page, and
the traffic lights counted from the plan's stored facts are the ones the review page
shows from the deviations themselves."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import event, select, text

from tests.store.conftest import make_campaign, make_staff
from tests.store.test_reviews import SUPPLIER, require_plan
from tests.support.queries import count_statements
from webapp.definitions.examples import example_answers
from webapp.store import action_plans
from webapp.store.models import Response
from webapp.store.responses import save_draft, submit
from webapp.store.tracking import (
    campaign_figures,
    campaign_lines,
    count_lines,
    overview,
)

TODAY = date.today()


def grow(session, masks, campaign, suppliers: int, seed: int) -> list[Response]:
    """`suppliers` more responses in `campaign`: half submitted, one with an action plan."""
    other, invitations = make_campaign(session, masks, suppliers=suppliers)
    responses = [response for response, _token in invitations]
    for response in responses:
        response.campaign_id = campaign.id
    session.flush()
    for n, response in enumerate(responses[: suppliers // 2]):
        answers = example_answers(masks, random.Random(seed + n), files_for=lambda _q: [])
        save_draft(session, response, answers, 0, SUPPLIER)
        submit(session, response, f"g-{response.id}", SUPPLIER)
    planned = responses[0]
    reviewer = require_plan(session, planned)
    action_plans.add_deviation(session, planned, "major", "Ingen uppförandekod", "Inköp",
                               TODAY - timedelta(days=1), reviewer)
    session.flush()
    return responses


def campaign_page(session, campaign) -> None:
    """What the campaign page asks of the store."""
    figures = campaign_figures(session, campaign)
    count_lines(figures)
    campaign_lines(session, campaign, limit=200)


def test_the_statements_do_not_grow_with_the_responses(session, engine, masks):
    campaign, _invitations = make_campaign(session, masks, suppliers=1)
    grow(session, masks, campaign, 4, seed=1)
    pages = {"overview": lambda: overview(session),
             "campaign page": lambda: campaign_page(session, campaign)}
    before = {label: count_statements(engine, work) for label, work in pages.items()}
    assert before == {"overview": 1, "campaign page": 2}
    grow(session, masks, campaign, 10, seed=20)  # 15 responses: three times as many
    assert campaign_figures(session, campaign).invited == 15
    after = {label: count_statements(engine, work) for label, work in pages.items()}
    assert after == before


def test_sql_traffic_lights_are_the_review_pages(session, masks):
    """Open past its deadline: red; under way: yellow; closed in time: green; closed
    after its deadline: red, even once fixed. SQL counts what traffic_light says."""
    campaign, invitations = make_campaign(session, masks, suppliers=5)
    reviewer = make_staff(session)
    cases = ((TODAY - timedelta(days=2), None), (TODAY + timedelta(days=9), "in_progress"),
             (TODAY + timedelta(days=9), "closed"), (TODAY - timedelta(days=3), "closed"))
    responses = []
    for (response, _token), (deadline, status) in zip(invitations, cases, strict=False):
        answers = example_answers(masks, random.Random(response.id), files_for=lambda _q: [])
        save_draft(session, response, answers, 0, SUPPLIER)
        submit(session, response, f"l-{response.id}", SUPPLIER)
        require_plan(session, response, reviewer)
        deviation = action_plans.add_deviation(session, response, "minor", "Avvikelse",
                                               "Inköp", deadline, reviewer)
        if status:
            action_plans.set_status(session, response, deviation.id, status, "Åtgärdat",
                                    reviewer)
        responses.append(response)
    shown = {r.id: action_plans.traffic_light(action_plans.deviations_of(session, r))
             for r in responses}
    assert list(shown.values()) == ["red", "yellow", "green", "red"]
    assert campaign_figures(session, campaign).plans == Counter(shown.values())
    [line] = [x for x in overview(session) if x.id == campaign.id]
    assert line.plans == Counter(shown.values())
    rows = {x.response_id: x.plan for x in campaign_lines(session, campaign)}
    assert rows == {**shown, invitations[4][0].id: None}  # the last has no plan
    for day, lights in ((TODAY - timedelta(days=5), ["yellow", "yellow", "green", "red"]),
                        (TODAY + timedelta(days=10), ["red", "red", "green", "red"])):
        expected = [action_plans.traffic_light(action_plans.deviations_of(session, r), day)
                    for r in responses]
        assert expected == lights  # a plan turns red as its deadline passes
        rows = {x.response_id: x.plan for x in campaign_lines(session, campaign, today=day)}
        assert [rows[r.id] for r in responses] == expected
        assert campaign_figures(session, campaign, day).plans == Counter(expected)


def plans_of(session, statements) -> list[str]:
    """The query plan of each statement, as text, using indexes wherever one can serve."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text("SET LOCAL enable_seqscan = off"))
    plans = []
    for statement, parameters in statements:
        if postgres:
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in rows))
        else:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append("\n".join(row[3] for row in rows))
    return plans


def test_a_campaign_page_reads_its_campaign_through_an_index(session, engine, masks):
    campaign, _invitations = make_campaign(session, masks, suppliers=1)
    grow(session, masks, campaign, 4, seed=1)
    statements = []

    def seen(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "response" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        campaign_page(session, campaign)
        campaign_figures(session, campaign)
        campaign_lines(session, campaign, status="submitted", sort="score", limit=200)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 4  # 2 for the page, 2 for its figures and a filtered sort
    for (statement, _parameters), plan in zip(statements, plans_of(session, statements),
                                              strict=True):
        assert "submission" not in plan, plan
        assert "deviation" not in plan, plan
        if session.connection().dialect.name == "postgresql":
            assert "Seq Scan on response" not in plan, plan
            if "campaign_id =" in statement:
                assert "campaign_id =" in plan, plan  # an index condition on it
        else:
            assert not any(line.startswith("SCAN response") for line in plan.splitlines())
            if "campaign_id = ?" in statement:
                assert "(campaign_id=?" in plan, plan


def test_migration_0008_fills_the_plan_columns_as_the_store_keeps_them(fresh_url, masks):
    """Downgraded to 0007 and upgraded again, every response's plan columns are what
    action_plans.store_plan wrote: the lights of existing plans survive the upgrade."""
    from sqlalchemy.orm import Session

    from webapp.store.db import make_engine
    from webapp.store.migrate import downgrade, upgrade

    engine = make_engine(fresh_url)
    with Session(engine) as session:
        campaign, invitations = make_campaign(session, masks, suppliers=3)
        reviewer = make_staff(session)
        for (response, _token), (deadline, closed) in zip(invitations, (
                (TODAY - timedelta(days=4), True), (TODAY + timedelta(days=4), False)),
                strict=False):
            answers = example_answers(masks, random.Random(7), files_for=lambda _q: [])
            save_draft(session, response, answers, 0, SUPPLIER)
            submit(session, response, f"m-{response.id}", SUPPLIER)
            require_plan(session, response, reviewer)
            deviation = action_plans.add_deviation(session, response, "major", "Övertid",
                                                   "VD", deadline, reviewer)
            if closed:
                action_plans.set_status(session, response, deviation.id, "closed", "", reviewer)
        session.commit()
        columns = (Response.id, Response.plan_items, Response.plan_due, Response.plan_late)
        stored = session.execute(select(*columns).order_by(Response.id)).all()
        lights = campaign_figures(session, campaign).plans
    assert [tuple(row[1:]) for row in stored] == [
        (1, None, True), (1, TODAY + timedelta(days=4), False), (0, None, False)]
    assert lights == Counter({"red": 1, "yellow": 1})  # closed late; under way
    downgrade(engine, "0007")
    upgrade(engine)
    with Session(engine) as session:
        assert session.execute(select(*columns).order_by(Response.id)).all() == stored
        assert campaign_figures(session, session.get(type(campaign), campaign.id)).plans == lights
    engine.dispose()
