"""Evidence files in the web app: the stores chosen by KEDJEKOLL_FILE_STORAGE, and the
download every audience gets.

Uploads call `evidence().store(db(), stream, limit)`; the bytes go to the active store
(store/blobs.py) in the request's transaction. A download is always an attachment with
the checked media type (S2), its ETag the file's SHA-256, and Range requests answered.
Its body is read a piece at a time after the request's session has been committed and
closed: from disk, or from the database through short connections of its own.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, send_file
from flask import Response as FlaskResponse

from .store.blobs import Evidence
from .store.blobs import evidence as evidence_stores
from .store.models import Attachment


def init_evidence(app: Flask) -> None:
    """Build the stores once, on the app's engine and evidence folder."""
    app.extensions["kedjekoll.evidence"] = evidence_stores(
        app.config["FILE_STORAGE"], Path(app.config["RESPONSES_DIR"]) / "files",
        app.extensions["kedjekoll.engine"])


def evidence() -> Evidence:
    """The current app's evidence stores."""
    return current_app.extensions["kedjekoll.evidence"]


def download(attachment: Attachment) -> FlaskResponse:
    """The attachment's bytes as a streamed download under its own name."""
    body = evidence().open(attachment.sha256)
    response = send_file(body, mimetype=attachment.media_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0,
                         conditional=False, etag=attachment.sha256)
    response.content_length = attachment.size
    return response.make_conditional(request.environ, accept_ranges=True,
                                     complete_length=attachment.size)
