"""Interface language: Chinese is the source language, English has a catalog.

The language comes from ``?lang=zh|en`` (remembered in the session), else the
browser's Accept-Language, else Chinese.  Babel reads ``zh_CN`` as
``zh_Hans_CN`` (DESIGN.md §7), so Chinese uses no catalog at all: the msgids
are the Chinese text.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session, url_for
from flask_babel import Babel, get_locale

babel = Babel()

HTML_LANG = {"zh": "zh-CN", "en": "en"}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def select_locale() -> str:
    """The language for this request."""
    languages = current_app.config["LANGUAGES"]
    for chosen in (request.args.get("lang"), session.get("lang")):
        if chosen in languages:
            return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def remember_language() -> None:
    """Keep a language chosen with ?lang= in the session for the next pages."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"] and session.get("lang") != chosen:
        session["lang"] = chosen


def current_language() -> str:
    """The code of the language this request renders in ('zh' or 'en')."""
    return get_locale().language


def language_url(code: str) -> str:
    """This page's URL with ?lang=code, other query arguments kept."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    if request.endpoint and request.url_rule is not None:
        return url_for(request.endpoint, **{**args, **(request.view_args or {})})
    return url_for("public.home", lang=code)


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and expose the language helpers to templates."""
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_language)

    @app.context_processor
    def language_context() -> dict:
        code = current_language()
        return {
            "current_language": code,
            "html_lang": HTML_LANG.get(code, code),
            "language_names": LANGUAGE_NAMES,
            "language_url": language_url,
        }
