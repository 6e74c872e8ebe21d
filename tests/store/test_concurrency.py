"""Concurrency on real databases: idempotent submits, draft conflicts, SQLite locking."""

from __future__ import annotations

import multiprocessing
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.store.conftest import make_campaign, new_database
from webapp.definitions.examples import example_answers
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.models import Answer, Response, StaffUser, Submission
from webapp.store.responses import DraftConflict, save_draft, submit

SUPPLIER = "kim@leverantor.example"


@pytest.fixture
def prepared(fresh_url, masks):
    yield from _prepare(fresh_url, masks)


def _prepare(url, masks):
    """A committed campaign with one response whose draft is complete."""
    engine = make_engine(url, pool_size=25, max_overflow=5) \
        if url.startswith("postgresql") else make_engine(url)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        _, invitations = make_campaign(session, masks, suppliers=4)
        response = invitations[0][0]
        save_draft(session, response, example_answers(masks, random.Random(3),
                                                      files_for=lambda _q: []), 0, SUPPLIER)
        ids = [r.id for r, _ in invitations]
    try:
        yield engine, factory, ids
    finally:
        engine.dispose()


def test_twenty_identical_submits_give_one_submission(prepared):
    engine, factory, ids = prepared
    barrier = threading.Barrier(20)

    def post(_n):
        barrier.wait()
        with unit_of_work(factory) as session:
            response = session.get(Response, ids[0])
            return submit(session, response, "the-same-click", SUPPLIER).receipt

    with ThreadPoolExecutor(20) as pool:
        receipts = list(pool.map(post, range(20)))
    assert len(set(receipts)) == 1
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
        assert session.get(Response, ids[0]).status == "submitted"


def test_two_stale_saves_give_one_conflict(prepared):
    engine, factory, ids = prepared
    barrier = threading.Barrier(2)

    def save(text):
        barrier.wait()
        try:
            with unit_of_work(factory) as session:
                response = session.get(Response, ids[1])
                save_draft(session, response, {"contact_name": text}, 0, SUPPLIER)
            return "saved"
        except DraftConflict:
            return "conflict"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(save, ["tab one", "tab two"]))
    assert outcomes == ["conflict", "saved"]
    with factory() as session:
        assert session.get(Response, ids[1]).draft_version == 1


def _writer(url: str, response_id: int, rounds: int, queue) -> None:
    """A separate process saving drafts in a loop; reports any error."""
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        for n in range(rounds):
            with unit_of_work(factory) as session:
                response = session.get(Response, response_id)
                save_draft(session, response, {"contact_name": f"p{response_id}-{n}"},
                           response.draft_version, SUPPLIER)
        queue.put("ok")
    except Exception as exc:  # reported to the test, which fails on it
        queue.put(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def test_several_processes_writing_to_sqlite_never_see_locked(tmp_path, masks, request):
    preparing = _prepare(new_database("sqlite", tmp_path, request), masks)
    engine, factory, ids = next(preparing)
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_writer, args=(url, rid, 40, queue)) for rid in ids]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert results == ["ok"] * len(workers)
    with factory() as session:
        versions = [session.get(Response, rid).draft_version for rid in ids]
        assert versions == [41, 40, 40, 40]  # the first one had its draft saved once before
        assert session.scalar(select(func.count()).select_from(Answer).where(
            Answer.question_id == "contact_name")) == 4
    preparing.close()


def test_two_reviewers_grading_the_same_version_lose_no_update(fresh_url, masks):
    """Both start from review version v: one grade lands, the other gets a conflict."""
    from webapp.store import reviews
    from webapp.store.models import Review

    engine, factory, ids = _prepare_started(fresh_url, masks)
    question = next(x for x in masks.answerable() if x.rubric and x.show_if is None)
    with factory() as session:
        version = session.scalar(select(Review.version).where(Review.response_id == ids[0]))
    barrier = threading.Barrier(2)

    def grade(points):
        barrier.wait()
        try:
            with unit_of_work(factory) as session:
                response = session.get(Response, ids[0])
                reviewer = session.get(StaffUser, reviewer_id[0])
                reviews.grade(session, response, question.id, points, None, reviewer,
                              expected_version=version)
            return "graded"
        except reviews.ReviewConflict:
            return "conflict"

    reviewer_id = [None]
    with factory() as session:
        reviewer_id[0] = session.scalar(select(StaffUser.id))
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(grade, [1.0, 3.0]))
    assert outcomes == ["conflict", "graded"]
    with factory() as session:
        review = session.scalar(select(Review).where(Review.response_id == ids[0]))
        assert review.version == version + 1
    engine.dispose()


def _prepare_started(url, masks):
    from tests.store.conftest import make_staff
    from webapp.store import reviews

    engine = make_engine(url)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        _, invitations = make_campaign(session, masks)
        response = invitations[0][0]
        save_draft(session, response, example_answers(masks, random.Random(3),
                                                      files_for=lambda _q: []), 0, SUPPLIER)
        submit(session, response, "c1", SUPPLIER)
        reviews.start_review(session, response, make_staff(session))
        ids = [response.id]
    return engine, factory, ids
