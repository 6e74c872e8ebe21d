"""Staff accounts in the web app: sign in, sign out, set a password from a link."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates", url_prefix="/staff")

from . import routes  # noqa: E402,F401  (registers the views)
