"""The database in the web app: one engine, and one unit of work per request.

Views call store functions on `db()`; the request commits once, before the response is
sent (so a 2xx is only ever sent for committed work), and a request that raises or
answers 5xx rolls back, in production too (where Flask runs after_request after the
error handler has made the 500 page). Requests that may write (POST and friends) start
their transaction as writers (`BEGIN IMMEDIATE` on SQLite).

A GET changes nothing (shared/security.md S8), except a download's audit event (S18): a
view that writes on GET says so with `@writes`, and its unit of work begins as a writer
too. On SQLite a transaction begun as a read cannot become a write once another writer
has committed (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out): the download
would answer 500 with "database is locked" while suppliers save (R6). An undeclared GET
that adds, changes or deletes a row is refused when it flushes (`UndeclaredWrite`), on
every database, so the mistake shows in the first test that takes the path, not under
load. A streamed download commits its event in `commit` below, before the body is sent;
the body reads with a session of its own, so the write lock is held only for the view.

Only development and tests migrate at start; in production `kedjekoll db upgrade` is a
deploy step, run once before the workers start (several workers migrating at once
collide), and health.py keeps an app on an old database answering 503.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, got_request_exception, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from .requestlog import stamp_audit_events
from .store.db import database_url, make_engine, session_factory, writer
from .store.migrate import upgrade

_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})
READS_ONLY = "kedjekoll_reads_only"  # session.info: the endpoint of a read-only request
View = TypeVar("View", bound=Callable[..., Any])


class UndeclaredWrite(RuntimeError):
    """A GET view wrote to the database without declaring it with `@writes`."""


def writes(view: View) -> View:
    """Declare that a GET view writes (a download's audit event): its request's unit of
    work begins as a writer, as a POST's does, taking SQLite's write lock up front."""
    view.writes = True  # type: ignore[attr-defined]  # functools.wraps carries it outward
    return view


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
    app.extensions["kedjekoll.writer"] = writer(engine)
    factory = session_factory(engine)
    event.listen(factory, "before_flush", stamp_audit_events)
    event.listen(factory, "before_flush", _refuse_undeclared_writes)
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


def _refuse_undeclared_writes(session: Session, _context: Any, _instances: Any) -> None:
    """A read-only request's session never flushes a change (see the module's docstring)."""
    endpoint = session.info.get(READS_ONLY)
    if endpoint is None:
        return
    changed = [*session.new, *session.deleted,
               *(obj for obj in session.dirty if session.is_modified(obj))]
    if changed:
        kinds = ", ".join(sorted({type(obj).__name__ for obj in changed}))
        raise UndeclaredWrite(f"{request.method} {endpoint} writes ({kinds}) without "
                              "declaring it: mark the view @writes (webapp/database.py)")


def _request_writes() -> bool:
    """Whether the request may write: any method but GET, HEAD and OPTIONS, or a view
    marked `@writes`."""
    if request.method not in _READ_ONLY:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes", False))


def db() -> Session:
    """The request's session (created on first use): a writer's when the request may
    write (BEGIN IMMEDIATE on SQLite)."""
    session = g.get("db_session")
    if session is None:
        sessions = current_app.extensions["kedjekoll.sessions"]
        if _request_writes():  # each transaction of it, also after a commit in the view
            session = sessions(bind=current_app.extensions["kedjekoll.writer"])
        else:
            session = sessions()
            session.info[READS_ONLY] = request.endpoint or request.path
        g.db_session = session
    return session
