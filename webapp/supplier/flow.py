"""The supplier's progress through a questionnaire: section states, saving a section page.

Kept apart from the views so each view stays a few lines: read the request, call one
function here or in the store, render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..definitions import Questionnaire, Section
from ..definitions.expressions import is_answered
from ..definitions.questions import FileQuestion, TableQuestion
from ..definitions.rounds import changed_questions
from ..definitions.scoring import visibility
from ..definitions.validation import AnswerError, validate
from ..evidence import evidence
from ..forms.fields import KEEP_SUFFIX
from ..forms.sections import SectionForm, read_answers
from ..store.files import attach
from ..store.models import Attachment, Response
from ..store.responses import DraftConflict, draft_answers, save_draft
from .uploads import UploadRefused, check_upload, message

NOT_STARTED, IN_PROGRESS, COMPLETE, HAS_ERRORS = ("not_started", "in_progress", "complete",
                                                  "has_errors")


@dataclass
class SectionState:
    section: Section
    state: str
    missing: list[str] = field(default_factory=list)  # required question ids unanswered


def section_states(q: Questionnaire, answers: dict[str, Any]) -> list[SectionState]:
    """Each shown section's state, from one full validation of the draft."""
    seen = visibility(q, answers)
    errors = validate(q, answers, full=True)
    by_question: dict[str, list[AnswerError]] = {}
    for error in errors:
        by_question.setdefault(error.question_id, []).append(error)
    states = []
    for section in q.sections:
        if section.id not in seen.sections:
            continue
        ids = [x.id for x in section.questions if x.id in seen.questions and x.answerable]
        given = [i for i in ids if is_answered(seen.answers.get(i))]
        problems = [e for i in ids for e in by_question.get(i, [])]
        missing = [e.question_id for e in problems if e.code == "required" and e.row is None]
        if not ids:
            state = COMPLETE  # only notes to read
        elif not given:
            state = NOT_STARTED
        elif not problems:
            state = COMPLETE
        elif any(e.code != "required" for e in problems):
            state = HAS_ERRORS
        else:
            state = IN_PROGRESS
        states.append(SectionState(section, state, missing))
    return states


def incomplete_rows(q: Questionnaire, section: Section, answers: dict[str, Any]
                    ) -> list[AnswerError]:
    """The blank required cells of the section's stored table rows: what saving would
    report, shown again when the page is opened (e.g. from the check page's summary)."""
    tables = [x.id for x in section.questions if isinstance(x, TableQuestion)
              and is_answered(answers.get(x.id))]
    if not tables:
        return []
    mine = {t: answers[t] for t in tables}
    return [e for e in validate(q, mine, full=False, context=answers)
            if e.code == "required" and e.row is not None]


def next_section(q: Questionnaire, answers: dict[str, Any], after: str) -> Section | None:
    seen = visibility(q, answers)
    ids = [s.id for s in q.sections if s.id in seen.sections]
    if after in ids and ids.index(after) + 1 < len(ids):
        following = ids[ids.index(after) + 1]
        return next(s for s in q.sections if s.id == following)
    return None


def attachments_of(session: Session, response: Response) -> dict[str, Attachment]:
    rows = session.scalars(select(Attachment).where(Attachment.response_id == response.id))
    return {str(a.id): a for a in rows}


class SectionConflict(Exception):
    """Another window saved the draft since this page was loaded, and answers differ."""

    def __init__(self, answers: dict[str, Any], version: int, changed: list[str]):
        self.answers = answers  # what this window posted, its new uploads included
        self.version = version  # the draft's version now
        self.changed = changed  # the ids of the questions whose answers differ
        super().__init__(f"{len(changed)} answers differ from draft version {version}")


def unsaved_changes(q: Questionnaire, mine: dict[str, Any], saved: dict[str, Any]
                    ) -> list[str]:
    """The questions this window answers otherwise than the saved draft (only its own)."""
    return changed_questions(q, mine, {k: saved.get(k) for k in mine})


@dataclass
class SaveOutcome:
    answers: dict[str, Any]  # what the form held, as answers
    errors: list[AnswerError]  # everything to show at the fields
    upload_errors: list[tuple[Any, str]]  # (field, message)
    version: int | None  # the new draft version, or None if nothing was saved
    stored_files: list[str] = field(default_factory=list)  # names of the files kept now


