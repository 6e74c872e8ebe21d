"""The database in the web app: one engine, and one unit of work per request.

Views call store functions on `db()`; the request commits once, before the response is
sent (so a 2xx is only ever sent for committed work), and a request that raises or
answers 5xx rolls back, in production too (where Flask runs after_request after the
error handler has made the 500 page). Requests that may write (POST and friends) start
their transaction as writers (`BEGIN IMMEDIATE` on SQLite).

Only development and tests migrate at start; in production `kedjekoll db upgrade` is a
deploy step, run once before the workers start (several workers migrating at once
collide), and health.py keeps an app on an old database answering 503.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, got_request_exception, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from .requestlog import stamp_audit_events
from .store.db import begin_write, database_url, make_engine, session_factory
from .store.migrate import upgrade

_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


def migrates_at_start(config: dict) -> bool:
    """Development and tests bring the database up to date when the app starts."""
    relaxed = bool(config.get("DEBUG") or config.get("TESTING") or config.get("DEV"))
    return bool(config.get("DATABASE_UPGRADE", relaxed))


def init_database(app: Flask) -> None:
    url = database_url(app.config["RESPONSES_DIR"], app.config.get("DATABASE_URL"))
    engine = make_engine(url)
    if migrates_at_start(app.config):
        upgrade(engine)
    app.extensions["kedjekoll.engine"] = engine
    factory = session_factory(engine)
    event.listen(factory, "before_flush", stamp_audit_events)
    app.extensions["kedjekoll.sessions"] = factory
    _compose_mail(app)
    got_request_exception.connect(_failed, app)

    @app.after_request
    def commit(response: Response) -> Response:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            try:
                if response.status_code >= 500 or g.pop("request_failed", False):
                    session.rollback()
                else:
                    session.commit()
            finally:
                session.close()
        return response

    @app.teardown_request
    def rollback(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:  # not committed: the request failed
            session.rollback()
            session.close()


def _failed(_sender: Flask, **_extra) -> None:
    """An exception escaped the view: whatever the error page says, nothing commits."""
    g.request_failed = True


def _compose_mail(app: Flask) -> None:
    """Sessions of the app queue mail when the buyer acts (store/notices.py), in the
    words of the app's buyer."""
    from .mailer import general_contact
    from .mailtext import MailText
    from .store.notices import COMPOSE

    app.extensions["kedjekoll.sessions"].configure(info={COMPOSE: MailText(
        str(app.config["BUYER_NAME"]), general_contact(app.config))})


def db() -> Session:
    """The request's session (created on first use)."""
    session = g.get("db_session")
    if session is None:
        session = current_app.extensions["kedjekoll.sessions"]()
        if request.method not in _READ_ONLY:
            begin_write(session)
        g.db_session = session
    return session
