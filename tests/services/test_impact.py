"""The impact of implemented suggestions: which count, their windows, and figures that agree with SciPy's Welch test."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from scipy import stats

from app.services.impact import change_impact, impacts, implemented_suggestions, suggestion_impact, windows
from tests.factories import load_surveys, make_implemented_suggestion, make_response
from touchloop.answers import GapAnswer
from touchloop.stats import Reason, Verdict

CHANGE = datetime(2026, 3, 1, 10, 30, tzinfo=timezone.utc)
LATER = date(2026, 12, 1)  # "today", long after both windows


def _installation(rng: random.Random, lift: int) -> dict:
    """Installation answers: punctuality experience ``lift`` points better on average."""
    expected = rng.randint(4, 6)
    return {
        "recommend": min(10, rng.randint(4, 8) + lift),
        "overall_satisfaction": rng.randint(2, 4),
        "delivery_condition": "intact",
        "punctuality": GapAnswer(expected, max(1, min(7, expected - 2 + rng.randint(0, 2) + lift))),
        "workmanship": GapAnswer(5, rng.randint(3, 6)),
        "contact_me": "no",
    }


def _call_centre(rng: random.Random) -> dict:
    """Hotline answers, the same before and after."""
    return {
        "recommend": rng.randint(5, 10),
        "overall_satisfaction": rng.randint(3, 5),
        "resolution": GapAnswer(5, rng.randint(3, 6)),
        "agent_care": GapAnswer(4, rng.randint(3, 6)),
        "effort": rng.randint(3, 7),
        "contact_me": "no",
    }


@pytest.fixture
def seeded(session) -> dict:
    """Installation (the change's touchpoint) and hotline (the rest) answers around the change, kept in Python too.

    Returns group -> list of answer dicts: "tb", "ta" (touchpoint before / after), "cb", "ca" (control).
    Answers on the change day and outside both windows are stored too, and must not count.
    """
    load_surveys(session)
    rng = random.Random(11)
    groups: dict[str, list[dict]] = {"tb": [], "ta": [], "cb": [], "ca": []}
    for number in range(40):
        for group, slug, offset, lift in (
            ("tb", "delivery-installation", -1 - number * 2, 0),
            ("ta", "delivery-installation", 1 + number * 2, 2),
            ("cb", "after-sales-service", -1 - number * 2, 0),
            ("ca", "after-sales-service", 1 + number * 2, 0),
        ):
            answers = _installation(rng, lift) if slug == "delivery-installation" else _call_centre(rng)
            make_response(session, answers, slug, submitted_at=CHANGE + timedelta(days=offset))
            groups[group].append(answers)
    for offset in (0, -95, 95):  # the change day itself, and outside the 90-day windows
        make_response(session, _installation(rng, -3), "delivery-installation", submitted_at=CHANGE + timedelta(offset))
    return groups


def _gaps(group: list[dict], *codes: str) -> list[int]:
    """Every gap (experience − expectation) of the named questions in a group's answers."""
    return [answers[code].gap for answers in group for code in codes]


def _welch_did(tb, ta, cb, ca, confidence=0.95) -> tuple[float, float, float, tuple[float, float], float]:
    """The textbook DiD of four means with Welch–Satterthwaite df: estimate, se, df, CI, p."""
    parts = [(stats.tvar(group), len(group)) for group in (ta, tb, ca, cb)]
    estimate = (sum(ta) / len(ta) - sum(tb) / len(tb)) - (sum(ca) / len(ca) - sum(cb) / len(cb))
    se = math.sqrt(sum(variance / n for variance, n in parts))
    df = se**4 / sum((variance / n) ** 2 / (n - 1) for variance, n in parts)
    half = stats.t.ppf(0.5 + confidence / 2, df) * se
    return estimate, se, df, (estimate - half, estimate + half), 2 * stats.t.sf(abs(estimate / se), df)


def test_the_mean_gap_before_and_after_and_the_did_agree_with_welch_in_scipy(seeded, session):
    make_implemented_suggestion(session, "installation", CHANGE)
    (change,) = implemented_suggestions(session)
    found = change_impact(session, change, "gap", today=LATER)
    gap_codes = {
        "delivery-installation": ("punctuality", "workmanship"),
        "after-sales-service": ("resolution", "agent_care"),
    }
    tb, ta = (_gaps(seeded[g], *gap_codes["delivery-installation"]) for g in ("tb", "ta"))
    cb, ca = (_gaps(seeded[g], *gap_codes["after-sales-service"]) for g in ("cb", "ca"))
    assert (found.touchpoint_before.n, found.touchpoint_after.n, found.control_before.n) == (80, 80, 80)
    welch = stats.ttest_ind(ta, tb, equal_var=False)
    assert found.impact.touchpoint.test.statistic == pytest.approx(welch.statistic, rel=1e-9)
    assert found.impact.touchpoint.test.p_value == pytest.approx(welch.pvalue, rel=1e-9)
    low, high = welch.confidence_interval(0.95)
    assert (found.impact.touchpoint.ci.low, found.impact.touchpoint.ci.high) == pytest.approx((low, high), rel=1e-9)
    estimate, se, df, ci, p = _welch_did(tb, ta, cb, ca)
    assert (found.impact.estimate, found.impact.se, found.impact.df) == pytest.approx((estimate, se, df), rel=1e-9)
    assert (found.impact.ci.low, found.impact.ci.high) == pytest.approx(ci, rel=1e-9)
    assert found.impact.test.p_value == pytest.approx(p, rel=1e-9)
    assert found.impact.verdict == Verdict.WORKED and found.impact.reason == Reason.IMPROVED


def test_nps_is_compared_as_the_mean_of_its_promoter_and_detractor_codes(seeded, session):
    make_implemented_suggestion(session, "installation", CHANGE)
    (change,) = implemented_suggestions(session)
    found = change_impact(session, change, "nps", today=LATER)

    def codes(group):
        return [100 if a["recommend"] >= 9 else -100 if a["recommend"] <= 6 else 0 for a in seeded[group]]

    tb, ta, cb, ca = (codes(group) for group in ("tb", "ta", "cb", "ca"))
    assert found.touchpoint_after.mean == pytest.approx(sum(ta) / len(ta))  # the NPS after the change
    estimate, se, df, ci, p = _welch_did(tb, ta, cb, ca)
    assert (found.impact.estimate, found.impact.se, found.impact.df) == pytest.approx((estimate, se, df), rel=1e-9)
    assert found.impact.test.p_value == pytest.approx(p, rel=1e-9)


def test_a_suggestion_naming_a_dimension_is_measured_on_that_dimensions_gaps_only(seeded, session):
    make_implemented_suggestion(session, "installation", CHANGE, dimension_code="service")
    (change,) = implemented_suggestions(session)
    found = change_impact(session, change, "gap", today=LATER)
    assert found.touchpoint_before.mean == pytest.approx(sum(_gaps(seeded["tb"], "workmanship")) / 40)
    assert found.control_after.mean == pytest.approx(sum(_gaps(seeded["ca"], "resolution")) / 40)  # service only
    assert found.impact.verdict == Verdict.TOO_EARLY and found.impact.reason == Reason.CI_INCLUDES_ZERO


def test_windows_leave_the_change_day_out_and_reach_the_given_number_of_days():
    before, after = windows(date(2026, 3, 1), days=90)
    assert (before.start, before.end) == (date(2025, 12, 1), date(2026, 2, 28))
    assert (after.start, after.end) == (date(2026, 3, 2), date(2026, 5, 30))


def test_only_suggestions_at_a_touchpoint_that_stayed_implemented_count_from_their_latest_implementation(session):
    load_surveys(session)
    closed = make_implemented_suggestion(session, "installation", CHANGE, path=("implemented", "verified", "closed"))
    again = make_implemented_suggestion(session, "delivery", CHANGE, path=("implemented", "in_progress", "implemented"))
    make_implemented_suggestion(session, "installation", CHANGE, path=("implemented", "in_progress"))  # sent back
    make_implemented_suggestion(session, None, CHANGE)  # no touchpoint: nothing to measure
    found = {change.suggestion_id: change.implemented_at for change in implemented_suggestions(session)}
    assert set(found) == {closed.id, again.id}
    assert found[again.id].date() == (CHANGE + timedelta(days=2)).date()  # implemented again after the failed check
    assert found[closed.id].date() == CHANGE.date()


def test_a_change_with_too_few_answers_since_is_too_early_to_tell_and_says_why(seeded, session):
    recent = CHANGE + timedelta(days=70)  # after it: the last 5 of "ta" and the straggler 95 days after CHANGE
    make_implemented_suggestion(session, "installation", recent)
    (found,) = impacts(session, "csat", today=(recent + timedelta(days=5)).date())
    assert found.touchpoint_after.n == 6 and not found.after_complete
    assert (found.impact.verdict, found.impact.reason) == (Verdict.TOO_EARLY, Reason.TOO_FEW_AFTER)


def test_a_suggestion_that_never_reached_implemented_has_no_impact(session):
    load_surveys(session)
    suggestion = make_implemented_suggestion(session, "installation", CHANGE, path=("implemented", "in_progress"))
    assert suggestion_impact(session, suggestion.id, today=LATER) == []
    closed = make_implemented_suggestion(session, "installation", CHANGE, path=("implemented", "verified", "closed"))
    assert [item.metric for item in suggestion_impact(session, closed.id, today=LATER)] == ["gap", "nps", "csat"]
