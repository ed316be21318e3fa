"""Customers' segment values: snapshotted with each response, and filtered on in SQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, ResponseSegment
from touchloop.journey import Journey, SegmentAttribute, SegmentBand

COLUMN_ATTRIBUTES = ("tier", "lifecycle", "region", "industry")
YEARS_AS_CUSTOMER = "years_as_customer"
VALUE_MAX_LENGTH = 40  # ResponseSegment.value


class SegmentFilterError(ValueError):
    """A segment filter names an attribute or value journey.yaml does not declare."""


def years_ago(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def in_band(since: date, on: date, band: SegmentBand) -> bool:
    """True if the whole years from ``since`` to ``on`` fall in ``band`` (min <= years < max)."""
    return since <= years_ago(on, band.minimum) and (band.maximum is None or since > years_ago(on, band.maximum))


def band_condition(column: Any, on: date, band: SegmentBand) -> sa.ColumnElement[bool]:
    """SQL for ``in_band``: the start date in ``column`` falls in ``band`` on ``on``."""
    condition = column <= years_ago(on, band.minimum)
    if band.maximum is not None:
        condition = sa.and_(condition, column > years_ago(on, band.maximum))
    return condition


def segment_values(customer: Any, journey: Journey, at: datetime) -> dict[str, str]:
    """The customer's value of each configured segment attribute at ``at``; missing ones left out."""
    values = {}
    for attribute in journey.segments:
        value = value_of(customer, attribute, at.date())
        if value is not None:
            values[attribute.code] = value
    return values


def snapshot_segments(session: Session, response_id: int, customer: Customer, journey: Journey, at: datetime) -> None:
    """Store the customer's segment values as they are at ``at`` with the response (never rewritten)."""
    rows = [
        {"response_id": response_id, "attribute": code, "value": value}
        for code, value in segment_values(customer, journey, at).items()
    ]
    if rows:
        session.execute(sa.insert(ResponseSegment), rows)


def checked_filter(journey: Journey, segment_filter: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filter with empty attributes dropped; raises SegmentFilterError for anything undeclared."""
    declared = {attribute.code: attribute for attribute in journey.segments}
    result = {}
    for code, values in segment_filter.items():
        if code not in declared:
            raise SegmentFilterError(f"unknown segment attribute '{code}' (known: {', '.join(declared)})")
        allowed = value_codes(declared[code])
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise SegmentFilterError(
                f"unknown value(s) {', '.join(map(repr, unknown))} for '{code}' (known: {', '.join(allowed)})"
            )
        if values:
            result[code] = sorted(set(values), key=allowed.index)
    return result


def value_codes(attribute: SegmentAttribute) -> list[str]:
    """The codes an attribute's values (or bands) are stored under."""
    return [band.code for band in attribute.bands] or [value.code for value in attribute.values]


def customer_conditions(journey: Journey, segment_filter: dict[str, list[str]], on: date) -> list:
    """SQL conditions on Customer for the column and years attributes of a checked filter."""
    declared = {attribute.code: attribute for attribute in journey.segments}
    conditions = []
    for code, values in segment_filter.items():
        if code in COLUMN_ATTRIBUTES:
            conditions.append(getattr(Customer, code).in_(values))
        elif code == YEARS_AS_CUSTOMER:
            bands = [band for band in declared[code].bands if band.code in values]
            conditions.append(sa.or_(*(band_condition(Customer.customer_since, on, band) for band in bands)))
    return conditions


def extra_filter(segment_filter: dict[str, list[str]]) -> dict[str, list[str]]:
    """The part of a checked filter that lives in ``Customer.extra`` (matched in Python)."""
    return {code: values for code, values in segment_filter.items() if not _in_columns(code)}


def current_value_expression(attribute: SegmentAttribute, on: date) -> sa.ColumnElement | None:
    """SQL for a customer's current value of ``attribute`` on ``on`` (None if only Python can tell)."""
    if attribute.code in COLUMN_ATTRIBUTES:
        return getattr(Customer, attribute.code)
    if attribute.code == YEARS_AS_CUSTOMER:
        whens = [(band_condition(Customer.customer_since, on, band), band.code) for band in attribute.bands]
        return sa.case(*whens, else_=sa.null())
    if attribute.bands:
        return None
    return Customer.extra[attribute.code].as_string()


def value_of(customer: Any, attribute: SegmentAttribute, on: date) -> str | None:
    """One attribute's value for the customer on ``on``, as a stored code."""
    if attribute.code == YEARS_AS_CUSTOMER:
        since = customer.customer_since
        return next((b.code for b in attribute.bands if in_band(since, on, b)), None) if since else None
    if attribute.code in COLUMN_ATTRIBUTES:
        raw = getattr(customer, attribute.code)
    else:
        raw = customer.extra.get(attribute.code) if isinstance(customer.extra, dict) else None
    if attribute.bands and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return next((b.code for b in attribute.bands if _number_in_band(raw, b)), None)
    if isinstance(raw, (str, int)) and not isinstance(raw, bool):
        text = str(raw).strip()
        return text if 0 < len(text) <= VALUE_MAX_LENGTH else None
    return None


def _in_columns(code: str) -> bool:
    """True for the attributes stored in Customer's own columns."""
    return code in COLUMN_ATTRIBUTES or code == YEARS_AS_CUSTOMER


def _number_in_band(number: float, band: SegmentBand) -> bool:
    """True if ``band.minimum <= number < band.maximum``."""
    return band.minimum <= number and (band.maximum is None or number < band.maximum)
