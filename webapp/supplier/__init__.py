"""Suppliers: the invitation link, the questionnaire form, submitting and clarifying."""

from flask import Blueprint

bp = Blueprint("supplier", __name__, template_folder="templates")

from . import action_plan, conflicts, routes, submitting  # noqa: E402,F401  (registers the views)
