"""The experience report's words in the app's languages (flask_babel), for ``touchloop.report``.

Called inside ``flask_babel.force_locale``; templates keep their ``%(name)s`` placeholders for the renderer.
"""

from __future__ import annotations

from babel.dates import format_skeleton
from flask_babel import gettext as _

from touchloop.report.model import Month
from touchloop.report.words import ReportWords

BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


def month_in_words(month: Month, lang: str) -> str:
    """The month as people write it: "March 2026", "2026年3月"."""
    return format_skeleton("yMMMM", month.start, locale=BABEL_LOCALES.get(lang, "en"))


def report_words(month: Month, lang: str) -> ReportWords:
    """Every word of the report, in the current (forced) locale."""
    return ReportWords(
        language=lang,
        title=_("Customer experience report"),
        month=month_in_words(month, lang),
        **_title_words(),
        **_headline_words(),
        **_gap_words(),
        **_segment_words(),
        **_loop_words(),
        **_proposal_words(),
        **_chart_words(),
    )


def _title_words() -> dict:
    """The title page and the footer."""
    return {
        "responses_line": _("%(n)s responses this month (the month before: %(previous)s)."),
        "made_on_line": _("Made on %(day)s by Touchloop."),
        "no_responses": _("There were no responses in this month, so there are no figures to report."),
        "how_to_read": _("How to read this report"),
        "how_to_read_notes": (
            _("Each figure reads: estimate [95% CI, the confidence interval], n = the number of answers it rests on."),
            _("A gap is experience minus expectation: below 0 expectations were not met, above 0 exceeded."),
            _("Figures resting on fewer than 30 answers are marked “too few answers to trust” and never tested."),
            _(
                "A target is met when the whole interval is at or above it, not met when the whole interval is below "
                "it, and not yet clear when the interval straddles it."
            ),
        ),
        "footer_line": _("%(company)s · Customer experience report %(month)s · page %(page)s"),
        "too_small": _("too few answers to trust"),
        "ci_note": _("Each figure: estimate [95% CI, the confidence interval], n = number of answers."),
    }


def _headline_words() -> dict:
    """Section 1."""
    return {
        "headlines": _("1. Headline figures against targets"),
        "headlines_intro": _(
            "NPS and CSAT (the share of satisfied customers, answers 4–5) over the whole journey and the mean gap "
            "at each touchpoint, this month and before, against the target set for this month."
        ),
        "figure": _("Figure"),
        "this_month": _("This month"),
        "month_before": _("The month before"),
        "three_months_before": _("The three months before"),
        "target": _("Target"),
        "status": _("Status"),
        "no_target": _("no target set"),
        "gap_line": _("Mean gap: %(touchpoint)s"),
        "change_note": _(
            "▲ / ▼: this month is significantly higher / lower than the three months before "
            "(Welch's t: the 95% CI of the difference excludes 0)."
        ),
        "statuses": {"met": _("Met"), "not_met": _("Not met"), "not_yet_clear": _("Not yet clear")},
        "metrics": {"nps": _("NPS"), "csat": _("CSAT %"), "mean": _("Mean score"), "gap": _("Mean gap")},
        "other_targets": _("Other targets for this month"),
        "where": _("Where and for whom"),
        "whole_journey": _("Whole journey"),
        "note_line": _("Note: %(note)s"),
    }


def _gap_words() -> dict:
    """Sections 2 and 3."""
    return {
        "went_well": _("2. What went well"),
        "went_well_intro": _(
            "Aspects (a dimension at a touchpoint) where experience exceeded expectations: the whole 95% CI "
            "of the mean gap is above 0, with at least 30 answers. Largest gap first."
        ),
        "went_well_none": _("No aspect exceeded expectations significantly this month."),
        "touchpoint": _("Touchpoint"),
        "aspect": _("Aspect"),
        "mean_gap": _("Mean gap (95% CI)"),
        "importance": _("Importance r (95% CI)"),
        "must_improve": _("3. What must improve"),
        "must_improve_intro": _(
            "Aspects where experience fell short of expectations (the whole 95% CI of the mean gap below 0), "
            "most important first. Importance is the correlation (Pearson r) of the aspect's experience with overall "
            "satisfaction in the same responses; the quadrant places it against the other aspects."
        ),
        "must_improve_none": _("No aspect fell short of expectations significantly this month."),
        "quadrant": _("Quadrant"),
        "quadrants": {
            "concentrate_here": _("Concentrate here"),
            "keep_up_the_good_work": _("Keep up the good work"),
            "low_priority": _("Low priority"),
            "possible_overkill": _("Possible overkill"),
        },
        "behind": _("Segments behind"),
        "key_line": _("Numbers on the chart: %(key)s."),
        "comments": _("What customers said"),
        "comments_intro": _("The newest comments this month at the touchpoints of the most important aspects above."),
    }


