"""Template helpers: questionnaire text in the chosen language, and safe Markdown."""

from __future__ import annotations

import nh3
from flask import Flask, g, request
from markdown_it import MarkdownIt
from markupsafe import Markup

from .definitions.fields import text_in

LANGUAGES = ("sv", "en")
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
    lang = getattr(g, "lang", None)
    if lang:
        return lang
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def init_rendering(app: Flask) -> None:
    @app.template_filter("t")
    def translate(text, fallback: str = "sv") -> str:
        return text_in(text, current_language(), fallback)

    @app.template_filter("markdown")
    def markdown(text, fallback: str = "sv") -> Markup:
        return markdown_html(text_in(text, current_language(), fallback))

    @app.context_processor
    def language():
        return {"lang": current_language(), "languages": LANGUAGES}
