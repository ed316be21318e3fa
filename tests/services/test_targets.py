"""Targets and reference levels: what is accepted, what is refused with which message, and replacing a level."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.models import Dimension, Touchpoint
from app.models.targets import ReferenceLevel, Target
from app.services.targets import (
    InvalidEntry,
    ReferenceEntry,
    TargetEntry,
    add_target,
    remove_target,
    set_reference_level,
    targets_in_force,
)
from tests.factories import load_surveys

JANUARY = {"period_start": date(2026, 1, 1), "period_end": date(2026, 1, 31)}


@pytest.fixture
def journey(session):
    """The demo journey, loaded."""
    load_surveys(session)
    return session


def _ids(session):
    """A touchpoint id and a dimension id of the demo journey."""
    touchpoint = session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == "installation"))
    dimension = session.scalar(sa.select(Dimension.id).where(Dimension.code == "service"))
    return touchpoint, dimension


def test_a_segment_target_for_a_touchpoints_gap_is_stored(journey):
    touchpoint, dimension = _ids(journey)
    entry = TargetEntry(
        metric="gap",
        value=-0.2,
        touchpoint_id=touchpoint,
        dimension_id=dimension,
        segment_attribute="region",
        segment_value="west",
        note="  catch up  ",
        **JANUARY,
    )
    target = add_target(journey, entry, creator=None)
    journey.commit()
    stored = journey.get(Target, target.id)
    assert (stored.metric, stored.value, stored.segment_value, stored.note) == ("gap", -0.2, "west", "catch up")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"metric": "speed"}, "metric", "Choose NPS, CSAT, mean or gap."),
        ({"metric": "nps", "value": 140.0}, "value", "Give a number from -100 to 100."),
        ({"metric": "csat", "value": float("nan")}, "value", "Give a number from 0 to 100."),
        ({"metric": "nps", "dimension_id": "dimension"}, "dimension_id", "NPS and CSAT are not measured per"),
        ({"touchpoint_id": 999999}, "touchpoint_id", "There is no such touchpoint."),
        ({"period_end": date(2025, 12, 1)}, "period_end", "The period ends before it starts."),
        ({"segment_attribute": "shoe_size", "segment_value": "42"}, "segment_attribute", "Unknown segment attribute"),
        ({"segment_attribute": "region", "segment_value": "mars"}, "segment_value", "Choose one of: east, north"),
        ({"segment_value": "west"}, "segment_value", "Choose a segment attribute first."),
    ],
)
def test_a_bad_target_is_refused_with_the_field_and_nothing_is_stored(app, journey, changes, field, message):
    touchpoint, dimension = _ids(journey)
    values = {"metric": "mean", "value": 4.0, "touchpoint_id": touchpoint, **JANUARY, **changes}
    if values.get("dimension_id") == "dimension":
        values["dimension_id"] = dimension
    with pytest.raises(InvalidEntry) as refused:
        add_target(journey, TargetEntry(**values), creator=None)
    journey.rollback()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert any(where == field and str(text).startswith(message) for where, text in refused.value.problems)
    assert journey.scalar(sa.select(sa.func.count()).select_from(Target)) == 0


def test_targets_in_force_on_a_day_are_those_whose_period_includes_it(journey):
    january = add_target(journey, TargetEntry(metric="nps", value=30, **JANUARY), creator=None)
    add_target(
        journey,
        TargetEntry(metric="nps", value=35, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28)),
        creator=None,
    )
    assert [t.id for t in targets_in_force(journey, date(2026, 1, 31))] == [january.id]
    assert len(targets_in_force(journey)) == 2
    assert remove_target(journey, january.id) and not remove_target(journey, january.id)


def test_setting_a_reference_level_twice_for_one_place_replaces_it(journey):
    touchpoint, _dimension = _ids(journey)
    set_reference_level(journey, ReferenceEntry(kind="industry", metric="nps", value=25, touchpoint_id=touchpoint))
    set_reference_level(
        journey,
        ReferenceEntry(kind="industry", metric="nps", value=28, touchpoint_id=touchpoint, source=" Survey 2026 "),
    )
    set_reference_level(journey, ReferenceEntry(kind="ideal", metric="nps", value=70, touchpoint_id=touchpoint))
    journey.commit()
    rows = journey.execute(
        sa.select(ReferenceLevel.kind, ReferenceLevel.value, ReferenceLevel.source).order_by(ReferenceLevel.kind)
    ).all()
    assert [tuple(row) for row in rows] == [("ideal", 70.0, None), ("industry", 28.0, "Survey 2026")]


def test_a_reference_level_of_an_unknown_kind_is_refused(journey):
    with pytest.raises(InvalidEntry) as refused:
        set_reference_level(journey, ReferenceEntry(kind="competitor", metric="nps", value=10))
    assert refused.value.problems[0][0] == "kind"
