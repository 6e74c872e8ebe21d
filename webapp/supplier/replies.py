"""The supplier's replies to clarification requests, saved with the section they are on.

Each request on a question of the section has a text box (`reply-<question>`) and, when
the reviewer asked for a document, a file input (`reply-file-<question>`). A file is
stored the moment it arrives, whatever else on the page fails; a problem is returned as
(field id, message) for the page's error summary, and what was typed is kept.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict

from ..definitions import Section
from ..definitions.characters import ControlCharacter, control_message
from ..evidence import evidence
from ..store.clarifications import (
    MAX_REPLY,
    REPLY_FILE_MB,
    REPLY_FILE_TYPES,
    ReplyTooLong,
    save_reply,
)
from ..store.files import attach
from ..store.models import Attachment, Response
from .uploads import UploadRefused, check_upload, message

REPLY, REPLY_FILE = "reply-", "reply-file-"


def save_replies(session: Session, response: Response, section: Section,
                 requests: dict[str, str], form: MultiDict, files: MultiDict, actor: str,
                 lang: str) -> list[tuple[str, str]]:
    """Store the replies of the section's requests; returns the problems to show."""
    problems: list[tuple[str, str]] = []
    for question in section.questions:
        if question.id not in requests or REPLY + question.id not in form:
            continue
        text = form.get(REPLY + question.id, "")
        attachment = None
        upload: FileStorage | None = files.get(REPLY_FILE + question.id)
        if upload is not None and upload.filename:
            try:
                attachment = _store(session, response, question.id, upload, actor)
            except UploadRefused as exc:
                problems.append((REPLY_FILE + question.id, message(exc, lang)))
        try:
            save_reply(session, response, question.id, text, attachment, actor)
        except ReplyTooLong:
            if attachment is not None:  # the file is kept even so
                save_reply(session, response, question.id, None, attachment, actor)
            problems.append((REPLY + question.id, _(
                "The reply is longer than %(n)s characters; shorten it and save again.",
                n=MAX_REPLY)))
        except ControlCharacter as refused:
            if attachment is not None:
                save_reply(session, response, question.id, None, attachment, actor)
            problems.append((REPLY + question.id, control_message(
                refused.char, lang, _("Your reply to the reviewer"))))
    return problems


def _store(session: Session, response: Response, question_id: str, upload: FileStorage,
           actor: str) -> Attachment:
    limit = REPLY_FILE_MB * 1024 * 1024
    media_type = check_upload(upload.filename or "", upload.stream, REPLY_FILE_TYPES, limit)
    sha256, size = evidence().store(session, upload.stream, limit)
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return attach(session, response, f"reply:{question_id}", sha256, size, media_type, name,
                  actor)
