"""`kedjekoll demo`: personas a specialist believes, decisions that fit them, every
status, places that exist; loads once."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pycountry
import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT
from webapp.definitions import Catalogue
from webapp.definitions.scoring import score
from webapp.definitions.validation import validate
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.demo import load_demo
from webapp.store.demo_agreements import AUDIT_FIRMS, CAMPAIGNS, CONTRACTS, RISK_AREAS
from webapp.store.demo_answers import answers_for, grades_for
from webapp.store.demo_personas import PERSONAS
from webapp.store.models import (
    Attachment,
    AuditEvent,
    Campaign,
    Contract,
    Deviation,
    Grade,
    Response,
    Review,
    StaffUser,
    Submission,
    Supplier,
)
from webapp.store.responses import questionnaire_of
from webapp.store.status import STATUSES

CATALOGUE = Catalogue.load(ROOT / "questionnaires")
TODAY = date(2026, 12, 1)
ANSWERED = [p for p in PERSONAS if p.status != "invited"]
BY_NAME = {p.name: p for p in PERSONAS}


def counts(session):
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Campaign, Contract, Supplier, Response, Submission, Grade,
                          Deviation, StaffUser, AuditEvent, Attachment)}


def verdict(q, result) -> str:
    """green: the lowest-risk band and no flag; red: a red flag and the highest band."""
    bands = q.risk_bands
    red = [f for f in result.flags if f.severity == "red"]
    if result.rating == bands[0] and not result.flags:
        return "green"
    if red and result.rating == bands[-1]:
        return "red"
    return "amber" if result.rating != bands[-1] and result.rating != bands[0] else "?"


@pytest.mark.parametrize("persona", ANSWERED, ids=lambda p: p.name)
def test_each_persona_answers_fully_and_rates_as_it_claims(persona):
    q = CATALOGUE.get(persona.questionnaire)
    answers = answers_for(q, persona, TODAY, lambda _question, _name: ["1"])
    assert validate(q, answers, full=True, today=TODAY) == []
    result = score(q, answers, grades_for(q, persona, answers))
    assert verdict(q, result) == persona.verdict, [f.id for f in result.flags]


def test_green_amber_and_red_personas_on_every_questionnaire():
    seen = Counter((p.questionnaire, p.verdict) for p in ANSWERED)
    for questionnaire in {p.questionnaire for p in PERSONAS}:
        assert all(seen[questionnaire, v] >= 1 for v in ("green", "amber", "red"))
    totals = Counter(p.verdict for p in ANSWERED)
    assert totals["green"] >= 3 and totals["amber"] >= 3 and totals["red"] >= 3


def test_places_companies_and_audit_firms_exist_where_they_are_said_to():
    for p in PERSONAS:
        assert p.email.endswith(".example") and p.name.endswith(" AB"), p.name
        for site in p.sites:
            region = pycountry.subdivisions.get(code=site.region)
            assert region is not None and region.country_code == site.country, site
            if site.audit:
                assert site.audit.firm in AUDIT_FIRMS, site
            suffix = {"MY": "Sdn. Bhd.", "SE": " AB", "DE": "GmbH", "TH": "Co., Ltd."}
            assert site.company.endswith(suffix.get(site.country, "")), site.company
    for _name, _ref, _year, areas in CONTRACTS:
        assert areas and set(areas) <= set(RISK_AREAS)
    assert len(CONTRACTS) >= 20 and {ref for _q, _n, ref in CAMPAIGNS.values()} <= {
        ref for _n, ref, _y, _a in CONTRACTS}


def test_demo_covers_the_lifecycle_and_loads_once(fresh_url, tmp_path):
    engine = make_engine(fresh_url)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        result = load_demo(session, CATALOGUE, tmp_path / "files")
    assert result.loaded and result.responses == len(PERSONAS)
    assert result.campaigns == len(CAMPAIGNS)
    assert {role for _, _, role in result.logins} == {"admin", "reviewer"}
    with factory() as session:
        assert set(session.scalars(select(Response.status))) == set(STATUSES)
        assert session.scalar(select(func.count()).select_from(Grade)
                              .where(Grade.clarification.is_not(None))) >= 3
        assert session.scalar(select(func.count()).select_from(Deviation)) >= 10
        names = set(session.scalars(select(Contract.name)))
        assert {name for name, *_ in CONTRACTS} == names
        empty = session.scalars(select(Contract.name).where(~Contract.suppliers.any())).all()
        assert empty == []
        _decisions_fit_the_answers(session)
        before = counts(session)
    with unit_of_work(factory) as session:
        again = load_demo(session, CATALOGUE, tmp_path / "files")
    assert not again.loaded
    with factory() as session:
        assert counts(session) == before
    engine.dispose()


def _decisions_fit_the_answers(session) -> None:
    """Stored answers validate; a decision names the supplier's own problems; nothing
    is accepted unless green, or after an action plan whose deviations are all closed."""
    justifications = []
    for response in session.scalars(select(Response)):
        persona = BY_NAME[response.supplier.name]
        q = questionnaire_of(response)
        rounds = session.scalars(select(Submission).where(
            Submission.response_id == response.id).order_by(Submission.round)).all()
        for submission in rounds:
            assert validate(q, submission.answers, full=True) == [], persona.name
        if not rounds:
            continue
        review = session.scalar(select(Review).where(Review.response_id == response.id)
                                .order_by(Review.round.desc()).limit(1))
        grades = {g.question_id: g.points for g in (review.grades if review else [])
                  if g.points is not None}
        result = score(q, rounds[-1].answers, grades)
        if not grades or len(grades) == len(grades_for(q, persona, rounds[-1].answers)):
            assert verdict(q, result) == persona.verdict, persona.name
        deviations = session.scalars(select(Deviation).where(
            Deviation.response_id == response.id)).all()
        if response.status == "accepted":
            green = response.rating == q.risk_bands[0] and not response.red_flags
            planned = deviations and all(d.status == "closed" for d in deviations)
            assert green or planned, persona.name
        if review is not None and review.decision:
            places = {s.city for s in persona.sites} | {s.company for s in persona.sites}
            assert any(place in review.justification for place in places), persona.name
            justifications.append(review.justification)
        clarifications = {g.question_id: g.clarification
                          for g in (review.grades if review else []) if g.clarification}
        if response.status == "clarification_requested":
            assert clarifications and set(clarifications) <= set(q.questions)
            assert all(len(text) > 60 for text in clarifications.values())
    assert len(justifications) >= 8 and len(set(justifications)) == len(justifications)
