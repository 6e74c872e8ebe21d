"""Demo data: the framework agreements of the seed texts, fictional suppliers whose
answers each tell one coherent story (green, amber or red), campaigns for the shipped
questionnaires, and responses in every status with decisions that fit their answers.

Loading is refused (and changes nothing) when the database already holds campaigns.
Everything is built through the store's own functions (invite, save, submit, review,
action plans), so scores, ratings and flags are the application's, never the demo's.
The personas are in `demo_personas`; their answers come from `demo_answers`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..definitions import Catalogue, Questionnaire
from . import action_plans, reviews
from .blobs import EvidenceStore, LocalFiles
from .demo_agreements import CAMPAIGNS, CONTRACTS, WAITING
from .demo_answers import answers_for, grades_for
from .demo_cast import Persona
from .demo_personas import PERSONAS
from .files import attach
from .models import Campaign, Contact, Contract, Response, StaffUser, Supplier
from .responses import invite, save_draft, submit
from .status import CLOSED, transition
from .versions import record_version

ADMIN = ("admin@kedjekoll.example", "Alva Admin", "admin", "demo-admin-2026")
REVIEWER = ("granskare@kedjekoll.example", "Rasmus Granskare", "reviewer", "demo-granska-2026")

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
#: statuses in which the supplier has something to do: their links are printed
ACTIVE = ("invited", "in_progress", "clarification_requested", "action_plan")
#: the owner named on every deviation of a supplier's action plan
PLAN_OWNER = "Leverantörens hållbarhetsansvarige"


@dataclass
class DemoResult:
    loaded: bool
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # email, password, role
    links: list[tuple[str, str, str]] = field(default_factory=list)  # supplier, status, token
    responses: int = 0
    campaigns: int = 0


@dataclass
class _Stage:
    """What every persona's story needs: the session, the reviewer, today, the PDF."""

    session: Session
    reviewer: StaffUser
    today: date
    evidence: tuple[str, int]


def load_demo(session: Session, catalogue: Catalogue, evidence: EvidenceStore | Path,
              today: date | None = None) -> DemoResult:
    """Fill an empty database; returns what was loaded (nothing if it was not empty).

    The demo's evidence file goes to `evidence`: a store of blobs.py (the one
    KEDJEKOLL_FILE_STORAGE chooses), or a folder for files on disk.
    """
    store = LocalFiles(evidence) if isinstance(evidence, Path) else evidence
    if session.scalar(select(func.count()).select_from(Campaign)):
        return DemoResult(loaded=False)
    result = DemoResult(loaded=True)
    staff = {}
    for email, name, role, password in (ADMIN, REVIEWER):
        staff[role] = StaffUser(email=email, name=name, role=role,
                                password_hash=generate_password_hash(password, "scrypt"))
        session.add(staff[role])
        result.logins.append((email, password, role))
    contracts = {reference: Contract(name=name, reference=reference, year=year,
                                     risk_areas=areas)
                 for name, reference, year, areas in CONTRACTS}
    session.add_all(contracts.values())
    for name, org_number, references in WAITING:
        supplier = _supplier(name, org_number, "Hållbarhetsansvarig",
                             f"hallbarhet@{_slug(name)}.example", "sv")
        for reference in references:
            contracts[reference].suppliers.append(supplier)
    session.flush()
    stage = _Stage(session, staff["reviewer"], today or date.today(),
                   store.store(session, io.BytesIO(DEMO_PDF), len(DEMO_PDF)))
    for key, (questionnaire_id, campaign_name, reference) in CAMPAIGNS.items():
        q = catalogue.get(questionnaire_id)
        if q is None:
            continue
        campaign = Campaign(name=campaign_name, questionnaire_version=record_version(session, q),
                            contract=contracts[reference],
                            deadline=stage.today + timedelta(days=21),
                            contact_name=REVIEWER[1], contact_email=REVIEWER[0],
                            contact_phone="036-32 40 00")
        session.add(campaign)
        result.campaigns += 1
        for p in (p for p in PERSONAS if p.campaign == key):
            supplier = _supplier(p.name, p.org_number, p.contact, p.email, p.language)
            for ref in (reference, *p.agreements):
                contracts[ref].suppliers.append(supplier)
            response, token = invite(session, campaign, supplier, ADMIN[0])
            _play(stage, q, p, response)
            result.responses += 1
            if p.status in ACTIVE:
                result.links.append((p.name, response.status, token))
    session.flush()
    return result


def _slug(name: str) -> str:
    first = name.split()[0].lower()
    return first.translate(str.maketrans("åäöé", "aaoe"))


def _supplier(name: str, org_number: str, contact: str, email: str, language: str
              ) -> Supplier:
    supplier = Supplier(name=name, org_number=org_number, country="SE")
    supplier.contacts.append(Contact(name=contact, email=email, language=language))
    return supplier


def _play(stage: _Stage, q: Questionnaire, p: Persona, response: Response) -> None:
    """Take one response through its persona's story to the persona's status."""
    if p.status == "invited":
        return
    session, actor = stage.session, p.email

    def files(question_id: str, name: str) -> list[str]:
        row = attach(session, response, question_id, stage.evidence[0], stage.evidence[1],
                     "application/pdf", name, actor)
        return [str(row.id)]

    answers = answers_for(q, p, stage.today, files)
    if p.status == "in_progress":  # the first sections saved, the rest still to do
        half = dict(list(answers.items())[: len(answers) // 2])
        save_draft(session, response, half, response.draft_version, actor)
        return
    save_draft(session, response, answers, response.draft_version, actor)
    submit(session, response, f"demo-{response.id}-1", actor)
    if p.status == "submitted":
        return
    if p.status == "closed":
        transition(session, response, CLOSED, stage.reviewer.email, reason=p.closed_reason)
        return
    reviews.start_review(session, response, stage.reviewer)
    grades = list(grades_for(q, p, answers).items())
    if p.status == "in_review":  # the reviewer is half-way through
        grades = grades[: len(grades) // 2]
    for question_id, points in grades:
        reviews.grade(session, response, question_id, points, None, stage.reviewer)
    if p.status == "in_review":
        return
    if p.status == "clarification_requested":
        reviews.request_clarification(session, response, p.clarify, stage.reviewer)
        return
    decision = "action_plan" if p.plan else p.status
    reviews.decide(session, response, decision, p.justification, stage.reviewer)
    if p.plan:
        _action_plan(stage, p, response)


def _action_plan(stage: _Stage, p: Persona, response: Response) -> None:
    """Deviations, the supplier's reports, the reviewer closing what was shown fixed."""
    session, reviewer = stage.session, stage.reviewer
    for item in p.plan:
        deviation = action_plans.add_deviation(session, response, item.severity, item.text,
                                               PLAN_OWNER,
                                               stage.today + timedelta(days=item.days),
                                               reviewer)
        if item.note:
            action_plans.report_progress(session, response, deviation.id, item.note, p.email)
        if item.end == "closed":
            action_plans.set_status(session, response, deviation.id, "closed",
                                    "Styrkt med underlag; stängd.", reviewer)
    if p.status == "accepted":
        action_plans.close_action_plan(session, response, reviewer)
