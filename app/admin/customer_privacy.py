"""A customer's data on request, for admins: download everything held about them, or erase it (after confirming)."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.admin import bp
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Customer, Role
from app.models.types import utcnow
from app.services import audit
from app.services.customer_privacy import AlreadyErased, erase_customer, export_customer


class ConfirmForm(FlaskForm):
    """A button that posts the CSRF token and nothing else."""


@bp.post("/customers/<int(max=2147483647):customer_id>/export")
@require_role(Role.ADMIN)
def customer_export(customer_id: int):
    """Everything held about the customer, as a JSON file to hand to them."""
    found = db.session.get(Customer, customer_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    data = export_customer(db.session, found.id)
    summary = {"responses": len(data["responses"]), "cases": len(data["cases"]), "to": "download"}
    audit.record(db.session, "customer.exported", current_user, found.id, summary=summary)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    headers = {
        "Content-Disposition": f'attachment; filename="customer-{found.id}.json"',
        "Cache-Control": "no-store",  # personal data: never kept by a browser cache or a proxy
    }
    return current_app.response_class(body, mimetype="application/json", headers=headers)


@bp.route("/customers/<int(max=2147483647):customer_id>/erase", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def customer_erase(customer_id: int):
    """Ask to confirm, then erase the customer's personal data; their responses stay, anonymised."""
    use_language(current_app.config["LANGUAGES"])
    found = db.session.get(Customer, customer_id) or abort(404)
    form = ConfirmForm()
    if found.erased_at is not None:
        flash(_("This customer's personal data was erased before."), "error")
        return redirect(url_for("admin.customer", customer_id=customer_id), code=303)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("admin/customer_erase.html", customer=found, form=form), status
    try:
        report = erase_customer(db.session, found.id, now=utcnow())
    except AlreadyErased:  # erased by someone else between the page and the click
        db.session.rollback()
        flash(_("This customer's personal data was erased before."), "error")
        return redirect(url_for("admin.customer", customer_id=customer_id), code=303)
    audit.record(db.session, "customer.erased", current_user, customer_id, summary=report.counts())
    db.session.commit()
    flash(
        _(
            "The customer's personal data was erased; %(count)d response(s) stay, anonymised, in the statistics.",
            count=report.responses_kept,
        ),
        "success",
    )
    return redirect(url_for("admin.customer", customer_id=customer_id), code=303)
