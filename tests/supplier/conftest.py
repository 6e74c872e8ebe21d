"""The supplier's web flow under test: an app on a fresh SQLite file with one campaign."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from wtforms import FieldList, FormField, SelectMultipleField

from tests.factories import make_campaign
from webapp import create_app
from webapp.definitions import Questionnaire
from webapp.forms.sections import section_form
from webapp.store.db import unit_of_work
from webapp.supplier.limits import limiter

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="draft_version"[^>]*value="(\d+)"'
                     r'|value="(\d+)"[^>]*name="draft_version"')


@dataclass(repr=False)
class Site:
    app: Flask
    tokens: list[str]
    response_ids: list[int]
    q: Questionnaire

    def __repr__(self) -> str:
        return f"Site(responses={self.response_ids})"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def sessions(self):
        return self.app.extensions["kedjekoll.sessions"]


@pytest.fixture
def site(tmp_path, masks) -> Site:
    app = create_app({"TESTING": True, "RESPONSES_DIR": tmp_path, "WTF_CSRF_ENABLED": True})
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, invitations = make_campaign(session, masks, suppliers=2)
        ids = [r.id for r, _ in invitations]
        tokens = [t for _, t in invitations]
    return Site(app, tokens, ids, masks)


class SupplierClient:
    """A browser stand-in: follows the invitation link, reads tokens, posts forms."""

    def __init__(self, site: Site, token: str):
        self.site = site
        self.client = site.app.test_client()
        self.last = self.client.get(f"/i/{token}")

    def get(self, path: str, **kwargs):
        self.last = self.client.get(path, **kwargs)
        return self.last

    def page(self, path: str) -> str:
        return self.get(path).get_data(as_text=True)

    def csrf(self, html: str | None = None) -> str:
        return CSRF.search(html or self.last.get_data(as_text=True)).group(1)

    def version(self, html: str) -> str:
        found = VERSION.search(html)
        return next(g for g in found.groups() if g)

    def post(self, path: str, data: dict[str, Any], **kwargs):
        self.last = self.client.post(path, data=data, **kwargs)
        return self.last

    def save(self, section_id: str, answers: dict[str, Any], action: str = "save",
             version: str | None = None, extra: dict[str, Any] | None = None, **kwargs):
        """Post a section page as a browser would, filled with `answers`."""
        html = self.page(f"/supplier/section/{section_id}")
        section = next(s for s in self.site.q.sections if s.id == section_id)
        with self.site.app.test_request_context():
            data = form_data(self.site.q, section, answers)
        data.update(csrf_token=self.csrf(html), draft_version=version or self.version(html),
                    action=action, **(extra or {}))
        return self.post(f"/supplier/section/{section_id}", data, **kwargs)


def form_data(q: Questionnaire, section, answers: dict[str, Any]) -> dict[str, Any]:
    """The name/value pairs a browser posts for a section filled with `answers`."""
    form = section_form(q, section, "sv", answers, 0)
    data: dict[str, Any] = {}

    def walk(fields):
        for field in fields:
            if field.name in ("csrf_token", "draft_version"):
                continue
            if isinstance(field, FieldList):
                for entry in field.entries:
                    walk(entry.form if isinstance(entry, FormField) else [entry])
            elif isinstance(field, FormField):
                walk(field.form)
            elif isinstance(field, SelectMultipleField):
                if field.data:
                    data[field.name] = list(field.data)
            elif field.type in ("MultipleFileField", "FileField"):
                continue
            else:
                value = field.data if field.type in ("RadioField", "SelectField") \
                    else field._value()
                if value not in (None, "", "None"):
                    data[field.name] = value
    walk(form)
    return data


@pytest.fixture
def supplier(site) -> SupplierClient:
    client = SupplierClient(site, site.tokens[0])
    return client
