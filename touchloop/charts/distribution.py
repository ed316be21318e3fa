"""How answers spread over a scale: one bar per score, NPS scores coloured detractor / passive / promoter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matplotlib.patches import Patch

from touchloop.charts.common import Chart, TextAlternative, Texts, no_data_chart, number, set_title, summary
from touchloop.charts.layout import wrap
from touchloop.charts.marks import bottom_legend, too_small_handle
from touchloop.charts.style import BLUE, GREY, GRID, INK, MUTED, VERMILION, new_figure

BAR = "#3b6fa0"
NPS_GROUPS = ((0, 6, VERMILION), (7, 8, GREY), (9, 10, BLUE))  # detractors, passives, promoters


@dataclass(frozen=True)
class Distribution:
    """A count table: score → number of answers, on the scale ``lowest``..``highest``."""

    counts: Mapping[int, int]
    lowest: int
    highest: int
    nps: bool = False
    too_small: bool = False


@dataclass(frozen=True, kw_only=True)
class DistributionTexts(Texts):
    """Words on a distribution: axis titles, table headers, NPS groups, the scale's labelled ends."""

    score: str
    share: str
    count: str
    detractors: str = ""
    passives: str = ""
    promoters: str = ""
    low_end: str = ""
    high_end: str = ""


def _scores(data: Distribution) -> list[int]:
    """Every score of the scale, widened to any stored score outside it (shown, not hidden)."""
    present = [score for score, count in data.counts.items() if count]
    return list(range(min([data.lowest, *present]), max([data.highest, *present]) + 1))


def _colour(score: int, nps: bool) -> str:
    """The bar colour of a score."""
    if nps:
        for low, high, colour in NPS_GROUPS:
            if low <= score <= high:
                return colour
    return BAR


def _percent(part: int, total: int) -> str:
    """``part`` as a percentage of ``total`` with one decimal."""
    return number(100 * part / total, 1) + "%"


def _tick_labels(scores: list[int], data: Distribution, texts: DistributionTexts) -> list[str]:
    """Score numbers, with the scale's labelled ends written under the first and last."""
    labels = [str(score) for score in scores]
    if texts.low_end and data.lowest in scores:
        labels[scores.index(data.lowest)] += "\n" + wrap(texts.low_end, 14)
    if texts.high_end and data.highest in scores:
        labels[scores.index(data.highest)] += "\n" + wrap(texts.high_end, 14)
    return labels


def _legend(figure, data: Distribution, texts: DistributionTexts, total: int) -> None:
    """Legend: NPS groups with their shares, and the too-small note."""
    entries = []
    if data.nps:
        names = (texts.detractors, texts.passives, texts.promoters)
        for (low, high, colour), name in zip(NPS_GROUPS, names):
            share = sum(count for score, count in data.counts.items() if low <= score <= high)
            label = f"{name} ({low}–{high}): {_percent(share, total)}" if name else ""
            entries.append((Patch(facecolor=colour), label))
    if data.too_small:
        entries.append((too_small_handle(), texts.too_small))
    bottom_legend(figure, entries)


def draw_distribution(data: Distribution, texts: DistributionTexts) -> Chart:
    """A bar per score showing its share of answers, with the count table as the text alternative."""
    total = sum(count for count in data.counts.values() if count > 0)
    if total == 0:
        return no_data_chart(texts)
    scores = _scores(data)
    counts = [max(data.counts.get(score, 0), 0) for score in scores]
    figure = new_figure(max(4.8, 0.42 * len(scores) + 1.6), 3.4)
    set_title(figure, texts.title)
    axes = figure.add_subplot()
    bars = axes.bar(
        scores,
        [100 * count / total for count in counts],
        width=0.72,
        color=[_colour(s, data.nps) for s in scores],
        hatch="///" if data.too_small else None,
        hatchcolor="white",
        zorder=2,
    )
    axes.bar_label(bars, [_percent(count, total) for count in counts], padding=2, fontsize=7.5, color=INK)
    axes.set_xticks(scores, _tick_labels(scores, data, texts))
    axes.set_xlabel(wrap(texts.score, 60))
    axes.set_ylabel(wrap(texts.share, 40))
    axes.set_ylim(0, max(100 * count / total for count in counts) * 1.15)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.text(1, 1.02, f"n={total}", transform=axes.transAxes, ha="right", va="bottom", color=MUTED)
    _legend(figure, data, texts, total)
    table = tuple((str(score), str(count), _percent(count, total)) for score, count in zip(scores, counts))
    described = f"{summary(texts)} ({texts.too_small})" if data.too_small and texts.too_small else summary(texts)
    return Chart(figure, TextAlternative(described, (texts.score, texts.count, texts.share), table))
