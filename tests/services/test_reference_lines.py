"""Comparison levels: the satisfied customers' level from the responses, entered levels, and targets as lines."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from scipy import stats

from app.models import Dimension, Touchpoint
from app.services.analytics import DIMENSION, Filters
from app.services.analytics.satisfied import satisfied_levels
from app.services.reference_lines import Level, dimension_levels, metric_levels
from app.services.targets import ReferenceEntry, TargetEntry, add_target, set_reference_level
from tests.factories import load_surveys, make_response
from touchloop.answers import GapAnswer

DAY = datetime(2026, 2, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def answered(session) -> list[dict]:
    """Forty installation responses with every kind of overall score, kept in Python too."""
    load_surveys(session)
    rng = random.Random(3)
    given = []
    for number in range(40):
        answers = {
            "recommend": rng.randint(0, 10),
            "overall_satisfaction": rng.randint(1, 5),
            "delivery_condition": "intact",
            "punctuality": GapAnswer(rng.randint(3, 7), rng.randint(1, 7)),
            "workmanship": GapAnswer(rng.randint(3, 7), rng.randint(1, 7)),
            "contact_me": "no",
        }
        make_response(session, answers, submitted_at=DAY + timedelta(hours=number))
        given.append(answers)
    return given


def _ids(session) -> tuple[int, int, int]:
    """The installation touchpoint and the convenience and service dimensions."""
    touchpoint = session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == "installation"))
    dimensions = dict(session.execute(sa.select(Dimension.code, Dimension.id)).all())
    return touchpoint, dimensions["convenience"], dimensions["service"]


def test_the_satisfied_level_averages_the_gap_answers_of_top_two_box_or_promoter_respondents(answered, session):
    touchpoint, convenience, _service = _ids(session)
    satisfied = [a for a in answered if a["overall_satisfaction"] >= 4 or a["recommend"] >= 9]
    assert 0 < len(satisfied) < len(answered)
    level = satisfied_levels(session, Filters(touchpoint_ids={touchpoint}), (DIMENSION,))[(convenience,)]
    experience = [a["punctuality"].actual for a in satisfied]
    gaps = [a["punctuality"].gap for a in satisfied]
    assert level.experience.n == len(satisfied)
    assert level.experience.mean == pytest.approx(sum(experience) / len(experience))
    assert level.gap.mean == pytest.approx(sum(gaps) / len(gaps))
    assert level.gap.sd == pytest.approx(stats.tstd(gaps))
    assert level.gap.too_small  # fewer than 30 satisfied respondents


def test_the_most_specific_entered_level_wins_and_a_small_satisfied_group_draws_no_line(answered, session):
    touchpoint, convenience, service = _ids(session)
    entries = [
        ReferenceEntry(kind="industry", metric="mean", value=5.0),
        ReferenceEntry(kind="industry", metric="mean", value=5.5, touchpoint_id=touchpoint, dimension_id=convenience),
        ReferenceEntry(kind="ideal", metric="gap", value=0.5),
    ]
    for entry in entries:
        set_reference_level(session, entry)
    target = TargetEntry(
        metric="gap", value=0.0, touchpoint_id=touchpoint, dimension_id=convenience, **_period(date(2026, 1, 1))
    )
    add_target(session, target, creator=None)
    session.commit()
    levels = dimension_levels(session, touchpoint, [convenience, service], Filters(start=date(2026, 2, 1)))
    assert levels[convenience].score == (Level("industry", 5.5),)
    assert levels[convenience].gap == (Level("ideal", 0.5), Level("target", 0.0))
    assert levels[service].score == (Level("industry", 5.0),) and levels[service].gap == (Level("ideal", 0.5),)
    later = dimension_levels(session, touchpoint, [convenience], Filters(start=date(2026, 6, 1)))
    assert Level("target", 0.0) not in later[convenience].gap  # the target's period is over by then


def test_the_satisfied_level_is_drawn_once_thirty_satisfied_respondents_gave_it(answered, session):
    touchpoint, convenience, _service = _ids(session)
    for number in range(30):
        answers = {
            "recommend": 10,
            "overall_satisfaction": 5,
            "delivery_condition": "intact",
            "punctuality": GapAnswer(5, 6),
            "workmanship": GapAnswer(5, 5),
            "contact_me": "no",
        }
        make_response(session, answers, submitted_at=DAY + timedelta(days=1, minutes=number))
    level = satisfied_levels(session, Filters(touchpoint_ids={touchpoint}))[(convenience,)]
    (line,) = [found for found in dimension_levels(session, touchpoint, [convenience], Filters())[convenience].gap]
    assert line == Level("satisfied", level.gap.mean, level.gap.n) and level.gap.n >= 30


def test_whole_touchpoint_levels_take_journey_wide_entries_and_exact_place_targets(session):
    load_surveys(session)
    touchpoint, _convenience, _service = _ids(session)
    set_reference_level(session, ReferenceEntry(kind="industry", metric="nps", value=32.0))
    add_target(
        session,
        TargetEntry(metric="nps", value=40.0, touchpoint_id=touchpoint, **_period(date(2026, 1, 1))),
        creator=None,
    )
    add_target(session, TargetEntry(metric="nps", value=30.0, **_period(date(2026, 1, 1))), creator=None)
    session.commit()
    at_installation = metric_levels(session, "nps", touchpoint, None, None)
    assert at_installation == (Level("industry", 32.0), Level("target", 40.0))
    assert metric_levels(session, "nps", None, None, None) == (Level("industry", 32.0), Level("target", 30.0))


def _period(start: date) -> dict:
    """A target period of three months from ``start``."""
    return {"period_start": start, "period_end": start + timedelta(days=89)}
