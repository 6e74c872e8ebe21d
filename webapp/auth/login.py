"""Flask-Login, with the session bound to the account's session epoch.

The id kept in the session is "<user id>:<epoch>"; signing out bumps the epoch, so a
copied or replayed session cookie stops working at once (shared/security.md S9).
"""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager, UserMixin

from ..database import db
from ..store.models import StaffUser

login_manager = LoginManager()


class Staff(UserMixin):
    """The signed-in staff member, as Flask-Login sees them."""

    def __init__(self, user: StaffUser):
        self.user = user
        self.role = user.role
        self.email = user.email
        self.name = user.name

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_epoch}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load(identity: str) -> Staff | None:
        user_id, _, epoch = identity.partition(":")
        if not user_id.isdigit() or not epoch.isdigit():
            return None
        user = db().get(StaffUser, int(user_id))
        if user is None or not user.active or user.session_epoch != int(epoch):
            return None
        return Staff(user)
