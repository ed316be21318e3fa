"""Each response keeps the customer's segments as they were when they answered."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timezone

import sqlalchemy as sa

from app.models import Customer, ResponseSegment
from app.services.definitions import current_version
from app.services.journey import current_journey
from app.services.responses import ResponseMeta, record_response
from app.services.segments import segment_values, snapshot_segments, years_ago
from tests.factories import load_surveys, make_customer
from touchloop.journey import Named, SegmentAttribute, SegmentBand

AT = datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)
INSTALL = "delivery-installation"


def _respond(session, customer, journey, at=AT):
    """A committed response by ``customer`` with its segment snapshot."""
    version = current_version(session, INSTALL)
    meta = ResponseMeta(uuid.uuid4().hex, "zh", "email", customer_id=customer.id)
    response = record_response(session, version, {"recommend": 9}, meta)
    snapshot_segments(session, response.id, customer, journey, at)
    session.commit()
    return response


def _snapshot(session, response_id):
    rows = session.execute(
        sa.select(ResponseSegment.attribute, ResponseSegment.value).where(ResponseSegment.response_id == response_id)
    )
    return dict(rows.all())


def test_snapshot_has_one_row_per_configured_attribute(session):
    load_surveys(session)
    journey = current_journey(session)
    customer = make_customer(
        session, tier="A", lifecycle="mature", region="north", industry="retail", customer_since=date(2022, 1, 1)
    )
    response = _respond(session, customer, journey)
    assert _snapshot(session, response.id) == {
        "tier": "A",
        "lifecycle": "mature",
        "region": "north",
        "industry": "retail",
        "years_as_customer": "from_3_to_5",
    }


def test_reclassifying_a_customer_leaves_the_stored_snapshot_unchanged(session):
    load_surveys(session)
    journey = current_journey(session)
    customer = make_customer(session, tier="A", lifecycle="mature", region="north")
    response = _respond(session, customer, journey)
    before = _snapshot(session, response.id)
    stored = session.get(Customer, customer.id)
    stored.tier, stored.lifecycle, stored.region = "C", "declining", "west"
    session.commit()
    assert _snapshot(session, response.id) == before
    assert (before["tier"], before["lifecycle"], before["region"]) == ("A", "mature", "north")


def test_segments_group_by_attribute_and_value_in_sql(session):
    load_surveys(session)
    journey = current_journey(session)
    for tier, region in [("A", "east"), ("A", "east"), ("B", "east"), ("C", "south")]:
        _respond(session, make_customer(session, tier=tier, region=region), journey)
    counts = session.execute(
        sa.select(ResponseSegment.attribute, ResponseSegment.value, sa.func.count())
        .where(ResponseSegment.attribute.in_(["tier", "region"]))
        .group_by(ResponseSegment.attribute, ResponseSegment.value)
        .order_by(ResponseSegment.attribute, ResponseSegment.value)
    ).all()
    assert [tuple(row) for row in counts] == [
        ("region", "east", 3),
        ("region", "south", 1),
        ("tier", "A", 2),
        ("tier", "B", 1),
        ("tier", "C", 1),
    ]


def test_missing_values_are_skipped(session):
    load_surveys(session)
    journey = current_journey(session)
    customer = make_customer(session, region=None, industry=None, customer_since=None, lifecycle=None)
    response = _respond(session, customer, journey)
    assert _snapshot(session, response.id) == {"tier": "B"}


def test_years_as_customer_counts_whole_years_at_the_answer_time(session):
    load_surveys(session)
    journey = current_journey(session)
    since = date(2023, 11, 22)

    def band(on):
        return segment_values(Customer(customer_since=since), journey, datetime.combine(on, AT.time(), timezone.utc))

    assert band(date(2026, 11, 21))["years_as_customer"] == "from_1_to_3"
    assert band(date(2026, 11, 22))["years_as_customer"] == "from_3_to_5"
    assert band(date(2023, 11, 22))["years_as_customer"] == "under_1"
    assert band(date(2040, 1, 1))["years_as_customer"] == "over_5"
    assert "years_as_customer" not in band(date(2023, 11, 21))  # before they were a customer


def test_leap_day_anniversaries_fall_on_28_february():
    assert years_ago(date(2025, 2, 28), 1) == date(2024, 2, 28)
    assert years_ago(date(2024, 2, 29), 1) == date(2023, 2, 28)


def test_other_attributes_come_from_extra(session):
    load_surveys(session)
    journey = current_journey(session)
    size = SegmentAttribute("household", {"en": "Household"}, (Named("small", {"en": "Small"}),), ())
    floors = SegmentAttribute(
        "floors", {"en": "Floors"}, (), (SegmentBand("one", {}, 0, 2), SegmentBand("many", {}, 2, None))
    )
    journey = replace(journey, segments=journey.segments + (size, floors))
    customer = make_customer(session, extra={"household": "small", "floors": 3, "ignored": "x"})
    response = _respond(session, customer, journey)
    snapshot = _snapshot(session, response.id)
    assert (snapshot["household"], snapshot["floors"]) == ("small", "many") and "ignored" not in snapshot
