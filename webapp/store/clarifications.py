"""The supplier's replies to clarification requests: a text, and a file where asked.

A reply belongs to the round the supplier is preparing (the one after the request), so
the reviewer reads it beside the answer it explains when that round is submitted. One
reply per question and round; writing again replaces it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..definitions.characters import require_plain
from .audit import record
from .models import Attachment, ClarificationReply, Response, utcnow
from .responses import NotEditable, open_questions
from .status import may_answer

MAX_REPLY = 5000
#: what a reply's file may be: the types evidence questions accept by default
REPLY_FILE_TYPES = ["pdf", "docx", "xlsx", "jpg", "png"]
REPLY_FILE_MB = 20


class ReplyTooLong(ValueError):
    """A reply past MAX_REPLY characters: refused whole, never cut short."""


def replies_of(session: Session, response: Response, round_number: int | None = None
               ) -> dict[str, ClarificationReply]:
    """The replies sent with a round (default: the round being prepared), by question."""
    rows = session.scalars(select(ClarificationReply).where(
        ClarificationReply.response_id == response.id,
        ClarificationReply.round == (round_number or response.round))
        .options(selectinload(ClarificationReply.attachment)))
    return {row.question_id: row for row in rows}


def save_reply(session: Session, response: Response, question_id: str, text: str | None,
               attachment: Attachment | None, actor: str) -> ClarificationReply | None:
    """Store the reply to the request on `question_id`; a new file replaces the old one.

    Only in a clarification round and only on a question asked about (NotEditable);
    `text` None keeps the text there is, an empty text keeps the file, and a reply with
    neither is removed.
    """
    asked = open_questions(session, response)
    if not may_answer(response):
        raise NotEditable("the campaign is closed")
    if asked is None:
        raise NotEditable("replies are written in a clarification round only")
    if question_id not in asked:
        raise NotEditable(f"no clarification was asked on '{question_id}'")
    require_plain(text, multiline=True)  # raises ControlCharacter, on every database alike
    row = replies_of(session, response).get(question_id)
    text = ((row.text if row else None) or "") if text is None else text.strip()
    if len(text) > MAX_REPLY:
        raise ReplyTooLong(f"the reply is longer than {MAX_REPLY} characters")
    if attachment is not None and attachment.response_id != response.id:
        raise LookupError("no such file on this response")
    if row is None:
        if not text and attachment is None:
            return None
        row = ClarificationReply(response_id=response.id, round=response.round,
                                 question_id=question_id)
        session.add(row)
    elif (row.text or "") == text and attachment is None:
        return row  # nothing changed: no event
    row.text = text or None
    if attachment is not None:
        row.attachment_id = attachment.id
        row.attachment = attachment
    if row.text is None and row.attachment_id is None:
        session.delete(row)
        session.flush()
        return None
    row.updated_at = utcnow()
    session.flush()
    record(session, actor, "clarification.replied", response, question=question_id,
           round=response.round, file=row.attachment_id)
    return row
