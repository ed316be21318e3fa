"""The customer list (search, segment filters, keyset pages) and each customer's 360° page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from app.admin import bp
from app.admin.sections import add_section
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import current_language, use_language
from app.models import Customer, Role
from app.models.types import utcnow
from app.services import audit
from app.services.customer_history import HISTORY_LIMIT, customer_invitations, customer_responses, segment_facts
from app.services.customer_list import (
    LIST_COLUMNS,
    SEARCH_MAX_LENGTH,
    CustomerCriteria,
    CustomerPage,
    filterable_attributes,
    list_customers,
)
from app.services.definitions import parse_id
from app.services.journey import current_journey
from app.services.representatives import (
    NotARepresentative,
    representative_account,
    representative_choices,
    set_representative,
)
from app.services.survey_titles import in_language
from touchloop.journey import Journey

add_section("admin.customers", _l("Customers"), "admin", "manager", "representative")


class RepresentativeForm(FlaskForm):
    """The customer's representative, among the active representatives (or nobody)."""

    representative = SelectField(_l("Customer representative"), validate_choice=True)


@dataclass(frozen=True)
class FilterField:
    """One segment filter of the form: a select of the attribute's values, named in the page language."""

    code: str
    label: str
    choices: list[tuple[str, str]]
    selected: str


@bp.get("/customers")
def customers():
    """Customers matching the search and filters, 50 to a page in name order."""
    journey = current_journey(db.session)
    lang = use_language(current_app.config["LANGUAGES"])
    fields, chosen, problems = _filter_fields(journey, lang, request.args)
    search = request.args.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    criteria = CustomerCriteria(
        search, chosen, parse_id(request.args.get("after")), parse_id(request.args.get("before"))
    )
    page = list_customers(db.session, journey, criteria, utcnow().date())
    kept = {**chosen, **({"q": search} if search else {}), **_kept_language()}
    return render_template(
        "admin/customers.html",
        page=page,
        fields=fields,
        search=search,
        problems=problems,
        kept=kept,
        pages=_page_links(page, kept),
        columns=_columns(journey, lang),
        labels=_value_names(journey, lang),
    )


@bp.get("/customers/<int(max=2147483647):customer_id>")
def customer(customer_id: int):
    """Everything known about one customer: facts, segments, invitations, responses."""
    found = db.session.get(Customer, customer_id) or abort(404)
    use_language(current_app.config["LANGUAGES"])
    return _customer_page(found, _representative_form(found, posted=False))


@bp.post("/customers/<int(max=2147483647):customer_id>/representative")
@require_role(Role.REPRESENTATIVE)
def customer_representative(customer_id: int):
    """Set the customer's representative (admins and representatives)."""
    found = db.session.get(Customer, customer_id) or abort(404)
    use_language(current_app.config["LANGUAGES"])
    form = _representative_form(found)
    if not form.validate_on_submit():
        return _customer_page(found, form, status=400)
    try:
        change = set_representative(db.session, found, form.representative.data or None)
    except NotARepresentative:
        db.session.rollback()
        form.representative.errors.append(_("Choose one of the active customer representatives."))
        return _customer_page(found, form, status=422)
    summary = {"before": change.before, "after": change.after}
    audit.record(db.session, "customer.representative_set", current_user, found.id, summary=summary)
    db.session.commit()
    current_app.logger.info(
        "user %s set the representative of customer %s: %s -> %s",
        current_user.id,
        found.id,
        change.before,
        change.after,
    )
    flash(_("Saved the customer representative."), "success")
    return redirect(url_for("admin.customer", customer_id=customer_id), code=303)


def _representative_form(found: Customer, *, posted: bool = True) -> RepresentativeForm:
    """The representative select, with the current one chosen (listed even if no longer an active representative)."""
    choices = [("", _("— nobody —"))] + representative_choices(db.session)
    current = (found.representative or "").strip()
    chosen = next((email for email, _label in choices if current and email.lower() == current.lower()), None)
    if current and chosen is None:
        # Listed so the select does not pretend another value; saving it unchanged is refused with a message.
        chosen = current
        choices.append((current, _("%(email)s (not an active representative)", email=current)))
    form = RepresentativeForm(**({} if posted else {"formdata": None}), data={"representative": chosen or ""})
    form.representative.choices = choices
    return form


def _customer_page(found: Customer, form: RepresentativeForm, *, status: int = 200):
    """The customer's 360° page, with the representative form for those who may use it."""
    journey = current_journey(db.session)
    lang = current_language()
    account = representative_account(db.session, found.representative)
    return render_template(
        "admin/customer.html",
        customer=found,
        segments=segment_facts(found, journey, lang, utcnow().date()),
        invitations=customer_invitations(db.session, found.id, lang),
        responses=customer_responses(db.session, found.id, lang),
        limit=HISTORY_LIMIT,
        representative=account if account is not None and account.active else None,
        representative_form=form if current_user.has_role(Role.REPRESENTATIVE) else None,
        privacy_form=FlaskForm(formdata=None) if current_user.has_role(Role.ADMIN) else None,
    ), status


def _filter_fields(journey: Journey | None, lang: str, args: MultiDict) -> tuple[list[FilterField], dict, list[str]]:
    """The filter selects, the valid choices made in ``args``, and a message for each invalid one."""
    fields, chosen, problems = [], {}, []
    for attribute in filterable_attributes(journey):
        label = in_language(attribute.name, lang, attribute.code)
        choices = [(item.code, in_language(item.name, lang, item.code)) for item in attribute.bands or attribute.values]
        value = args.get(attribute.code, "").strip()
        if value and value not in dict(choices):
            problems.append(
                _(
                    "“%(value)s” is not one of the values of %(attribute)s, so that filter was left out.",
                    value=value[:40],
                    attribute=label,
                )
            )
            value = ""
        if value:
            chosen[attribute.code] = value
        fields.append(FilterField(attribute.code, label, choices, value))
    return fields, chosen, problems


def _page_links(page: CustomerPage, kept: dict[str, str]) -> dict[str, str]:
    """The first, previous and next page addresses, keeping the search and filters."""
    links = {}
    if page.previous_before:
        links["first"] = url_for("admin.customers", **kept)
        links["previous"] = url_for("admin.customers", **{**kept, "before": page.previous_before})
    if page.next_after:
        links["next"] = url_for("admin.customers", **{**kept, "after": page.next_after})
    return links


def _columns(journey: Journey | None, lang: str) -> list[tuple[str, str]]:
    """The segment columns of the list: attribute code and its name in ``lang``."""
    names = {attribute.code: attribute.name for attribute in journey.segments} if journey else {}
    return [(code, in_language(names.get(code), lang, code)) for code in LIST_COLUMNS]


def _value_names(journey: Journey | None, lang: str) -> dict[str, dict[str, str]]:
    """Attribute code -> value (or band) code -> its name in ``lang``."""
    return {
        attribute.code: {
            item.code: in_language(item.name, lang, item.code) for item in attribute.bands or attribute.values
        }
        for attribute in (journey.segments if journey else ())
    }


def _kept_language() -> dict[str, str]:
    """``lang`` from the query string, so paging keeps a language chosen in the address."""
    lang = request.args.get("lang", "")
    return {"lang": lang} if lang in current_app.config["LANGUAGES"] else {}
