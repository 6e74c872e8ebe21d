"""Suppliers: the invitation link, the questionnaire form, submitting and clarifying."""

from flask import Blueprint

from ..store.status import held_by_closing

bp = Blueprint("supplier", __name__, template_folder="templates")
# `response is held_by_closing` in a template: closed before the supplier submitted
bp.app_template_test("held_by_closing")(held_by_closing)


from . import action_plan, conflicts, routes, submitting  # noqa: E402,F401  (registers the views)
