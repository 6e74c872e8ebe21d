"""`kedjekoll score`: an author tries a questionnaire's scoring on answers written by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .definitions import check_file
from .definitions.trial import answer_errors, grade_errors, score_answers, score_json

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.argument("questionnaire", type=FILE)
@click.argument("answers", type=FILE)
@click.option("--grades", type=FILE, default=None,
              help="A JSON object of rubric grades: question id -> points of one level of "
                   "its rubric. Without it every rubric question is ungraded.")
def score(questionnaire: Path, answers: Path, grades: Path | None) -> None:
    """Score ANSWERS with QUESTIONNAIRE's rules and print the result as JSON.

    ANSWERS is a JSON object of question id -> answer, as the JSON export writes them:
    text, numbers, option values, lists for multichoice, ISO codes for country and
    region, YYYY-MM-DD dates, lists of row objects ({column id: value}) for tables,
    `<id>.other` for the text of an "other" option. Answers take the store's path:
    each is checked like a saved draft, answers to hidden questions are dropped, the
    rest are scored. Unanswered required questions are not an error.

    Prints one line:

    \b
    {"score": 83.1, "provisional": false, "rating": "high",
     "flags": [{"id": "fees_not_repaid", "severity": "red"}]}

    score is the due-diligence score (0-100, null when nothing is scored), provisional
    is true while a rubric question shown is ungraded, rating is the risk-rating band
    (the score's band, made worse by the flags; null only without bands).

    Exits 1, printing every error to stderr, when the questionnaire has checker errors
    (as `path:line:col: CODE message`), or when an answer or grade is not valid: an
    unknown question id, an answer of the wrong kind or out of range, a grade that is
    not a level of the question's rubric.
    """
    checked = check_file(questionnaire)
    if checked.questionnaire is None:
        for problem in checked.problems:
            click.echo(problem.format(), err=True)
        sys.exit(1)
    q = checked.questionnaire
    given = _json_object(answers)
    marks = _json_object(grades) if grades else {}
    errors = [(answers, e) for e in answer_errors(q, given)]
    errors += [(grades, e) for e in grade_errors(q, marks)]
    if errors:
        for path, error in errors:
            click.echo(f"{path}: {error.message}", err=True)
        sys.exit(1)
    click.echo(json.dumps(score_json(score_answers(q, given, marks)), ensure_ascii=False))


def _json_object(path: Path) -> dict[str, Any]:
    """A JSON file holding one object; exits 1 with the place of the mistake if not."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not a number JSON allows")

    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    except json.JSONDecodeError as exc:
        click.echo(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}", err=True)
        sys.exit(1)
    except (UnicodeDecodeError, ValueError) as exc:
        click.echo(f"{path}: not valid JSON: {exc}", err=True)
        sys.exit(1)
    if not isinstance(data, dict):
        click.echo(f"{path}: expected a JSON object ({{\"question_id\": value, ...}})",
                   err=True)
        sys.exit(1)
    return data
