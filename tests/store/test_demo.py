"""`kedjekoll demo`: every status, flags, grades, a clarification round; idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import ROOT
from webapp.definitions import Catalogue
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.demo import load_demo
from webapp.store.models import (
    Attachment,
    AuditEvent,
    Campaign,
    Contract,
    Deviation,
    Grade,
    Response,
    StaffUser,
    Submission,
    Supplier,
)
from webapp.store.status import STATUSES


def counts(session):
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Campaign, Contract, Supplier, Response, Submission, Grade,
                          Deviation, StaffUser, AuditEvent, Attachment)}


def test_demo_covers_the_lifecycle_and_loads_once(fresh_url, tmp_path):
    engine = make_engine(fresh_url)
    factory = session_factory(engine)
    catalogue = Catalogue.load(ROOT / "questionnaires")
    with unit_of_work(factory) as session:
        result = load_demo(session, catalogue, tmp_path / "files")
    assert result.loaded and result.responses == 25 and result.campaigns == 3
    assert {role for _, _, role in result.logins} == {"admin", "reviewer"}
    with factory() as session:
        statuses = set(session.scalars(select(Response.status)))
        assert statuses == set(STATUSES)
        flags = session.execute(select(func.sum(Submission.red_flags),
                                       func.sum(Submission.amber_flags))).one()
        assert flags[0] > 0 and flags[1] > 0
        assert session.scalar(select(func.count()).select_from(Submission)
                              .where(Submission.rating == "high")) > 0
        assert session.scalar(select(func.count()).select_from(Grade)
                              .where(Grade.points.is_not(None))) > 0
        assert session.scalar(select(func.count()).select_from(Grade)
                              .where(Grade.clarification.is_not(None))) >= 1
        assert session.scalar(select(func.count()).select_from(Deviation)) >= 3
        names = set(session.scalars(select(Contract.name)))
        assert "Hälso- och sjukvårdsmaterial 2018" in names
        assert "Arbetsplatser och elevdatorer 2015" in names
        before = counts(session)
    with unit_of_work(factory) as session:
        again = load_demo(session, catalogue, tmp_path / "files")
    assert not again.loaded
    with factory() as session:
        assert counts(session) == before
    engine.dispose()