def save_section(session: Session, response: Response, q: Questionnaire, section: Section,
                 form: SectionForm, files: dict[str, list[FileStorage]], editable: set[str] | None,
                 expected_version: int, actor: str, lang: str) -> SaveOutcome:
    """Store the uploads, then save the section's answers to the draft.

    Each accepted upload is attached at once and put in the form's list of kept files,
    so that it is listed (and saved with the next save) even if the page comes back
    with errors or a conflict: a file is never dropped silently. Raises SectionConflict
    when another window saved other answers meanwhile; a conflict in which every answer
    is the same is no conflict and is saved.
    """
    stored: list[str] = []
    upload_errors = _store_uploads(session, response, section, form, files, actor, lang,
                                   editable, stored)
    answers, problems = read_answers(form, section, editable)
    try:
        saved = save_draft(session, response, answers, expected_version, actor)
    except DraftConflict as conflict:
        changed = unsaved_changes(q, answers, draft_answers(session, response))
        if changed:
            raise SectionConflict(answers, conflict.current_version, changed) from conflict
        # every answer here is already saved as it is: saving again loses nothing
        saved = save_draft(session, response, answers, conflict.current_version, actor)
    unreadable = {p.field for p in problems}  # (letters in a number) not also "missing"
    errors = problems + [e for e in saved.errors
                         if not (e.code == "required" and e.field in unreadable)]
    return SaveOutcome(answers, errors, upload_errors, saved.version, stored)


def _store_uploads(session, response, section, form, files, actor, lang, editable,
                   stored: list[str]):
    """Check and store each uploaded file, listing each new attachment among its field's
    kept files (so that reading the form then gives it to the answers, in its own row);
    each stored file's name goes to `stored`."""
    refused: list[tuple[Any, str]] = []
    for question in section.questions:
        if editable is not None and question.id not in editable:
            continue
        if isinstance(question, FileQuestion):
            _keep(form[question.id + KEEP_SUFFIX], _accept(
                session, response, question, question.id, files.get(question.id, []),
                form[question.id], actor, lang, refused, stored))
        elif isinstance(question, TableQuestion):
            for column in question.columns:
                if not isinstance(column, FileQuestion):
                    continue
                for entry in form[question.id].entries:
                    _keep(entry.form[column.id + KEEP_SUFFIX], _accept(
                        session, response, column, question.id,
                        files.get(entry.form[column.id].name, []), entry.form[column.id],
                        actor, lang, refused, stored))
    return refused


def remove_file(form: SectionForm, action: str) -> None:
    """For `action=unfile:<keep field>:<attachment id>` (a file's "Remove" button), take
    the attachment off the kept files of that field (a file question's `<id>__keep`, or
    a table cell's `<table>-<row>-<column>__keep`); other actions change nothing."""
    _, keep_name, ident = (action.split(":", 2) + ["", ""])[:3]
    if not action.startswith("unfile:") or not keep_name.endswith(KEEP_SUFFIX):
        return
    fields = list(form._fields.values())
    for found in list(fields):
        fields += [f for entry in getattr(found, "entries", []) if hasattr(entry, "form")
                   for f in entry.form._fields.values()]
    for keep in fields:
        if keep.name == keep_name:
            keep.data = [v for v in keep.data or [] if str(v) != ident]


def _keep(keep_field, new: list[str]) -> None:
    """List newly stored attachments among the field's kept files (shown on the page)."""
    if new:
        keep_field.data = list(keep_field.data or []) + new


def _accept(session, response, question: FileQuestion, owner_id: str,
            uploads: list[FileStorage], field, actor: str, lang: str, refused: list,
            stored: list[str]) -> list[str]:
    ids = []
    for upload in uploads:
        if not upload or not upload.filename:
            continue
        try:
            media_type = check_upload(upload.filename, upload.stream, question.accept,
                                      int(question.max_size_mb * 1024 * 1024))
            sha256, size = evidence().store(session, upload.stream,
                                            int(question.max_size_mb * 1024 * 1024))
        except UploadRefused as exc:
            refused.append((field, message(exc, lang)))
            continue
        row = attach(session, response, owner_id, sha256, size, media_type,
                     upload.filename.replace("\\", "/").rsplit("/", 1)[-1], actor)
        ids.append(str(row.id))
        stored.append(row.original_name)
    return ids


def current_answers(session: Session, response: Response) -> dict[str, Any]:
    return draft_answers(session, response)
