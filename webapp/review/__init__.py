"""Staff pages: tracking, reviewing, action plans, campaigns, suppliers, mail and exports."""

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder="templates", url_prefix="/staff")

from . import (  # noqa: E402,F401  (registers the views)
    action_plan,
    campaign_list,
    campaigns,
    exports,
    navigation,
    outbox,
    reviewing,
    routes,
    suppliers,
)
