"""Template helpers: questionnaire text in the chosen language, safe Markdown, and the
filters that show answers (option labels, country and region names, dates, numbers).

Dates, times, numbers and sizes go through `webapp.formats`: one style per language,
times in the configured zone. The filters keep Flask-Babel's names (`format_date`,
`format_datetime`, `format_decimal`) and ignore a style argument, so no template can
pick a second style."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import nh3
from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import formats
from .definitions.fields import text_in
from .forms.places import countries, country_name, region_name
from .i18n import LANGUAGES

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h2", "h3",
    "h4", "br", "hr", "table", "thead", "tbody", "tr", "th", "td",
}

def markdown_html(text: str) -> Markup:
    """Markdown to HTML, then cleaned by nh3: the only way author text becomes markup."""
    html = _markdown.render(text or "")
    cleaned = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


def current_language() -> str:
    lang = str(get_locale() or LANGUAGES[0])
    return lang if lang in LANGUAGES else LANGUAGES[0]


def timezone() -> str:
    """The zone times are shown in (KEDJEKOLL_TIMEZONE, Europe/Stockholm by default)."""
    return str(current_app.config.get("TIMEZONE") or formats.DEFAULT_TIMEZONE)


def local_today() -> date:
    """Today where the buyer is: for deadlines and days left."""
    return formats.today(timezone())


def date_text(value: date | datetime | str | None, *_style: Any) -> str:
    """A day in the reader's style ("22 dec. 2026"); a moment as its local day; a date
    answer (ISO text) as a day, or as it was typed if it is not one."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return "" if value is None else formats.date_text(value, current_language(), timezone())


def datetime_text(value: datetime | None, *_style: Any) -> str:
    """A moment in the reader's style and zone ("22 dec. 2026 14:44")."""
    return "" if value is None else formats.datetime_text(value, current_language(),
                                                          timezone())


def time_text(value: datetime) -> str:
    """The local clock time of a moment ("14:44")."""
    return formats.time_text(value, current_language(), timezone())


def number_text(value: Any, *_style: Any) -> str:
    """A number in the reader's way ("40,5"); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    return formats.number_text(value, current_language())


def size_text(size: int | float) -> str:
    """A file size in the reader's way ("1,5 MB")."""
    return formats.size_text(size, current_language())


def option_label(value: Any, question: Any) -> str:
    """The label of a chosen option in the current language."""
    return question.option_text(value, current_language())


@lru_cache(maxsize=4)
def _country_options(lang: str) -> str:
    from markupsafe import escape

    return '<option value="">—</option>' + "".join(
        f'<option value="{escape(code)}">{escape(name)}</option>'
        for code, name in countries(lang))


def country_options(selected: Any) -> Markup:
    """Every country as <option>s, rendered once per language (a page may hold many)."""
    html = _country_options(current_language())
    if isinstance(selected, str) and selected.isalpha() and len(selected) == 2:
        html = html.replace(f'<option value="{selected}">',
                            f'<option value="{selected}" selected>', 1)
    return Markup(html)  # noqa: S704 - built from escaped ISO codes and names


def init_rendering(app: Flask) -> None:
    filters = {
        "t": lambda text, fallback="sv": text_in(text, current_language(), fallback),
        "markdown": lambda text, fallback="sv": markdown_html(
            text_in(text, current_language(), fallback)),
        "accept": lambda extensions: ",".join(f".{e.lstrip('.')}" for e in extensions),
        "option_label": option_label,
        "country_name": lambda code: country_name(code, current_language()),
        "region_name": region_name,
        "format_date": date_text,
        "format_datetime": datetime_text,
        "format_time": time_text,
        "format_decimal": number_text,
        "format_size": size_text,
        "country_options": country_options,
    }
    app.jinja_env.filters.update(filters)

    @app.context_processor
    def language():
        return {"lang": current_language(), "languages": LANGUAGES,
                "language_url": language_url}


def language_url(code: str) -> str:
    """This page in another language, with its query (a filtered list stays filtered);
    never a URL that holds an invitation token."""
    if request.endpoint in (None, "supplier.invitation") or request.method != "GET":
        return url_for("supplier.start", lang=code)
    path = request.view_args or {}
    kept = {k: v for k, v in request.args.items() if k != "lang" and k not in path
            and k != "endpoint" and not k.startswith("_")}
    return url_for(request.endpoint, **path, **kept, lang=code)
