"""Counting the SQL statements a piece of work costs (tests and benchmarks alike)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, event


def count_statements(engine: Engine, work: Callable[[], object]) -> int:
    """How many statements `engine` runs while `work()` runs."""
    count = 0

    def seen(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", seen)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return count
