"""Staff who author questionnaires: preview of every shipped questionnaire."""

from flask import Blueprint

bp = Blueprint("author", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401  (registers the views)
