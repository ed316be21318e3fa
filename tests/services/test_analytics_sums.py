"""Pair sums for importance and the sums Cronbach's alpha needs equal plain Python over the seeded answers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pytest

from app.services.analytics import (
    EXPECTATION,
    EXPERIENCE,
    QUESTION,
    TOUCHPOINT,
    FilterError,
    Filters,
    Segment,
    alpha_sums,
    importance_sums,
)
from tests.services.analytics_seed import keeps, key_of, seed
from touchloop.stats import cronbach_alpha_from_sums, cronbach_alpha_of_matrix
from touchloop.stats.tables import pair_sums_of

ITEM_TYPES = ("rating", "csat", "ces", "gap")


def python_pair_sums(records, outcome: str, filters: Filters, group_by) -> dict:
    """Item score against the response's overall (dimension-less) ``outcome`` score, by plain loops."""
    pairs = defaultdict(lambda: ([], []))
    for record in filter(lambda r: keeps(r, filters), records):
        overall = [a["value"] for a in record.answers if a["type"] == outcome and a["dimension_id"] is None]
        for answer in record.answers:
            if answer["type"] in ITEM_TYPES and answer["dimension_id"] is not None:
                for y in overall:
                    xs, ys = pairs[key_of(record, answer, group_by)]
                    xs.append(answer["value"])
                    ys.append(y)
    return {key: pair_sums_of(xs, ys) for key, (xs, ys) in pairs.items()}


@pytest.mark.parametrize("outcome", ["csat", "nps"])
def test_importance_sums_equal_python_per_question_and_segment(session, outcome):
    """n, Σx, Σy, Σx², Σy², Σxy of each item with overall satisfaction or NPS in the same response."""
    records = seed(session)
    for filters, group_by in [
        (Filters(), (QUESTION,)),
        (Filters(start=date(2026, 2, 3), channels={"web", "email"}), (TOUCHPOINT,)),
        (Filters(segments={"tier": {"A", "B"}}), (QUESTION, Segment("region"))),
    ]:
        expected = python_pair_sums(records, outcome, filters, group_by)
        assert expected and importance_sums(session, outcome, filters, group_by) == expected


def python_alpha_matrices(records, filters: Filters, side: str) -> dict:
    """Per (touchpoint, dimension) with a complete response: the item codes and the respondents × items matrix."""
    items, answers = defaultdict(set), defaultdict(list)
    for record in filter(lambda r: keeps(r, filters), records):
        per_dimension = defaultdict(dict)
        for answer in record.answers:
            if answer["dimension_id"] is not None and (side == EXPERIENCE or answer["type"] == "gap"):
                score = answer["value"] if side == EXPERIENCE else answer["expected"]
                per_dimension[(record.touchpoint_id, answer["dimension_id"])][answer["code"]] = score
        for key, scores in per_dimension.items():
            items[key] |= set(scores)
            answers[key].append(scores)
    matrices = {
        key: (sorted(items[key]), [[row[c] for c in sorted(items[key])] for row in rows if set(row) == items[key]])
        for key, rows in answers.items()
    }
    return {key: matrix for key, matrix in matrices.items() if matrix[1]}  # no complete response: no group


@pytest.mark.parametrize("side", [EXPERIENCE, EXPECTATION])
def test_alpha_sums_equal_python_over_complete_responses(session, side):
    """Per touchpoint and dimension: items by code, sums over responses that answered all of them."""
    records = seed(session, responses=300)
    for filters in (Filters(), Filters(end=date(2026, 2, 14), segments={"lifecycle": {"mature", "new", "lost"}})):
        found = alpha_sums(session, filters, side)
        matrices = python_alpha_matrices(records, filters, side)
        assert {(s.touchpoint_id, s.dimension_id) for s in found} == set(matrices)
        for sums in found:
            codes, rows = matrices[(sums.touchpoint_id, sums.dimension_id)]
            matrix = np.array(rows, dtype=int)
            assert (sums.side, sums.items, sums.n) == (side, tuple(codes), len(rows))
            assert sums.item_sums == tuple(matrix.sum(axis=0)) and sums.item_sums_sq == tuple((matrix**2).sum(axis=0))
            totals = matrix.sum(axis=1)
            assert (sums.total_sum, sums.total_sum_sq) == (totals.sum(), (totals**2).sum())


def test_alpha_from_the_sums_equals_alpha_of_the_raw_matrix(session):
    """Installation's service items (workmanship, handover) give the same alpha as the matrix they come from."""
    records = seed(session, responses=300)
    several = [s for s in alpha_sums(session) if len(s.items) > 1]
    assert several
    matrices = python_alpha_matrices(records, Filters(), EXPERIENCE)
    for sums in several:
        from_sums = cronbach_alpha_from_sums(
            sums.n, sums.item_sums, sums.item_sums_sq, sums.total_sum, sums.total_sum_sq
        )
        from_matrix = cronbach_alpha_of_matrix(matrices[(sums.touchpoint_id, sums.dimension_id)][1])
        assert from_sums.alpha == pytest.approx(from_matrix.alpha, abs=1e-12) and from_sums.n == from_matrix.n


def test_sums_refuse_unknown_outcomes_sides_and_segments(session):
    """The overall score must be csat or nps, the side experience or expectation, segments declared ones."""
    seed(session, responses=10)
    with pytest.raises(FilterError, match="unknown overall score 'ces'"):
        importance_sums(session, "ces")
    with pytest.raises(ValueError, match="side must be"):
        alpha_sums(session, Filters(), "ideal")
    with pytest.raises(FilterError, match="unknown segment attribute 'planet'"):
        alpha_sums(session, Filters(segments={"planet": {"mars"}}))
    assert importance_sums(session, "nps", Filters(start=date(2031, 1, 1))) == {}
    assert alpha_sums(session, Filters(start=date(2031, 1, 1))) == []
