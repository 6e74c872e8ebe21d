"""Mail when the buyer acts, and a new link on request, against a real SMTP server.

Each buyer action (clarification asked, decision made, deviation added or closed) sends
one mail, in the contact's language, to the registered contact and the contacts the
supplier named in the form, with a fresh link; none is sent twice.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.factories import make_campaign, make_staff
from tests.smtp import body, link_token
from webapp import create_app
from webapp.cli import main
from webapp.definitions.examples import example_answers
from webapp.definitions.questions import EmailQuestion
from webapp.mailer import MailSettings, send_pending
from webapp.store import action_plans, reviews
from webapp.store.db import unit_of_work
from webapp.store.models import Campaign, OutboxMessage, Response, StaffUser
from webapp.store.responses import save_draft, submit
from webapp.supplier.limits import limiter

SEVERITY_SV = "Större"  # "major"
NAMED = "Lena.Leverans@leverantor.example"
CONTACT = dict(contact_name="Anna Svensson", contact_email="anna.svensson@region.example",
               contact_phone="+46 36 32 40 00")


def email_questions(q) -> list[str]:
    return [x.id for x in q.answerable() if isinstance(x, EmailQuestion)]


class World:
    """An app with one campaign (a named contact person) and two suppliers: the first
    Swedish, who named a contact of its own in the form, the second English. Both have
    submitted."""

    def __init__(self, tmp_path, q, smtp_config: dict, submitted: bool = True):
        self.q = q
        self.app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path,
                               "WTF_CSRF_ENABLED": True, **smtp_config})
        limiter.reset()
        self.factory = self.app.extensions["kedjekoll.sessions"]
        with unit_of_work(self.factory) as session:
            campaign, invitations = make_campaign(session, q, suppliers=2)
            for key, value in CONTACT.items():
                setattr(campaign, key, value)
            invitations[1][0].supplier.contacts[0].language = "en"
            self.campaign_id = campaign.id
            self.ids = [r.id for r, _ in invitations]
            self.registered = [r.supplier.contacts[0].email for r, _ in invitations]
            for n, (response, _token) in enumerate(invitations):
                named = {qid: NAMED if n == 0 else self.registered[1]
                         for qid in email_questions(q)}
                answers = example_answers(q, random.Random(n), overrides=named,
                                          files_for=lambda _q: [])
                save_draft(session, response, answers, 0, "kim")
                if submitted:
                    submit(session, response, f"c-{response.id}", "kim")
            self.reviewer_id = make_staff(session).id

    def act(self, index: int, action) -> None:
        """Run a store action on response `index` as the reviewer, in one unit of work."""
        with unit_of_work(self.factory) as session:
            response = session.get(Response, self.ids[index])
            action(session, response, session.get(StaffUser, self.reviewer_id))

    def send(self):
        with self.factory() as session:
            return send_pending(session, MailSettings.from_config(self.app.config), "test")

    def rows(self) -> list[OutboxMessage]:
        with self.factory() as session:
            return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    def opens(self, token: str) -> bool:
        client = self.app.test_client()
        return client.get(f"/i/{token}").status_code == 303 and \
            client.get("/supplier/").status_code == 200


@pytest.fixture
def world(tmp_path, masks, smtp):
    return World(tmp_path, masks, smtp.config())


def rubric_question(q):
    return next(x for x in q.answerable() if x.rubric and x.show_if is None)


def subject(message) -> str:
    """The subject before its colon (a long subject is folded onto a second line)."""
    return message["Subject"].strip().split(":")[0]


def recipients(message) -> list[str]:
    return sorted(message["X-Envelope-To"].split(", "))


def test_a_clarification_request_mails_the_registered_and_the_named_contact_once(
        world, smtp):
    question = rubric_question(world.q)

    def ask(session, response, reviewer):
        reviews.start_review(session, response, reviewer)
        reviews.request_clarification(session, response, {question.id: "Bifoga revisionen."},
                                      reviewer, wants_file={question.id})

    world.act(0, ask)
    assert world.send().sent == 1
    [mail] = smtp.messages
    assert recipients(mail) == sorted([world.registered[0], NAMED])
    assert mail["Content-Language"] == "sv"
    assert subject(mail) == "Komplettera några svar"
    text = body(mail)
    assert "Bifoga revisionen. (bifoga ett dokument)" in text
    assert "Frågor? Kontakta Anna Svensson, anna.svensson@region.example, telefon " \
           "+46 36 32 40 00." in text
    assert world.opens(link_token(mail))
    assert world.send().sent == 0 and len(smtp.messages) == 1  # never twice
    with unit_of_work(world.factory) as session:
        response = session.get(Response, world.ids[0])
        assert reviews.files_asked(session, response) == {question.id}


def test_contacts_of_one_supplier_each_read_the_mail_in_their_own_language(world, smtp):
    """A Swedish and an English contact at one supplier: one mail each, in their own
    language; the address named in the form goes with the first contact's mail."""
    from webapp.store.models import Contact

    with unit_of_work(world.factory) as session:
        response = session.get(Response, world.ids[0])
        session.add(Contact(supplier_id=response.supplier_id, name="Sam Lee",
                            email="sam@leverantor.example", language="en"))
    question = rubric_question(world.q)
    world.act(0, lambda session, response, reviewer: (
        reviews.start_review(session, response, reviewer),
        reviews.request_clarification(session, response, {question.id: "Bifoga revisionen."},
                                      reviewer)))
    assert world.send().sent == 2 and world.send().sent == 0
    by_language = {m["Content-Language"]: m for m in smtp.messages}
    assert recipients(by_language["sv"]) == sorted([world.registered[0], NAMED])
    assert recipients(by_language["en"]) == ["sam@leverantor.example"]
    assert subject(by_language["en"]) == "Please clarify some answers"
    assert all(world.opens(link_token(m)) for m in smtp.messages)


