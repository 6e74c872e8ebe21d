"""Kedjekoll: supply-chain due-diligence questionnaires for public procurement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from . import config as app_config
from .access import check_audiences
from .database import init_database
from .definitions import Catalogue
from .evidence import init_evidence
from .health import init_health
from .i18n import init_i18n
from .rendering import init_rendering
from .requestlog import init_request_log
from .security import init_security

csrf = CSRFProtect()


class IdConverter(IntegerConverter):
    """`<int:...>` in a route, at most the largest id the database holds: a larger
    number matches no route (404) instead of overflowing the driver (R9)."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        from .store.models import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The application factory: configuration, questionnaires (parsed once), blueprints.

    `gunicorn 'webapp:create_app()'` serves it (docs/deploy.md). A configuration that
    cannot work raises ConfigError, one line naming the variable.
    """
    app = Flask(__name__)
    app.url_map.converters["int"] = IdConverter
    app.config.update(
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
    )
    app.config.update(app_config.load(config))
    catalogue = Catalogue.load(app.config["QUESTIONNAIRES_DIR"])
    for failed in catalogue.failed:
        for problem in failed.problems:
            app.logger.error("questionnaire not loaded: %s", problem.format())
    app.extensions["kedjekoll.catalogue"] = catalogue
    init_request_log(app)  # first: its after_request runs last, after the commit
    init_database(app)
    init_evidence(app)
    init_health(app)
    init_i18n(app)
    init_security(app)
    init_rendering(app)
    csrf.init_app(app)

    from .auth import bp as auth_bp
    from .auth.login import init_login
    from .author import bp as author_bp
    from .review import bp as review_bp
    from .supplier import bp as supplier_bp
    from .supplier.errors import init_errors
    from .supplier.limits import init_limits

    init_limits(app)
    init_login(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(author_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(supplier_bp)
    init_errors(app)
    check_audiences(app)
    return app


__all__ = ["create_app", "csrf"]
