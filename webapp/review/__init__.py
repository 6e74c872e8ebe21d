"""Reviewers: tracking dashboards (and, to come, grading and decisions)."""

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder="templates", url_prefix="/staff")

from . import exports, routes  # noqa: E402,F401  (registers the views)
