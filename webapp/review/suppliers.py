"""Staff pages for suppliers: the list, and importing suppliers and contacts from CSV.

The import is two steps. Uploading shows a preview (what will be created, updated or
left unchanged, and every line that cannot be imported); "Import" then sends the same
decoded text back in a hidden field (base64, under CSRF protection) and the store
re-checks it before writing. No file is written to disk.

The import is stored in batches, each its own short transaction (store/supplier_import.py
`import_file`), so the request first ends the transaction it began as a writer: a
10,000-row file never holds the write lock for more than one batch, and suppliers
saving meanwhile wait a fraction of a second at most (shared/security.md R6). No
request stores for longer than IMPORT_SECONDS, far inside the workers' 30-second
timeout: a file that takes longer (a slow database, a busy server) stops after a whole
batch and the page offers to continue, which imports the same file again, so what was
stored is found and only the rest is added. The counts shown at the end add up the
requests (carried in the form; they are only shown, never trusted for anything else).
"""

from __future__ import annotations

import base64
import binascii
import time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import audience
from ..database import db
from ..requestlog import request_id
from ..store.supplier_csv import HEADERS, MAX_BYTES, parse_bytes, parse_text
from ..store.supplier_import import import_file, import_rows
from ..store.suppliers import suppliers_list
from ..supplier.limits import limiter
from . import bp

#: how long one request may store before it offers to continue
IMPORT_SECONDS = 15.0

#: the problem codes of store.supplier_csv, as staff read them
PROBLEM_TEXT = {
    "empty_file": _("The file holds no rows."),
    "too_large": _("The file is larger than 2 MB."),
    "too_many_rows": _("The file has more than 10,000 rows; split it."),
    "missing_column": _("A required column is missing"),
    "unknown_column": _("This column header is not recognised"),
    "repeated_column": _("Two columns mean the same"),
    "extra_values": _("The row has more values than there are columns"),
    "no_org_number": _("The organisation number is missing."),
    "no_name": _("The supplier name is missing."),
    "bad_email": _("The e-mail address is not valid"),
    "no_email": _("The contact has no e-mail address"),
    "unknown_country": _("Not an ISO 3166 two-letter country code"),
    "bad_language": _("The language must be sv or en"),
    "duplicate_org_number": _("The organisation number is already on an earlier line (in "
                               "brackets) with another name or country"),
    "duplicate_row": _("The same supplier, contact and agreement are already on an earlier "
                        "line"),
    "unknown_agreement": _("No framework agreement has this reference"),
    "control_character": _("The value holds an invisible control character (its code in "
                           "brackets); remove it in the file"),
}


@bp.get("/suppliers")
@audience("staff")
def suppliers():
    """Every supplier with organisation number, country, contacts and agreements."""
    return render_template("review/suppliers.html", suppliers=suppliers_list(db()))


def _render_import(result=None, text: str = "", status: int = 200, no_file: bool = False,
                   progress: dict[str, int] | None = None):
    carried = base64.b64encode(text.encode("utf-8")).decode("ascii") if text else ""
    return render_template("review/suppliers_import.html", result=result, carried=carried,
                           headers=HEADERS, problem_text=PROBLEM_TEXT,
                           max_mb=MAX_BYTES // (1024 * 1024), no_file=no_file,
                           progress=progress), status


def _carried_count(name: str) -> int:
    """A count an earlier request of the same import left in the form (0 if none)."""
    value = request.form.get(name, "")
    return min(int(value), 10**6) if value.isdigit() and len(value) <= 7 else 0


@bp.route("/suppliers/import", methods=["GET", "POST"])
@audience("staff")
@limiter.limit("30 per minute", methods=["POST"])
def import_suppliers():
    """Upload shows the preview; confirming imports the rows shown in it."""
    if request.method == "GET":
        return _render_import()
    if request.form.get("action") == "import":
        try:
            text = base64.b64decode(request.form.get("carried", ""), validate=True
                                    ).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            abort(400)
        if not text or len(text.encode("utf-8")) > MAX_BYTES:
            abort(400)
        parsed = parse_text(text)
        parsed.encoding = request.form.get("encoding", "UTF-8")[:20]
        actor = current_user.email
        db().commit()  # the batches below are transactions of their own
        result = import_file(current_app.extensions["kedjekoll.sessions"], parsed, actor,
                             stamp={"request_id": request_id(),
                                    "address": request.remote_addr},
                             deadline=time.monotonic() + IMPORT_SECONDS)
        created = _carried_count("created") + result.count("create")
        updated = _carried_count("updated") + result.count("update")
        unchanged = max(0, result.count("create") + result.count("update")
                        + result.count("unchanged") - created - updated)
        if not result.finished:
            return _render_import(text=text, progress={
                "done": result.rows_done, "total": result.rows_total, "created": created,
                "updated": updated, "encoding": parsed.encoding})
        flash(ngettext("Imported: %(created)s new, %(updated)s updated, %(unchanged)s "
                       "unchanged suppliers; %(num)s line left out.",
                       "Imported: %(created)s new, %(updated)s updated, %(unchanged)s "
                       "unchanged suppliers; %(num)s lines left out.",
                       len({p.line for p in result.problems}),
                       created=created, updated=updated, unchanged=unchanged), "saved")
        return redirect(url_for("review.suppliers"), 303)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render_import(status=400, no_file=True)
    try:
        raw = upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    parsed = parse_bytes(raw)
    result = import_rows(db(), parsed, current_user.email, apply=False)
    return _render_import(result, parsed.text if result.suppliers else "")
