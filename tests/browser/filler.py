"""Filling a questionnaire section in the browser the way a person would.

Works with and without JavaScript: what cannot be filled yet (a question that appears
only after saving, a region list that follows the country after saving, a new table
row) is filled on the next round, after "Save draft".
"""

from __future__ import annotations

from typing import Any

from webapp.definitions import Questionnaire, Section
from webapp.definitions.questions import AnswerBase, TableQuestion

SAVE = 'button[name="action"][value="save"]'
CONTINUE = 'button[name="action"][value="continue"]'


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def _has_option(page, selector: str, value: str) -> bool:
    return page.locator(f'{selector} option[value="{value}"]').count() > 0


def fill_field(page, question: AnswerBase, name: str, value: Any, files: dict) -> bool:
    """Fill one field; False if it cannot be filled yet."""
    selector = f'[name="{name}"]'
    kind = question.type
    if value is None or value == [] or not page.locator(selector).first.is_visible():
        return page.locator(selector).count() > 0 or value is None
    if kind in ("text", "textarea", "email", "url", "number", "date"):
        page.fill(selector, _text(value))
    elif kind in ("yesno",) or (kind == "choice" and page.locator(
            f'input[type=radio][name="{name}"]').count()):
        page.check(f'input[name="{name}"][value="{value}"]')
    elif kind in ("choice", "country", "region"):
        if not _has_option(page, f"select{selector}", value):
            return False
        page.select_option(f"select{selector}", value)
    elif kind == "multichoice":
        if page.locator(f"select{selector}").count():
            page.select_option(f"select{selector}", value)
        else:
            for item in value:
                page.check(f'input[name="{name}"][value="{item}"]')
    elif kind == "file":
        path = files.get(question.id)
        if path is not None and page.locator(f'input[type=file]{selector}').count():
            page.set_input_files(f'input[type=file]{selector}', str(path))
    return True


def fill_section(page, q: Questionnaire, section: Section, answers: dict[str, Any],
                 files: dict, rounds: int = 5) -> None:
    """Fill every shown question of the open section page, then "Save and continue"."""
    for _ in range(rounds):
        pending = False
        for question in section.questions:
            if not isinstance(question, AnswerBase) or question.id not in answers:
                continue
            wrapper = page.locator(f"#q-{question.id}")
            if wrapper.count() == 0 or not wrapper.is_visible():
                continue
            value = answers[question.id]
            if isinstance(question, TableQuestion):
                pending |= not _fill_table(page, question, value, files)
            else:
                pending |= not fill_field(page, question, question.id, value, files)
                other = f"{question.id}.other"
                if other in answers:
                    page.fill(f'[name="{question.id}__other"]', answers[other])
        hidden_with_answers = [
            x.id for x in section.questions if x.id in answers
            and page.locator(f"#q-{x.id}").count() and not page.locator(f"#q-{x.id}").is_visible()
        ]
        if not pending and not hidden_with_answers:
            break
        page.click(SAVE)
        page.wait_for_load_state()
    page.click(CONTINUE)
    page.wait_for_load_state()


def _fill_table(page, question: TableQuestion, rows: list[dict], files: dict) -> bool:
    done = True
    for index, row in enumerate(rows):
        rows_now = page.locator(f'[data-table="{question.id}"] > .row-card')
        if rows_now.count() <= index:
            page.click(f'button[name="action"][value="add:{question.id}"]')
            page.wait_for_load_state()
            rows_now = page.locator(f'[data-table="{question.id}"] > .row-card')
            if rows_now.count() <= index:
                return False
        row_index = rows_now.nth(index).get_attribute("data-row")
        for column in question.columns:
            name = f"{question.id}-{row_index}-{column.id}"
            done &= fill_field(page, column, name, row.get(column.id), files)
    return done
