"""The response export page: choose a survey, a period and a format, and download the file.

CSV is streamed as the rows come from the database. XLSX cannot be sent before it is complete (it is a ZIP
whose directory comes last), so it is built first in a temporary file that stays in memory up to
``XLSX_IN_MEMORY`` bytes and moves to disk beyond, then sent in chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from tempfile import SpooledTemporaryFile

from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import current_language, use_language
from app.models import Role
from app.services.export import (
    FORMATS,
    ExportCriteria,
    ExportError,
    ExportPlan,
    count_responses,
    csv_chunks,
    download_name,
    export_rows,
    plan_export,
    survey_choices,
    write_xlsx,
)
from app.services.journey import current_journey

XLSX_IN_MEMORY = 8 * 1024 * 1024  # bytes of an XLSX file kept in memory before it spills to a temporary file
# openpyxl needs about 0.3 ms of CPU a row (bench/export_responses.py: 100,000 rows in 56 s on a busy 2-core
# machine) and the file must be complete before its first byte is sent: above this a download could outlast
# the server's request timeout (README: gunicorn --timeout 120). CSV has no such limit, nor has
# ``flask responses export --format xlsx``.
XLSX_WEB_MAX_ROWS = 50_000

add_section("admin.exports", _l("Export responses"), Role.MANAGER, Role.REPRESENTATIVE)


@dataclass(frozen=True)
class ExportForm:
    """What the form asked for, as typed (so it can be shown again)."""

    survey: str = ""
    start: str = ""
    end: str = ""
    format: str = "csv"
    personal: bool = False


@bp.get("/exports")
@require_role(Role.MANAGER, Role.REPRESENTATIVE)
def exports():
    """The export form."""
    use_language(current_app.config["LANGUAGES"])
    return _form_page(ExportForm(survey=request.args.get("survey", "")[:40]), [])


@bp.get("/exports/download")
@require_role(Role.MANAGER, Role.REPRESENTATIVE)
def export_download():
    """The chosen responses as a CSV or XLSX file, or the form again saying what is wrong."""
    use_language(current_app.config["LANGUAGES"])
    form = _read_form(request.args)
    criteria, problems = _criteria(form)
    if problems:
        return _form_page(form, problems, 400)
    try:
        plan = plan_export(db.session, criteria, current_journey(db.session))
    except ExportError:  # the dates were checked above: what is left is a survey that does not exist
        return _form_page(form, [_("There is no survey “%(survey)s”.", survey=form.survey)], 400)
    too_many = form.format == "xlsx" and _too_many_for_xlsx(plan)
    if too_many:
        return _form_page(form, [too_many], 400)
    current_app.logger.info(
        "export of %s (%s to %s) as %s by user %s%s",
        criteria.survey,
        criteria.start or "start",
        criteria.end or "now",
        form.format,
        current_user.id,
        ", with personal data" if criteria.personal else "",
    )
    return _xlsx_response(plan) if form.format == "xlsx" else _csv_response(plan)


def _too_many_for_xlsx(plan: ExportPlan) -> str | None:
    """A message if the export holds more responses than an XLSX file is made for here."""
    count = count_responses(db.session, plan)
    if count <= XLSX_WEB_MAX_ROWS:
        return None
    return _(
        "XLSX files are made here for at most %(limit)s responses and this choice has %(count)s: "
        "download CSV, or choose a shorter period.",
        limit=format_number(XLSX_WEB_MAX_ROWS),
        count=format_number(count),
    )


def _form_page(form: ExportForm, problems: list[str], status: int = 200):
    """The form page, with the problems found (if any), in the language chosen for this request."""
    surveys = survey_choices(db.session, current_language())
    page = render_template(
        "admin/exports.html", form=form, surveys=surveys, problems=problems, xlsx_limit=XLSX_WEB_MAX_ROWS
    )
    return page, status


def _read_form(args: MultiDict) -> ExportForm:
    """The form's fields from the query string, trimmed and cut to a sane length."""
    return ExportForm(
        survey=args.get("survey", "").strip()[:40],
        start=args.get("start", "").strip()[:40],
        end=args.get("end", "").strip()[:40],
        format=args.get("format", "csv").strip().lower()[:10],
        personal=args.get("personal") == "1",
    )


def _criteria(form: ExportForm) -> tuple[ExportCriteria | None, list[str]]:
    """The export the form asks for, or a message for each thing wrong with it."""
    problems = [] if form.survey else [_("Choose a survey.")]
    start, end = _date(form.start), _date(form.end)
    if form.start and start is None:
        problems.append(_("The first day “%(value)s” is not a date: write it as YYYY-MM-DD.", value=form.start))
    if form.end and end is None:
        problems.append(_("The last day “%(value)s” is not a date: write it as YYYY-MM-DD.", value=form.end))
    if start and end and start > end:
        problems.append(_("The first day is after the last day."))
    if form.format not in FORMATS:
        problems.append(_("Choose CSV or XLSX as the format."))
    if problems:
        return None, problems
    return ExportCriteria(form.survey, start, end, personal=form.personal), []


def _date(value: str) -> date | None:
    """``value`` as an ISO date (YYYY-MM-DD), or None."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _csv_response(plan: ExportPlan) -> Response:
    """The CSV file, streamed chunk by chunk while the rows are read."""
    return _download(stream_with_context(csv_chunks(plan, export_rows(db.session, plan))), plan, "csv")


def _xlsx_response(plan: ExportPlan) -> Response:
    """The XLSX file, built in a spooled temporary file, then sent in chunks (the file is removed when closed)."""
    spool = SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)
    try:
        write_xlsx(plan, export_rows(db.session, plan), spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = _download(_read_and_close(spool), plan, "xlsx")
    response.call_on_close(spool.close)  # also when the download is dropped before its first chunk
    return response


def _read_and_close(spool: SpooledTemporaryFile) -> Iterator[bytes]:
    """The spooled file in 64 KiB chunks, closed (and so removed) once all is read."""
    with spool:
        while chunk := spool.read(64 * 1024):
            yield chunk


def _download(body: Iterable[bytes], plan: ExportPlan, file_format: str) -> Response:
    """A response that downloads ``body`` as the export's file, never cached (it holds customers' answers)."""
    response = Response(body, mimetype=FORMATS[file_format].split(";")[0])
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(plan, file_format)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
