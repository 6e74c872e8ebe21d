"""Staff pages for mail: the outbox (admins) and a reminder for one supplier now.

The outbox page lists what is waiting, what failed (with the error) and what was sent,
and never a link: links are minted only when a mail leaves. "Send now" sends over SMTP;
without an SMTP server the page says what to configure and the button is off (a post
is refused all the same), so that links are never printed into a server log. Each
message shows its kind in words beside its subject, and its plain text on request.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import audience
from ..database import db
from ..mailer import MailSettings, send_pending
from ..store import outbox
from ..store.models import Response
from . import bp
from .audit_words import mail_kind

STATES = (outbox.WAITING, outbox.FAILED, outbox.SENT)


def _settings() -> MailSettings:
    return MailSettings.from_config(current_app.config)


@bp.get("/outbox")
@audience("admin")
def outbox_page():
    state = request.args.get("state") if request.args.get("state") in STATES else None
    return render_template(
        "review/outbox.html", rows=outbox.messages(db(), state), counts=outbox.counts(db()),
        state=state, states=STATES, state_of=outbox.state_of, settings=_settings(),
        mail_kind=mail_kind)


@bp.post("/outbox/send")
@audience("admin")
def outbox_send():
    """Send every pending mail now, over SMTP."""
    settings = _settings()
    if settings.printing:
        flash(_("No SMTP server is configured (KEDJEKOLL_SMTP_HOST is not set), so nothing "
                "was sent. Set it and restart Kedjekoll; until then the command "
                "kedjekoll outbox send on the server prints the messages with their links."),
              "error")
        return redirect(url_for("review.outbox_page"), 303)
    report = send_pending(db(), settings, current_user.email)
    if report.failed:
        flash(_("%(sent)s sent, %(failed)s failed: they stay in the outbox and are tried again "
                "later.", sent=report.sent, failed=report.failed), "error")
    else:
        flash(_("%(sent)s sent.", sent=report.sent), "saved")
    return redirect(url_for("review.outbox_page"), 303)


@bp.post("/responses/<int:response_id>/remind")
@audience("staff")
def remind_now(response_id: int):
    """Queue a reminder for one supplier now (at most one a day)."""
    response = db().get(Response, response_id)
    if response is None:
        abort(404)
    try:
        queued = outbox.queue_manual_reminder(db(), response, _settings().compose(),
                                              current_user.email)
    except outbox.NothingToRemind:
        flash(_("This supplier is not expected to answer now, so no reminder was queued."),
              "error")
    else:
        if queued is None:
            flash(_("A reminder to this supplier is already queued today, or the supplier "
                    "has no contact."), "error")
        else:
            flash(_("A reminder is queued; it leaves with the next send from the outbox."),
                  "saved")
    return redirect(url_for("review.response_page", response_id=response_id), 303)
