"""In Chromium: the page of an app whose database is not ready, and the reference on an
error page; Swedish and English, 1280 px and a 390 px phone, each checked by axe."""

from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import _static_read_at_once
from tests.conftest import PRODUCTION
from webapp import create_app

SHOTS = os.environ.get("KEDJEKOLL_SHOTS")  # a folder: keep screenshots to look at


@pytest.fixture
def not_ready(tmp_path):
    """A production app (TESTING off) on an empty database: nobody ran db upgrade."""
    app = create_app({"RESPONSES_DIR": tmp_path, "SECRET_KEY": "s" * 40, **PRODUCTION})
    app.wsgi_app = _static_read_at_once(app.wsgi_app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.mark.parametrize(("locale", "width"), [("sv-SE", 1280), ("en-GB", 390)])
def test_the_not_ready_page_says_what_is_happening(browser, not_ready, locale, width):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
    page = context.new_page()
    answer = page.goto(f"{not_ready}/staff/login")
    assert answer.status == 503
    heading = page.locator("h1").inner_text()
    reference = page.locator(".reference").inner_text()
    assert heading == ("Tjänsten går inte att använda just nu" if locale == "sv-SE"
                       else "The service is not available right now")
    assert reference.split(": ")[1] == answer.headers["x-request-id"]
    assert reference.startswith("Referens: " if locale == "sv-SE" else "Reference: ")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert Axe().run(page).response["violations"] == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/not-ready-{locale}-{width}.png", full_page=True)
    context.close()


def test_an_error_page_shows_its_reference(browser, live):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 800})
    page = context.new_page()
    answer = page.goto(f"{live.url}/staff/no-such-page")
    assert answer.status == 404
    assert page.locator(".reference").inner_text() == (
        f"Referens: {answer.headers['x-request-id']}")
    assert Axe().run(page).response["violations"] == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/not-found-sv-390.png", full_page=True)
    context.close()
