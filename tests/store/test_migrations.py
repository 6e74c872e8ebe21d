"""The migrations build the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from webapp.store.db import make_engine
from webapp.store.models import Base


def test_models_and_migrations_agree(fresh_url):
    engine = make_engine(fresh_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert set(Base.metadata.tables) <= tables and "alembic_version" in tables


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    from webapp.store.db import BUSY_TIMEOUT_MS

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_write_transactions_begin_immediate(tmp_path):
    from sqlalchemy import event, text
    from sqlalchemy.orm import Session

    from webapp.store.db import begin_write

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *a: seen.append(statement))
    with Session(engine) as session:
        session.execute(text("select 1"))
        session.rollback()
        begin_write(session)
        session.execute(text("select 1"))
        session.rollback()
    engine.dispose()
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"]



def test_deviation_notes_survive_migration_0004_both_ways(fresh_url, masks):
    """0004 turns the supplier's one note into the first report, and back on downgrade."""
    from datetime import date, timedelta

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from tests.store.test_reviews import require_plan, submitted
    from webapp.store import action_plans
    from webapp.store.migrate import downgrade, upgrade

    engine = make_engine(fresh_url)
    with Session(engine) as session:
        _, response = submitted(session, masks)
        reviewer = require_plan(session, response)
        deviation = action_plans.add_deviation(session, response, "major", "Övertid", "VD",
                                               date.today() + timedelta(30), reviewer)
        action_plans.report_progress(session, response, deviation.id, "Schema ändrat",
                                     "leverantören")
        session.commit()
        deviation_id = deviation.id

    downgrade(engine, "0003")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT supplier_note FROM deviation WHERE id = :i"),
                                  {"i": deviation_id}).scalar() == "Schema ändrat"
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT by_supplier, status, note FROM deviation_report WHERE deviation_id = :i"),
            {"i": deviation_id}).all()
    engine.dispose()
    assert [(bool(b), s, n) for b, s, n in rows] == [(True, "in_progress", "Schema ändrat")]
