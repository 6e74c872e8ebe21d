"""Failed staff sign-ins are limited per account and per address, and only failures count.

The budgets come from the app's configuration, so the tests shorten windows to seconds
instead of waiting minutes.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from webapp import create_app
from webapp.store.db import unit_of_work
from webapp.store.staff import add_user
from webapp.supplier.limits import limiter

PASSWORD = "correct horse battery"
A = "anna@region.example"
B = "bo@region.example"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SV_AGAIN = re.compile(r"För många misslyckade inloggningar\. Försök igen kl\.\s(\d\d:\d\d)\.")
EN_AGAIN = re.compile(r"Too many failed sign-ins\. Try again at (\d\d:\d\d)\.")


@pytest.fixture(scope="module")
def accounts(tmp_path_factory):
    """One app with accounts A and B for the module; each test resets the counts."""
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path_factory.mktemp("limits"),
                      "WTF_CSRF_ENABLED": True})
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, A, "Anna", "reviewer", "test", PASSWORD)
        add_user(session, B, "Bo", "reviewer", "test", PASSWORD)
    return app


@pytest.fixture
def app(accounts, monkeypatch):
    limiter.reset()
    monkeypatch.setitem(accounts.config, "SIGN_IN_ACCOUNT_LIMITS", None)
    monkeypatch.setitem(accounts.config, "SIGN_IN_ADDRESS_LIMITS", None)
    return accounts


def sign_in(client, email, password, lang="sv"):
    page = client.get(f"/staff/login?lang={lang}").get_data(as_text=True)
    return client.post("/staff/login", data={"csrf_token": CSRF.search(page).group(1),
                                             "email": email, "password": password})


def minute_after(moment: datetime) -> str:
    """The Stockholm clock time of the first whole minute at or after `moment`."""
    minute = moment.replace(second=0, microsecond=0)
    if minute < moment:
        minute += timedelta(minutes=1)
    return minute.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%H:%M")


def test_wrong_passwords_for_one_account_do_not_lock_out_another(app):
    """S7: eleven wrong passwords for A from one address, then B's right password from
    the same address signs B in (the limit was per address and caught B too)."""
    client = app.test_client()
    codes = [sign_in(client, A, f"guess number {n}").status_code for n in range(11)]
    assert codes == [401] * 4 + [429] * 7
    assert sign_in(app.test_client(), B, PASSWORD).status_code == 303


@pytest.mark.parametrize("lang, pattern", [("sv", SV_AGAIN), ("en", EN_AGAIN)])
def test_a_paused_account_is_told_when_to_try_again(app, lang, pattern):
    """S7: past the account's budget the page answers 429, says in the reader's language
    at what Stockholm time to try again, and keeps the e-mail as it was typed."""
    client = app.test_client()
    first = datetime.now(UTC)
    for n in range(5):
        sign_in(client, A, f"guess number {n}", lang)
    last = datetime.now(UTC)
    response = sign_in(client, " Anna@Region.example", "guess number 6", lang)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    shown = pattern.search(page)
    assert shown, page
    assert shown.group(1) in {minute_after(first + timedelta(minutes=1)),
                              minute_after(last + timedelta(minutes=1))}
    assert 'value=" Anna@Region.example"' in page
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_the_right_password_works_again_after_the_pause(app):
    """S7: the right password waits out a short pause, then signs in; it is not locked
    out for long."""
    app.config["SIGN_IN_ACCOUNT_LIMITS"] = "3 per 2 seconds"
    client = app.test_client()
    assert [sign_in(client, A, f"guess {n}").status_code for n in range(3)] == [401, 401, 429]
    paused = sign_in(client, A, PASSWORD)
    assert paused.status_code == 429 and SV_AGAIN.search(paused.get_data(as_text=True))
    time.sleep(int(paused.headers["Retry-After"]) + 0.2)
    assert sign_in(client, A, PASSWORD).status_code == 303


def test_a_pause_answers_alike_for_an_unknown_email_and_checks_no_password(app,
                                                                            monkeypatch):
    """S7: a paused known account and a paused unknown e-mail get the same page (only
    the typed e-mail differs), and neither has its password checked, so neither the
    answer nor its time tells which addresses have accounts."""
    app.config["SIGN_IN_ACCOUNT_LIMITS"] = "3 per minute"
    client = app.test_client()
    for n in range(3):
        sign_in(client, A, f"guess {n}")
        sign_in(client, "nobody@region.example", f"guess {n}")
    checked = []
    monkeypatch.setattr("webapp.auth.routes.authenticate",
                        lambda *args: checked.append(args))
    known = sign_in(client, A, "guess 6")
    unknown = sign_in(client, "nobody@region.example", "guess 6")
    assert known.status_code == unknown.status_code == 429 and checked == []

    def mask(response, email):
        return CSRF.sub("", response.get_data(as_text=True)).replace(email, "EMAIL")

    assert mask(known, A) == mask(unknown, "nobody@region.example")


def test_the_address_budget_spans_accounts_and_only_failures_count(app):
    """S6, S7: one address guessing across many accounts is paused by the address's
    budget; a right password in between costs nothing and clears nothing."""
    app.config["SIGN_IN_ADDRESS_LIMITS"] = "6 per minute"
    client = app.test_client()
    assert [sign_in(client, f"p{n}@region.example", "guess").status_code
            for n in range(3)] == [401] * 3
    for _ in range(3):
        assert sign_in(app.test_client(), B, PASSWORD).status_code == 303
    assert [sign_in(client, f"q{n}@region.example", "guess").status_code
            for n in range(3)] == [401, 401, 429]
    paused = sign_in(app.test_client(), B, PASSWORD)
    assert paused.status_code == 429 and SV_AGAIN.search(paused.get_data(as_text=True))


def test_an_ipv6_client_counts_by_its_64_block(app):
    """S6: addresses of one IPv6 /64 (one home or office) share the address budget, so
    hopping within it gains nothing; another block keeps its own."""
    app.config["SIGN_IN_ADDRESS_LIMITS"] = "2 per minute"

    def attempt(address, email):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return sign_in(client, email, "guess").status_code

    assert [attempt("2001:db8::1", "x@region.example"),
            attempt("2001:db8::2", "y@region.example")] == [401, 429]
    assert attempt("2001:db8::ffff:3", "z@region.example") == 429
    assert attempt("2001:db8:0:1::1", "z@region.example") == 401


def test_a_pause_into_tomorrow_names_the_day(app):
    """S7: a pause that ends on another day says which day, in Swedish words."""
    from webapp.auth.routes import _try_again_text

    with app.test_request_context("/staff/login?lang=sv"):
        text = _try_again_text(datetime.now(UTC) + timedelta(days=1))
    assert re.fullmatch(r"För många misslyckade inloggningar\. Försök igen den "
                        r"\d{1,2} [a-zåäö]+\.? \d{4} kl\.\s\d\d:\d\d\.", text), text


def test_a_failing_limit_storage_follows_the_limiters_setting(app, monkeypatch):
    """S7: with the shared limiter set to swallow storage errors (Redis away), staff
    still sign in; without that setting the error is not hidden."""
    def unreachable(*_args):
        raise ConnectionError("the rate limit storage is away")

    monkeypatch.setattr(limiter.limiter, "test", unreachable)
    monkeypatch.setattr(limiter, "_swallow_errors", True)
    assert sign_in(app.test_client(), B, PASSWORD).status_code == 303
    monkeypatch.setattr(limiter, "_swallow_errors", False)
    with pytest.raises(ConnectionError):
        sign_in(app.test_client(), B, PASSWORD)


def test_signing_in_forgets_the_accounts_own_failures(app):
    """S7: a person who mistypes twice and then signs in starts afresh next time; the
    failures from before do not shorten their next budget."""
    app.config["SIGN_IN_ACCOUNT_LIMITS"] = "3 per minute"
    client = app.test_client()
    assert [sign_in(client, A, f"typo {n}").status_code for n in range(2)] == [401, 401]
    assert sign_in(client, A, PASSWORD).status_code == 303
    other = app.test_client()
    assert [sign_in(other, A, f"typo {n}").status_code for n in range(3)] == [401, 401, 429]
