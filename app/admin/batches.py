"""Invitation batches: list, create for a segment, send, download links, response rates."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.mail import MailError
from app.models import InvitationBatch, Role, Survey
from app.models.types import utcnow
from app.services import audit
from app.services.batch_stats import batch_summaries, rates_by_channel, rates_by_segment
from app.services.invitation_delivery import as_utc
from app.services.invitations import BatchError, BatchResult, create_batch, export_links_csv, send_batch
from app.services.journey import current_journey
from app.services.survey_titles import in_language, newest_titles
from touchloop.journey import Journey
from touchloop.text import printable

add_section("admin.batches", _l("Invitations"), "admin", "manager", "representative")
SEND_SECONDS = 20  # one click sends for at most this long, so the request ends before proxies give up


class BatchFormBase(FlaskForm):
    """The name of a new batch; the survey select and one multi-select per segment attribute are added."""

    name = StringField(
        _l("Batch name"),
        filters=[lambda text: printable(text).strip() if text else text],
        validators=[DataRequired(), Length(max=200)],
    )


@bp.get("/batches")
def batches():
    """Every batch, newest first, with invited, sent, answered and the response rate."""
    lang = use_language(current_app.config["LANGUAGES"])
    rows = batch_summaries(db.session)
    titles = newest_titles(db.session, [row.survey_id for row in rows])
    return render_template("admin/batch_list.html", rows=rows, titles=titles, lang=lang)


@bp.route("/batches/new", methods=["GET", "POST"])
@require_role(Role.MANAGER)
def new_batch():
    """Choose a survey and a segment; create one invitation per customer who may be asked."""
    lang = use_language(current_app.config["LANGUAGES"])
    journey = current_journey(db.session)
    if journey is None:
        flash(_("Load the journey and surveys first (flask surveys load)."), "error")
        return redirect(url_for("admin.batches"))
    form = _batch_form(journey, lang)()
    if not form.validate_on_submit():
        return _new_page(form, journey, status=400 if request.method == "POST" else 200)
    wanted = {a.code: form[_field(a.code)].data for a in journey.segments if form[_field(a.code)].data}
    try:
        result = create_batch(
            db.session,
            survey_slug=form.survey.data,
            segment_filter=wanted,
            name=form.name.data.strip(),
            created_by_id=current_user.id,
            now=utcnow(),
            journey=journey,
        )
    except BatchError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _new_page(form, journey, status=400)
    if result.batch_id is not None:
        summary = {"name": form.name.data.strip(), "survey": form.survey.data, "segments": wanted}
        summary |= {"invited": result.created, "skipped": result.skipped}
        audit.record(db.session, "batch.created", current_user, result.batch_id, summary=summary)
    db.session.commit()
    if result.batch_id is None:
        return _new_page(form, journey, result=result)
    flash(_created_message(result), "success")
    return redirect(url_for("admin.batch", batch_id=result.batch_id), code=303)


@bp.get("/batches/<int(max=2147483647):batch_id>")
def batch(batch_id: int):
    """One batch: its counts and response rate overall, by segment and by channel."""
    lang = use_language(current_app.config["LANGUAGES"])
    summary = next(iter(batch_summaries(db.session, batch_id=batch_id)), None) or abort(404)
    journey = current_journey(db.session)
    segment_rates = (
        rates_by_segment(db.session, batch_id, journey, as_utc(summary.created_at).date()) if journey else {}
    )
    return render_template(
        "admin/batch_detail.html",
        summary=summary,
        title=in_language(newest_titles(db.session, [summary.survey_id]).get(summary.survey_id), lang),
        segment_filter=db.session.get(InvitationBatch, batch_id).segment_filter,
        segment_rates=segment_rates,
        channel_rates=rates_by_channel(db.session, batch_id),
        names=_names(journey, lang),
        can_send=current_user.has_role(Role.MANAGER),
    )


@bp.post("/batches/<int(max=2147483647):batch_id>/send")
@require_role(Role.MANAGER)
def send(batch_id: int):
    """E-mail the batch's unsent invitations (for at most SEND_SECONDS; press again for the rest)."""
    use_language(current_app.config["LANGUAGES"])
    db.session.get(InvitationBatch, batch_id) or abort(404)
    try:
        report = send_batch(db.session, batch_id, now=utcnow(), seconds=SEND_SECONDS)
    except MailError as exc:
        flash(_("The e-mails could not be sent: %(error)s", error=str(exc)), "error")
        return redirect(url_for("admin.batch", batch_id=batch_id), code=303)
    summary = {"sent": report.sent, "failed": report.failed, "remaining": report.remaining}
    audit.record(db.session, "batch.sent", current_user, batch_id, summary=summary)
    db.session.commit()  # the e-mails were claimed and committed one by one; this is the log entry
    flash(
        _("%(sent)d e-mail(s) sent, %(failed)d refused by the mail server.", sent=report.sent, failed=report.failed),
        "success",
    )
    if report.error:
        flash(_("The mail server failed: %(error)s. Press Send e-mails again later.", error=report.error), "error")
    elif report.remaining:
        flash(_("%(count)d e-mail(s) still to send: press Send e-mails again.", count=report.remaining), "error")
    return redirect(url_for("admin.batch", batch_id=batch_id), code=303)


