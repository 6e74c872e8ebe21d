"""Demo data: the framework agreements of the seed texts, fictional suppliers, one
campaign per shipped questionnaire and responses in every status.

Loading is refused (and changes nothing) when the database already holds campaigns.
All companies, people and addresses are invented; e-mail addresses use `.example`.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..definitions import Catalogue, Questionnaire
from ..definitions.examples import example_answers
from ..definitions.questions import AnswerBase, RegionQuestion, TableQuestion, TextareaQuestion
from . import action_plans, reviews
from .files import attach, store_bytes
from .models import Campaign, Contact, Contract, StaffUser, Supplier
from .responses import invite, save_draft, submit
from .status import CLOSED, transition
from .versions import record_version

ADMIN = ("admin@kedjekoll.example", "Alva Admin", "admin", "demo-admin-2026")
REVIEWER = ("granskare@kedjekoll.example", "Rasmus Granskare", "reviewer", "demo-granska-2026")

CONTRACTS = [
    ("Hälso- och sjukvårdsmaterial 2018", "HSM-2018", 2018, ["medical_equipment", "plastics"]),
    ("Bristvaror till kommunala vård- och omsorgsverksamheter 2020", "BRV-2020", 2020,
     ["medical_equipment", "textiles"]),
    ("Arbetsplatser och elevdatorer 2015", "AEL-2015", 2015, ["electronics"]),
    ("AV-produkter och tjänster 2018", "AV-2018", 2018, ["electronics"]),
]
# questionnaire id -> (campaign name, contract reference, supplier names)
CAMPAIGNS = {
    "ppe-masks-aprons": ("Munskydd och förkläden: uppföljning 2026", "BRV-2020", [
        "Nordisk Skyddsmateriel AB", "Medivara Sverige AB", "Skärgårdens Vårdhandel AB",
        "Polar Hygien AB", "Vårdkedjan Norr AB", "Andningsskydd i Mälardalen AB",
        "Förklädesfabriken Skåne AB", "Trygga Händer Distribution AB",
        "Östkustens Sjukvårdsprodukter AB"]),
    "gloves": ("Handskar: uppföljning 2026", "HSM-2018", [
        "Handskcentralen Sverige AB", "Latexia Nordic AB", "Nitrilgruppen AB",
        "Klinikförråd Väst AB", "Skyddshandsken i Norden AB", "Medigrip Scandinavia AB",
        "Vita Händer AB", "Sterila Produkter Jönköping AB"]),
    "it-hardware": ("IT-hårdvara: gemensamt brev, uppföljning 2026", "AEL-2015", [
        "Datorhuset Norden AB", "Elevdata Sverige AB", "Skrivarpartner AB",
        "Bildskärmsbolaget AB", "Mobil Arbetsplats AB", "Konferensteknik Öst AB",
        "Serverhallen Nordic AB", "Klassrumsteknik AB"]),
}
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
# the status each supplier's response ends in, in order
STORY = ["accepted", "action_plan", "clarification_requested", "in_review", "submitted",
         "rejected", "in_progress", "invited", "closed"]

GOOD_TEXT = [
    "Vi har kartlagt hela leveranskedjan ned till råvara för båda produktgrupperna. "
    "Varje led har signerat vår uppförandekod, och vi genomför oanmälda revisioner "
    "(SMETA 4-pillar) vartannat år. Senaste revisionen i mars visade två mindre "
    "avvikelser som åtgärdades inom 60 dagar; rapporterna bifogas.",
    "Vår process följer OECD:s vägledning: riskkartläggning per land och produkt varje år, "
    "leverantörsdialog, revision och uppföljning av åtgärdsplaner. Resultatet redovisas "
    "för styrelsen två gånger om året och i vår hållbarhetsrapport.",
]
GENERIC_TEXT = [
    "Vi tar frågan på stort allvar och ställer krav på alla våra leverantörer.",
    "Våra leverantörer följer lagen och vår uppförandekod.",
    "Vi arbetar aktivt med dessa frågor och utvecklar vårt arbete löpande.",
]


@dataclass
class DemoResult:
    loaded: bool
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # email, password, role
    links: list[tuple[str, str, str]] = field(default_factory=list)  # supplier, status, token
    responses: int = 0
    campaigns: int = 0


def load_demo(session: Session, catalogue: Catalogue, files_dir: Path,
              today: date | None = None, seed: int = 2026) -> DemoResult:
    """Fill an empty database; returns what was loaded (nothing if it was not empty)."""
    if session.scalar(select(func.count()).select_from(Campaign)):
        return DemoResult(loaded=False)
    evidence = store_bytes(files_dir, io.BytesIO(DEMO_PDF), len(DEMO_PDF))
    today = today or date.today()
    rng = random.Random(seed)
    result = DemoResult(loaded=True)
    staff = {}
    for email, name, role, password in (ADMIN, REVIEWER):
        staff[role] = StaffUser(email=email, name=name, role=role,
                                password_hash=generate_password_hash(password, "scrypt"))
        session.add(staff[role])
        result.logins.append((email, password, role))
    contracts = {}
    for name, reference, year, areas in CONTRACTS:
        contracts[reference] = Contract(name=name, reference=reference, year=year,
                                        risk_areas=areas)
        session.add(contracts[reference])
    session.flush()
    number = 0
    for questionnaire_id, (campaign_name, reference, names) in CAMPAIGNS.items():
        q = catalogue.get(questionnaire_id)
        if q is None:
            continue
        campaign = Campaign(name=campaign_name, questionnaire_version=record_version(session, q),
                            contract=contracts[reference], deadline=today + timedelta(days=21))
        session.add(campaign)
        result.campaigns += 1
        for index, name in enumerate(names):
            number += 1
            supplier = _supplier(name, number, rng)
            contracts[reference].suppliers.append(supplier)
            session.add(supplier)
            response, token = invite(session, campaign, supplier, "admin@kedjekoll.example")
            status = STORY[index % len(STORY)]
            _play(session, q, response, status, index, rng, staff["reviewer"], today,
                  evidence)
            result.responses += 1
            if index < 3 or status in ("invited", "in_progress"):
                result.links.append((name, response.status, token))
    session.flush()
    return result


def _supplier(name: str, number: int, rng: random.Random) -> Supplier:
    slug = name.split()[0].lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    supplier = Supplier(name=name, org_number=f"55{number:04d}-{rng.randint(1000, 9999)}",
                        country="SE")
    first = rng.choice(["Anna", "Johan", "Sara", "Mikael", "Leila", "Erik", "Noor", "Karin"])
    last = rng.choice(["Lind", "Berg", "Holm", "Nyström", "Åkesson", "Sjöberg", "Karimi"])
    supplier.contacts.append(Contact(name=f"{first} {last}", email=f"hallbarhet@{slug}.example",
                                     language="en" if number % 7 == 0 else "sv"))
    return supplier


def _answers(q: Questionnaire, supplier: Supplier, kind: str, rng: random.Random,
             files_for=lambda _q: []) -> dict[str, Any]:
    """Answers of a good supplier, or one with a red flag (Xinjiang) or amber (don't know)."""
    contact = supplier.contacts[0]
    overrides: dict[str, Any] = {}
    for qid, value in (("company_name", supplier.name), ("org_number", supplier.org_number),
                       ("contact_name", contact.name), ("contact_email", contact.email)):
        if qid in q.questions:
            overrides[qid] = value
    if kind == "amber":
        for question in q.answerable():
            if question.type == "yesno" and getattr(question, "dont_know", False) \
                    and "xinjiang" in question.id:
                overrides[question.id] = "dont_know"

    def text_for(question: AnswerBase, r: random.Random) -> str:
        if isinstance(question, TextareaQuestion):
            return r.choice(GOOD_TEXT if kind == "good" else GENERIC_TEXT)
        return r.choice(["Shenzhen Meltblown Co. Ltd", "Klang Glove Sdn Bhd", "Dongguan "
                         "Assembly Ltd", "Hanoi Nonwoven JSC", "Penang Packaging Sdn Bhd"])

    answers = example_answers(q, rng, overrides=overrides, text_for=text_for,
                              files_for=files_for)
    if kind == "red":
        for table in q.tables():
            region = next((c for c in table.columns if isinstance(c, RegionQuestion)), None)
            if region is not None and answers.get(table.id):
                row = answers[table.id][0]
                row[region.country], row[region.id] = "CN", "CN-XJ"
                overrides[table.id] = answers[table.id]
                # again, so that questions shown by the Xinjiang row get answers too
                return example_answers(q, rng, overrides=overrides, text_for=text_for,
                                       files_for=files_for)
    return answers


def _play(session: Session, q: Questionnaire, response, status: str, index: int,
          rng: random.Random, reviewer: StaffUser, today: date,
          evidence: tuple[str, int]) -> None:
    """Take one response through the lifecycle to `status`."""
    if status == "invited":
        return
    supplier_actor = response.supplier.contacts[0].email
    kind = ("red", "amber", "good")[index % 3]

    def files_for(question) -> list[str]:
        name = f"{question.id.replace('_', '-')}.pdf"
        row = attach(session, response, question.id, evidence[0], evidence[1],
                     "application/pdf", name, supplier_actor)
        return [str(row.id)]

    answers = _answers(q, response.supplier, kind, rng, files_for)
    if status == "in_progress":
        half = dict(list(answers.items())[: len(answers) // 2])
        save_draft(session, response, half, response.draft_version, supplier_actor)
        return
    save_draft(session, response, answers, response.draft_version, supplier_actor)
    submit(session, response, f"demo-{response.id}-1", supplier_actor)
    if status == "submitted":
        return
    if status == "closed":
        transition(session, response, CLOSED, reviewer.email, reason="avtalet avslutat")
        return
    reviews.start_review(session, response, reviewer)
    graded = [x for x in q.answerable() if x.rubric and x.id in answers
              and not isinstance(x, TableQuestion)]
    for question in graded[: len(graded) if status != "in_review" else len(graded) // 2]:
        top = max(level.points for level in q.rubrics[question.rubric].levels)
        points = top if kind == "good" else min(1.0, top)
        reviews.grade(session, response, question.id, points, None, reviewer)
    if status == "in_review":
        return
    if status == "clarification_requested":
        asked = graded[0].id if graded else next(iter(answers))
        reviews.request_clarification(session, response, {
            asked: "Beskriv mer konkret hur ni kontrollerar detta, och bifoga senaste "
                   "revisionsrapporten."}, reviewer)
        return
    justification = {
        "accepted": "Svaren är utförliga och styrks av aktuella revisionsrapporter.",
        "action_plan": "Avvikelser i rekrytering och arbetstid kräver en åtgärdsplan.",
        "rejected": "Leverantören kan inte redogöra för leveranskedjan bortom första ledet.",
    }[status]
    reviews.decide(session, response, status, justification, reviewer)
    if status == "action_plan":
        for severity, text, days in (
                ("critical", "Arbetare har betalat rekryteringsavgifter; full återbetalning "
                             "ska ske.", 60),
                ("major", "Övertid över 60 timmar per vecka under högsäsong.", 90),
                ("minor", "Arbetsavtal saknas på arbetstagarnas eget språk.", -5)):
            deviation = action_plans.add_deviation(session, response, severity, text,
                                                   "Leverantörens hållbarhetschef",
                                                   today + timedelta(days=days), reviewer)
            if severity == "minor":
                action_plans.report_progress(session, response, deviation.id,
                                             "Översättning beställd.", supplier_actor)
