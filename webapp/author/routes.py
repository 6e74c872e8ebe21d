"""Read-only previews of the questionnaires in questionnaires/."""

from __future__ import annotations

from flask import abort, current_app, render_template

from ..access import audience
from ..definitions import Catalogue, Questionnaire
from ..definitions.scoring import visibility
from ..forms.sections import SectionForm, section_form
from ..rendering import current_language
from . import bp


def _catalogue() -> Catalogue:
    return current_app.extensions["kedjekoll.catalogue"]


def empty_forms(q: Questionnaire, cache: bool = True) -> dict[str, SectionForm]:
    """The supplier's form of every section, empty, in the current language."""
    lang = current_language()
    return {s.id: section_form(q, s, lang, {}, 0, cache=cache) for s in q.sections}


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
    catalogue = _catalogue()
    questionnaire = catalogue.get(questionnaire_id)
    if questionnaire is None:
        abort(404)
    return render_template("author/preview.html", q=questionnaire,
                           shown=visibility(questionnaire, {}),
                           forms=empty_forms(questionnaire),
                           file=catalogue.files[questionnaire_id].name)
