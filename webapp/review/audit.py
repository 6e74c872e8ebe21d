"""The audit log for administrators: filtered, a page at a time, and as a CSV download.

Filters (campaign, supplier, person, action, and a range of days in the buyer's time
zone) are read from the query string, applied in SQL (store.audit_log) and kept in
every link of the page: the next page, the other language and the download. A day
that cannot be read is said next to its field and left out of the filter.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Response as FlaskResponse
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import audience
from ..database import db, writes
from ..formats import zone
from ..forms.text import text_problem
from ..rendering import current_language, local_today, timezone
from ..store import audit_log
from ..store.audit import record
from ..store.exports import safe
from ..store.models import MAX_ID, AuditEvent, StaffUser
from . import bp
from .audit_rows import Reader
from .audit_words import ACTIONS, action_name

PAGE_SIZE = 100
SEPARATORS = {"semicolon": ";", "comma": ","}
FILTER_KEYS = ("campaign", "supplier", "actor", "action", "from", "to")


def _id(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID else None


def _day(raw: str) -> date:
    return date.fromisoformat(raw)  # raises ValueError for anything but YYYY-MM-DD


def read_filters(args: Mapping[str, str], tz: str
                 ) -> tuple[audit_log.AuditFilter, dict[str, str], dict[str, str]]:
    """(the filter, the values to keep in links, an error per field that cannot be read)."""
    kept: dict[str, str] = {}
    errors: dict[str, str] = {}
    campaign, supplier = _id(args.get("campaign")), _id(args.get("supplier"))
    if campaign is not None:
        kept["campaign"] = str(campaign)
    if supplier is not None:
        kept["supplier"] = str(supplier)
    actor = (args.get("actor") or "").strip()[:300] or None
    action = (args.get("action") or "").strip()[:60] or None
    for key, value, label in (("actor", actor, _("Who")), ("action", action, _("Action"))):
        problem = text_problem(value or "", field=label)
        if problem:  # never a query: PostgreSQL refuses a NUL where SQLite matches nothing
            errors[key] = problem
    actor = None if "actor" in errors else actor
    action = None if "action" in errors else action
    if actor:
        kept["actor"] = actor
    if action:
        kept["action"] = action
    days: dict[str, date] = {}
    for key in ("from", "to"):
        raw = (args.get(key) or "").strip()[:40]
        if not raw:
            continue
        try:
            days[key] = _day(raw)
        except ValueError:
            errors[key] = _("Write the day as YYYY-MM-DD, for example %(example)s.",
                            example=local_today().isoformat())
            continue
        kept[key] = raw
    if "from" in days and "to" in days and days["from"] > days["to"]:
        errors["to"] = _("The last day is before the first day.")
        del days["to"], kept["to"]
    place = zone(tz)
    start = datetime.combine(days["from"], time.min, place).astimezone(UTC) \
        if "from" in days else None
    end = datetime.combine(days["to"] + timedelta(days=1), time.min, place).astimezone(UTC) \
        if "to" in days else None
    return (audit_log.AuditFilter(campaign=campaign, supplier=supplier, actor=actor,
                                  action=action, start=start, end=end), kept, errors)


def _link(endpoint: str, arguments: dict[str, Any], anchor: str | None) -> str | None:
    """A link to a staff page, or None where the app has no such page."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, _anchor=anchor, **arguments)


def _choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    """The options of each filter: campaigns, suppliers, people and actions in words."""
    session = db()
    staff = {e: n for e, n in session.execute(select(StaffUser.email, StaffUser.name))}
    people = [(a, f"{staff[a]} <{a}>" if a in staff else a)
              for a in audit_log.staff_actors(session)]
    people.append((audit_log.SUPPLIERS, _("Suppliers' contacts (all)")))
    codes = set(ACTIONS) | set(audit_log.actions(session))
    return {
        "campaign": [(str(i), n) for i, n in audit_log.campaigns(session)],
        "supplier": [(str(i), n) for i, n in audit_log.suppliers(session)],
        "actor": people,
        "action": sorted(((c, action_name(c, lang)) for c in codes),
                         key=lambda pair: pair[1].casefold()),
    }


def _render(chosen: audit_log.AuditFilter, kept: dict[str, str], errors: dict[str, str],
            status: int = 200):
    lang = current_language()
    total = audit_log.count(db(), chosen)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    events = audit_log.page(db(), chosen, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    reader = Reader(audit_log.names_for(db(), events), lang, _link, timezone())
    typed = {key: (request.args.get(key) or "").strip()[:40] for key in ("from", "to")}
    return render_template(
        "review/audit.html", lines=[reader.line(e) for e in events], page=number,
        pages=pages, total=total, kept=kept, errors=errors, typed=typed,
        choices=_choices(lang), filtered=bool(kept)), status


@bp.get("/audit", endpoint="audit_log")
@audience("admin")
def audit_log_page():
    """The audit trail, newest first, a page at a time, filtered as asked."""
    chosen, kept, errors = read_filters(request.args, timezone())
    return _render(chosen, kept, errors)


@bp.get("/audit.csv")
@audience("admin")
@writes
def audit_csv():
    """The filtered audit trail as CSV: UTF-8 with BOM, `;` in Swedish and `,` in English
    (or as `sep=semicolon|comma` says), streamed; the download is itself audited."""
    chosen, kept, errors = read_filters(request.args, timezone())
    if errors:
        return _render(chosen, kept, errors, 400)
    lang = current_language()
    separator = SEPARATORS.get(request.args.get("sep", ""), ";" if lang == "sv" else ",")
    record(db(), current_user.email, "audit.exported", None,
           **({"filters": kept} if kept else {}))
    headers = [_("Time"), _("Who"), _("Action"), _("Action code"), _("Object type"),
               _("Object"), _("Object id"), _("Details"), _("Details (JSON)")]
    body = _csv_body(current_app.extensions["kedjekoll.sessions"], chosen, headers, lang,
                     separator, timezone())
    response = FlaskResponse(body, content_type="text/csv; charset=utf-8")
    name = "handelselogg" if lang == "sv" else "audit-log"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{name}-{local_today().isoformat()}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _csv_body(sessions: Any, chosen: audit_log.AuditFilter, headers: list[str], lang: str,
              separator: str, tz: str) -> Iterator[str]:
    """The rows in chunks, read by a session of the body's own (the request's has ended)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    writer.writerow([safe(h) for h in headers])
    with sessions() as session:
        for batch in audit_log.batches(session, chosen):
            reader = Reader(audit_log.names_for(session, batch), lang, tz=tz)
            for event in batch:
                writer.writerow([safe(cell) for cell in _csv_cells(reader, event)])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def _csv_cells(reader: Reader, event: AuditEvent) -> list[Any]:
    line = reader.line(event)
    return [reader.when(event.at), line.actor.text, line.action, event.action, line.kind,
            line.object.text if line.object else "",
            event.object_id if event.object_id is not None else "",
            "; ".join(f"{label}: {value.text}" for label, value in line.details),
            json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True)]
