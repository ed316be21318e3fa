"""The words on the dashboards' charts and tables, in the reader's language (the chart core draws what it is given)."""

from __future__ import annotations

from flask_babel import gettext as _

from touchloop.charts import (
    DimensionTexts,
    DistributionTexts,
    HeatmapTexts,
    QuadrantTexts,
    SegmentTexts,
    TrendTexts,
)
from touchloop.stats import Quadrant, Reason, Verdict


def too_small() -> str:
    """The words for a group too small to trust."""
    return _("too few answers to trust")


def class_names() -> dict[str, str]:
    """Gap classifications in words."""
    return {"negative": _("falls short"), "met": _("met"), "positive": _("exceeds expectations")}


def no_attribute() -> str:
    """The refusal when the journey declares no segment attribute to compare by."""
    return _("The journey declares no segment attribute to compare by.")


def metric_names() -> dict[str, str]:
    """The dashboards' metrics by code."""
    return {"nps": _("NPS"), "csat": _("CSAT %"), "gap": _("Mean gap")}


def impact_metric_names() -> dict[str, str]:
    """The metrics a change's impact is measured on, as the impact pages name them."""
    return {
        "gap": _("Mean gap"),
        "nps": _("NPS (points)"),
        "csat": _("CSAT (percent satisfied)"),
    }


def level_names() -> dict[str, str]:
    """Comparison levels by kind, as chart legends and table headers name them."""
    return {
        "industry": _("Industry level"),
        "satisfied": _("Satisfied customers"),
        "ideal": _("Customers' ideal"),
        "target": _("Target"),
    }


def quadrant_names() -> dict[str, str]:
    """Importance–performance quadrants by code."""
    return {
        Quadrant.CONCENTRATE_HERE: _("Concentrate here"),
        Quadrant.KEEP_UP_THE_GOOD_WORK: _("Keep up the good work"),
        Quadrant.LOW_PRIORITY: _("Low priority"),
        Quadrant.POSSIBLE_OVERKILL: _("Possible overkill"),
    }


def verdict_names() -> dict[str, str]:
    """What an implemented change did, by verdict."""
    return {
        Verdict.WORKED: _("Worked"),
        Verdict.DID_NOT_WORK: _("Did not work"),
        Verdict.TOO_EARLY: _("Too early to tell"),
    }


def reason_names() -> dict[str, str]:
    """Why an impact verdict is what it is, by reason."""
    return {
        Reason.IMPROVED: _("the touchpoint improved more than the rest of the journey"),
        Reason.BELOW_SMALLEST_CHANGE: _("the touchpoint fell behind the rest of the journey"),
        Reason.CI_INCLUDES_ZERO: _("the difference could still be zero"),
        Reason.TOO_FEW_AFTER: _("too few answers since the change"),
        Reason.TOO_FEW_BEFORE: _("too few answers before the change"),
        Reason.TOO_FEW_CONTROL: _("too few answers elsewhere in the journey"),
    }


def heatmap_texts() -> HeatmapTexts:
    """Words on the journey heat map."""
    return HeatmapTexts(
        title=_("Journey overview: NPS, CSAT and gaps by touchpoint"),
        no_data=_("No answers match these filters."),
        too_small=too_small(),
        stage=_("Stage"),
        touchpoint=_("Touchpoint"),
    )


def dimension_texts() -> DimensionTexts:
    """Words on the dimensions chart."""
    return DimensionTexts(
        title=_("Expectation, experience and gap by dimension (95% CI)"),
        no_data=_("No gap answers match these filters."),
        too_small=too_small(),
        dimension=_("Dimension"),
        expectation=_("Expectation"),
        experience=_("Experience"),
        gap=_("Gap"),
        score_axis=_("Mean score"),
        gap_axis=_("Gap (experience − expectation)"),
    )


def distribution_texts() -> DistributionTexts:
    """Words on the NPS distribution chart."""
    return DistributionTexts(
        title=_("How likely customers are to recommend us"),
        no_data=_("No NPS answers match these filters."),
        too_small=too_small(),
        score=_("Score"),
        share=_("Share of answers (%)"),
        count=_("Answers"),
        detractors=_("Detractors"),
        passives=_("Passives"),
        promoters=_("Promoters"),
    )


def segment_texts(title: str, metric: str, heading: str) -> SegmentTexts:
    """Words on a segment comparison chart titled ``title`` showing ``metric``; ``heading`` names its row groups."""
    return SegmentTexts(
        title=title,
        no_data=_("No answers match these filters."),
        too_small=too_small(),
        attribute=heading,
        segment=_("Segment"),
        metric=metric,
        significance=_("Differs"),
        marker_note=_("* differs from another segment (Mann–Whitney, Holm-adjusted p < 0.05)"),
    )


def trend_axes() -> dict[str, str]:
    """The trend charts' metrics as their axes (and the trend table's columns) name them."""
    return {
        "nps": _("NPS (points)"),
        "csat": _("CSAT (percent satisfied)"),
        "gap": _("Mean gap (experience − expectation)"),
    }


def trend_texts(metric: str, scope: str) -> TrendTexts:
    """Words on the monthly trend of ``metric`` ("nps", "csat" or "gap") at ``scope`` (a touchpoint or the journey)."""
    titles = {
        "nps": _("NPS by month: %(scope)s", scope=scope),
        "csat": _("CSAT %% by month: %(scope)s", scope=scope),
        "gap": _("Mean gap by month: %(scope)s", scope=scope),
    }
    return TrendTexts(
        title=titles[metric],
        no_data=_("No answers match these filters."),
        too_small=too_small(),
        metric=trend_axes()[metric],
        interval=_("95% CI band"),
        month=_("Month"),
    )


def outcome_names() -> dict[str, str]:
    """The overall scores importance is derived from, by question type."""
    return {"csat": _("overall satisfaction (CSAT)"), "nps": _("likelihood to recommend (NPS)")}


def quadrant_texts(outcome: str, scope: str) -> QuadrantTexts:
    """Words on the importance–performance chart (importance: correlation with ``outcome``)."""
    outcome_name = outcome_names()[outcome]
    names = quadrant_names()
    return QuadrantTexts(
        title=_("Importance and performance: %(scope)s", scope=scope),
        no_data=_("No answers to correlate match these filters."),
        too_small=too_small(),
        item=_("Question"),
        performance=_("Performance: mean score as a percentage of the scale"),
        importance=_("Importance: correlation with %(outcome)s", outcome=outcome_name),
        quadrant=_("Quadrant"),
        concentrate=names[Quadrant.CONCENTRATE_HERE],
        keep_up=names[Quadrant.KEEP_UP_THE_GOOD_WORK],
        low_priority=names[Quadrant.LOW_PRIORITY],
        overkill=names[Quadrant.POSSIBLE_OVERKILL],
    )
