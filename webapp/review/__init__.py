"""Staff pages: tracking, reviewing, action plans."""

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder="templates", url_prefix="/staff")

from . import action_plan, exports, outbox, reviewing, routes  # noqa: E402,F401  (registers the views)
