"""Finding customers: a search, segment filters and keyset pages ordered by (name, id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, Response
from app.services.segments import (
    COLUMN_ATTRIBUTES,
    YEARS_AS_CUSTOMER,
    band_condition,
    current_value_expression,
    value_of,
)
from touchloop.journey import Journey, SegmentAttribute
from touchloop.text import printable

PAGE_SIZE = 50
SORT_MATCHES_BELOW = 5000  # fewer matches than this are sorted rather than found by walking the name index
SEARCH_MAX_LENGTH = 100
LIST_COLUMNS = (*COLUMN_ATTRIBUTES, YEARS_AS_CUSTOMER)  # the segments the list shows
KEY = sa.tuple_(Customer.name, Customer.id)  # the list's order; ix_customer_name_id makes each page a range scan


@dataclass(frozen=True)
class CustomerCriteria:
    """What the list shows: a search text, attribute -> value (or band) code, and a page cursor."""

    search: str = ""
    segments: dict[str, str] = field(default_factory=dict)
    after: int | None = None
    before: int | None = None


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list."""

    id: int
    external_id: str
    name: str
    segments: dict[str, str | None]
    customer_since: date | None
    last_response: datetime | None
    opted_out_at: datetime | None


@dataclass(frozen=True)
class CustomerPage:
    """Up to PAGE_SIZE customers, the number matching, and the cursors of the neighbouring pages."""

    rows: list[CustomerRow]
    total: int
    previous_before: int | None
    next_after: int | None


def filterable_attributes(journey: Journey | None) -> list[SegmentAttribute]:
    """The journey's segment attributes the list can filter on: listed values, or years as customer."""
    if journey is None:
        return []
    return [a for a in journey.segments if a.values or a.code == YEARS_AS_CUSTOMER]


def segment_condition(attribute: SegmentAttribute, code: str, today: date) -> sa.ColumnElement[bool]:
    """SQL for "the customer is in value (or band) ``code`` of ``attribute`` today"."""
    if attribute.code == YEARS_AS_CUSTOMER:
        band = next(b for b in attribute.bands if b.code == code)
        # A range of customer_since dates: no date arithmetic per row.
        return band_condition(Customer.customer_since, today, band)
    return current_value_expression(attribute, today) == code


def search_condition(text: str, dialect: str) -> sa.ColumnElement[bool]:
    """External id or e-mail starting with ``text``, or a name containing it, ignoring case."""
    # No index helps a name substring, so every customer is read: keep the per-row work small.
    # SQLite's LIKE already ignores ASCII case, which is all its lower() folds; and a term with
    # no cased letters (Chinese, digits) needs no lower() at all.
    term = printable(text).strip()[:SEARCH_MAX_LENGTH]
    external_id, email, name = Customer.external_id, Customer.email, Customer.name
    if dialect != "sqlite" and term.lower() != term.upper():
        term = term.lower()
        external_id, email, name = sa.func.lower(external_id), sa.func.lower(email), sa.func.lower(name)
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(
        external_id.like(escaped + "%", escape="\\"),
        email.like(escaped + "%", escape="\\"),
        name.like("%" + escaped + "%", escape="\\"),
    )


def matching_conditions(journey: Journey | None, criteria: CustomerCriteria, today: date, dialect: str) -> list:
    """The WHERE conditions of ``criteria`` (segment codes already checked against the journey)."""
    attributes = {a.code: a for a in filterable_attributes(journey)}
    conditions = [
        segment_condition(attributes[code], value, today)
        for code, value in criteria.segments.items()
        if code in attributes
    ]
    if criteria.search.strip():
        conditions.append(search_condition(criteria.search, dialect))
    return conditions


def list_customers(
    session: Session,
    journey: Journey | None,
    criteria: CustomerCriteria,
    today: date,
    sort_matches_below: int = SORT_MATCHES_BELOW,
) -> CustomerPage:
    """One page of the customers matching ``criteria``, in (name, id) order."""
    conditions = matching_conditions(journey, criteria, today, session.get_bind().dialect.name)
    total = session.scalar(sa.select(sa.func.count()).select_from(Customer).where(*conditions)) or 0
    # Many matches: walk ix_customer_name_id in order, the next 51 are soon found. Few: walking
    # the index could read all of it to find them, so find them first and sort them ("|| ''"
    # keeps the order and the collation but is not the indexed column).
    name = Customer.name if total >= sort_matches_below else Customer.name.concat("")
    customers, previous_before, next_after = _keyset_page(session, conditions, criteria, name)
    last = _last_responses(session, [c.id for c in customers])
    shown = [a for a in journey.segments if a.code in LIST_COLUMNS] if journey else []
    rows = [_row(c, last.get(c.id), shown, today) for c in customers]
    return CustomerPage(rows, total, previous_before, next_after)


def _keyset_page(session: Session, conditions: list, criteria: CustomerCriteria, name: sa.ColumnElement):
    """The customers of the page after (or before) the cursor, and the cursors of the pages around it."""
    stmt = sa.select(Customer).where(*conditions).limit(PAGE_SIZE + 1)
    before = _cursor(session, criteria.before)
    if before is not None:
        found = list(session.scalars(stmt.where(KEY < before).order_by(name.desc(), Customer.id.desc())))
        if found:  # else the cursor was the first customer: show the first page
            customers = list(reversed(found[:PAGE_SIZE]))
            return customers, (customers[0].id if len(found) > PAGE_SIZE else None), customers[-1].id
    after = None if criteria.before else _cursor(session, criteria.after)
    if after is not None:
        stmt = stmt.where(KEY > after)
    found = list(session.scalars(stmt.order_by(name, Customer.id)))
    customers = found[:PAGE_SIZE]
    previous_before = customers[0].id if customers and after is not None else None
    next_after = customers[-1].id if len(found) > PAGE_SIZE else None
    return customers, previous_before, next_after


def _cursor(session: Session, customer_id: int | None) -> tuple | None:
    """The (name, id) key of the customer a page starts after or ends before."""
    if customer_id is None:
        return None
    name = session.scalar(sa.select(Customer.name).where(Customer.id == customer_id))
    return (name, customer_id) if name is not None else None


def _last_responses(session: Session, customer_ids: list[int]) -> dict[int, datetime]:
    """When each of these customers last answered a survey (one grouped query)."""
    if not customer_ids:
        return {}
    rows = session.execute(
        sa.select(Response.customer_id, sa.func.max(Response.submitted_at))
        .where(Response.customer_id.in_(customer_ids))
        .group_by(Response.customer_id)
    )
    return {customer_id: when for customer_id, when in rows}


def _row(customer: Customer, last: datetime | None, shown: list[SegmentAttribute], today: date) -> CustomerRow:
    """A list line for ``customer``, with its segment values today (years as customer as a band)."""
    segments = {attribute.code: value_of(customer, attribute, today) for attribute in shown}
    return CustomerRow(
        id=customer.id,
        external_id=customer.external_id,
        name=customer.name,
        segments=segments,
        customer_since=customer.customer_since,
        last_response=last,
        opted_out_at=customer.opted_out_at,
    )
