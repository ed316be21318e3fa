"""The report's later pages: significant segment differences, the state of the loops, proposed next targets."""

from __future__ import annotations

from touchloop.charts import Estimate
from touchloop.charts.common import number
from touchloop.report import charts
from touchloop.report.document import MUTED, Document
from touchloop.report.findings import DECIMALS, figure
from touchloop.report.model import ExperienceReport, LoopRow, SegmentDifference
from touchloop.report.words import ReportWords
from touchloop.stats import wilson_interval

DETAILED_DIFFERENCES = 4  # the largest effects in full; the rest in one table
CHARTED_DIFFERENCES = 2


def _p(value: float | None) -> str:
    """A p-value as people read it: three decimals, or "< 0.001"."""
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _test(difference: SegmentDifference, words: ReportWords) -> str:
    """The omnibus test of a difference in words."""
    effect = number(difference.epsilon_squared, 3) or "—"
    return words.test_line % {"h": number(difference.kruskal_h, 1), "p": _p(difference.p_adjusted), "effect": effect}


def _difference(document: Document, difference: SegmentDifference, words: ReportWords) -> None:
    """One significant difference: the test, every segment (small ones marked untested), the pairs that differ."""
    values = {"touchpoint": difference.touchpoint, "aspect": difference.dimension, "attribute": difference.attribute}
    document.room(22 + 6 * len(difference.groups) + 4.5 * len(difference.pairs))  # keep a difference on one page
    document.heading(words.difference_line % values, level=2)
    document.paragraph(_test(difference, words), size=8.5, colour=MUTED)
    rows = [
        [group.label, figure(group.gap, 2, words), words.not_tested if group.gap.too_small else ""]
        for group in difference.groups
    ]
    document.table([words.segment, words.mean_gap, ""], rows, (30, 45, 25), size=8)
    for pair in difference.pairs:
        values = {
            "first": pair.first,
            "second": pair.second,
            "difference": figure(pair.difference, 2, words),
            "p": _p(pair.p_holm),
            "delta": number(pair.cliffs_delta, 2) or "—",
        }
        document.bullet(words.pair_line % values, size=8.5)


def segments(document: Document, report: ExperienceReport, words: ReportWords) -> None:
    """Section 4: segments that differ significantly on an aspect, largest effect first."""
    document.new_page()
    document.heading(words.segments)
    document.paragraph(words.segments_intro_line % {"runs": report.comparisons_run})
    if not report.differences:
        document.paragraph(words.segments_none, colour=MUTED)
        return
    for difference in report.differences[:CHARTED_DIFFERENCES]:
        picture = charts.segments(difference, words)
        document.image(picture.png, picture.width, picture.height)
    for difference in report.differences[:DETAILED_DIFFERENCES]:
        _difference(document, difference, words)
    further = report.differences[DETAILED_DIFFERENCES:]
    if further:
        document.heading(words.further, level=2)
        header = [words.aspect, words.segment, words.effect, words.behind]
        rows = [
            [
                f"{difference.touchpoint} · {difference.dimension}",
                difference.attribute,
                _test(difference, words),
                "\n".join(difference.behind()),
            ]
            for difference in further
        ]
        document.table(header, rows, (28, 16, 30, 26), size=7.5)


def _loop_row(row: LoopRow, words: ReportWords) -> list[str]:
    """One department's closed-loop figures as a table row."""
    within = "—"
    if row.cases_resolved and row.within_share.interval:
        low, high = row.within_share.interval
        share = f"{number(row.within_share.value, 1)}% [{number(low, 1)}, {number(high, 1)}]"
        within = words.share_line % {"hits": row.cases_within_deadline, "n": row.cases_resolved, "share": share}
    counts = (row.implemented, row.verified, row.closed, row.cases_resolved)
    return [row.department, *map(str, counts), within, str(row.open_now), str(row.overdue_now)]


def loops(document: Document, report: ExperienceReport, words: ReportWords) -> None:
    """Section 5: suggestions implemented, verified and closed, cases within deadline, per department."""
    document.heading(words.loops)
    document.paragraph(words.loops_intro_line % {"day": report.made_on.isoformat()})
    if not report.loops:
        document.paragraph(words.loops_none, colour=MUTED)
        return
    header = [
        words.department,
        words.implemented,
        words.verified,
        words.closed,
        words.cases_resolved,
        words.within_deadline,
        words.open_now,
        words.overdue_now,
    ]
    rows = [_loop_row(row, words) for row in report.loops]
    rows.append(_loop_row(_total(report.loops, words), words))
    align = ["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "RIGHT"]
    document.table(header, rows, (17, 13, 10, 9, 11, 24, 11, 11), align=align, size=8)


def _total(rows: tuple[LoopRow, ...], words: ReportWords) -> LoopRow:
    """Every department's figures added up, with the share within deadline over all resolved cases."""
    hits, n = sum(row.cases_within_deadline for row in rows), sum(row.cases_resolved for row in rows)
    ci = wilson_interval(hits, n) if n else None
    share = Estimate(100 * hits / n, 100 * ci.low, 100 * ci.high, n=n) if ci else Estimate(None)
    return LoopRow(
        words.all_departments,
        sum(row.implemented for row in rows),
        sum(row.verified for row in rows),
        sum(row.closed for row in rows),
        n,
        hits,
        share,
        sum(row.open_now for row in rows),
        sum(row.overdue_now for row in rows),
    )


def proposals(document: Document, report: ExperienceReport, words: ReportWords) -> None:
    """Section 6: the proposed next targets and the rule they follow."""
    document.room(70)  # the heading, the rule and the first rows of the table together
    document.heading(words.proposals)
    for line in words.proposals_intro:
        document.paragraph(line, size=9)
    if not report.proposals:
        document.paragraph(words.proposals_none, colour=MUTED)
        return
    header = [words.figure, words.this_month, words.current_target, words.proposed, words.why]
    rows = []
    for proposal in report.proposals:
        decimals = DECIMALS[proposal.kind]
        name = proposal.label if proposal.kind != "gap" else words.gap_line % {"touchpoint": proposal.label}
        rows.append(
            [
                name,
                figure(proposal.current, decimals, words),
                number(proposal.current_target, decimals) or "—",
                number(proposal.proposed, decimals) or "—",
                words.reasons[proposal.reason],
            ]
        )
    document.table(header, rows, (38, 27, 9, 9, 19), size=8)
