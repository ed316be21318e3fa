"""The report's first pages: the title page, headline figures against targets, what went well, what must improve."""

from __future__ import annotations

from touchloop.charts import Estimate
from touchloop.charts.common import describe, number
from touchloop.report import charts
from touchloop.report.document import MUTED, Document
from touchloop.report.model import ExperienceReport, GapItem, Headline, TargetLine
from touchloop.report.words import ReportWords

DECIMALS = {"nps": 1, "csat": 1, "mean": 2, "gap": 2}
CHANGE_MARK = {1: " ▲", -1: " ▼", 0: ""}


def figure(estimate: Estimate | None, decimals: int, words: ReportWords) -> str:
    """A figure in words: "12.8 [9.0, 16.6], n=1681", with the too-small note; "—" when there is none."""
    return describe(estimate, decimals, words.too_small) or "—"


def title_page(document: Document, report: ExperienceReport, words: ReportWords) -> None:
    """Company, report title, month, number of responses, how to read the figures."""
    document.new_page()
    document.space(45)
    document.heading(report.company, level=0)
    document.paragraph(words.title, size=20)
    document.paragraph(words.month, size=16)
    document.space(6)
    counts = {"n": f"{report.responses:,}", "previous": f"{report.previous_responses:,}"}
    document.paragraph(words.responses_line % counts, size=11)
    document.paragraph(words.made_on_line % {"day": report.made_on.isoformat()}, size=9.5, colour=MUTED)
    if not report.responses:
        document.space(4)
        document.paragraph(words.no_responses, size=12)
    document.space(14)
    document.heading(words.how_to_read, level=2)
    for note in words.how_to_read_notes:
        document.bullet(note, size=9)


def _target(line: TargetLine | None, decimals: int, words: ReportWords) -> tuple[str, str]:
    """The target and its status in words; "no target" when none was set."""
    if line is None:
        return "—", words.no_target
    status = words.statuses[line.status]
    return number(line.value, decimals), status + (f"\n{words.note_line % {'note': line.note}}" if line.note else "")


def _headline_row(headline: Headline, words: ReportWords) -> list[str]:
    """One headline figure as a table row."""
    decimals = DECIMALS[headline.kind]
    name = headline.label if headline.kind != "gap" else words.gap_line % {"touchpoint": headline.label}
    return [
        name,
        figure(headline.current, decimals, words) + CHANGE_MARK[headline.change],
        figure(headline.previous, decimals, words),
        figure(headline.earlier, decimals, words),
        *_target(headline.target, decimals, words),
    ]


def headlines(document: Document, report: ExperienceReport, words: ReportWords) -> None:
    """Section 1: the headline figures against their targets, other targets, the heat map and dimensions."""
    document.new_page()
    document.heading(words.headlines)
    document.paragraph(words.headlines_intro)
    header = [words.figure, words.this_month, words.month_before, words.three_months_before, words.target, words.status]
    rows = [_headline_row(headline, words) for headline in report.headlines]
    document.table(header, rows, (20, 22, 18, 18, 9, 13), align=["LEFT"] * 6, size=8)
    document.paragraph(words.change_note, size=8, colour=MUTED)
    if report.other_targets:
        document.heading(words.other_targets, level=2)
        header = [words.figure, words.where, words.this_month, words.target, words.status]
        rows = [
            [
                words.metrics[other.kind],
                other.place or words.whole_journey,
                figure(other.figure, DECIMALS[other.kind], words),
                *_target(other.target, DECIMALS[other.kind], words),
            ]
            for other in report.other_targets
        ]
        document.table(header, rows, (12, 28, 26, 10, 16), size=8)
    for picture in (charts.heat_map(report, words), charts.dimensions(report, words)):
        document.image(picture.png, picture.width, picture.height)


def _item_row(report: ExperienceReport, item: GapItem, words: ReportWords) -> list[str]:
    """An aspect as a table row: its number on the quadrant chart, touchpoint, aspect, mean gap, importance."""
    number_ = str(report.items.index(item) + 1) if item in report.items else ""
    return [number_, item.touchpoint, item.dimension, figure(item.gap, 2, words), figure(item.importance, 2, words)]


def went_well(document: Document, report: ExperienceReport, words: ReportWords) -> None:
    """Section 2: aspects whose experience exceeded expectations."""
    document.heading(words.went_well)
    document.paragraph(words.went_well_intro)
    if not report.went_well:
        document.paragraph(words.went_well_none, colour=MUTED)
        return
    header = ["#", words.touchpoint, words.aspect, words.mean_gap, words.importance]
    rows = [_item_row(report, item, words) for item in report.went_well]
    document.table(header, rows, (4, 26, 18, 30, 26))


def must_improve(document: Document, report: ExperienceReport, words: ReportWords) -> None:
    """Section 3: aspects that fell short, most important first, the quadrant chart, what customers said."""
    document.heading(words.must_improve)
    document.paragraph(words.must_improve_intro)
    if not report.must_improve:
        document.paragraph(words.must_improve_none, colour=MUTED)
    else:
        header = ["#", words.touchpoint, words.aspect, words.mean_gap, words.importance, words.quadrant, words.behind]
        rows = [
            [*_item_row(report, item, words), words.quadrants.get(item.quadrant or "", "—"), "\n".join(item.behind)]
            for item in report.must_improve
        ]
        document.table(header, rows, (4, 15, 13, 20, 17, 11, 26), size=7.5)
    if any(item.importance is not None for item in report.items):
        picture = charts.quadrant(report, words)
        document.image(picture.png, picture.width, picture.height)
        key = [f"{number_} {item.touchpoint} · {item.dimension}" for number_, item in enumerate(report.items, start=1)]
        document.paragraph(words.key_line % {"key": ";  ".join(key)}, size=8, colour=MUTED)
    if report.comments:
        document.heading(words.comments, level=2)
        document.paragraph(words.comments_intro, size=8.5, colour=MUTED)
        for comment in report.comments:
            document.bullet(f"{comment.touchpoint}: “{comment.text}”", size=9)
