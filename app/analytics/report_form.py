"""The experience report's download form on the overview page: which month, which language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import request

from app.i18n import LANGUAGE_NAMES
from app.services.report_document import LANGUAGES
from touchloop.report.model import Month

MONTH_FIELD = "month"
LANGUAGE_FIELD = "report_lang"


@dataclass(frozen=True)
class ReportForm:
    """What the form shows: the month asked for (default: last month), the language choices, a refusal."""

    month: str
    language: str
    languages: tuple[tuple[str, str], ...]
    error: str | None


def last_month() -> Month:
    """The last complete calendar month (UTC)."""
    today = datetime.now(timezone.utc).date()
    return Month(today.year, today.month).shifted(-1)


def report_form(page_lang: str, error: str | None = None) -> ReportForm:
    """The form as this request asked for it, or with its defaults: last month, the page's language."""
    month = request.args.get(MONTH_FIELD) if error else None
    language = request.args.get(LANGUAGE_FIELD) if error else None
    return ReportForm(
        month=month or str(last_month()),
        language=language if language in LANGUAGES else page_lang,
        languages=tuple((code, LANGUAGE_NAMES[code]) for code in LANGUAGES),
        error=error,
    )
