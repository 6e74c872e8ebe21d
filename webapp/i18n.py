"""Languages: Swedish and English UI strings through Flask-Babel.

The language is, in order: the one the user chose (kept in the session), the supplier
contact's language, the browser's preference, Swedish.
"""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import Babel

from .formats import DEFAULT_TIMEZONE

LANGUAGES = ("sv", "en")
babel = Babel()


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    preferred = g.get("preferred_language")
    if preferred in LANGUAGES:
        return preferred
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "sv")
    # Flask-Babel's own helpers show times in the same zone as webapp.formats
    app.config["BABEL_DEFAULT_TIMEZONE"] = str(app.config.get("TIMEZONE") or DEFAULT_TIMEZONE)
    babel.init_app(app, locale_selector=select_locale)
