"""Staff downloads of a campaign's responses: CSV (responses, tables), XLSX and JSON.

The request's own session records the audit event (the view is marked `@writes`, so on
SQLite it takes the write lock up front) and is committed before the body is sent; the
body is then read by a session of its own, opened inside the streamed
generator, so the export never depends on a unit of work that has already ended. The
XLSX is written to a temporary file (openpyxl's write-only mode) and streamed from disk.

The CSV files come for Swedish Excel or international (`?dialect=sv|en`, by default the
page's language; see `store/dialects.py`). The download name keeps the campaign's own
letters (å, ä, ö): an ASCII `filename` for old clients and the exact name in
`filename*` (RFC 6266 and 5987), as Werkzeug's `send_file` does for evidence files.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from flask import Response as FlaskResponse
from flask import abort, current_app, request, stream_with_context
from flask_login import current_user

from ..access import audience
from ..database import db, writes
from ..rendering import current_language, timezone
from ..store.dialects import DIALECTS, dialect_for
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


def file_name(campaign: Campaign, kind: str, dialect: str = "en") -> str:
    """The download name: the campaign's name in lower case with its own letters (å, ä
    and ö too), words joined by dashes; a Swedish CSV ends in `-sv.csv`."""
    name = unicodedata.normalize("NFC", campaign.name).lower()
    slug = re.sub(r"[\W_]+", "-", name).strip("-")[:60].strip("-") or "campaign"
    end = KINDS[kind][1]
    if kind.endswith(".csv") and dialect == "sv":
        end = end.replace(".csv", "-sv.csv")
    return f"campaign-{campaign.id}-{slug}-{end}"


def attachment_disposition(name: str) -> str:
    """`attachment` with `name`: as is if it is ASCII, else an ASCII look-alike in
    `filename` (letters without their accents) and the name itself in `filename*`."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        quoted = quote(name, safe="!#$&+-.^_`|~")  # RFC 5987 attr-char
        return f'attachment; filename="{simple}"; filename*=UTF-8\'\'{quoted}'
    return f'attachment; filename="{name}"'


def _body(campaign_id: int, kind: str, lang: str, dialect: str, zone: str
          ) -> Iterator[bytes | str]:
    sessions = current_app.extensions["kedjekoll.sessions"]
    with sessions() as session:
        campaign = session.get(Campaign, campaign_id)
        if kind == "responses.csv":
            yield from responses_csv(session, campaign, lang, dialect, zone)
        elif kind == "tables.csv":
            yield from tables_csv(session, campaign, dialect, zone)
        elif kind == "json":
            yield from campaign_json(session, campaign)
        else:
            with tempfile.TemporaryFile() as scratch:
                write_xlsx(session, campaign, scratch, lang, zone)
                session.close()  # release the read transaction before sending
                scratch.seek(0)
                while chunk := scratch.read(CHUNK):
                    yield chunk


@bp.get("/campaigns/<int:campaign_id>/export/responses.csv", defaults={"kind": "responses.csv"})
@bp.get("/campaigns/<int:campaign_id>/export/tables.csv", defaults={"kind": "tables.csv"})
@bp.get("/campaigns/<int:campaign_id>/export/campaign.xlsx", defaults={"kind": "xlsx"})
@bp.get("/campaigns/<int:campaign_id>/export/campaign.json", defaults={"kind": "json"})
@audience("staff")
@writes
def export(campaign_id: int, kind: str):
    """Download a campaign's export, streamed; each download is one audit event. A CSV
    comes in the dialect asked for (`?dialect=sv|en`), else in the page language's."""
    found = db().get(Campaign, campaign_id)
    if found is None or kind not in KINDS:
        abort(404)
    asked = request.args.get("dialect")
    if asked is not None and asked not in DIALECTS:
        abort(400)
    lang = current_language()
    dialect = dialect_for(asked, lang).name
    csv = kind.endswith(".csv")
    record_export(db(), found, current_user.email, kind, **({"dialect": dialect} if csv else {}))
    body = stream_with_context(_body(campaign_id, kind, lang, dialect, timezone()))
    response = FlaskResponse(body, content_type=KINDS[kind][0])
    response.headers["Content-Disposition"] = attachment_disposition(
        file_name(found, kind, dialect))
    response.headers["Cache-Control"] = "no-store"
    return response
