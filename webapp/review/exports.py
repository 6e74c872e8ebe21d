"""Staff downloads of a campaign's responses: CSV (responses, tables), XLSX and JSON.

The request's own session records the audit event and is committed before the body is
sent; the body is then read by a session of its own, opened inside the streamed
generator, so the export never depends on a unit of work that has already ended. The
XLSX is written to a temporary file (openpyxl's write-only mode) and streamed from disk.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator

from flask import Response as FlaskResponse
from flask import abort, current_app, stream_with_context
from flask_babel import get_locale
from flask_login import current_user

from ..access import audience
from ..database import db
from ..store.export_json import campaign_json
from ..store.exports import record_export, responses_csv, tables_csv
from ..store.models import Campaign
from ..store.workbook import write_xlsx
from . import bp

CHUNK = 64 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: kind in the URL -> (content type, end of the file name)
KINDS = {
    "responses.csv": ("text/csv; charset=utf-8", "responses.csv"),
    "tables.csv": ("text/csv; charset=utf-8", "tables.csv"),
    "xlsx": (XLSX, "responses.xlsx"),
    "json": ("application/json", "responses.json"),
}


def file_name(campaign: Campaign, kind: str) -> str:
    """A download name of plain ASCII letters, digits and dashes: nothing to escape."""
    slug = re.sub(r"[^a-z0-9]+", "-", campaign.name.lower().encode("ascii", "ignore").decode())
    slug = slug.strip("-")[:60] or "campaign"
    return f"campaign-{campaign.id}-{slug}-{KINDS[kind][1]}"


def _body(campaign_id: int, kind: str, lang: str) -> Iterator[bytes | str]:
    sessions = current_app.extensions["kedjekoll.sessions"]
    with sessions() as session:
        campaign = session.get(Campaign, campaign_id)
        if kind == "responses.csv":
            yield from responses_csv(session, campaign, lang)
        elif kind == "tables.csv":
            yield from tables_csv(session, campaign)
        elif kind == "json":
            yield from campaign_json(session, campaign)
        else:
            with tempfile.TemporaryFile() as scratch:
                write_xlsx(session, campaign, scratch, lang)
                session.close()  # release the read transaction before sending
                scratch.seek(0)
                while chunk := scratch.read(CHUNK):
                    yield chunk


@bp.get("/campaigns/<int:campaign_id>/export/responses.csv", defaults={"kind": "responses.csv"})
@bp.get("/campaigns/<int:campaign_id>/export/tables.csv", defaults={"kind": "tables.csv"})
@bp.get("/campaigns/<int:campaign_id>/export/campaign.xlsx", defaults={"kind": "xlsx"})
@bp.get("/campaigns/<int:campaign_id>/export/campaign.json", defaults={"kind": "json"})
@audience("staff")
def export(campaign_id: int, kind: str):
    """Download a campaign's export, streamed; each download is one audit event."""
    found = db().get(Campaign, campaign_id)
    if found is None or kind not in KINDS:
        abort(404)
    record_export(db(), found, current_user.email, kind)
    body = stream_with_context(_body(campaign_id, kind, str(get_locale() or "sv")))
    response = FlaskResponse(body, content_type=KINDS[kind][0])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(found, kind)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
