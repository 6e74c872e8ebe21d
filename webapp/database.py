"""The database in the web app: one engine, and one unit of work per request.

Views call store functions on `db()`; the request commits once, before the response is
sent (so a 2xx is only ever sent for committed work), and anything that raises rolls
back. Requests that may write (POST and friends) start their transaction as writers
(`BEGIN IMMEDIATE` on SQLite).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session

from .store.db import begin_write, database_url, make_engine, session_factory
from .store.migrate import upgrade

_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


def init_database(app: Flask) -> None:
    url = database_url(app.config["RESPONSES_DIR"], app.config.get("DATABASE_URL"))
    engine = make_engine(url)
    if app.config.get("DATABASE_UPGRADE", True):
        upgrade(engine)
    app.extensions["kedjekoll.engine"] = engine
    app.extensions["kedjekoll.sessions"] = session_factory(engine)
    _compose_mail(app)

    @app.after_request
    def commit(response: Response) -> Response:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            try:
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