def _segment_words() -> dict:
    """Section 4."""
    return {
        "segments": _("4. Segment differences"),
        "segments_intro_line": _(
            "Each aspect's gap compared between the segments of each attribute: Kruskal–Wallis over the segments "
            "with at least 30 answers, pairs by Mann–Whitney with Holm-adjusted p. The Kruskal–Wallis p-values of "
            "all %(runs)s comparisons are adjusted again (Benjamini–Hochberg); shown are those below 0.05 with at "
            "least one pair that differs, largest effect (ε²) first. Customers whose segment is not known are left out."
        ),
        "segments_none": _("No segments differed significantly this month."),
        "difference_line": _("%(touchpoint)s · %(aspect)s, by %(attribute)s"),
        "test_line": _("Kruskal–Wallis H = %(h)s, adjusted p %(p)s, effect size ε² = %(effect)s"),
        "pair_line": _("%(first)s vs %(second)s: difference %(difference)s, Holm p %(p)s, Cliff's δ = %(delta)s"),
        "segment": _("Segment"),
        "not_tested": _("too few answers: not tested"),
        "further": _("Further differences, with smaller effects"),
        "effect": _("Test"),
    }


def _loop_words() -> dict:
    """Section 5."""
    return {
        "loops": _("5. The state of the loops"),
        "loops_intro_line": _(
            "Per department: improvement suggestions it implemented, verified and closed this month; follow-up "
            "cases first resolved this month and how many of them within their deadline (with the 95%% CI of "
            "the share); suggestions open and overdue as of %(day)s."
        ),
        "loops_none": _("No department had suggestions or follow-up cases this month."),
        "department": _("Department"),
        "implemented": _("Implemented"),
        "verified": _("Verified"),
        "closed": _("Closed"),
        "cases_resolved": _("Cases resolved"),
        "within_deadline": _("Within deadline"),
        "open_now": _("Open now"),
        "overdue_now": _("Overdue now"),
        "all_departments": _("All departments"),
        "share_line": _("%(hits)s of %(n)s: %(share)s"),
    }


def _proposal_words() -> dict:
    """Section 6."""
    return {
        "proposals": _("6. Proposed next targets"),
        "proposals_intro": (
            _(
                "For each headline figure and each aspect that must improve: the upper end of this month's 95% "
                "CI, the smallest rise next month's answers can tell apart from this month's. It never passes "
                "the next level up that is known: the industry level, the customers' ideal level, or for a gap 0 "
                "(expectations met)."
            ),
            _("Figures resting on fewer than 30 answers get no proposal: collect more answers first."),
        ),
        "proposals_none": _("Every figure has reached its ideal level: nothing to propose."),
        "current_target": _("Current target"),
        "proposed": _("Proposed"),
        "why": _("Why"),
        "reasons": {
            "step": _("one interval step up"),
            "industry": _("up to the industry level"),
            "ideal": _("up to the customers' ideal level"),
            "expectations_met": _("up to 0: expectations met"),
            "too_few": _("too few answers: collect more first"),
        },
    }


def _chart_words() -> dict:
    """The charts."""
    return {
        "heat_title": _("Journey overview: NPS, CSAT and gaps by touchpoint"),
        "heat_no_data": _("No answers match these filters."),
        "stage": _("Stage"),
        "nps": _("NPS"),
        "csat": _("CSAT %"),
        "heat_gap_line": _("Gap: %(dimension)s"),
        "dimensions_title": _("Expectation, experience and gap by dimension (95% CI)"),
        "dimension": _("Dimension"),
        "expectation": _("Expectation"),
        "experience": _("Experience"),
        "gap": _("Gap"),
        "score_axis": _("Mean score"),
        "gap_axis": _("Gap (experience − expectation)"),
        "quadrant_title": _("Importance and performance of each aspect"),
        "performance_axis": _("Performance: mean gap"),
        "importance_axis": _("Importance: correlation with overall satisfaction"),
        "segments_title_line": _("Mean gap by segment: %(touchpoint)s · %(aspect)s"),
        "marker_note": _("* differs from another segment (Mann–Whitney, Holm-adjusted p < 0.05)"),
    }
