"""Download the experience report of a month as a PDF (GET: it only reads; the blueprint checks the role)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, current_app, request
from flask_babel import gettext as _

from app.analytics import bp
from app.analytics.pages import overview_page
from app.analytics.report_form import LANGUAGE_FIELD, MONTH_FIELD
from app.extensions import db
from app.i18n import use_language
from app.services.report_document import LANGUAGES, report_filename, report_pdf
from touchloop.report.model import Month, MonthError


@bp.get("/report.pdf")
def report_download():
    """The PDF of ``?month=YYYY-MM`` in ``?report_lang=zh|en``; a bad month or language: the overview with a 400."""
    page_lang = use_language(current_app.config["LANGUAGES"])
    asked = request.args.get(MONTH_FIELD, "")
    try:
        month = Month.parse(asked)
    except MonthError:
        message = _("“%(value)s” is not a month: choose one, or write it as YYYY-MM (e.g. 2026-03).", value=asked)
        return overview_page(report_error=message)
    report_lang = request.args.get(LANGUAGE_FIELD) or page_lang
    if report_lang not in LANGUAGES:
        return overview_page(report_error=_("The report is written in Chinese or English: choose one of them."))
    data = report_pdf(db.session, month, lang=report_lang, today=datetime.now(timezone.utc).date())
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{report_filename(month, report_lang)}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
