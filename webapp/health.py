"""Health checks for load balancers and service managers, and the 503 of an app whose
database is not ready.

`/healthz` answers 200 while the process runs. `/readyz` answers 200 when the database
answers and is at the newest migration, the active evidence storage takes a real
write (KEDJEKOLL_FILE_STORAGE=local: a temporary file written, synced and removed, as a
permission check can pass on a full or read-only disk; database: a row written and
deleted in a committed transaction) and the rate-limit storage (Redis) answers; else
503 with the reason of each failed check in JSON. Neither needs a session, and neither
shows a path, an address or an error text that might hold a secret.

An app started on a database behind the code (or empty) logs one line saying what to
run and answers every page but these two with a 503 page, until `kedjekoll db upgrade`
has run: no worker fails to boot, and nothing half-works on a missing table.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from .access import audience
from .evidence import evidence
from .store.migrate import pending
from .supplier.limits import limit_storage_problem

bp = Blueprint("health", __name__)
log = logging.getLogger("kedjekoll")
_OPEN = frozenset({"health.healthz", "health.readyz", "static"})


@bp.get("/healthz")
@audience("public")
def healthz():
    """The process runs and answers."""
    return jsonify(status="ok")


@bp.get("/readyz")
@audience("public")
def readyz():
    """Ready for traffic: database, migrations, evidence storage, rate-limit storage."""
    checks = {"database": database_problem(current_app.extensions["kedjekoll.engine"]),
              "files": evidence().probe(),
              "rate limits": limit_storage_problem()}
    ready = not any(checks.values())
    body = {"status": "ready" if ready else "not ready",
            "checks": {name: problem or "ok" for name, problem in checks.items()}}
    return jsonify(body), 200 if ready else 503


def database_problem(engine: Engine) -> str | None:
    """None when the database answers and is at the newest migration, else why not."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            return pending(connection)
    except SQLAlchemyError as exc:
        return f"the database does not answer ({type(exc).__name__})"


def init_health(app: Flask) -> None:
    """Register the checks, and hold pages back while the database is not ready."""
    app.register_blueprint(bp)
    engine = app.extensions["kedjekoll.engine"]
    problem = database_problem(engine)
    engine.dispose()  # gunicorn --preload: the master keeps no connection for the workers
    app.extensions["kedjekoll.not_ready"] = problem
    if problem:
        log.error("kedjekoll: not ready: %s; run `kedjekoll db upgrade`, then the app "
                  "serves without a restart", problem)

    @app.before_request
    def hold_back_until_migrated():
        if not app.extensions["kedjekoll.not_ready"] or request.endpoint in _OPEN:
            return None
        still = database_problem(engine)
        app.extensions["kedjekoll.not_ready"] = still
        if still is None:
            log.info("kedjekoll: the database is ready now")
            return None
        return render_template("unavailable.html"), 503
