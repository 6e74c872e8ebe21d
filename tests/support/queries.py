"""Counting the SQL statements a piece of work costs (tests and benchmarks alike)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, event


def count_statements(engine: Engine, work: Callable[[], object]) -> int:
    """How many statements `engine` runs while `work()` runs."""
    return statements_by_kind(engine, work)["all"]


def statements_by_kind(engine: Engine, work: Callable[[], object]) -> dict[str, int]:
    """How many statements `engine` runs while `work()` runs: {"select": reads, "all": all}."""
    seen = {"select": 0, "all": 0}

    def count(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen["all"] += 1
        seen["select"] += statement.lstrip().upper().startswith("SELECT")

    event.listen(engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen
