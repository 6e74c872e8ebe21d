"""Staff accounts in the web app: sign in, sign out, set a password from a link, and
the administrators' account pages."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates", url_prefix="/staff")

from . import accounts, routes  # noqa: E402,F401  (register the views)
