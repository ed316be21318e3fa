"""The words of the report, already in its language: the caller translates them (``app/services/report_words``).

Fields ending in ``_line`` are templates with ``%(name)s`` placeholders the renderer fills in; every other
field is written as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class ReportWords:
    """Every text the PDF writes that is not a figure or a name."""

    language: str  # "zh" or "en", written into the PDF
    title: str
    month: str  # the month in words, e.g. "March 2026" / "2026年3月"
    responses_line: str  # %(n)s, %(previous)s
    made_on_line: str  # %(day)s
    no_responses: str
    how_to_read: str
    how_to_read_notes: tuple[str, ...]
    footer_line: str  # %(company)s, %(month)s, %(page)s
    too_small: str
    ci_note: str

    headlines: str
    headlines_intro: str
    figure: str
    this_month: str
    month_before: str
    three_months_before: str
    target: str
    status: str
    no_target: str
    gap_line: str  # %(touchpoint)s
    change_note: str
    statuses: dict[str, str] = field(default_factory=dict)  # met / not_met / not_yet_clear
    metrics: dict[str, str] = field(default_factory=dict)  # nps / csat / mean / gap
    other_targets: str
    where: str
    whole_journey: str
    note_line: str  # %(note)s

    went_well: str
    went_well_intro: str
    went_well_none: str
    touchpoint: str
    aspect: str
    mean_gap: str
    importance: str

    must_improve: str
    must_improve_intro: str
    must_improve_none: str
    quadrant: str
    quadrants: dict[str, str] = field(default_factory=dict)
    behind: str
    key_line: str  # %(key)s
    comments: str
    comments_intro: str

    segments: str
    segments_intro_line: str  # %(runs)s
    segments_none: str
    difference_line: str  # %(touchpoint)s, %(aspect)s, %(attribute)s
    test_line: str  # %(h)s, %(p)s, %(effect)s
    pair_line: str  # %(first)s, %(second)s, %(difference)s, %(p)s, %(delta)s
    segment: str
    not_tested: str
    further: str
    effect: str

    loops: str
    loops_intro_line: str  # %(day)s
    loops_none: str
    department: str
    implemented: str
    verified: str
    closed: str
    cases_resolved: str
    within_deadline: str
    open_now: str
    overdue_now: str
    all_departments: str
    share_line: str  # %(hits)s, %(n)s, %(share)s

    proposals: str
    proposals_intro: tuple[str, ...]
    proposals_none: str
    current_target: str
    proposed: str
    why: str
    reasons: dict[str, str] = field(default_factory=dict)  # step / industry / ideal / expectations_met / too_few

    heat_title: str
    heat_no_data: str
    stage: str
    nps: str
    csat: str
    heat_gap_line: str  # %(dimension)s
    dimensions_title: str
    dimension: str
    expectation: str
    experience: str
    gap: str
    score_axis: str
    gap_axis: str
    quadrant_title: str
    performance_axis: str
    importance_axis: str
    segments_title_line: str  # %(touchpoint)s, %(aspect)s, %(attribute)s
    marker_note: str
