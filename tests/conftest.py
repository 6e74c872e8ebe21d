"""Shared fixtures: small inline questionnaires, an app over a folder of them, a client."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "questionnaires").glob("*.yaml"))

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


@pytest.fixture
def client(app):
    return app.test_client()
