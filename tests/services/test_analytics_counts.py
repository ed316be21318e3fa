"""Count tables from SQL equal the same counts made by plain Python over the seeded answers, on every source."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.models import Touchpoint
from app.services.analytics import (
    CHANNEL,
    DIMENSION,
    MONTH,
    QUESTION,
    STAGE,
    TOUCHPOINT,
    TYPE,
    FilterError,
    Filters,
    Segment,
    gap_counts,
    journey_overview,
    score_counts,
)
from app.services.analytics.sources import DAY, MONTH_SEGMENT, RAW, source_for
from tests.factories import load_surveys
from tests.services.analytics_seed import python_counts, seed

GROUPINGS = [
    (),
    (TOUCHPOINT,),
    (STAGE,),
    (DIMENSION,),
    (QUESTION,),
    (CHANNEL,),
    (MONTH,),
    (TYPE,),
    (Segment("region"),),
    (Segment("years_as_customer"),),
    (TOUCHPOINT, Segment("tier")),
    (MONTH, CHANNEL, DIMENSION),
]


def _both_ways(function, *args, **kwargs):
    """The result from the rollups and from the raw answers, insisting that they agree."""
    from_rollups = function(*args, **kwargs, use_rollups=True)
    assert from_rollups == function(*args, **kwargs, use_rollups=False)
    return from_rollups


@pytest.mark.parametrize("metric", ["nps", "csat", "ces", "rating"])
def test_score_counts_equal_python_for_every_grouping(session, metric):
    """Every grouping gives, per group, exactly the answers Python counts, from rollups and raw answers alike."""
    records = seed(session)
    for group_by in GROUPINGS:
        expected = python_counts(records, Filters(), group_by, (metric,))
        assert _both_ways(score_counts, session, metric, Filters(), group_by) == expected, group_by


def test_gap_counts_equal_python_per_question_and_per_dimension(session):
    """Gap pairs (expected, experienced) per question, per dimension and per touchpoint × dimension."""
    records = seed(session)
    for group_by in [(QUESTION,), (DIMENSION,), (TOUCHPOINT, DIMENSION), (Segment("lifecycle"), DIMENSION), ()]:
        expected = python_counts(records, Filters(), group_by, ("gap",))
        assert expected and _both_ways(gap_counts, session, Filters(), group_by) == expected, group_by


FILTERS = [
    # partial months: the day rollup, or the raw answers once a segment is involved
    Filters(start=date(2026, 1, 15), end=date(2026, 2, 10)),
    Filters(start=date(2026, 2, 1)),
    Filters(end=date(2026, 1, 31), channels={"web", "sms"}),
    Filters(start=date(2026, 1, 20), segments={"region": {"west"}}),
    Filters(segments={"region": {"west", "east"}, "tier": {"A"}}),
    # whole months: the month-by-segment rollup
    Filters(start=date(2026, 2, 1), end=date(2026, 3, 31), segments={"tier": {"B", "C"}}),
    Filters(segments={"years_as_customer": {"over_5", "from_1_to_3"}}, channels={"email"}),
    Filters(segments={"lifecycle": ["lost"]}),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_filters_combine_the_same_way_on_every_source(session, filters):
    """Period, touchpoints, channels and segment values all hold at once, whichever source answers."""
    records = seed(session)
    touchpoint_id = records[0].touchpoint_id
    for narrowed in (filters, Filters(filters.start, filters.end, {touchpoint_id}, filters.channels, filters.segments)):
        for group_by in [(), (TOUCHPOINT,), (MONTH, CHANNEL), (Segment("tier"),), (Segment("region"), QUESTION)]:
            expected = python_counts(records, narrowed, group_by, ("nps",))
            assert _both_ways(score_counts, session, "nps", narrowed, group_by) == expected, (narrowed, group_by)
            pairs = python_counts(records, narrowed, group_by, ("gap",))
            assert _both_ways(gap_counts, session, narrowed, group_by) == pairs, (narrowed, group_by)


def test_each_combination_is_answered_by_the_cheapest_exact_source():
    """No segment: day rollup; one attribute over whole months: month rollup; else the raw answers."""
    january = {"start": date(2026, 1, 1), "end": date(2026, 1, 31)}
    assert source_for(Filters(start=date(2026, 1, 3)), (TOUCHPOINT, MONTH)) == DAY
    assert source_for(Filters(**january), (Segment("region"),)) == MONTH_SEGMENT
    assert source_for(Filters(segments={"region": {"west"}}), (Segment("region"), DIMENSION)) == MONTH_SEGMENT
    assert source_for(Filters(start=date(2026, 1, 2), segments={"region": {"west"}}), ()) == RAW
    assert source_for(Filters(segments={"region": {"west"}}), (Segment("tier"),)) == RAW
    assert source_for(Filters(), (TOUCHPOINT,), use_rollups=False) == RAW


def test_segment_groups_keep_responses_without_a_value_under_none(session):
    """Anonymous responses and customers without a region are the None group, never dropped."""
    records = seed(session)
    counts = score_counts(session, "nps", Filters(), (Segment("region"),))
    assert counts[(None,)] == python_counts(records, Filters(), (Segment("region"),), ("nps",))[(None,)]
    assert sum(sum(table.values()) for table in counts.values()) == sum(
        1 for record in records for answer in record.answers if answer["type"] == "nps"
    )


def test_journey_overview_lists_every_touchpoint_in_journey_order_with_its_tables(session):
    """NPS and CSAT counts and gap pairs per dimension per touchpoint; touchpoints without answers are empty."""
    records = seed(session)
    overview = _both_ways(journey_overview, session, Filters())
    order = session.execute(sa.select(Touchpoint.id).order_by(Touchpoint.position)).scalars().all()
    assert [row.touchpoint_id for row in overview] == order
    nps = python_counts(records, Filters(), (TOUCHPOINT,), ("nps",))
    csat = python_counts(records, Filters(), (TOUCHPOINT,), ("csat",))
    gaps = python_counts(records, Filters(), (TOUCHPOINT, DIMENSION), ("gap",))
    for row in overview:
        assert row.nps == nps.get((row.touchpoint_id,), {})
        assert row.csat == csat.get((row.touchpoint_id,), {})
        assert row.gaps == {key[1]: table for key, table in gaps.items() if key[0] == row.touchpoint_id}
    assert sum(1 for row in overview if not row.nps) == len(order) - 4  # the demo has four surveys


def test_journey_overview_with_filters_keeps_only_the_chosen_touchpoints(session):
    """A touchpoint filter narrows the list; a segment filter the counts."""
    records = seed(session)
    chosen = {records[0].touchpoint_id, records[1].touchpoint_id}
    filters = Filters(touchpoint_ids=chosen, segments={"tier": {"A"}})
    overview = _both_ways(journey_overview, session, filters)
    assert {row.touchpoint_id for row in overview} == chosen
    nps = python_counts(records, filters, (TOUCHPOINT,), ("nps",))
    assert {(row.touchpoint_id,): row.nps for row in overview if row.nps} == nps


def test_nothing_matching_gives_empty_tables_not_errors(session):
    """An empty database, a period without responses and an unmatched segment all give empty results."""
    load_surveys(session)
    assert _both_ways(score_counts, session, "nps", Filters(), (TOUCHPOINT,)) == {}
    assert all(not row.nps and not row.csat and not row.gaps for row in journey_overview(session))
    seed(session)
    empty = Filters(start=date(2030, 1, 1), segments={"region": {"central"}})
    assert _both_ways(gap_counts, session, empty, (Segment("region"),)) == {}
    assert _both_ways(score_counts, session, "csat", Filters(segments={"region": {"central"}})) == {}


def test_unknown_segments_groupings_and_backwards_periods_are_refused_with_what_is_wrong(session):
    """Attribute names and values are checked against journey.yaml; a period may not end before it starts."""
    load_surveys(session)
    with pytest.raises(FilterError, match="unknown segment attribute 'shoe_size'"):
        score_counts(session, "nps", Filters(segments={"shoe_size": {"42"}}))
    with pytest.raises(FilterError, match="unknown segment attribute 'shoe_size'"):
        gap_counts(session, Filters(), (Segment("shoe_size"),))
    with pytest.raises(FilterError, match="unknown value.*'atlantis' for 'region'"):
        journey_overview(session, Filters(segments={"region": {"atlantis"}}))
    with pytest.raises(FilterError, match="cannot group by 'weekday'"):
        score_counts(session, "nps", Filters(), ("weekday",))
    with pytest.raises(FilterError, match="unknown metric 'gap'"):
        score_counts(session, "gap")
    with pytest.raises(FilterError, match="ends"):
        Filters(start=date(2026, 3, 1), end=date(2026, 2, 1))


def test_filters_are_hashable_and_equal_whatever_the_collection_types():
    """Lists, sets and mappings normalise to one value, so a filter can key a cache."""
    one = Filters(touchpoint_ids=[3, 1], channels=["web"], segments={"tier": ["A", "B"], "region": []})
    other = Filters(touchpoint_ids={1, 3}, channels={"web"}, segments=[("tier", {"B", "A"})])
    assert one == other and hash(one) == hash(other)
    assert one.segment_values == {"tier": frozenset({"A", "B"})}
    lone = Filters(start=datetime(2026, 1, 2, 23, 0), touchpoint_ids=7, channels="web", segments={"tier": "A"})
    assert lone == Filters(start=date(2026, 1, 2), touchpoint_ids={7}, channels={"web"}, segments={"tier": {"A"}})
