"""Staff who author questionnaires: previews of the shipped files, and a page to try YAML."""

from flask import Blueprint

bp = Blueprint("author", __name__, template_folder="templates")

from . import routes, trying  # noqa: E402,F401  (registers the views)
