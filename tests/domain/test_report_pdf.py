"""The report's Flask-free parts: months, the next-target rule, and a PDF that writes names literally."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tests.pdf_text import needs_poppler, pdf_fonts, pdf_text
from touchloop.charts import Estimate
from touchloop.report.model import (
    Comment,
    ExperienceReport,
    GapItem,
    Headline,
    HeatRow,
    LoopRow,
    Month,
    MonthError,
    TargetLine,
)
from touchloop.report.pdf import render_report
from touchloop.report.proposals import propose
from touchloop.report.words import ReportWords
from touchloop.stats import GapClass, Quadrant, TargetStatus

NASTY = "$x$ <b>bold</b> =cmd|' /C calc'!A0"


def test_a_month_is_read_from_yyyy_mm_and_knows_its_days():
    month = Month.parse(" 2024-02 ")
    assert (month.start, month.end, str(month)) == (date(2024, 2, 1), date(2024, 2, 29), "2024-02")
    assert month.shifted(-2) == Month(2023, 12) and month.shifted(11) == Month(2025, 1)


@pytest.mark.parametrize(
    ("text", "says"),
    [("2026-13", "01 to 12"), ("2026-00", "01 to 12"), ("foo", "YYYY-MM"), ("2026-3", "YYYY-MM"), ("", "YYYY-MM")],
)
def test_a_period_that_is_not_a_month_is_refused_with_the_reason(text, says):
    with pytest.raises(MonthError, match=says):
        Month.parse(text)


def test_the_next_target_is_the_upper_end_of_the_interval_rounded_up():
    proposal = propose("nps", "NPS", Estimate(12.8, 9.0, 16.58, n=1681))
    assert (proposal.proposed, proposal.reason) == (17.0, "step")


def test_the_next_target_stops_at_the_industry_level_below_the_step():
    proposal = propose("csat", "CSAT", Estimate(71.6, 69.4, 73.7, n=1681), industry=72.5, ideal=90.0)
    assert (proposal.proposed, proposal.reason) == (72.5, "industry")


def test_a_negative_gap_is_never_proposed_past_expectations_met():
    proposal = propose("gap", "Installation", Estimate(-0.05, -0.12, 0.03, n=400))
    assert (proposal.proposed, proposal.reason) == (0.0, "expectations_met")


def test_a_figure_at_its_ideal_level_gets_no_proposal_and_a_small_one_gets_no_number():
    assert propose("nps", "NPS", Estimate(80.0, 75.0, 85.0, n=500), ideal=70.0) is None
    small = propose("nps", "NPS", Estimate(30.0, 10.0, 50.0, n=20, too_small=True))
    assert (small.proposed, small.reason) == (None, "too_few")


def words() -> ReportWords:
    """Words for a PDF without the app: each text is its own field name (templates thus have no placeholders)."""
    values = {}
    for field in dataclasses.fields(ReportWords):
        values[field.name] = field.name
    values["language"] = "en"
    values["how_to_read_notes"] = ("how_to_read_note",)
    values["proposals_intro"] = ("proposals_intro",)
    values["statuses"] = {status.value: f"status_{status.value}" for status in TargetStatus}
    values["metrics"] = {kind: f"metric_{kind}" for kind in ("nps", "csat", "mean", "gap")}
    values["quadrants"] = {quadrant.value: f"quadrant_{quadrant.value}" for quadrant in Quadrant}
    reasons = ("step", "industry", "ideal", "expectations_met", "too_few")
    values["reasons"] = {reason: f"reason_{reason}" for reason in reasons}
    values["too_small"] = "too few answers to trust"
    values["share_line"] = "%(hits)s of %(n)s: %(share)s"
    values["gap_line"] = "Mean gap: %(touchpoint)s"
    return ReportWords(**values)


def report() -> ExperienceReport:
    """A hand-made month whose names and comments carry markup, formulas, control characters and CJK."""
    small = Estimate(-0.9, -1.6, -0.2, n=12, too_small=True)
    gap = Estimate(-0.61, -0.8, -0.42, n=310)
    item = GapItem("Stage", f"Install {NASTY}", "Convenience", gap, GapClass.NEGATIVE, Estimate(0.5, 0.4, 0.6, n=300))
    return ExperienceReport(
        company=f"华辰 {NASTY}",
        month=Month(2026, 3),
        made_on=date(2026, 4, 2),
        responses=322,
        previous_responses=300,
        headlines=(
            Headline("nps", "NPS", Estimate(12.5, 2.0, 23.0, n=322), Estimate(None), Estimate(None), 0),
            Headline("gap", "Tiny\x07touchpoint", small, Estimate(None), Estimate(None), 0, TargetLine(-0.5, "met")),
        ),
        must_improve=(item,),
        items=(item,),
        comments=(Comment("Installation", f"line one\nline two {NASTY}\x00 🙂"),),
        loops=(LoopRow(f"Field {NASTY}", 1, 1, 0, 2, 1, Estimate(50.0, 9.5, 90.5, n=2), 3, 1),),
        heat_dimensions=("Convenience",),
        heat_rows=(HeatRow("Stage", "Installation", (Estimate(12.5, 2.0, 23.0, n=322), None, gap)),),
    )


@needs_poppler
def test_names_and_customer_text_are_written_literally_and_the_cjk_font_is_embedded():
    data = render_report(report(), words())
    text = pdf_text(data)
    flat = " ".join(text.split())
    assert f"华辰 {NASTY}" in flat  # the title page: no markup, no mathtext, no formula
    assert f"Install {NASTY}" in flat and f"Field {NASTY}" in flat
    assert f"line two {NASTY} □" in flat  # the NUL is dropped, the emoji no font has is a white square
    assert "Tinytouchpoint" in flat  # the bell character is dropped
    assert "too few answers to trust" in flat  # the small figure is marked
    fonts = pdf_fonts(data)
    assert fonts and all(row[-5:-2] == ["yes", "yes", "yes"] for row in fonts)  # embedded, subset, with Unicode
    assert any("NotoSansCJK" in row[0] for row in fonts)
