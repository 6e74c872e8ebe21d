"""Signing in and out, and setting a password from a one-time link."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..access import audience
from ..database import db
from ..formats import local
from ..forms.text import TextForm
from ..rendering import date_text, time_text, timezone
from ..store.staff import (
    MIN_PASSWORD,
    AccountError,
    authenticate,
    end_staff_sessions,
    note_sign_in,
    set_password_with_token,
    user_for_token,
)
from . import bp
from .attempts import note_failure, note_success, paused_until
from .login import Staff
from .targets import after_sign_in


class LoginForm(TextForm):
    email = EmailField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


class PasswordForm(TextForm):
    password = PasswordField(validators=[DataRequired(), Length(min=MIN_PASSWORD)])
    repeat = PasswordField(validators=[DataRequired(), EqualTo("password")])


def _try_again_text(until: datetime) -> str:
    """When to try again: the first whole minute after the pause, in the app's time
    zone ("kl. 21:47"), with the day when that is not today."""
    minute = until.replace(second=0, microsecond=0)
    if minute < until:
        minute += timedelta(minutes=1)
    when = local(minute, timezone())
    if when.date() != local(datetime.now(UTC), timezone()).date():
        return _("Too many failed sign-ins. Try again on %(day)s at %(time)s.",
                 day=date_text(minute), time=time_text(minute))
    return _("Too many failed sign-ins. Try again at %(time)s.", time=time_text(minute))


@bp.route("/login", methods=["GET", "POST"])
@audience("public")
def login():
    """The same answer for an unknown e-mail and a wrong password (S7).

    Failures are counted per account and per address (attempts.py); while a pause
    lasts the page answers 429, says when to try again and keeps the typed e-mail.
    """
    form = LoginForm()
    failed = False
    paused = None
    if form.validate_on_submit():
        email = form.email.data
        paused = paused_until(email)
        if paused is None:
            user = authenticate(db(), email, form.password.data)
            if user is not None:
                note_success(email)
                target = after_sign_in(request.args.get("next"))
                session.clear()  # no session fixation: a fresh session at sign-in (S9)
                note_sign_in(user)
                login_user(Staff(user))
                return redirect(target, 303)
            failed = True
            paused = note_failure(email)
    elif request.method == "POST":
        failed = True
    typed = (form.email.data or "")[:254] if paused else ""
    page = render_template("auth/login.html", form=form, failed=failed, email=typed,
                           try_again=_try_again_text(paused) if paused else None)
    if paused is None:
        return page, 401 if failed else 200
    wait = max(1, math.ceil((paused - datetime.now(UTC)).total_seconds()))
    return page, 429, {"Retry-After": str(wait)}


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
