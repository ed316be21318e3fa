"""The experience report of a month as PDF bytes, in a language: gather (``report``), word, render."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.services.report import ReportNames, experience_report
from app.services.report_words import report_words
from touchloop.report.model import Month
from touchloop.report.pdf import render_report

LANGUAGES = ("zh", "en")


def report_pdf(session: Session, month: Month, *, lang: str, today: date) -> bytes:
    """The PDF of ``month``'s experience report in ``lang`` ("zh" or "en"); needs an app context."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r} (known: {', '.join(LANGUAGES)})")
    with force_locale(lang):
        names = ReportNames(
            nps=_("NPS"), csat=_("CSAT (percent satisfied)"), other=_("Other"), segment=_("%(attribute)s: %(value)s")
        )
        report = experience_report(session, month, lang=lang, today=today, words=names)
        return render_report(report, report_words(month, lang))


def report_filename(month: Month, lang: str) -> str:
    """The file name a downloaded report gets, e.g. experience-report-2026-03-zh.pdf."""
    return f"experience-report-{month}-{lang}.pdf"
