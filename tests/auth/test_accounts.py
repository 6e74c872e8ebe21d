"""The administrators' account pages: list, invite, role, deactivate, reactivate, reset.

Each test reads what a person sees (the page, the stored row, the queued mail, the
audit event); a deactivated person's old session cookie is refused at once.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import STAFF_PASSWORD, own_details, signed_in
from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.store.models import AuditEvent, OutboxMessage, StaffUser
from webapp.store.staff import add_user, password_link_token
from webapp.supplier.limits import limiter

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True,
                      "BASE_URL": "https://kedjekoll.region.example"})
    limiter.reset()
    return app


@pytest.fixture
def admin(app):
    return signed_in(app, "admin")


def post(client, path, data=None, page="/staff/accounts"):
    token = CSRF.search(client.get(page).get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def rows(app, model, *where):
    with app.app_context(), app.extensions["kedjekoll.sessions"]() as session:
        return list(session.scalars(select(model).where(*where)))


def person(app, email="ann@region.example", role="reviewer", password=STAFF_PASSWORD):
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        return add_user(session, email, "Ann Berg", role, "test", password).id


def test_the_list_shows_each_person_with_role_state_and_last_sign_in(app, admin):
    person(app)
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, "ny@region.example", "Ny Person", "reviewer", "test")
    admin.get("/?lang=en")
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert "3 accounts" in page
    assert "ann@region.example" in page and "Never" in page  # Ann never signed in
    assert "Invited, no password chosen yet" in page  # Ny has no password
    assert "(that is you)" in page and "Administrator" in page
    assert "at least one active administrator" in page
    assert "No SMTP server is configured" in page and "kedjekoll user reset EMAIL" in page


def test_invite_creates_an_account_and_queues_the_mail_in_the_chosen_language(app, admin):
    done = post(admin, "/staff/accounts", {"name": "Sara Lind", "role": "reviewer",
                                           "email": " Sara.Lind@Region.example",
                                           "language": "en"})
    assert done.status_code == 303
    [user] = rows(app, StaffUser, StaffUser.email == "sara.lind@region.example")
    assert user.role == "reviewer" and user.password_hash is None and user.active
    [mail] = rows(app, OutboxMessage, OutboxMessage.staff_user_id == user.id)
    assert mail.kind == "staff_invite" and mail.language == "en"
    assert mail.recipients == ["sara.lind@region.example"] and mail.response_id is None
    assert mail.subject.startswith("Your Kedjekoll account")
    assert "Hello Sara Lind," in mail.body and "{link}" in mail.body
    assert "https://kedjekoll.region.example/staff/login" in mail.body
    [event] = rows(app, AuditEvent, AuditEvent.action == "user.invited")
    assert event.object_id == user.id and own_details(event) == {"role": "reviewer"}
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert "Sara Lind" in page and "väntar i utkorgen" in page


def test_a_swedish_invitation_reads_in_swedish(app, admin):
    post(admin, "/staff/accounts", {"name": "Per Ek", "email": "per@region.example",
                                    "role": "admin", "language": "sv"})
    [mail] = rows(app, OutboxMessage)
    assert mail.language == "sv" and "Hej Per Ek," in mail.body
    assert "administratör" in mail.body


@pytest.mark.parametrize("email, error", [
    ("ann@region.example", "ann@region.example har redan ett konto"),
    ("ann-at-region", "Skriv hela e-postadressen"),
    ("", "Skriv personens e-postadress"),
])
def test_a_bad_invitation_keeps_what_was_typed_and_says_why(app, admin, email, error):
    person(app)
    response = post(admin, "/staff/accounts", {"name": "Anna Ny", "email": email,
                                               "role": "admin", "language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and error in page
    assert 'value="Anna Ny"' in page and f'value="{email}"' in page
    assert 'id="role-admin" name="role" value="admin" checked' in page
    assert 'aria-invalid="true"' in page
    assert len(rows(app, StaffUser)) == 2 and rows(app, OutboxMessage) == []


def test_role_change_is_audited_and_ends_admin_access_at_once(app, admin):
    other = signed_in(app, "admin")
    [me, them] = rows(app, StaffUser)
    assert other.get("/staff/accounts").status_code == 200
    done = post(admin, f"/staff/accounts/{them.id}/role", {"role": "reviewer"})
    assert done.status_code == 303
    assert rows(app, StaffUser, StaffUser.id == them.id)[0].role == "reviewer"
    [event] = rows(app, AuditEvent, AuditEvent.action == "user.role_changed")
    assert own_details(event) == {"before": "admin", "after": "reviewer"}
    assert other.get("/staff/accounts").status_code == 404  # the same cookie, now a reviewer
    assert other.get("/").status_code == 200


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(app, admin):
    [me] = rows(app, StaffUser)
    page = admin.get(f"/staff/accounts/{me.id}").get_data(as_text=True)
    assert "den enda aktiva administratören" in page and "Inaktivera Admin…" not in page
    demote = post(admin, f"/staff/accounts/{me.id}/role", {"role": "reviewer"},
                  page=f"/staff/accounts/{me.id}")
    assert demote.status_code == 422
    assert "sista aktiva administratören" in demote.get_data(as_text=True)
    close = post(admin, f"/staff/accounts/{me.id}/deactivate",
                 page=f"/staff/accounts/{me.id}/deactivate")
    assert close.status_code == 422
    [still] = rows(app, StaffUser)
    assert still.role == "admin" and still.active
    assert rows(app, AuditEvent, AuditEvent.action.in_(["user.role_changed",
                                                        "user.disabled"])) == []


def test_deactivation_asks_first_then_refuses_the_old_cookie_and_the_sign_in(app, admin):
    reviewer = signed_in(app, "reviewer")
    [_, them] = rows(app, StaffUser)
    cookie = reviewer.get_cookie("session").value
    assert reviewer.get("/").status_code == 200
    question = admin.get(f"/staff/accounts/{them.id}/deactivate").get_data(as_text=True)
    assert "Inaktivera Reviewer?" in question and "loggas ut direkt" in question
    assert rows(app, StaffUser, StaffUser.id == them.id)[0].active  # asking changes nothing
    done = post(admin, f"/staff/accounts/{them.id}/deactivate",
                page=f"/staff/accounts/{them.id}/deactivate")
    assert done.status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    refused = replay.get("/")
    assert refused.status_code == 302 and "/staff/login" in refused.headers["Location"]
    assert reviewer.get("/staff/campaigns/new").status_code == 302
    login = reviewer.get("/staff/login").get_data(as_text=True)
    again = reviewer.post("/staff/login", data={"csrf_token": CSRF.search(login).group(1),
                                                "email": them.email, "password": STAFF_PASSWORD})
    assert again.status_code == 401
    assert len(rows(app, AuditEvent, AuditEvent.action == "user.disabled")) == 1
    page = admin.get(f"/staff/accounts/{them.id}").get_data(as_text=True)
    assert "Inaktiverat" in page and "Aktivera Reviewer igen" in page


def test_a_deactivated_person_cannot_use_an_old_password_link(app, admin):
    user_id = person(app, password=None)
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        token = password_link_token(session, session.get(StaffUser, user_id), "test")
    post(admin, f"/staff/accounts/{user_id}/deactivate",
         page=f"/staff/accounts/{user_id}/deactivate")
    client = app.test_client()
    client.get(f"/staff/password/{token}")
    assert client.get("/staff/password").status_code == 404


def test_reactivation_lets_the_person_sign_in_again(app, admin):
    user_id = person(app)
    post(admin, f"/staff/accounts/{user_id}/deactivate",
         page=f"/staff/accounts/{user_id}/deactivate")
    done = post(admin, f"/staff/accounts/{user_id}/reactivate", page=f"/staff/accounts/{user_id}")
    assert done.status_code == 303
    assert rows(app, StaffUser, StaffUser.id == user_id)[0].active
    assert len(rows(app, AuditEvent, AuditEvent.action == "user.enabled")) == 1
    client = app.test_client()
    login = client.get("/staff/login").get_data(as_text=True)
    assert client.post("/staff/login", data={
        "csrf_token": CSRF.search(login).group(1), "email": "ann@region.example",
        "password": STAFF_PASSWORD}).status_code == 303
    page = admin.get("/staff/accounts?lang=en").get_data(as_text=True)
    assert "Never" not in page.split("ann@region.example")[1].split("</tr>")[0]


def test_reset_queues_one_mail_and_is_audited(app, admin):
    user_id = person(app)
    done = post(admin, f"/staff/accounts/{user_id}/reset", {"language": "sv"},
                page=f"/staff/accounts/{user_id}")
    assert done.status_code == 303
    again = post(admin, f"/staff/accounts/{user_id}/reset", {"language": "sv"},
                 page=f"/staff/accounts/{user_id}")
    assert "väntar redan i utkorgen" in admin.get(again.headers["Location"]).get_data(
        as_text=True)
    [mail] = rows(app, OutboxMessage)
    assert mail.kind == "staff_reset" and mail.language == "sv"
    assert mail.subject == "Välj ett nytt lösenord till Kedjekoll"
    [event] = rows(app, AuditEvent, AuditEvent.action == "user.reset_sent")
    assert event.object_id == user_id and own_details(event) == {"via": "mail", "mail": mail.id}


def test_reviewers_and_strangers_never_see_the_account_pages(app):
    reviewer = signed_in(app, "reviewer")
    [me] = rows(app, StaffUser)
    for path in ("/staff/accounts", f"/staff/accounts/{me.id}",
                 f"/staff/accounts/{me.id}/deactivate"):
        assert reviewer.get(path).status_code == 404
        assert app.test_client().get(path).status_code == 302
    for path in ("/staff/accounts", f"/staff/accounts/{me.id}/role",
                 f"/staff/accounts/{me.id}/deactivate", f"/staff/accounts/{me.id}/reactivate",
                 f"/staff/accounts/{me.id}/reset"):
        assert post(reviewer, path, {"role": "admin", "name": "X", "email": "x@y.se"},
                    page="/").status_code == 404
    assert rows(app, StaffUser)[0].role == "reviewer" and len(rows(app, StaffUser)) == 1


def test_every_account_post_needs_the_csrf_token(app, admin):
    user_id = person(app)
    for path in ("/staff/accounts", f"/staff/accounts/{user_id}/role",
                 f"/staff/accounts/{user_id}/deactivate",
                 f"/staff/accounts/{user_id}/reactivate", f"/staff/accounts/{user_id}/reset"):
        assert admin.post(path, data={"role": "admin"}).status_code == 400
    assert rows(app, StaffUser, StaffUser.id == user_id)[0].active
