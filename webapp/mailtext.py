"""The words of the outbox's mails (invitations, reminders, news), in the contact's language.

Plain-text templates in `templates/mail/` (the first line is the subject), translated
through the same Swedish catalogue as the web pages, rendered with Jinja and Babel
directly so the `kedjekoll` command can write mail without a web app. The body keeps
the placeholder `{link}`: the link is minted only when the mail is sent.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .definitions.fields import text_in
from .formats import date_text
from .store.campaigns import BuyerContact
from .store.deadlines import deadline_for
from .store.models import Response
from .store.outbox import LINK
from .store.status import CLARIFICATION
from .store.versions import definition

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates" / "mail"
TRANSLATIONS = HERE / "translations"


@lru_cache(maxsize=4)
def _environment(language: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"])
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        Translations.load(str(TRANSLATIONS), [language]), newstyle=True)
    return environment


class MailText:
    """Composes outbox messages (a `webapp.store.outbox.Compose`) for one buyer.

    Every mail ends with the person to ask: the campaign's contact, else `contact`
    (the buyer's general one), else the buyer's name alone.
    """

    def __init__(self, buyer: str, contact: BuyerContact | None = None):
        self.buyer = buyer
        self.contact = contact

    def __call__(self, response: Response, kind: str, step: str | None, language: str,
                 today: date, **facts: Any) -> tuple[str, str]:
        campaign = response.campaign
        q = definition(campaign.questionnaire_version)
        asked = [(text_in(q.questions[qid].label or q.questions[qid].text, language, "sv")
                  if qid in q.questions else qid, text, wants_file)
                 for qid, text, wants_file in facts.pop("asked", [])]
        deviation = facts.pop("deviation", None)
        old = facts.pop("old", None)  # the deadline before it was extended
        text = _environment(language).get_template(f"{kind}.txt").render(
            buyer=self.buyer, supplier=response.supplier.name, campaign=campaign.name,
            contract=campaign.contract.name if campaign.contract else None,
            title=text_in(q.title, language, "sv"),
            deadline=date_text(deadline_for(response), language),
            days_left=(deadline_for(response) - today).days, step=step,
            old_deadline=date_text(old, language) if old else None,
            clarification=response.status == CLARIFICATION,
            contact=BuyerContact.of(campaign) or self.contact, asked=asked,
            deviation=deviation, deviation_deadline=date_text(
                deviation.deadline, language) if deviation else None,
            note=facts.pop("note", None))
        subject, _, body = text.partition("\n")
        body = body.strip("\n") + "\n"
        if LINK not in body:
            raise ValueError(f"the {kind} template has no {LINK}")
        return subject.strip(), body


def staff_mail(kind: str, language: str, *, buyer: str, base_url: str, name: str,
               email: str, role: str, inviter: str) -> tuple[str, str]:
    """(subject, body) of a staff member's invitation or reset mail (`staff_invite.txt`,
    `staff_reset.txt`), with LINK where the set-password link goes."""
    text = _environment(language).get_template(f"{kind}.txt").render(
        buyer=buyer, name=name, email=email, inviter=inviter, role=role,
        sign_in=f"{base_url.rstrip('/')}/staff/login")
    subject, _, body = text.partition("\n")
    body = body.strip("\n") + "\n"
    if LINK not in body:
        raise ValueError(f"the {kind} template has no {LINK}")
    return subject.strip(), body
