"""Reviewers: tracking dashboards, reviewing, starting campaigns and importing suppliers."""

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder="templates", url_prefix="/staff")

from . import campaigns, routes, suppliers  # noqa: E402,F401  (registers the views)
