"""Language choice: ?lang=, then the last choice made (kept in the session), then Accept-Language."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request, session
from flask_babel import refresh

from app.extensions import babel

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def choose_language(available: tuple[str, ...] | list[str]) -> str:
    """The best language for this request among ``available`` (first is the default)."""
    asked = (request.args.get("lang") or "").strip().lower()
    asked = {"zh-cn": "zh", "zh-hans": "zh", "zh_cn": "zh"}.get(asked, asked)
    if asked in available:
        session["lang"] = asked  # remembered, so the next page keeps the switcher's choice
        return asked
    if session.get("lang") in available:
        return session["lang"]
    best = request.accept_languages.best_match(available)
    if best:
        return best
    # Accept-Language often says only "zh-CN"; match on the primary subtag.
    for tag, _quality in request.accept_languages:
        primary = tag.split("-")[0].lower()
        if primary in available:
            return primary
    return available[0]


def use_language(available: tuple[str, ...] | list[str]) -> str:
    """Pick this request's language among ``available`` and switch the translations to it."""
    g.lang = choose_language(available)
    refresh()  # Flask-Babel caches the locale it picked before the view knew the choices
    return g.lang


def url_with_language(code: str) -> str:
    """This page's path and query string with ``lang`` set to ``code`` (query values are only re-encoded)."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + "?" + urlencode(query + [("lang", code)])


def current_language() -> str:
    """The language this request's page is shown in."""
    if "lang" not in g:
        from flask import current_app

        g.lang = choose_language(current_app.config["LANGUAGES"])
    return g.lang


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our locale selector and template helpers."""
    babel.init_app(app, locale_selector=current_language)

    @app.before_request
    def forget_previous_language() -> None:
        """Choose afresh per request, even where an app context outlives one (tests, CLI)."""
        g.pop("lang", None)
        refresh()

    @app.context_processor
    def language_helpers() -> dict:
        """Expose the page language to every template."""
        return {
            "page_lang": current_language,
            "html_lang": HTML_LANG,
            "language_names": LANGUAGE_NAMES,
            "url_with_language": url_with_language,
        }
