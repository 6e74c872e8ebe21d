"""Real Chromium (Debian's, through Playwright) against the app served on loopback.

One browser and one server per test session. Without Chromium the browser tests skip,
except under KEDJEKOLL_STRICT=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import make_campaign
from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.supplier.limits import limiter

CHROMIUM = os.environ.get("KEDJEKOLL_CHROMIUM", "/usr/bin/chromium")
STRICT = os.environ.get("KEDJEKOLL_STRICT") == "1"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if STRICT:
            pytest.fail(f"Chromium is not installed at {CHROMIUM}, and KEDJEKOLL_STRICT=1")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _static_read_at_once(wsgi_app):
    """Static files read whole and their file closed before the browser gets a byte.

    A browser that drops a connection mid-file (a page closed while a script loads)
    could otherwise leave the file to the garbage collector, whose ResourceWarning
    lands in whichever test runs then (warnings are errors here).
    """

    def serve(environ, start_response):
        body = wsgi_app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return body
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return serve


@dataclass
class Live:
    url: str
    app: object

    def invite(self, questionnaire, suppliers: int = 1) -> list[tuple[int, str]]:
        """A new campaign on the served database; (response id, link) per supplier."""
        with unit_of_work(self.app.extensions["kedjekoll.sessions"]) as session:
            _, invitations = make_campaign(session, questionnaire, suppliers=suppliers)
            return [(r.id, f"{self.url}/i/{t}") for r, t in invitations]


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder, "WTF_CSRF_ENABLED": True})
    app.wsgi_app = _static_read_at_once(app.wsgi_app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join(timeout=10)


def sign_in(page, url: str, email: str) -> None:
    """Sign a staff member in through the form (their password is STAFF_PASSWORD)."""
    from tests.conftest import STAFF_PASSWORD

    page.goto(f"{url}/staff/login")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")


@pytest.fixture
def context(browser):
    limiter.reset()
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(10_000)
    yield context
    context.close()
