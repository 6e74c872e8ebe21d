"""Staff pages: tracking, reviewing, action plans, campaigns, suppliers, mail and exports."""

from flask import Blueprint

from ..store.deadlines import may_extend

bp = Blueprint("review", __name__, template_folder="templates", url_prefix="/staff")
# `response is extendable` in a template: its deadline can be moved now
bp.app_template_test("extendable")(may_extend)

from . import (  # noqa: E402,F401  (registers the views)
    action_plan,
    audit,
    campaign_actions,
    campaign_list,
    campaigns,
    exports,
    navigation,
    outbox,
    reviewing,
    routes,
    suppliers,
)
