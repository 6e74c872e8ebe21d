"""Where a staff member lands after signing in: only a staff page of this site.

`next=` is percent-decoded once by the query string; what is left must already be a
plain path of this app. Tabs, CR and LF (which the browser drops, or which cannot go in
a header at all), backslashes (a browser reads them as slashes), `//`, schemes and
their percent-encoded and double-encoded forms all fall back to the overview.
"""

from __future__ import annotations

import re

import pytest

from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.store.staff import add_user
from webapp.supplier.limits import limiter

PASSWORD = "correct horse battery"
EMAIL = "rita@region.example"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

#: `next` exactly as it stands in the query string of the sign-in page's address;
#: every one was followed off the site, or answered 500, before this was fixed
ESCAPES = {
    "tab": "/%09/evil.example/",
    "two tabs": "/%09%09/evil.example/",
    "tab between slashes": "/%09/%09/evil.example",
    "CR": "/%0d/evil.example/",
    "LF": "/%0a/evil.example/",
    "CRLF header injection": "/staff/%0d%0aSet-Cookie:%20planted=1",
    "NUL": "/%00/evil.example/",
    "vertical tab": "/%0b/evil.example/",
    "DEL": "/%7f/evil.example/",
    "encoded slash": "/%252Fevil.example/",
    "encoded //": "/%252F%252Fevil.example/",
    "encoded /\\": "/%255C/evil.example/",
    "encoded \\\\": "/%255C%255Cevil.example/",
    "encoded \\/": "/%255C%252Fevil.example/",
    "double-encoded //": "/%25252F%25252Fevil.example/",
    "double-encoded \\": "/%25255C/evil.example/",
    "encoded tab": "/%2509/evil.example/",
    "encoded LF": "/staff/%250aSet-Cookie:x",
    "scheme as a path": "/https://evil.example/",
    "not a page": "/evil.example/",
    "the sign-in page itself": "/staff/login",
    "a supplier page": "/supplier/",
}

#: good targets, and where they lead
GOOD = {
    "/staff/campaigns/1?x=1": "/staff/campaigns/1?x=1",
    "/staff/campaigns/1%3Fx%3D1": "/staff/campaigns/1?x=1",
    "/staff/%3F": "/staff/",
    "/": "/",
    "/staff/accounts/2": "/staff/accounts/2",
    "/staff/audit%3Faction%3Dstaff.added%26page%3D2": "/staff/audit?action=staff.added&page=2",
    "/questionnaires/ppe-masks-aprons": "/questionnaires/ppe-masks-aprons",
}


@pytest.fixture(scope="module")
def signed_up(tmp_path_factory):
    """One app and one account for the module (each sign-in is a fresh client)."""
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path_factory.mktemp("next"),
                      "WTF_CSRF_ENABLED": True})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, EMAIL, "Rita", "admin", "test", PASSWORD)
    return app


@pytest.fixture
def app(signed_up):
    limiter.reset()
    return signed_up


def sign_in_with(app, query_next: str):
    """Open the sign-in page with `next` as written, and sign in with the right password."""
    client = app.test_client()
    address = f"/staff/login?next={query_next}"
    token = CSRF.search(client.get(address).get_data(as_text=True)).group(1)
    return client.post(address, data={"csrf_token": token, "email": EMAIL,
                                      "password": PASSWORD})


@pytest.mark.parametrize("query_next", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_next_that_leaves_the_site_lands_on_the_overview(app, query_next):
    """S7, R9: signing in never sends the browser to another site (an open redirect
    that dresses a phishing page in our sign-in) and never answers 500 for a bad next."""
    response = sign_in_with(app, query_next)
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    assert "planted" not in str(response.headers)


@pytest.mark.parametrize("query_next", GOOD, ids=GOOD.keys())
def test_a_next_on_a_staff_page_is_followed(app, query_next):
    """S7: a staff page of this app (with its query) is still where signing in leads."""
    response = sign_in_with(app, query_next)
    assert response.status_code == 303
    assert response.headers["Location"] == GOOD[query_next]


def test_a_staff_page_asked_for_signed_out_is_shown_after_signing_in(app):
    """S7: the address a signed-out person asked for survives the sign-in page."""
    client = app.test_client()
    asked = client.get("/staff/campaigns?status=open")
    assert asked.status_code == 302
    login = asked.headers["Location"]
    token = CSRF.search(client.get(login).get_data(as_text=True)).group(1)
    response = client.post(login, data={"csrf_token": token, "email": EMAIL,
                                        "password": PASSWORD})
    assert response.headers["Location"] == "/staff/campaigns?status=open"
