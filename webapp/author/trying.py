"""Try a questionnaire file before committing it: paste or upload YAML, see the checker.

The text is checked with the same checker as `kedjekoll check`, and nothing is written
anywhere. Errors are listed with line, column and code, each linking to its line in a
numbered listing of the text. When the file is clean (or only translations are
missing) the form is shown as a supplier will see it, in the language chosen. The
YAML is hostile input: the checker refuses tags, anchors and aliases, and every piece
of it reaches the page through Jinja's escaping or the sanitised Markdown filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import abort, current_app, render_template, request
from flask_babel import force_locale
from markupsafe import Markup
from pydantic import ValidationError

from ..access import audience
from ..definitions import Catalogue, Questionnaire
from ..definitions.checker import CheckResult, check_text
from ..definitions.problems import Problem
from ..definitions.scoring import visibility
from ..definitions.yamlsource import YamlError, load
from ..i18n import LANGUAGES
from ..rendering import current_language
from ..supplier.limits import limiter
from . import bp
from .routes import empty_forms

MAX_YAML_BYTES = 400 * 1024  # below Flask's 500 kB limit on a form field, so ours speaks
SUFFIXES = (".yaml", ".yml")


@dataclass
class Line:
    """One line of the listing, with the problems placed on it."""

    number: int
    text: str
    problems: list[Problem] = field(default_factory=list)


def listing(text: str, problems: list[Problem]) -> list[Line]:
    """The text as numbered lines; a problem past the end is shown on the last line."""
    lines = [Line(n, t) for n, t in enumerate(text.split("\n"), start=1)]
    for problem in problems:
        lines[min(max(problem.line, 1), len(lines)) - 1].problems.append(problem)
    return lines


def _previewable(text: str, result: CheckResult) -> Questionnaire | None:
    """The questionnaire to preview: a clean one, or one whose only faults are translations."""
    if result.questionnaire is not None:
        return result.questionnaire
    if not result.problems or any(not p.code.startswith("T") for p in result.problems):
        return None
    try:
        data, _smap = load(text)
        return Questionnaire.model_validate(data)
    except (YamlError, ValidationError):  # pragma: no cover - the checker found neither
        return None


def _preview(questionnaire: Questionnaire, lang: str) -> Markup:
    """The supplier's view in `lang`, whatever language the rest of the page is in."""
    with force_locale(lang):
        return Markup(render_template(  # noqa: S704 - rendered by Jinja with autoescape
            "author/_try_preview.html", q=questionnaire,
            forms=empty_forms(questionnaire, cache=False),
            shown=visibility(questionnaire, {})))


def _shipped_file(name: str) -> str:
    """The text of a file in questionnaires/ that the catalogue knows of, by its name."""
    catalogue: Catalogue = current_app.extensions["kedjekoll.catalogue"]
    known = {Path(r.file).name: Path(r.file) for r in catalogue.failed}
    known.update({p.name: p for p in catalogue.files.values()})
    if name not in known:
        abort(404)
    return known[name].read_text(encoding="utf-8", errors="replace")


def _submitted() -> tuple[str, str, str | None]:
    """(text, file name, problem) from the upload if there is one, else the text box.

    A file that cannot be used is refused with the text box's text kept as it was.
    """
    pasted = request.form.get("yaml", "")[:MAX_YAML_BYTES]
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        name = Path(upload.filename.replace("\\", "/")).name[:120] or "upload.yaml"
        try:
            raw = upload.stream.read(MAX_YAML_BYTES + 1)
        finally:
            upload.close()
        if not name.lower().endswith(SUFFIXES):
            return pasted, name, "type"
        if len(raw) > MAX_YAML_BYTES:
            return pasted, name, "size"
        try:
            return raw.decode("utf-8-sig"), name, None
        except UnicodeDecodeError:
            return pasted, name, "encoding"
    text = request.form.get("yaml", "")
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        return text[:MAX_YAML_BYTES], "pasted.yaml", "size"
    return text, "pasted.yaml", None if text.strip() else "empty"


def _page(status: int = 200, **context):
    context.setdefault("result", None)
    context.setdefault("problem", None)
    return render_template("author/try.html", max_kb=MAX_YAML_BYTES // 1024,
                           **context), status


@bp.route("/questionnaires/try", methods=["GET", "POST"])
@audience("staff")
@limiter.limit("30 per minute", methods=["POST"])
def try_yaml():
    """Check pasted or uploaded YAML (or a file of questionnaires/) and preview it."""
    preview_lang = request.values.get("preview_lang")
    if preview_lang not in LANGUAGES:
        preview_lang = current_language()
    if request.method == "GET":
        name = request.args.get("file", "")
        if not name:
            return _page(text="", name="", preview_lang=preview_lang)
        text, problem = _shipped_file(name), None
    else:
        text, name, problem = _submitted()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if problem is not None:
        return _page(400, text=text, name=name, problem=problem, preview_lang=preview_lang)
    result = check_text(text, name)
    questionnaire = _previewable(text, result)
    return _page(text=text, name=name, result=result, lines=listing(text, result.problems),
                 preview_lang=preview_lang,
                 preview=_preview(questionnaire, preview_lang) if questionnaire else None)
