"""Customers: bulk upsert by external id, through the same checks and upsert as the CSV import; all or nothing.

Each customer's fields are set as given (null clears one); fields left out keep their stored values. The
customers are handed to the CSV import grouped by which fields they give, so every value is read by the very
readers a CSV file's are, and tiers and lifecycle stages are recomputed the same way afterwards.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict

import marshmallow as ma
from flask_babel import gettext as _

from app.api.auth import current_api_user
from app.api.blueprint import ApiBlueprint
from app.api.problems import Problem, pointer
from app.api.v1.fields import FullMatch
from app.extensions import db
from app.services import audit
from app.services.customer_import import import_customers
from app.services.journey import current_journey
from touchloop.customer_csv import COLUMNS, DERIVED, CustomerFileError, RowProblem
from touchloop.journey import Journey

blp = ApiBlueprint("customers", __name__, url_prefix="/api/v1/customers", description="Customers")
MAX_CUSTOMERS = 1000
ONE_LINE = FullMatch(r"[^\r\n]*", error="Must be on one line.")


def _text(max_length: int, **kwargs) -> ma.fields.String:
    """A one-line text field of at most ``max_length`` characters."""
    return ma.fields.String(validate=[ma.validate.Length(max=max_length), ONE_LINE], **kwargs)


class CustomerSchema(ma.Schema):
    """One customer; the CSV import's columns, and journey.yaml's further segment attributes in ``segments``."""

    external_id = _text(64, required=True, metadata={"description": "The customer number, unique"})
    name = _text(200, required=True)
    email = _text(254, allow_none=True)
    phone = _text(40, allow_none=True)
    region = _text(40, allow_none=True)
    industry = _text(40, allow_none=True)
    customer_since = _text(40, allow_none=True, metadata={"description": "A date, e.g. 2021-03-15"})
    last_purchase = _text(40, allow_none=True, metadata={"description": "A date, e.g. 2024-11-02"})
    annual_value = _text(40, allow_none=True, metadata={"description": "A amount, e.g. 125000.00"})
    tier = _text(40, allow_none=True, metadata={"description": "Given tier (A, B, C); null: computed"})
    lifecycle = _text(40, allow_none=True, metadata={"description": "Given stage; null: computed"})
    representative = _text(254, allow_none=True, metadata={"description": "E-mail of their representative"})
    segments = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        values=_text(40, allow_none=True),
        metadata={"description": "Further segment attributes of journey.yaml, by code"},
    )


class UpsertSchema(ma.Schema):
    """The customers to create or update."""

    customers = ma.fields.List(
        ma.fields.Nested(CustomerSchema), required=True, validate=ma.validate.Length(min=1, max=MAX_CUSTOMERS)
    )


class UpsertResultSchema(ma.Schema):
    """How many customers were created and how many updated."""

    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)


@blp.route("", methods=["POST"])
@blp.scope("customers:write")
@blp.idempotent
@blp.arguments(UpsertSchema)
@blp.response(200, UpsertResultSchema)
def upsert_customers(body: dict):
    """Create or update customers by external id; if any value is wrong nothing is saved, and each is listed."""
    journey = current_journey(db.session)
    if journey is None:
        raise Problem(409, detail=_("Load the journey and surveys first (flask surveys load)."))
    customers = body["customers"]
    errors = _duplicates(customers) + _unknown_segments(customers, journey)
    created = updated = 0
    if not errors:
        for indexes, rows in _groups(customers).items():
            counts, problems = _import(rows, journey)
            errors += [_error(problem, indexes) for problem in problems]
            created, updated = created + counts[0], updated + counts[1]
    if errors:
        db.session.rollback()
        raise Problem(422, "customers-refused", _("No customer was saved; fix these values."), errors=errors)
    summary = {"via": "api", "created": created, "updated": updated}
    audit.record(db.session, "customers.imported", current_api_user(), summary=summary)
    db.session.commit()
    return {"created": created, "updated": updated}


def _duplicates(customers: list[dict]) -> list[dict]:
    """An error for each repeated external id after its first use."""
    counts = Counter(customer["external_id"].strip() for customer in customers)
    message = _("This customer number is given more than once in the request.")
    return [
        {"pointer": pointer("customers", index, "external_id"), "message": message}
        for index, customer in enumerate(customers)
        if counts[customer["external_id"].strip()] > 1
    ]


def _unknown_segments(customers: list[dict], journey: Journey) -> list[dict]:
    """An error for each segment attribute journey.yaml does not declare (or that belongs outside ``segments``)."""
    allowed = {a.code for a in journey.segments} - set(COLUMNS) - set(DERIVED)
    known = ", ".join(sorted(allowed)) or "—"
    return [
        {
            "pointer": pointer("customers", index, "segments", code),
            "message": _("Unknown segment attribute; the known ones are: %(known)s", known=known),
        }
        for index, customer in enumerate(customers)
        for code in customer.get("segments", {})
        if code not in allowed
    ]


def _groups(customers: list[dict]) -> dict[tuple[int, ...], list[dict]]:
    """The customers grouped by the fields they give (request positions -> flat rows)."""
    grouped: dict[tuple[str, ...], list[tuple[int, dict]]] = defaultdict(list)
    for index, customer in enumerate(customers):
        row = {key: value for key, value in customer.items() if key != "segments"}
        row.update(customer.get("segments", {}))
        grouped[tuple(sorted(row))].append((index, row))
    return {tuple(index for index, _row in items): [row for _index, row in items] for items in grouped.values()}


def _import(rows: list[dict], journey: Journey) -> tuple[tuple[int, int], list[RowProblem]]:
    """Run the CSV import on ``rows`` (all with the same fields): (created, updated) and its problems."""
    columns = ["external_id", "name"] + sorted(set(rows[0]) - {"external_id", "name"})
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if row[column] is None else row[column] for column in columns] for row in rows])
    try:
        report = import_customers(db.session, io.BytesIO(text.getvalue().encode("utf-8")), journey)
    except CustomerFileError as exc:
        return (0, 0), list(exc.problems)
    return (report.created, report.updated), report.problems if report.refused else []


def _error(problem: RowProblem, indexes: tuple[int, ...]) -> dict:
    """A CSV import problem as a field error: line 2 is the group's first customer."""
    position = problem.line - 2
    if not 0 <= position < len(indexes):
        return {"pointer": pointer("customers"), "message": problem.message}
    index = indexes[position]
    if problem.column is None:
        return {"pointer": pointer("customers", index), "message": problem.message}
    where = (problem.column,) if problem.column in COLUMNS else ("segments", problem.column)
    return {"pointer": pointer("customers", index, *where), "message": problem.message}
