"""The outbox as an administrator reads it, and the words of every mail, in both languages.

Subjects are said once (the kind in words beside them, never glued in front), texts are
plain with no markup characters, and without an SMTP server the page says what to set.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from types import SimpleNamespace

import pytest

from tests.conftest import signed_in
from tests.factories import make_campaign
from webapp import create_app
from webapp.mailer import MailSettings, queue_invitations
from webapp.mailtext import MailText
from webapp.store import outbox
from webapp.store.db import unit_of_work
from webapp.store.versions import definition

MARKUP = re.compile(r"`|\*\*|\*[^\s*]|__|<[a-z/]|\[[^\]]*\]\(|^#", re.M)
KINDS = [("invitation", None), ("reminder", "before"), ("reminder", "due"),
         ("reminder", "overdue"), ("reminder", "manual"), ("clarification", None),
         ("decision", "accepted"), ("decision", "action_plan"), ("decision", "rejected"),
         ("deviation", "added"), ("deviation", "closed"), ("new_link", None)]


def build(tmp_path, masks, **config):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, **config})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        campaign, invitations = make_campaign(session, masks, suppliers=2)
        queue_invitations(session, campaign, [r for r, _ in invitations], "staff@region.example",
                          MailSettings.from_config(app.config))
        ids = [r.id for r, _ in invitations]
    return app, ids


def queue_reminder(app, response_id: int) -> None:
    from webapp.store.models import Response

    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        outbox.queue_manual_reminder(session, session.get(Response, response_id),
                                     MailSettings.from_config(app.config).compose(),
                                     "staff@region.example")


def test_without_smtp_the_page_says_what_to_set_and_the_button_is_off(tmp_path, masks):
    app, _ids = build(tmp_path, masks)
    admin = signed_in(app, "admin")
    for lang, heading in (("sv", "E-post kan inte skickas härifrån än"),
                          ("en", "Mail cannot be sent from this page yet")):
        html = admin.get(f"/staff/outbox?lang={lang}").get_data(as_text=True)
        assert heading in html
        for name in ("KEDJEKOLL_SMTP_HOST", "KEDJEKOLL_SMTP_PORT", "KEDJEKOLL_SMTP_FROM",
                     "KEDJEKOLL_SMTP_USERNAME", "KEDJEKOLL_SMTP_PASSWORD"):
            assert f"<code>{name}</code>" in html
        assert re.search(r'<button type="submit" disabled aria-describedby="smtp-heading">',
                         html)
        assert "`" not in html


def test_with_smtp_the_button_works_and_no_explanation(tmp_path, masks, smtp):
    app, _ids = build(tmp_path, masks, **smtp.config())
    html = signed_in(app, "admin").get("/staff/outbox").get_data(as_text=True)
    assert "smtp-missing" not in html and " disabled" not in html
    assert "Skicka väntande e-post nu" in html or "Send pending mail now" in html


def test_each_message_says_its_subject_once_with_its_kind_beside_it(tmp_path, masks):
    app, ids = build(tmp_path, masks)
    queue_reminder(app, ids[0])
    admin = signed_in(app, "admin")
    html = unescape(admin.get("/staff/outbox").get_data(as_text=True))
    assert "Påminnelse, begärd av handläggare</span><br>Påminnelse: " in html
    assert "Påminnelse (begärd av handläggare): Påminnelse" not in html
    english = unescape(admin.get("/staff/outbox?lang=en").get_data(as_text=True))
    assert "Reminder, asked by staff</span><br>Påminnelse: " in english  # the mail is Swedish
    assert "Invitation</span><br>" in english


def test_the_text_of_a_message_is_shown_plain_without_its_link(tmp_path, masks):
    app, _ids = build(tmp_path, masks)
    html = unescape(signed_in(app, "admin").get("/staff/outbox").get_data(as_text=True))
    body = re.search(r'<pre class="mail-body">(.*?)</pre>', html, re.S).group(1)
    assert "[den personliga länken skapas när brevet skickas]" in body
    assert "{link}" not in body and "/i/" not in body
    assert not MARKUP.search(body)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_mail_is_plain_text_with_a_clean_subject(tmp_path, masks, lang):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path})
    compose = MailText("Region Exempel", None)
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _campaign, [(response, _token)] = make_campaign(session, masks)
        question = next(iter(definition(response.campaign.questionnaire_version).questions))
        facts = {
            "clarification": {"asked": [(question, "Bifoga uppförandekoden.", True)]},
            "deviation": {"deviation": SimpleNamespace(
                description="Arbetarna betalar rekryteringsavgifter.", severity="major",
                deadline=date.today() + timedelta(days=60)), "note": "Åtgärdat enligt plan."},
        }
        for kind, step in KINDS:
            subject, body = compose(response, kind, step, lang, date.today(),
                                    **facts.get(kind, {}))
            where = f"{kind}/{step}/{lang}"
            assert subject and "\n" not in subject, where
            assert not MARKUP.search(subject) and not MARKUP.search(body), where
            first = re.match(r"\s*([\wåäöÅÄÖ]+)", subject).group(1)
            assert not re.match(rf"\s*{first}\W+{first}\b", subject, re.I), where
            assert outbox.LINK in body and body.count("{") == 1, where
            assert not body.startswith(subject), where
