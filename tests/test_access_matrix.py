"""S3 and S4 over every route: anonymous, supplier A, supplier B, reviewer and admin.

Each route's declared audience decides the answer: suppliers see only their own
response (another supplier's ids are 404), staff pages want a signed-in staff member
(others are sent to sign in, or get 401 for a POST), admin pages are 404 to reviewers.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.conftest import signed_in
from tests.factories import make_campaign
from tests.supplier.conftest import Site, SupplierClient
from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.supplier.limits import limiter

PDF = b"%PDF-1.4\n%%EOF\n"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def world(tmp_path, masks):
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True})
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, invitations = make_campaign(session, masks, suppliers=2)
        tokens = [t for _, t in invitations]
        ids = [r.id for r, _ in invitations]
    site = Site(app, tokens, ids, masks)
    a = SupplierClient(site, tokens[0])
    html = a.page("/supplier/section/policy")
    a.post("/supplier/section/policy", {
        "csrf_token": a.csrf(html), "draft_version": a.version(html), "action": "save",
        "code_of_conduct": "yes", "code_file": (io.BytesIO(PDF), "kod.pdf")},
        content_type="multipart/form-data")
    clients = {"anonymous": app.test_client(), "supplier_a": a.client,
               "supplier_b": SupplierClient(site, tokens[1]).client,
               "reviewer": signed_in(app, "reviewer"), "admin": signed_in(app, "admin")}
    return app, clients


def _token(client) -> str:
    for path in ("/supplier/", "/", "/staff/login"):
        found = CSRF.search(client.get(path).get_data(as_text=True))
        if found:
            return found.group(1)
    return ""


def test_the_account_pages_are_for_admins(world):
    app, _ = world
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint in ("auth.accounts", "auth.invite", "auth.account", "auth.account_role",
                     "auth.account_reset", "auth.account_deactivate",
                     "auth.account_reactivate"):
        assert app.view_functions[endpoint].audience == "admin", endpoint
    assert rules["auth.accounts"].rule == "/staff/accounts"


def test_every_route_answers_each_role_by_its_audience(world):
    app, clients = world
    views = app.view_functions
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint in ("supplier.leave", "auth.logout"):
            continue  # signing out is tested on its own; it would end the sessions below
        audience = views[rule.endpoint].audience
        path = (rule.rule.replace("<section_id>", "policy").replace("<country>", "SE")
                .replace("<token>", "x" * 43).replace("<questionnaire_id>", "gloves"))
        # an account no one has: the admin's POSTs must not deactivate the reviewer here
        # (tests/auth/test_accounts.py walks the account pages with real ids)
        path = path.replace("<int:user_id>", "9999")
        path = re.sub(r"<int:[a-z_]+>", "1", path)
        assert "<" not in path, path
        for role, client in clients.items():
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": _token(client)} if method == "POST" else None
                response = client.open(path, method=method, data=data)
                response.close()
                code = response.status_code
                assert code < 500, (path, role, method, code)
                where = (path, role, method, code)
                if audience == "supplier":
                    if role in ("anonymous", "reviewer", "admin"):
                        assert code == 401, where
                    elif role == "supplier_b" and "<int:attachment_id>" in rule.rule:
                        assert code == 404, where  # supplier A's file
                elif audience in ("staff", "admin"):
                    if role in ("anonymous", "supplier_a", "supplier_b"):
                        assert code in ((302,) if method == "GET" else (401,)), where
                    elif audience == "admin" and role == "reviewer":
                        assert code == 404, where
                    else:
                        assert code not in (401, 403), where
                checked += 1
    assert checked >= 60
