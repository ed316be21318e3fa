"""The experience report's sections carry the figures SciPy and the textbook formulas give for a seeded month."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from app.services.report import ReportNames, experience_report
from tests.services.report_seed import MONTH, TODAY, seed_month
from touchloop.report.model import Month
from touchloop.stats import GapClass, Quadrant, TargetStatus


@pytest.fixture
def seeded(session):
    """The seeded March (see report_seed) and its report in English."""
    made = seed_month(session)
    return made, experience_report(session, MONTH, lang="en", today=TODAY)


def _gaps(answers, region=None):
    """Experience − expectation of the punctuality answers (of one region)."""
    return np.array([pair[1] - pair[0] for where, pair, _, _ in answers if region in (None, where)], dtype=float)


def test_title_figures_count_the_months_responses(seeded):
    _made, report = seeded
    assert (report.company, report.responses, report.previous_responses) == ("Huachen Smart Home", 64, 16)
    assert report.made_on == TODAY


def test_headline_nps_is_the_share_of_promoters_minus_detractors_with_its_interval(seeded):
    made, report = seeded
    scores = np.array([recommend for *_, recommend in made.answers])
    up, down = np.mean(scores >= 9), np.mean(scores <= 6)
    half = stats.norm.ppf(0.975) * 100 * math.sqrt((up + down - (up - down) ** 2) / len(scores))
    nps = next(headline for headline in report.headlines if headline.kind == "nps")
    assert nps.current.value == pytest.approx(100 * (up - down))
    assert (nps.current.low, nps.current.high) == pytest.approx((100 * (up - down) - half, 100 * (up - down) + half))
    assert nps.current.n == 64 and nps.previous.n == 16
    assert nps.target.value == 10.0 and nps.target.status == TargetStatus.NOT_YET_CLEAR  # the CI straddles 10
    assert nps.target.note == "Board goal =1+1"


def test_headline_csat_is_the_top_two_box_share_with_a_wilson_interval(seeded):
    made, report = seeded
    satisfied = sum(csat >= 4 for _, _, csat, _ in made.answers)
    share = next(headline for headline in report.headlines if headline.kind == "csat").current
    low, high = stats.binomtest(satisfied, 64).proportion_ci(method="wilson")
    assert share.value == pytest.approx(100 * satisfied / 64)
    assert (share.low, share.high) == pytest.approx((100 * low, 100 * high))


def test_the_touchpoint_gap_pools_its_gap_questions_with_a_paired_interval(seeded):
    made, report = seeded
    gap = next(headline for headline in report.headlines if headline.kind == "gap").current
    pooled = np.concatenate([_gaps(made.answers), np.zeros(64)])  # workmanship: 5 expected, 5 experienced
    ci = stats.ttest_1samp(pooled, 0).confidence_interval()
    assert gap.value == pytest.approx(pooled.mean()) and gap.n == 128
    assert (gap.low, gap.high) == pytest.approx((ci.low, ci.high))


def test_late_installations_must_improve_ranked_by_importance_and_the_west_is_behind(seeded):
    made, report = seeded
    (item,) = report.must_improve
    gaps = _gaps(made.answers)
    satisfaction = np.array([csat for _, _, csat, _ in made.answers], dtype=float)
    experience = np.array([pair[1] for _, pair, _, _ in made.answers], dtype=float)
    r = stats.pearsonr(experience, satisfaction)
    assert (item.touchpoint, item.dimension) == ("Installation and setup", "Convenience")
    assert item.classification == GapClass.NEGATIVE
    assert item.gap.value == pytest.approx(gaps.mean())
    assert item.importance.value == pytest.approx(r.statistic)
    assert (item.importance.low, item.importance.high) == pytest.approx(tuple(r.confidence_interval()))
    assert item.behind == ("Region: West China",)
    assert item.quadrant in set(Quadrant)
    assert report.went_well == ()  # workmanship's gap is exactly 0: met, neither well nor short


def test_the_regions_differ_on_punctuality_by_kruskal_wallis_and_mann_whitney(seeded):
    made, report = seeded
    west, east = _gaps(made.answers, "west"), _gaps(made.answers, "east")
    (difference,) = report.differences
    assert (difference.touchpoint, difference.dimension, difference.attribute) == (
        "Installation and setup",
        "Convenience",
        "Region",
    )
    kruskal = stats.kruskal(west, east)
    assert difference.kruskal_h == pytest.approx(kruskal.statistic)
    assert difference.p_value == pytest.approx(kruskal.pvalue)
    # two comparisons were run (punctuality and workmanship by region); BH adjusts over both
    assert report.comparisons_run == 2
    assert difference.p_adjusted == pytest.approx(stats.false_discovery_control([kruskal.pvalue, 1.0])[0])
    (pair,) = difference.pairs
    assert {pair.first, pair.second} == {"West China", "East China"}
    assert pair.p_holm == pytest.approx(stats.mannwhitneyu(west, east).pvalue)
    assert [group.gap.n for group in difference.groups] == [32, 32]


def test_a_segment_target_is_checked_over_the_month_for_its_segment(seeded):
    made, report = seeded
    (other,) = report.other_targets
    west = _gaps(made.answers, "west")
    assert other.place == "Installation and setup · Region: West China"
    assert other.figure.value == pytest.approx(np.concatenate([west, np.zeros(32)]).mean())
    assert other.target.status == TargetStatus.NOT_MET


def test_the_loops_count_field_services_month(seeded):
    _made, report = seeded
    (row,) = [row for row in report.loops if row.implemented]
    assert (row.implemented, row.verified, row.cases_resolved, row.cases_within_deadline) == (1, 1, 2, 1)
    low, high = stats.binomtest(1, 2).proportion_ci(method="wilson")
    assert row.within_share.value == 50.0
    assert (row.within_share.low, row.within_share.high) == pytest.approx((100 * low, 100 * high))


def test_next_targets_step_up_to_the_upper_end_of_the_interval(seeded):
    _made, report = seeded
    proposals = {proposal.label: proposal for proposal in report.proposals}
    nps = proposals["NPS"]
    assert nps.proposed == math.ceil(round(nps.current.high, 6)) and nps.reason == "step"
    aspect = proposals["Installation and setup · Convenience"]
    assert aspect.proposed == pytest.approx(math.ceil(round(aspect.current.high * 100, 6)) / 100)


def test_the_comments_of_the_touchpoint_that_must_improve_are_quoted_as_typed(seeded):
    _made, report = seeded
    assert [comment.text for comment in report.comments] == ["Late again $x$ <b>bold</b> =cmd|' /C calc'!A0"]


def test_a_month_without_responses_still_reports_its_loops(session):
    seed_month(session)
    report = experience_report(session, Month(2026, 5), lang="en", today=TODAY)
    assert report.responses == 0 and report.headlines == () and report.must_improve == ()
    assert report.previous_responses == 0
    assert all(row.implemented == 0 for row in report.loops)


def test_names_follow_the_reports_language(session):
    seed_month(session)
    words = ReportNames(nps="净推荐值", csat="满意度", other="其他", segment="%(attribute)s：%(value)s")
    report = experience_report(session, MONTH, lang="zh", today=TODAY, words=words)
    assert report.company == "华辰智能家居"
    assert report.must_improve[0].touchpoint == "上门安装与调试" and report.must_improve[0].behind == ("地区：西部",)
    assert [headline.label for headline in report.headlines[:2]] == ["净推荐值", "满意度"]