@bp.get("/batches/<int(max=2147483647):batch_id>/links.csv")
@require_role(Role.MANAGER)
def links_csv(batch_id: int):
    """The batch's personal links as CSV, for sending some other way."""
    db.session.get(InvitationBatch, batch_id) or abort(404)
    body = "\ufeff" + export_links_csv(db.session, batch_id)  # the BOM makes spreadsheet programs read UTF-8
    return HttpResponse(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="invitation-links-{batch_id}.csv"'},
    )


def _field(code: str) -> str:
    """The form field name of a segment attribute."""
    return f"segment_{code}"


def _batch_form(journey: Journey, lang: str) -> type[BatchFormBase]:
    """The batch form for this journey: a survey select and a multi-select per segment attribute, named in ``lang``."""
    titles = newest_titles(db.session)
    surveys = db.session.execute(sa.select(Survey.id, Survey.slug).order_by(Survey.slug)).all()
    fields = {
        "survey": SelectField(
            _l("Survey"),
            choices=[SelectChoice(slug, in_language(titles.get(survey_id), lang, slug)) for survey_id, slug in surveys],
            validators=[DataRequired()],
        )
    }
    for attribute in journey.segments:
        fields[_field(attribute.code)] = SelectMultipleField(
            in_language(attribute.name, lang, attribute.code),
            choices=[
                SelectChoice(item.code, in_language(item.name, lang, item.code))
                for item in attribute.bands or attribute.values
            ],
        )
    return type("BatchForm", (BatchFormBase,), fields)


def _new_page(form: BatchFormBase, journey: Journey, *, result: BatchResult | None = None, status: int = 200):
    """The create form, with what the last attempt did when nobody could be invited."""
    segment_fields = [form[_field(attribute.code)] for attribute in journey.segments]
    page = render_template("admin/batch_new.html", form=form, segment_fields=segment_fields, result=result)
    return page, status


def _created_message(result: BatchResult) -> str:
    """How many were invited and why others were not."""
    return _(
        "%(created)d invitation(s) created. Skipped: %(opted_out)d opted out, %(no_email)d without an e-mail "
        "address, %(recently_invited)d asked too recently (contact frequency).",
        created=result.created,
        **result.skipped,
    )


def _names(journey: Journey | None, lang: str) -> dict:
    """Attribute code -> (its name, value code -> value name), in ``lang``."""
    if journey is None:
        return {}
    return {
        attribute.code: (
            in_language(attribute.name, lang, attribute.code),
            {item.code: in_language(item.name, lang, item.code) for item in attribute.bands or attribute.values},
        )
        for attribute in journey.segments
    }
