"""Table rows added and removed without JavaScript, by the page's submit buttons.

"Add row" (`action=add:<table>`) and "Remove row 2" (`action=remove:<table>:1`) save the
page like "Save draft" and bring it back. Rows with no value are never stored, so the
page is sent back with `?add=<table>` once for each blank row it had: an empty table
shows two blank rows after "Add row", not one, and the new row's card is in view.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from werkzeug.datastructures import MultiDict

from ..definitions import Section
from ..definitions.questions import TableQuestion

MAX_BLANK_ROWS = 20  # blank rows a page keeps after a row is added without JavaScript


def extra_rows(section: Section, args: MultiDict) -> dict[str, int]:
    """Blank rows to show after the saved ones, from `?add=<table>` (capped)."""
    tables = {x.id: x for x in section.questions if isinstance(x, TableQuestion)}
    wanted = Counter(t for t in args.getlist("add") if t in tables)
    return {t: min(n, tables[t].max_rows or MAX_BLANK_ROWS, MAX_BLANK_ROWS)
            for t, n in wanted.items()}


def apply_row_action(form, action: str) -> None:
    """Remove the row named by `remove:<table>:<position>`, or add a blank one."""
    if action.startswith("remove:"):
        _, table_id, index = (action.split(":") + ["", ""])[:3]
        field = form._fields.get(table_id)
        if field is not None and index.isdigit() and int(index) < len(field.entries):
            del field.entries[int(index)]
    elif action.startswith("add:"):
        field = form._fields.get(action.split(":", 1)[1])
        if field is not None and hasattr(field, "append_entry"):
            field.append_entry()


def after_row_action(action: str, after: dict[str, Any], blanks: dict[str, int]
                     ) -> tuple[dict[str, list[str]], str]:
    """The query (`add` once per blank row) and the anchor to come back to: the new
    row's card `#<table>-<index>` after "Add row", the table after a removal."""
    table = action.split(":")[1] if ":" in action else ""
    saved = after.get(table) if isinstance(after.get(table), list) else []
    last = len(saved) + blanks.get(table, 0) - 1
    anchor = f"#{table}-{last}" if action.startswith("add:") and last >= 0 else f"#q-{table}"
    return {"add": [t for t, n in blanks.items() for _ in range(n)]}, anchor
