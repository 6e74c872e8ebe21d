"""The suppliers of the kill phase: each opens its link, saves a page, submits and reads
its receipt through nginx, retrying like a person after an error page or a cut
connection; a Tally keeps what they saw."""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter

from tests.deploy.browser import RECEIPT, SUBMISSION, Page
from tests.deploy.conftest import EDITED, Topology


class Tally:
    """What the suppliers saw: acknowledgements, retries, and why they retried."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.receipts: dict[int, str] = {}  # supplier -> receipt number it was shown
        self.acknowledged: dict[int, float] = {}  # supplier -> when the 303 came
        self.retries: Counter[str] = Counter()  # step -> retries
        self.causes: Counter[str] = Counter()  # what made them retry
        self.unacknowledged = 0  # a submit that got no answer, sent again
        self.found_submitted = 0  # ... and the retry found it stored
        self.failures: dict[int, str] = {}
        self.submitting = 0  # submits sent and not yet answered

    def retry(self, step: str, cause: str) -> None:
        with self.lock:
            self.retries[step] += 1
            self.causes[cause] += 1


class Unexpected(AssertionError):
    """An answer no retry should cure (a 4xx or a 500)."""


def patiently(tally: Tally, step: str, action, deadline: float):
    """Do `action` until it gives an answer, as a person presses reload after an error
    page or a cut connection."""
    while True:
        try:
            return action()
        except (OSError, http.client.HTTPException) as cut:
            cause = type(cut).__name__
        except BadGateway as proxy:
            cause = str(proxy)
        assert time.monotonic() < deadline, f"{step}: still failing ({cause})"
        tally.retry(step, cause)
        time.sleep(0.5)


class BadGateway(Exception):
    """nginx answered 502/504: no app server gave an answer."""


def expect(page: Page, status: int, what: str) -> Page:
    if page.status in (502, 504):
        raise BadGateway(f"{page.status} from nginx")
    if page.status != status:
        raise Unexpected(f"{what}: {page.status} {page.text[:300]}")
    return page


def supplier(world: Topology, n: int, tally: Tally, log: list, deadline: float) -> None:
    """Supplier n opens its link, saves EDITED, submits, and reads its receipt."""
    browser = world.browser(log=log)
    pause = random.Random(n)
    time.sleep(n * 0.25)  # people arrive over about 10 seconds

    def open_link() -> None:
        expect(browser.get(f"/i/{world.tokens[n]}"), 303, "link")

    def save() -> None:
        page = expect(browser.get(f"/supplier/section/{EDITED}"), 200, "section")
        time.sleep(pause.uniform(0.2, 0.6))
        expect(browser.post(f"/supplier/section/{EDITED}", {
            **world.forms[n], "csrf_token": page.csrf(), "draft_version": page.version(),
            "action": "continue"}), 303, "save")

    def submit() -> str:
        check = expect(browser.get("/supplier/check"), 200, "check")
        found = SUBMISSION.search(check.text)
        if found is None:  # an earlier submit went through, its answer was lost
            with tally.lock:
                tally.found_submitted += 1
                tally.acknowledged.setdefault(n, time.monotonic())
            return "/supplier/receipt/1"
        time.sleep(pause.uniform(0.2, 0.6))
        with tally.lock:
            tally.submitting += 1
        try:
            done = expect(browser.post("/supplier/submit", {
                "csrf_token": check.csrf(), "confirm": "yes",
                "submission_id": found.group(1)}), 303, "submit")
        except (OSError, http.client.HTTPException, BadGateway):
            with tally.lock:
                tally.unacknowledged += 1
            raise
        finally:
            with tally.lock:
                tally.submitting -= 1
        with tally.lock:
            tally.acknowledged[n] = time.monotonic()
        return done.location

    def receipt(path: str) -> str:
        page = expect(browser.get(path), 200, "receipt")
        return RECEIPT.search(page.text).group(1)

    try:
        patiently(tally, "link", open_link, deadline)
        patiently(tally, "save", save, deadline)
        path = patiently(tally, "submit", submit, deadline)
        number = patiently(tally, "receipt", lambda: receipt(path), deadline)
        with tally.lock:
            tally.receipts[n] = number
    except AssertionError as failed:
        tally.failures[n] = str(failed)
