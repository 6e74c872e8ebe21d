"""Signing in and out, and setting a password from a one-time link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..access import audience
from ..database import db
from ..forms.text import TextForm
from ..store.staff import (
    MIN_PASSWORD,
    AccountError,
    authenticate,
    end_staff_sessions,
    note_sign_in,
    set_password_with_token,
    user_for_token,
)
from ..supplier.limits import limiter
from . import bp
from .login import Staff


class LoginForm(TextForm):
    email = EmailField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


class PasswordForm(TextForm):
    password = PasswordField(validators=[DataRequired(), Length(min=MIN_PASSWORD)])
    repeat = PasswordField(validators=[DataRequired(), EqualTo("password")])


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("review.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@audience("public")
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """The same answer for an unknown e-mail and a wrong password (S7)."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = authenticate(db(), form.email.data, form.password.data)
        if user is not None:
            target = _safe_next(request.args.get("next"))
            session.clear()  # no session fixation: a fresh session at sign-in (S9)
            note_sign_in(user)
            login_user(Staff(user))
            return redirect(target, 303)
        failed = True
    elif request.method == "POST":
        failed = True
    form.password.data = ""
    form.email.data = ""
    return render_template("auth/login.html", form=form, failed=failed), 401 if failed else 200


@bp.post("/logout")
@audience("staff")
def logout():
    end_staff_sessions(db(), current_user.user)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.get("/password/<token>")
@audience("public")
def password_link(token: str):
    """Keep the link's token in the session and leave it out of the address bar."""
    session["password_token"] = token
    return redirect(url_for("auth.set_password"), 303)


@bp.route("/password", methods=["GET", "POST"])
@audience("public")
def set_password():
    token = session.get("password_token")
    user = user_for_token(db(), token) if token else None
    if user is None:
        return render_template("auth/bad_link.html"), 404
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            set_password_with_token(db(), token, form.password.data)
        except AccountError:
            abort(404)
        session.clear()
        flash(_("Your password is set. Sign in with it."), "info")
        return redirect(url_for("auth.login"), 303)
    return render_template("auth/password.html", form=form, user=user,
                           minimum=MIN_PASSWORD), 200 if request.method == "GET" else 422
