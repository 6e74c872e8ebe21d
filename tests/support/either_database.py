"""An app with CSRF checks on, on a fresh database of the kind a fixture's param names
("sqlite" or "postgresql"): for modules that test every form on both databases."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask

from tests.store.conftest import new_database
from webapp import create_app


def app_on_either(request, tmp_path_factory) -> Iterator[Flask]:
    """Yield the app for a module-scoped fixture, then drop its database connections."""
    folder = tmp_path_factory.mktemp("control")
    url = new_database(request.param, folder, request)
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder, "WTF_CSRF_ENABLED": True,
                      "DATABASE_URL": url})
    yield app
    app.extensions["kedjekoll.engine"].dispose()
