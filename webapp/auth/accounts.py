"""Account administration for administrators: list staff, invite, change a role,
deactivate and reactivate, and send a password reset.

Invitations and resets leave as mail through the outbox; the set-password link is
minted when the mail is sent. The store keeps at least one active administrator and
ends a deactivated person's sessions at once (store/staff.py).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Optional

from ..access import audience
from ..database import db
from ..forms.text import form_problems
from ..mailtext import staff_mail
from ..store.models import StaffUser
from ..store.outbox import STAFF_INVITE, STAFF_RESET
from ..store.staff import (
    ROLES,
    AccountError,
    accounts,
    add_user,
    change_role,
    deactivate,
    last_admin,
    queue_password_mail,
    reactivate,
)
from . import bp

LANGUAGES = ("sv", "en")


class InviteForm(FlaskForm):
    name = StringField(validators=[Optional()])
    email = EmailField(validators=[Optional()])
    role = SelectField(choices=ROLES, default="reviewer", validate_choice=False)
    language = SelectField(choices=LANGUAGES, validate_choice=False)


class RoleForm(FlaskForm):
    role = SelectField(choices=ROLES, validate_choice=False)


class ResetForm(FlaskForm):
    language = SelectField(choices=LANGUAGES, validate_choice=False)


def _error_text(error: AccountError, email: str = "") -> str:
    """The reason an account action failed, in the reader's language."""
    texts = {
        "email": lambda: _("Write the e-mail address in full, such as anna.berg@region.se."),
        "duplicate": lambda: _("%(email)s already has an account. Find the person in the "
                               "list above.", email=email),
        "role": lambda: _("Choose a role: administrator or reviewer."),
        "last_admin": lambda: _("%(email)s is the last active administrator. Make another "
                                "person an administrator first.", email=email),
        "inactive": lambda: _("The account is deactivated: reactivate it first."),
    }
    return texts.get(error.code, lambda: str(error))()


def _user(user_id: int) -> StaffUser:
    user = db().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


def _language(choice: str | None) -> str:
    return choice if choice in LANGUAGES else str(get_locale() or "sv")[:2]


def _queue(user: StaffUser, kind: str, language: str) -> bool:
    """Queue an invitation or reset mail in `language`; False if one already waits."""
    config = current_app.config
    subject, body = staff_mail(
        kind, language, buyer=str(config["BUYER_NAME"]), base_url=str(config["BASE_URL"]),
        name=user.name, email=user.email, role=user.role, inviter=current_user.name)
    return queue_password_mail(db(), user, kind, subject, body, language,
                               current_user.email) is not None


def _render_list(form: InviteForm, problems: list[tuple[str, str]]):
    return render_template(
        "auth/accounts.html", form=form, problems=problems, messages=dict(problems),
        accounts=accounts(db()), languages=LANGUAGES,
        printing=not current_app.config.get("SMTP_HOST"),
    ), 422 if problems else 200


@bp.get("/accounts", endpoint="accounts")  # the staff navigation links this endpoint
@audience("admin")
def accounts_page():
    form = InviteForm(formdata=None, language=_language(None))
    return _render_list(form, [])


@bp.post("/accounts")
@audience("admin")
def invite():
    """Create an account without a password and mail its set-password link."""
    form = InviteForm()
    if not form.validate():  # only the CSRF token is checked by WTForms
        abort(400)
    problems = []
    if not (form.name.data or "").strip():
        problems.append(("name", _("Write the person's name.")))
    if not (form.email.data or "").strip():
        problems.append(("email", _("Write the person's e-mail address.")))
    problems += form_problems(form, {"name": _("Name"), "email": _("E-mail address")})
    if not problems:
        try:
            user = add_user(db(), form.email.data, form.name.data, form.role.data,
                            current_user.email, action="user.invited")
        except AccountError as error:
            field = "role" if error.code == "role" else "email"
            problems.append((field, _error_text(error, form.email.data.strip().lower())))
        else:
            _queue(user, STAFF_INVITE, _language(form.language.data))
            flash(_("%(name)s is invited: the mail with a link to choose a password leaves "
                    "with the next send from the outbox.", name=user.name), "saved")
            return redirect(url_for("auth.accounts"), 303)
    return _render_list(form, problems)


@bp.get("/accounts/<int:user_id>")
@audience("admin")
def account(user_id: int):
    user = _user(user_id)
    return _render_account(user, RoleForm(formdata=None, role=user.role), None)


def _render_account(user: StaffUser, role_form: RoleForm, problem: str | None):
    waiting = next(a.mail_waiting for a in accounts(db()) if a.user.id == user.id)
    return render_template(
        "auth/account.html", user=user, role_form=role_form, problem=problem,
        mail_waiting=waiting, language=_language(None), languages=LANGUAGES,
        is_self=user.id == current_user.user.id, last_admin=last_admin(db(), user),
    ), 422 if problem else 200


@bp.post("/accounts/<int:user_id>/role")
@audience("admin")
def account_role(user_id: int):
    user = _user(user_id)
    form = RoleForm()
    if not form.validate():
        abort(400)
    try:
        changed = change_role(db(), user, form.role.data, current_user.email)
    except AccountError as error:
        return _render_account(user, form, _error_text(error, user.email))
    if changed:
        flash(_("%(name)s is now %(role)s.", name=user.name, role=_role_word(user.role)),
              "saved")
    return redirect(url_for("auth.account", user_id=user.id), 303)


def _role_word(role: str) -> str:
    return _("administrator") if role == "admin" else _("reviewer")


@bp.post("/accounts/<int:user_id>/reset")
@audience("admin")
def account_reset(user_id: int):
    """Mail a link to choose a new password (the current one works until it is used)."""
    user = _user(user_id)
    form = ResetForm()
    if not form.validate():
        abort(400)
    try:
        queued = _queue(user, STAFF_RESET, _language(form.language.data))
    except AccountError as error:
        return _render_account(user, RoleForm(formdata=None, role=user.role),
                               _error_text(error, user.email))
    if queued:
        flash(_("A mail with a link to choose a new password is queued for %(email)s; it "
                "leaves with the next send from the outbox.", email=user.email), "saved")
    else:
        flash(_("A password mail to %(email)s is already waiting in the outbox.",
                email=user.email), "error")
    return redirect(url_for("auth.account", user_id=user.id), 303)


@bp.route("/accounts/<int:user_id>/deactivate", methods=["GET", "POST"])
@audience("admin")
def account_deactivate(user_id: int):
    """GET asks for confirmation and says what happens; POST deactivates."""
    user = _user(user_id)
    form = FlaskForm()
    problem = None
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            deactivate(db(), user, current_user.email)
        except AccountError as error:
            problem = _error_text(error, user.email)
        else:
            flash(_("%(name)s is deactivated and signed out everywhere.", name=user.name),
                  "saved")
            return redirect(url_for("auth.account", user_id=user.id), 303)
    return render_template("auth/deactivate.html", user=user, problem=problem,
                           is_self=user.id == current_user.user.id), 422 if problem else 200


@bp.post("/accounts/<int:user_id>/reactivate")
@audience("admin")
def account_reactivate(user_id: int):
    user = _user(user_id)
    if not FlaskForm().validate():
        abort(400)
    if reactivate(db(), user, current_user.email):
        flash(_("%(name)s can sign in again.", name=user.name), "saved")
    return redirect(url_for("auth.account", user_id=user.id), 303)
