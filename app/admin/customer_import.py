"""Uploading a customers CSV file: check it, import it, and show what happened."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Role
from app.services import audit
from app.services.customer_import import ImportReport, import_customers
from app.services.journey import current_journey
from touchloop.customer_csv import COLUMNS, CustomerFileError
from touchloop.text import printable

add_section("admin.customer_import", _l("Import customers"), "admin", "manager")
SHOWN_PROBLEMS = 200


class CustomerImportForm(FlaskForm):
    """The CSV file, and whether bad rows are skipped rather than refusing the file."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file.")), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
    )
    skip_invalid = BooleanField(_l("Import the good rows and skip the bad ones"))


@bp.route("/customers/import", methods=["GET", "POST"])
@require_role(Role.MANAGER)
def customer_import():
    """Show the upload form; import a posted file and show the report, or why it was refused."""
    use_language(current_app.config["LANGUAGES"])
    form = CustomerImportForm()
    journey = current_journey(db.session)
    if journey is None or not form.validate_on_submit():
        return _page(form, loaded=journey is not None, status=400 if request.method == "POST" else 200)
    try:
        report = import_customers(db.session, form.file.data.stream, journey, skip_invalid=form.skip_invalid.data)
    except CustomerFileError as exc:
        db.session.rollback()
        return _page(
            form, report=ImportReport(problems=list(exc.problems), problem_count=len(exc.problems), refused=True)
        )
    if report.refused:
        db.session.rollback()
    else:
        summary = {"file": printable(form.file.data.filename or "")[:100], "created": report.created}
        summary |= {"updated": report.updated, "skipped": report.skipped}
        audit.record(db.session, "customers.imported", current_user, summary=summary)
        db.session.commit()
    return _page(form, report=report)


def _page(form: CustomerImportForm, *, report: ImportReport | None = None, loaded: bool = True, status: int = 200):
    """The page, with the report of an import when there is one (refused: 400)."""
    if report is not None and report.refused:
        status = 400
    return (
        render_template(
            "admin/customer_import.html",
            form=form,
            report=report,
            loaded=loaded,
            columns=COLUMNS,
            problems=report.problems[:SHOWN_PROBLEMS] if report else [],
        ),
        status,
    )
