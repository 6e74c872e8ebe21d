"""Error pages that say what happened and what to do, in the user's language.

An expired or missing CSRF token on a section page shows the page again with what was
typed, so nothing is lost (shared/security.md R3); other POSTs without a valid token
get a 400 (S8).
"""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ..access import current_response


def _page(code: int, title: str, text: str):
    return render_template("error.html", code=code, title=title, text=text), code


def init_errors(app: Flask) -> None:
    from .contact import init_contact

    init_contact(app)

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        if request.endpoint == "supplier.section":
            g.response = current_response()
            if g.response is not None:
                from .routes import render_unsaved

                return render_unsaved(request.view_args["section_id"])
        return _page(400, _("The form had expired"),
                     _("For your security the form is only valid for a while. Go back, "
                       "reload the page and try again."))

    @app.errorhandler(400)
    def bad_request(_error):
        return _page(400, _("Something in the request was wrong"),
                     _("Go back and try again."))

    @app.errorhandler(401)
    def no_session(_error):
        return _page(401, _("Open your invitation link"),
                     _("Your session has ended or has not started. Open the invitation link "
                       "from the e-mail again; your saved answers are kept."))

    @app.errorhandler(404)
    def not_found(_error):
        return _page(404, _("Page not found"), _("There is no page at this address."))

    @app.errorhandler(405)
    def not_allowed(_error):
        return _page(405, _("Not possible here"), _("This page cannot be used that way."))

    @app.errorhandler(409)
    def conflict(_error):
        return _page(409, _("Not possible now"),
                     _("The answers have been submitted, or changed elsewhere. Go to the "
                       "start page to see the current state."))

    @app.errorhandler(413)
    def too_large(_error):
        return _page(413, _("The file is too large"),
                     _("Nothing was saved from that upload. Go back and choose a smaller "
                       "file."))

    @app.errorhandler(429)
    def too_many(_error):
        return _page(429, _("Too many attempts"),
                     _("Wait a while and try again, or ask for a new invitation link."))

    @app.errorhandler(500)
    def server_error(_error):
        return _page(500, _("Something went wrong on our side"),
                     _("Nothing you saved earlier is lost. Try again in a moment."))