def test_decisions_and_deviations_each_send_one_mail_in_the_contacts_language(world, smtp):
    def accept(session, response, reviewer):
        reviews.start_review(session, response, reviewer)
        reviews.decide(session, response, "accepted", "Allt är på plats.", reviewer)

    def plan(session, response, reviewer):
        reviews.start_review(session, response, reviewer)
        reviews.decide(session, response, "action_plan", "Brister i rekryteringen.", reviewer)
        action_plans.add_deviation(session, response, "major", "Rekryteringsavgifter betalas "
                                   "av arbetarna.", "Kim", date.today() + timedelta(30),
                                   reviewer)

    world.act(1, accept)
    world.act(0, plan)
    assert world.send().sent == 3
    english = [m for m in smtp.messages if m["Content-Language"] == "en"]
    swedish = [m for m in smtp.messages if m["Content-Language"] == "sv"]
    assert [subject(m) for m in english] == ["Your answers have been accepted"]
    assert recipients(english[0]) == [world.registered[1]]  # named the same address
    assert "Questions? Contact Anna Svensson" in body(english[0])
    assert sorted(subject(m) for m in swedish) == [
        "En handlingsplan behövs", "Ny avvikelse i er handlingsplan"]
    added = next(m for m in swedish if subject(m) == "Ny avvikelse i er handlingsplan")
    assert "Rekryteringsavgifter betalas av arbetarna." in body(added)
    assert f"Allvarlighetsgrad: {SEVERITY_SV}" in body(added)
    assert all(recipients(m) == sorted([world.registered[0], NAMED]) for m in swedish)
    assert all(world.opens(link_token(m)) for m in smtp.messages)

    with unit_of_work(world.factory) as session:
        deviation_id = action_plans.deviations_of(
            session, session.get(Response, world.ids[0]))[0].id

    def move(status, note):
        return lambda session, response, reviewer: action_plans.set_status(
            session, response, deviation_id, status, note, reviewer)

    world.act(0, move("closed", "Avgifterna är återbetalda."))
    world.act(0, move("closed", "En anteckning till, utan ny status."))  # no new event
    assert world.send().sent == 1
    closed = smtp.messages[-1]
    assert subject(closed) == "Avvikelse stängd"
    assert "Anteckning: Avgifterna är återbetalda." in body(closed)
    world.act(0, move("in_progress", "Öppnas igen."))
    world.act(0, move("closed", "Stängd på nytt."))  # closed again: a new event
    assert world.send().sent == 1 and "Stängd på nytt." in body(smtp.messages[-1])
    assert world.send().sent == 0 and len(smtp.messages) == 5
    world.act(0, lambda session, response, reviewer: action_plans.close_action_plan(
        session, response, reviewer))  # every deviation closed: the response is accepted
    assert world.send().sent == 1 and world.send().sent == 0
    assert subject(smtp.messages[-1]) == "Era svar är godkända"
    assert recipients(smtp.messages[-1]) == sorted([world.registered[0], NAMED])
    keys = [row.dedupe_key for row in world.rows()]
    assert len(keys) == len(set(keys)) == 6
    from tests.conftest import signed_in

    outbox = signed_in(world.app, "admin").get("/staff/outbox?lang=sv")
    page = outbox.get_data(as_text=True)
    assert outbox.status_code == 200
    assert "Beslut, godkänd" in page and "Avvikelse, stängd" in page


