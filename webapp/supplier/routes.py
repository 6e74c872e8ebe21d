"""The supplier's pages: invitation link, start page, section pages, check, submit, receipt."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import audience, sign_in_supplier
from ..database import db
from ..definitions.expressions import is_answered
from ..definitions.scoring import visibility
from ..evidence import download as evidence_download
from ..forms.places import regions
from ..forms.sections import blank_rows, place_errors, section_form
from ..forms.text import text_problem
from ..rendering import local_today, time_text
from ..store.action_plans import deviations_of
from ..store.action_plans import summary as plan_summary
from ..store.clarifications import REPLY_FILE_MB, REPLY_FILE_TYPES, replies_of
from ..store.deadlines import deadline_for
from ..store.models import Attachment, Response, utcnow
from ..store.notices import new_link_requested
from ..store.responses import (
    NotEditable,
    end_sessions,
    link_by_token,
    open_questions,
    questionnaire_of,
    submissions,
)
from ..store.reviews import clarification_requests, files_asked
from ..store.status import CLARIFICATION, LABELS, may_answer
from . import bp
from .conflicts import conflict_page
from .flow import (
    SectionConflict,
    attachments_of,
    current_answers,
    incomplete_rows,
    next_section,
    remove_file,
    save_section,
    section_states,
)
from .limits import bad_token_limit, new_link_limit, new_link_per_email
from .replies import save_replies
from .rows import after_row_action, apply_row_action, extra_rows


def _lang() -> str:
    return str(get_locale())


def _actor() -> str:
    contact = g.response.supplier.contacts[0] if g.response.supplier.contacts else None
    return f"supplier:{g.response.supplier_id}:{contact.email if contact else ''}"


@bp.get("/i/<token>")
@audience("public")
@bad_token_limit
def invitation(token: str):
    """Swap the link's token for a session, then leave the token out of the address bar."""
    link = link_by_token(db(), token)
    if link is None:
        return render_template("supplier/invalid_link.html"), 404
    sign_in_supplier(db().get(Response, link.response_id), link)
    return redirect(url_for("supplier.start"), 303)


@bp.post("/new-link")
@audience("public")
@new_link_limit
@new_link_per_email
def request_link():
    """Send a new link to a contact's address; the page says the same whether it was one.

    Only the address's own mailbox gets the link (S7: no enumeration).
    """
    email = (request.form.get("email") or "").strip()
    refused = text_problem(email, field=_("Your e-mail address"))
    if refused or not _looks_like_email(email):
        return render_template("supplier/invalid_link.html", email=email, error=refused or _(
            "Write an e-mail address, like anna.svensson@foretag.se.")), 422
    new_link_requested(db(), email, "new-link request")
    return render_template("supplier/link_sent.html")


def _looks_like_email(email: str) -> bool:
    from ..store.outbox import EMAIL

    return len(email) <= 254 and EMAIL.fullmatch(email) is not None


@bp.get("/supplier/")
@audience("supplier")
def start():
    response = g.response
    q = questionnaire_of(response)
    answers = current_answers(db(), response)
    campaign = response.campaign
    deadline = deadline_for(response)
    return render_template(
        "supplier/start.html", q=q, response=response, campaign=campaign,
        states=section_states(q, answers), deadline=deadline,
        days_left=(deadline - local_today()).days, status_label=LABELS[response.status],
        editable=may_answer(response),
        requests=clarification_requests(db(), response),
        rounds=submissions(db(), response),
        plan=plan_summary(deviations_of(db(), response)))


