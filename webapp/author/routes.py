"""Read-only previews of the questionnaires in questionnaires/."""

from __future__ import annotations

from flask import abort, current_app, render_template

from ..access import audience
from ..definitions import Catalogue
from ..definitions.scoring import visibility
from . import bp


def _catalogue() -> Catalogue:
    return current_app.extensions["kedjekoll.catalogue"]


@bp.get("/")
@audience("staff")
def index():
    """Every questionnaire found, and the files that failed the checker."""
    catalogue = _catalogue()
    return render_template("author/index.html", catalogue=catalogue)


@bp.get("/questionnaires/<questionnaire_id>")
@audience("staff")
def preview(questionnaire_id: str):
    """One questionnaire as a supplier will read it, with its conditions and scoring."""
    questionnaire = _catalogue().get(questionnaire_id)
    if questionnaire is None:
        abort(404)
    shown = visibility(questionnaire, {})
    return render_template("author/preview.html", q=questionnaire, shown=shown)
