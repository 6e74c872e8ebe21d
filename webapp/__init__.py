"""Kedjekoll: supply-chain due-diligence questionnaires for public procurement."""

from __future__ import annotations

from typing import Any

from flask import Flask

from . import config as app_config
from .definitions import Catalogue
from .rendering import init_rendering
from .security import init_security


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The application factory: configuration, questionnaires (parsed once), blueprints."""
    app = Flask(__name__)
    app.config.update(app_config.load(config))
    catalogue = Catalogue.load(app.config["QUESTIONNAIRES_DIR"])
    for failed in catalogue.failed:
        for problem in failed.problems:
            app.logger.error("questionnaire not loaded: %s", problem.format())
    app.extensions["kedjekoll.catalogue"] = catalogue
    init_security(app)
    init_rendering(app)

    from .author import bp as author_bp

    app.register_blueprint(author_bp)
    return app
