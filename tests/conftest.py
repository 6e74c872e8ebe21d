"""Shared fixtures: small inline questionnaires, an app over a folder of them, a client."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from webapp import create_app

pytest_plugins = ("tests.smtp",)  # the `smtp` fixture: a real SMTP server on loopback

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "questionnaires").glob("*.yaml")
                 if not p.name.endswith(".cases.yaml"))  # test cases are not questionnaires

HEADER = """\
id: t
version: 1
languages: [sv, en]
title: {sv: Test, en: Test}
sections:
  - id: s
    title: {sv: Avsnitt, en: Section}
    questions:
"""
FIRST_QUESTION_LINE = HEADER.count("\n") + 1  # questions start on this line


def questionnaire_yaml(*questions: str, tail: str = "") -> str:
    """A small questionnaire: `questions` (YAML list items) start at FIRST_QUESTION_LINE."""
    items = "\n".join(textwrap.dedent(part).strip("\n") for part in questions)
    body = textwrap.indent(items, "      ")
    return HEADER + body + "\n" + textwrap.dedent(tail)


@pytest.fixture(scope="session")
def masks():
    """The masks-and-aprons questionnaire, loaded once."""
    from webapp.definitions import load_file

    return load_file(ROOT / "questionnaires" / "ppe-masks-aprons.yaml")


@pytest.fixture
def make_app(tmp_path):
    """An app whose questionnaires/ folder holds the given files."""

    def build(files: dict[str, str] | None = None, **config):
        folder = tmp_path / "questionnaires"
        folder.mkdir(exist_ok=True)
        for name, text in (files or {}).items():
            (folder / name).write_text(text, encoding="utf-8")
        settings = {"TESTING": True, "QUESTIONNAIRES_DIR": folder,
                    "RESPONSES_DIR": tmp_path / "responses"}
        settings.update(config)
        return create_app(settings)

    return build


@pytest.fixture
def app(tmp_path):
    return create_app({"TESTING": True, "RESPONSES_DIR": tmp_path / "responses"})


STAFF_PASSWORD = "a long test password"
#: what a production app (TESTING off) must be told beyond its secret key (config.load):
#: where it is served, and where rate limits are counted (memory://: one process on purpose)
PRODUCTION = {"BASE_URL": "https://kedjekoll.region.example",
              "RATELIMIT_STORAGE_URI": "memory://"}


def signed_in(app, role: str = "reviewer"):
    """A test client signed in as a new staff member with the given role."""
    import re
    import uuid

    from webapp.store.db import unit_of_work
    from webapp.store.staff import add_user

    email = f"{role}-{uuid.uuid4().hex[:8]}@region.example"
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        add_user(session, email, role.title(), role, "test", STAFF_PASSWORD)
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post("/staff/login", data={"csrf_token": token, "email": email,
                                                 "password": STAFF_PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


@pytest.fixture
def client(app):
    """A staff member's client (the previews are for staff)."""
    return signed_in(app)


def own_details(event) -> dict:
    """An audit event's details without the request's stamp (request id, client address),
    which every event recorded during a request carries (webapp/requestlog.py)."""
    return {k: v for k, v in (event.details or {}).items() if k not in ("request_id", "address")}