def _section(section_id: str):
    q = questionnaire_of(g.response)
    section = next((s for s in q.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return q, section


@bp.route("/supplier/section/<section_id>", methods=["GET", "POST"])
@audience("supplier")
def section(section_id: str):
    response = g.response
    q, section = _section(section_id)
    session = db()
    answers = current_answers(session, response)
    editable = open_questions(session, response)
    readonly = not may_answer(response)
    lang = _lang()
    if request.method == "GET":
        form = section_form(q, section, lang, answers, response.draft_version,
                            extra_rows=extra_rows(section, request.args),
                            starter_rows=not readonly)
        if not readonly:  # a stored row's blank required cell shows at the cell
            place_errors(form, incomplete_rows(q, section, answers), q, lang)
        return _render_section(q, section, form, answers, readonly, editable)
    if readonly:
        abort(409)
    form = section_form(q, section, lang, answers, response.draft_version,
                        formdata=request.form)
    apply_row_action(form, request.form.get("action", ""))
    remove_file(form, request.form.get("action", ""))
    try:
        expected = int(form.draft_version.data or -1)
    except ValueError:
        expected = -1
    try:
        outcome = save_section(session, response, q, section, form, request.files.to_dict(
            flat=False), editable, expected, _actor(), lang)
    except SectionConflict as conflict:
        return conflict_page(q, section, conflict)
    except NotEditable as exc:
        flash(str(exc), "error")
        return redirect(url_for("supplier.section", section_id=section_id), 303)
    for name in outcome.stored_files:
        flash(_("The file %(name)s was saved.", name=name), "saved")
    form.draft_version.data = str(outcome.version)
    summary = place_errors(form, _to_show(outcome.errors), q, lang)
    for field, text in outcome.upload_errors:
        field.errors = [*(field.errors or []), text]
        summary.append((field.id, text))
    if response.status == CLARIFICATION:
        summary += save_replies(session, response, section, clarification_requests(
            session, response), request.form, request.files, _actor(), lang)
    if _autosave():
        return jsonify(version=outcome.version, saved_at=_now_label(),
                       errors={fid: text for fid, text in summary})
    if summary:
        return _render_section(q, section, form, current_answers(session, response), readonly,
                               editable, summary=summary, status=422)
    return _after_save(q, section, answers, current_answers(session, response),
                       blank_rows(form, section))


def _to_show(errors):
    """The errors to report now: adding or removing a row or a file is part of filling
    the table in, so a row's blank required cells wait for "Save" (the row is stored)."""
    action = request.form.get("action", "")
    if action.startswith(("add:", "remove:", "unfile:")):
        return [e for e in errors if e.code != "required"]
    return errors


def _after_save(q, section, before, after, blanks: dict[str, int]):
    """Where to go: the same page when new questions appeared, else on or back.

    After adding or removing a row the page comes back with the blank rows it had
    (`blanks`), the new row's card in view. In a clarification round "Save and continue"
    goes back to the check page: the other sections are read-only then.
    """
    action = request.form.get("action", "save")
    flash(_("Saved at %(time)s.", time=_now_label()), "saved")
    shown_before = visibility(q, before).questions
    shown_after = visibility(q, after).questions
    appeared = [x.id for x in section.questions if x.id in shown_after - shown_before
                and x.answerable and not is_answered(after.get(x.id))]
    if action.startswith(("add:", "remove:", "unfile:")) or action == "save" or appeared:
        if appeared and action == "continue":
            flash(_("New questions appeared from your answers: please answer them too."),
                  "info")
        anchor = f"#q-{appeared[0]}" if appeared else ""
        rows: dict[str, list[str]] = {}
        if action.startswith(("add:", "remove:")):
            rows, anchor = after_row_action(action, after, blanks)
        return redirect(url_for("supplier.section", section_id=section.id, **rows) + anchor,
                        303)
    following = next_section(q, after, section.id)
    if following is None or g.response.status == CLARIFICATION:
        return redirect(url_for("supplier.check"), 303)
    return redirect(url_for("supplier.section", section_id=following.id), 303)


def _autosave() -> bool:
    return request.headers.get("X-Kedjekoll-Autosave") == "1"


def _now_label() -> str:
    return time_text(utcnow())


def _render_section(q, section, form, answers, readonly, editable, summary=None, status=200):
    seen = visibility(q, answers)
    requests_ = clarification_requests(db(), g.response)
    states = section_states(q, answers)
    index = next(i for i, s in enumerate(states) if s.section.id == section.id) \
        if any(s.section.id == section.id for s in states) else 0
    clarifying = g.response.status == CLARIFICATION
    return render_template(
        "supplier/section.html", q=q, section=section, form=form, seen=seen,
        readonly=readonly, editable=editable, summary=summary or [], requests=requests_,
        attachments=attachments_of(db(), g.response), states=states, index=index,
        others=seen.answers,
        replies=replies_of(db(), g.response) if clarifying else {},
        files_asked=files_asked(db(), g.response) if clarifying else set(),
        typed=request.form if request.method == "POST" else {},
        reply_types=REPLY_FILE_TYPES, reply_mb=REPLY_FILE_MB), status


@bp.get("/supplier/receipt/<int:round_number>")
@audience("supplier")
def receipt(round_number: int):
    rounds = {s.round: s for s in submissions(db(), g.response)}
    if round_number not in rounds:
        abort(404)
    return render_template("supplier/receipt.html", submission=rounds[round_number],
                           response=g.response, q=questionnaire_of(g.response))


@bp.get("/supplier/print")
@audience("supplier")
def print_view():
    response = g.response
    q = questionnaire_of(response)
    answers = current_answers(db(), response)
    return render_template("supplier/print.html", q=q, response=response,
                           seen=visibility(q, answers),
                           attachments=attachments_of(db(), response))


@bp.get("/supplier/files/<int:attachment_id>")
@audience("supplier")
def download(attachment_id: int):
    """Only the response's own files, always as a download, with the checked type."""
    attachment = db().scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.response_id == g.response.id))
    if attachment is None:
        abort(404)
    return evidence_download(attachment)


@bp.get("/supplier/regions/<country>")
@audience("supplier")
def region_list(country: str):
    """The subdivisions of a country, for the region lists that follow the country."""
    return jsonify([[code, name] for code, name in regions(country.upper()[:2])])


@bp.post("/supplier/leave")
@audience("supplier")
def leave():
    """Sign out on every device; the invitation link keeps working."""
    end_sessions(db(), g.response, _actor())
    session.clear()
    return render_template("supplier/left.html")


def render_unsaved(section_id: str):
    """The section again with what was typed, after an expired form token: nothing saved."""
    q, section = _section(section_id)
    answers = current_answers(db(), g.response)
    form = section_form(q, section, _lang(), answers, g.response.draft_version,
                        formdata=request.form)
    flash(_("The page had been open too long, so nothing was saved. Your answers are shown "
            "again: save them now."), "error")
    return _render_section(q, section, form, answers, False, open_questions(db(), g.response),
                           status=400)
