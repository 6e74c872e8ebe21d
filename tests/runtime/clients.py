"""Browser stand-ins for the runtime tests: suppliers and staff talking to a real server.

Each `Browser` has its own cookie jar, follows no redirect by itself (a test sees every
status code) and keeps every answer it got, with its time, so a load test can count the
5xx and read the percentiles. Supplier saves post the section's real form fields
(tests/supplier/conftest.py `form_data`), with the CSRF token and draft version read
from the page, as a browser sends them.
"""

from __future__ import annotations

import http.cookiejar
import io
import random
import re
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask import Flask

from tests.conftest import STAFF_PASSWORD
from tests.factories import make_campaign
from tests.supplier.conftest import CSRF, VERSION, form_data
from webapp.definitions import Questionnaire
from webapp.definitions.examples import example_answers
from webapp.store.db import make_engine, session_factory, unit_of_work
from webapp.store.files import attach, store_bytes
from webapp.store.responses import save_draft
from webapp.store.staff import add_user

CSRF_ANY = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
RECEIPT = re.compile(r'class="receipt">([^<]+)<')
ARGUMENT = re.compile(r"<(?:[^:>]+:)?(\w+)>")


class _LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Send the Secure session cookie back over http to loopback, as Chromium does for a
    local address (the server runs with production cookie settings)."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return True


class _Keep(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back as the answer instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    method: str
    path: str
    status: int
    seconds: float
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Browser:
    """One person's browser: a cookie jar, and every answer it was given."""

    base: str
    timeout: float = 60
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        jar = http.cookiejar.CookieJar(_LoopbackIsSecure())
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                                   _Keep)

    def request(self, method: str, path: str, data: Any = None,
                headers: dict[str, str] | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() \
            if isinstance(data, dict) else data
        sent = urllib.request.Request(self.base + path, data=body, method=method,
                                      headers=headers or {})
        started = time.perf_counter()
        try:
            with self._opener.open(sent, timeout=self.timeout) as got:
                status, heads, content = got.status, dict(got.headers), got.read()
        except urllib.error.HTTPError as refused:
            with refused:
                status, heads, content = refused.code, dict(refused.headers), refused.read()
        answer = Answer(method, path, status, time.perf_counter() - started, heads, content)
        self.answers.append(answer)
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any]) -> Answer:
        return self.request("POST", path, data)

    def upload(self, path: str, fields: dict[str, str], name: str, filename: str,
               content: bytes, media_type: str = "text/csv") -> Answer:
        """Post a form with one file, as multipart/form-data."""
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                 f"{value}\r\n".encode() for key, value in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n'.encode()
                     + content + f"\r\n--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), {
            "Content-Type": f"multipart/form-data; boundary={boundary}"})

    def errors(self) -> list[Answer]:
        """The answers with a 5xx status."""
        return [a for a in self.answers if a.status >= 500]


class _Forms(HTMLParser):
    """The hidden fields of each form on a page, and the buttons that submit it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[dict[str, str], list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(({}, []))
        elif self.forms and tag == "input" and found.get("type") == "hidden":
            self.forms[-1][0][found.get("name", "")] = found.get("value", "")
        elif self.forms and tag == "button" and "name" in found:
            self.forms[-1][1].append((found["name"], found.get("value", "")))


def form_with_button(page: str, name: str, value: str) -> dict[str, str] | None:
    """What a browser posts when the button `name=value` is pressed on `page`: the
    hidden fields of its form and the button; None when the page has no such button."""
    parser = _Forms()
    parser.feed(page)
    for hidden, buttons in parser.forms:
        if (name, value) in buttons:
            return {**hidden, name: value}
    return None


def sign_in_staff(base: str, email: str, password: str = STAFF_PASSWORD) -> Browser:
    """A staff member's browser, signed in through the login form."""
    staff = Browser(base)
    page = staff.get("/staff/login")
    token = CSRF_ANY.search(page.text).group(1)
    answer = staff.post("/staff/login", {"csrf_token": token, "email": email,
                                         "password": password})
    assert answer.status == 303, (answer.status, answer.text[:500])
    return staff