def test_reminders_go_to_the_contacts_named_in_the_form_too(tmp_path, masks, smtp):
    world = World(tmp_path, masks, smtp.config(), submitted=False)
    with unit_of_work(world.factory) as session:
        deadline = session.get(Campaign, world.campaign_id).deadline
    env = {"KEDJEKOLL_RESPONSES_DIR": str(tmp_path), "KEDJEKOLL_DATABASE_URL": None,
           **smtp.environ()}
    result = CliRunner().invoke(main, ["remind", "--today",
                                       (deadline - timedelta(days=7)).isoformat()], env=env)
    assert result.exit_code == 0, result.output
    by_language = {m["Content-Language"]: m for m in smtp.messages}
    assert recipients(by_language["sv"]) == sorted([world.registered[0], NAMED])
    assert recipients(by_language["en"]) == [world.registered[1]]  # each address once


def _csrf_free(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


class Asker:
    """A browser on the page of a link that does not work, asking for new links."""

    def __init__(self, app):
        self.client = app.test_client()
        self.page = self.client.get("/i/" + "x" * 43)
        self.token = re.search(r'name="csrf_token" value="([^"]+)"',
                               self.page.get_data(as_text=True)).group(1)

    def post(self, email: str):
        return self.client.post("/new-link", data={"csrf_token": self.token, "email": email})


def test_a_new_link_goes_to_a_known_address_only_and_the_page_never_tells(world, smtp):
    client = Asker(world.app)
    assert client.page.status_code == 404
    page = client.page.get_data(as_text=True)
    assert 'action="/new-link"' in page and "Skicka en ny länk till mig" in page
    assert client.client.post("/new-link", data={"email": NAMED}).status_code == 400  # CSRF
    known = client.post(NAMED.upper())
    unknown = client.post("nobody@leverantor.example")
    assert known.status_code == unknown.status_code == 200
    assert _csrf_free(known.get_data(as_text=True)) == _csrf_free(unknown.get_data(as_text=True))
    assert "Titta i din e-post" in known.get_data(as_text=True)
    assert world.send().sent == 1
    [mail] = smtp.messages
    assert recipients(mail) == [NAMED.lower()]  # only the address asked for
    assert subject(mail) == "Din nya länk"
    assert "Frågor? Kontakta Anna Svensson" in body(mail)
    assert world.opens(link_token(mail))
    wrong = client.post("inte en adress")
    assert wrong.status_code == 422 and "Skriv en e-postadress" in wrong.get_data(as_text=True)


def test_asking_for_links_is_rate_limited_per_email_and_per_address(world, smtp):
    client = Asker(world.app)
    codes = [client.post("nobody@leverantor.example").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    codes = [client.post(f"n{n}@leverantor.example").status_code for n in range(8)]
    assert codes == [200] * 7 + [429]  # 10 answered an hour from one network address
    assert "För många försök" in client.post("x@leverantor.example").get_data(as_text=True)


def test_no_new_link_for_a_closed_campaign(world, smtp):
    with unit_of_work(world.factory) as session:
        session.get(Campaign, world.campaign_id).status = "closed"
    assert Asker(world.app).post(NAMED).status_code == 200
    assert world.send().sent == 0 and world.rows() == []


def test_the_invitation_and_reminder_name_the_contact_person(tmp_path, masks, smtp):
    from webapp.mailer import queue_invitations
    from webapp.store.outbox import queue_manual_reminder

    world = World(tmp_path, masks, smtp.config(), submitted=False)
    with unit_of_work(world.factory) as session:
        campaign = session.get(Campaign, world.campaign_id)
        responses = [session.get(Response, i) for i in world.ids]
        queue_invitations(session, campaign, responses, "staff",
                          MailSettings.from_config(world.app.config))
        queue_manual_reminder(session, responses[1],
                              MailSettings.from_config(world.app.config).compose(), "staff")
    assert world.send().sent == 3
    for message in smtp.messages:
        expected = "Frågor? Kontakta" if message["Content-Language"] == "sv" else \
            "Questions? Contact"
        assert f"{expected} Anna Svensson, anna.svensson@region.example" in body(message)