@dataclass
class SupplierBrowser:
    """A supplier following its invitation link, then saving sections and submitting."""

    browser: Browser
    app: Flask  # builds the section forms (WTForms needs an application context)
    q: Questionnaire

    @classmethod
    def open(cls, base: str, token: str, app: Flask, q: Questionnaire) -> SupplierBrowser:
        browser = Browser(base)
        answer = browser.get(f"/i/{token}")
        assert answer.status == 303, (answer.status, answer.text[:300])
        return cls(browser, app, q)

    def save(self, section_id: str, answers: dict[str, Any]) -> Answer:
        """Fill the section's form with `answers` and press "Save"; 303 is acknowledged."""
        page = self.browser.get(f"/supplier/section/{section_id}")
        if page.status != 200:
            return page
        section = next(s for s in self.q.sections if s.id == section_id)
        with self.app.test_request_context():
            data = form_data(self.q, section, answers)
        found = VERSION.search(page.text)
        data.update(csrf_token=CSRF.search(page.text).group(1),
                    draft_version=next(v for v in found.groups() if v), action="save")
        return self.browser.post(f"/supplier/section/{section_id}", data)

    def submit(self, submission_id: str) -> tuple[Answer, str | None]:
        """Confirm on the check page; the receipt number shown on success, else None."""
        page = self.browser.get("/supplier/check")
        if page.status != 200:
            return page, None
        answer = self.browser.post("/supplier/submit", {
            "csrf_token": CSRF.search(page.text).group(1), "confirm": "yes",
            "submission_id": submission_id})
        if answer.status != 303:
            return answer, None
        location = urllib.parse.urlsplit(answer.headers["Location"]).path
        receipt = self.browser.get(location)
        found = RECEIPT.search(receipt.text) if receipt.status == 200 else None
        return answer, found.group(1) if found else None


def staff_get_paths(app: Flask, samples: dict[str, Any]) -> list[str]:
    """Every GET-only staff page and download in `app.url_map`, with `samples` as its
    arguments (a rule needing one not in `samples` is left out)."""
    paths = []
    for rule in app.url_map.iter_rules():
        audience = getattr(app.view_functions[rule.endpoint], "audience", None)
        if audience not in ("staff", "admin") or rule.methods - {"GET", "HEAD", "OPTIONS"}:
            continue
        needed = set(rule.arguments) - set(rule.defaults or {})
        if needed - set(samples):
            continue
        paths.append(ARGUMENT.sub(lambda m: str(samples[m.group(1)]), rule.rule))
    return sorted(set(paths))


def download_paths(staff: Browser, app: Flask, samples: dict[str, Any]) -> list[str]:
    """The staff GET routes that answer with a download (`Content-Disposition:
    attachment`), found by asking each once: a new export is covered without a list."""
    found = []
    for path in staff_get_paths(app, samples):
        answer = staff.get(path)
        assert answer.status == 200, (path, answer.status, answer.text[:300])
        if answer.headers.get("Content-Disposition", "").startswith("attachment"):
            found.append(path)
    return found


#: a line of the request log (webapp/requestlog.py): method, path, status, milliseconds
LOG_LINE = re.compile(r" (GET|POST|HEAD) (\S+) (\d{3}) ([\d.]+) ms ")


def served_seconds(log: str) -> list[tuple[str, str, int, float]]:
    """(method, path, status, seconds) of each request in the server's log: the time
    the app worked on it (a streamed body's sending is not counted)."""
    return [(m, p, int(s), float(ms) / 1000) for m, p, s, ms in LOG_LINE.findall(log)]


def percentiles(seconds: list[float]) -> str:
    """"p50 … s, p95 … s (n …)" for a list of durations."""
    if len(seconds) < 2:
        return f"n={len(seconds)}"
    cuts = statistics.quantiles(seconds, n=20, method="inclusive")
    return f"p50 {statistics.median(seconds):.2f} s, p95 {cuts[18]:.2f} s (n={len(seconds)})"


@dataclass
class Seeded:
    """What `seed` made: the invitation tokens, the ids a staff URL needs, the admin."""

    tokens: list[str]
    response_ids: list[int]
    samples: dict[str, int]
    admins: list[str]
    agreement: str  # the campaign's framework agreement reference
    answers: list[dict[str, Any]]  # each supplier's complete draft, in the order of tokens


def seed(url: str, folder: Path, q: Questionnaire, suppliers: int, admins: int = 1) -> Seeded:
    """A campaign of `q` with `suppliers` invited suppliers, each with a complete draft
    (so a submit is accepted), one evidence file and `admins` administrators with a
    password (each one's audit events can be counted apart)."""
    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as session:
            campaign, invitations = make_campaign(session, q, suppliers=suppliers)
            drafts = [example_answers(q, random.Random(n), files_for=lambda _q: [])
                      for n in range(suppliers)]
            for (response, _), answers in zip(invitations, drafts, strict=True):
                save_draft(session, response, answers, 0, "setup")
            first = invitations[0][0]
            sha256, size = store_bytes(folder / "files", io.BytesIO(b"%PDF-1.4\n%intyg\n"),
                                       1 << 20)
            evidence = attach(session, first, "evidence", sha256, size, "application/pdf",
                              "uppförandekod.pdf", "setup")
            emails = [f"admin-{uuid.uuid4().hex[:6]}@region.example" for _ in range(admins)]
            users = [add_user(session, email, "Ada Admin", "admin", "setup", STAFF_PASSWORD)
                     for email in emails]
            session.flush()
            samples = {"campaign_id": campaign.id, "response_id": first.id,
                       "attachment_id": evidence.id, "user_id": users[0].id}
            return Seeded([t for _, t in invitations], [r.id for r, _ in invitations],
                          samples, emails, campaign.contract.reference, drafts)
    finally:
        engine.dispose()
