"""Charts: each one draws in Chinese and English, marks too-small groups, and says in words what it shows."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from touchloop.charts import (
    DimensionRow,
    DimensionTexts,
    Distribution,
    DistributionTexts,
    Estimate,
    HeatmapColumn,
    HeatmapRow,
    HeatmapTexts,
    QuadrantPoint,
    QuadrantTexts,
    Reference,
    SegmentRow,
    SegmentTexts,
    TrendPoint,
    TrendTexts,
    draw_dimensions,
    draw_distribution,
    draw_heatmap,
    draw_quadrant,
    draw_segments,
    draw_trend,
    quadrant_of,
)
from touchloop.charts.style import TOO_SMALL_HATCH

WORDS = {
    "en": {
        "title": "Installation: how it went",
        "no_data": "No answers in this period",
        "too_small": "fewer than 30 answers",
        "stage": "Stage",
        "touchpoint": "Touchpoint",
        "stages": ("Delivery and installation", "Service and support"),
        "touchpoints": ("Installation", "Delivery", "Hotline"),
        "metric": "Mean gap",
        "target": "Target",
    },
    "zh": {
        "title": "安装：体验如何",
        "no_data": "本期没有回答",
        "too_small": "回答少于 30 份",
        "stage": "阶段",
        "touchpoint": "接触点",
        "stages": ("交付与安装", "服务与支持"),
        "touchpoints": ("安装", "交付", "热线"),
        "metric": "平均差距",
        "target": "目标",
    },
}


def common(lang: str) -> dict[str, str]:
    """The texts every chart takes, in ``lang``."""
    words = WORDS[lang]
    return {"title": words["title"], "no_data": words["no_data"], "too_small": words["too_small"]}


def estimate(value: float, n: int = 120, width: float = 0.2) -> Estimate:
    """An estimate with a CI ``width`` either side; too small below 30 answers."""
    return Estimate(value, value - width, value + width, n=n, too_small=n < 30)


def heatmap(lang: str, rows=None):
    """A small journey heat map: one too-small cell, one missing cell."""
    words = WORDS[lang]
    first, second = words["stages"]
    rows = rows if rows is not None else [
        HeatmapRow(first, words["touchpoints"][0], (estimate(-1.2), estimate(35, 200, 8))),
        HeatmapRow(first, words["touchpoints"][1], (estimate(0.4, 12), None)),
        HeatmapRow(second, words["touchpoints"][2], (estimate(0.1), estimate(-20, 90, 10))),
    ]  # fmt: skip
    columns = [HeatmapColumn(words["metric"], decimals=2, limit=2), HeatmapColumn("NPS", decimals=0, limit=100)]
    texts = HeatmapTexts(**common(lang), stage=words["stage"], touchpoint=words["touchpoint"])
    return draw_heatmap(rows, columns, texts)


def dimensions(lang: str, rows=None):
    """Two dimensions with industry, ideal and target levels; one dimension rests on too few answers."""
    words = WORDS[lang]
    rows = rows if rows is not None else [
        DimensionRow("Product", estimate(5.8), estimate(5.1), estimate(-0.7),
                     references=(Reference("industry", "Industry", 5.4), Reference("ideal", "Ideal", 6.8)),
                     gap_references=(Reference("target", words["target"], -0.2),)),
        DimensionRow("Service", estimate(5.5, 20), estimate(5.6, 20), estimate(0.1, 20)),
    ]  # fmt: skip
    texts = DimensionTexts(
        **common(lang), dimension="D", expectation="E", experience="X", gap="G", score_axis="1–7", gap_axis="gap"
    )
    return draw_dimensions(rows, texts, scale=(1, 7))


def distribution(lang: str, counts=None, nps: bool = True):
    """An NPS distribution with its three groups."""
    counts = counts if counts is not None else {0: 2, 6: 8, 7: 10, 8: 10, 9: 15, 10: 5}
    texts = DistributionTexts(
        **common(lang), score="Score", share="%", count="n", detractors="D", passives="P", promoters="Pr"
    )
    return draw_distribution(Distribution(counts, 0 if nps else 1, 10 if nps else 5, nps=nps), texts)


def trend(lang: str, points=None):
    """Four months: one missing, one too small, with a target line."""
    points = points if points is not None else [
        TrendPoint("2025-01", estimate(20, 150, 8)), TrendPoint("2025-02", Estimate(None)),
        TrendPoint("2025-03", estimate(28, 12, 30)), TrendPoint("2025-04", estimate(31, 180, 7)),
    ]  # fmt: skip
    texts = TrendTexts(**common(lang), metric="NPS", interval="95% CI", month="Month")
    return draw_trend(points, texts, [Reference("target", WORDS[lang]["target"], 30)], decimals=0)


QUADRANT_NAMES = {"concentrate": "Concentrate", "keep_up": "Keep up", "low_priority": "Low", "overkill": "Overkill"}


def quadrant_texts(lang: str) -> QuadrantTexts:
    """Texts of the quadrant chart."""
    return QuadrantTexts(**common(lang), item="Item", performance="P", importance="I", quadrant="Q", **QUADRANT_NAMES)


def quadrant(lang: str, points=None):
    """Touchpoints over the four quadrants, one too small."""
    names = WORDS[lang]["touchpoints"]
    points = points if points is not None else [
        QuadrantPoint(names[0], 3.5, 0.6, 100), QuadrantPoint(names[1], 4.4, 0.5, 100),
        QuadrantPoint(names[2], 3.9, 0.2, 12, too_small=True),
    ]  # fmt: skip
    return draw_quadrant(points, quadrant_texts(lang), performance_cross=4.0, importance_cross=0.4)


def segments(lang: str, rows=None):
    """Regions and tiers compared with the overall level; one region marked significant, one too small."""
    rows = rows if rows is not None else [
        SegmentRow("Region", "North", estimate(-0.9, 300), marker="*"), SegmentRow("Region", "South", estimate(-0.2)),
        SegmentRow("Tier", "C", estimate(-0.4, 14, 0.6)),
    ]  # fmt: skip
    texts = SegmentTexts(**common(lang), attribute="Attribute", segment="Segment", metric="Gap", significance="Sig.")
    return draw_segments(rows, texts, [Reference("own", "All customers", -0.5)])


CHARTS = {
    "heatmap": heatmap,
    "dimensions": dimensions,
    "distribution": distribution,
    "trend": trend,
    "quadrant": quadrant,
    "segments": segments,
}
EMPTY = {
    "heatmap": lambda lang: heatmap(lang, rows=[]),
    "dimensions": lambda lang: dimensions(lang, rows=[]),
    "distribution": lambda lang: distribution(lang, counts={}),
    "trend": lambda lang: trend(lang, points=[TrendPoint("2025-01", Estimate(None))]),
    "quadrant": lambda lang: quadrant(lang, points=[]),
    "segments": lambda lang: segments(lang, rows=[SegmentRow("Region", "North", Estimate(float("nan")))]),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", CHARTS)
def test_every_chart_draws_in_both_languages_as_svg_and_png_without_warnings(kind, lang):
    chart = CHARTS[kind](lang)
    assert chart.svg().startswith(b"<?xml")
    assert chart.png(dpi=72).startswith(b"\x89PNG")
    assert chart.alternative.summary == WORDS[lang]["title"]
    assert chart.alternative.rows


@pytest.mark.parametrize("kind", CHARTS)
def test_a_chart_without_data_says_so_instead_of_failing(kind):
    chart = EMPTY[kind]("zh")
    assert chart.alternative.summary == WORDS["zh"]["no_data"]
    assert chart.alternative.rows == ()
    drawn = [text.get_text() for text in chart.figure.findobj(lambda artist: hasattr(artist, "get_text"))]
    assert WORDS["zh"]["no_data"] in drawn
    assert chart.svg().startswith(b"<?xml")


def cells(chart) -> tuple[list, list]:
    """The heat map's coloured cells and its hatched too-small cells, as (facecolour, path) lists."""
    plain, hatched = chart.figure.axes[0].collections
    assert plain.get_hatch() is None and hatched.get_hatch() == TOO_SMALL_HATCH
    return list(zip(plain.get_facecolors(), plain.get_paths())), list(hatched.get_paths())


def test_heat_map_hatches_too_small_cells_writes_their_n_and_leaves_missing_cells_blank():
    chart = heatmap("en")
    plain, hatched = cells(chart)
    assert (len(plain), len(hatched)) == (4, 1)  # six cells, one missing
    texts = [text.get_text() for text in chart.figure.axes[0].texts]
    assert "0.40\nn=12" in texts
    assert "<pattern" in chart.svg().decode()


def test_heat_map_table_lists_every_touchpoint_with_its_estimates_in_words():
    alternative = heatmap("en").alternative
    assert alternative.header == ("Stage", "Touchpoint", "Mean gap", "NPS")
    assert alternative.rows[0] == (
        "Delivery and installation",
        "Installation",
        "−1.20 [−1.40, −1.00], n=120",
        "35 [27, 43], n=200",
    )
    assert alternative.rows[1][2:] == ("0.40 [0.20, 0.60], n=12 (fewer than 30 answers)", "")


def test_heat_map_refuses_a_row_with_the_wrong_number_of_cells():
    with pytest.raises(ValueError, match="'Hotline' has 1 cells for 2 columns"):
        heatmap("en", rows=[HeatmapRow("Service", "Hotline", (estimate(0.1),))])


def test_heat_map_colours_each_column_around_its_centre_red_below_blue_above():
    chart = heatmap("en")
    (below, _path), (above, _path) = cells(chart)[0][:2]
    assert below[0] > below[2]  # −1.2: red
    assert above[2] > above[0]  # NPS 35: blue


def test_heat_map_treats_a_non_finite_value_as_missing():
    rows = [HeatmapRow("S", "T", (Estimate(float("nan")), estimate(10))), HeatmapRow("S", "U", (estimate(0.2), None))]
    chart = heatmap("en", rows=rows)
    assert [len(found) for found in cells(chart)] == [2, 0]
    assert "nan" not in chart.svg().decode().lower()
    assert chart.alternative.rows[0][2] == ""


def test_dimensions_chart_draws_every_comparison_level_and_lists_it_in_the_table():
    chart = dimensions("en")
    legend = [text.get_text() for text in chart.figure.legends[0].get_texts()]
    assert legend == ["E", "X", "G", "Industry", "Ideal", "Target", "fewer than 30 answers"]
    alternative = chart.alternative
    assert alternative.header == ("D", "E", "X", "G", "Industry", "Ideal", "Target")
    assert alternative.rows[0][4:] == ("5.40", "6.80", "−0.20")
    assert alternative.rows[1][3] == "0.10 [−0.10, 0.30], n=20 (fewer than 30 answers)"


def test_a_level_on_both_scales_gets_a_column_for_each_in_the_dimensions_table():
    satisfied = (Reference("satisfied", "Satisfied", 5.9),)
    row = DimensionRow(
        "Product", estimate(5.8), estimate(5.1), estimate(-0.7), satisfied, (Reference("satisfied", "Satisfied", 0.3),)
    )
    texts = DimensionTexts(
        **common("en"), dimension="D", expectation="E", experience="X", gap="G", score_axis="s", gap_axis="g"
    )
    alternative = draw_dimensions([row], texts).alternative
    assert alternative.header[4:] == ("Satisfied", "Satisfied (G)")
    assert alternative.rows[0][4:] == ("5.90", "0.30")


def test_dimensions_chart_draws_too_small_estimates_hollow():
    chart = dimensions("en")
    faces = [line.get_markerfacecolor() for line in chart.figure.axes[0].lines if line.get_marker() == "o"]
    assert faces == ["#0072B2", "white"]


def test_distribution_shows_every_score_of_the_scale_with_its_share_and_the_nps_groups():
    chart = distribution("en")
    bars = chart.figure.axes[0].patches
    assert len(bars) == 11
    assert chart.alternative.rows[0] == ("0", "2", "4.0%")
    assert chart.alternative.rows[1] == ("1", "0", "0.0%")
    legend = [text.get_text() for text in chart.figure.legends[0].get_texts()]
    assert legend == ["D (0–6): 20.0%", "P (7–8): 40.0%", "Pr (9–10): 40.0%"]


def test_distribution_shows_a_stored_score_outside_the_scale_rather_than_hiding_it():
    chart = distribution("en", counts={1: 3, 5: 4, 6: 1}, nps=False)
    assert [row[0] for row in chart.alternative.rows] == ["1", "2", "3", "4", "5", "6"]
    assert chart.figure.legends == []


def test_trend_breaks_the_line_at_a_missing_month_and_marks_the_too_small_one_hollow():
    chart = trend("en")
    line = chart.figure.axes[0].lines[0]
    values = list(line.get_ydata())
    assert values[1] != values[1] and values[0] == 20  # NaN: a gap in the line
    hollow = [line for line in chart.figure.axes[0].lines if line.get_markerfacecolor() == "white"]
    assert list(hollow[0].get_xdata()) == [2]
    labels = [label.get_text() for label in chart.figure.axes[0].get_xticklabels()]
    assert labels[0] == "2025-01\nn=150" and labels[1] == "2025-02"
    assert chart.alternative.rows[1] == ("2025-02", "")
    assert chart.alternative.notes == ("Target: 30",)


def test_a_year_long_trend_with_long_names_and_every_level_keeps_its_legend_inside_the_figure():
    points = [TrendPoint(f"2025-{month:02d}", estimate(-0.5, 300, 0.1)) for month in range(1, 13)]
    points.append(TrendPoint("2026-01", estimate(-0.4, 12, 0.3)))
    references = [
        Reference(kind, f"{kind} level of the customers", value)
        for kind, value in (("industry", -0.3), ("ideal", 0.5), ("target", 0.0))
    ]
    texts = TrendTexts(**common("en"), metric="Mean gap (experience − expectation)", interval="95% CI band", month="M")
    chart = draw_trend(points, texts, references, decimals=2)
    chart.figure.draw_without_rendering()
    figure_box = chart.figure.bbox
    legend_box = chart.figure.legends[0].get_window_extent()
    assert figure_box.x0 <= legend_box.x0 and legend_box.x1 <= figure_box.x1


def test_quadrant_names_follow_the_crosshair_and_a_point_on_a_line_counts_as_high():
    texts = quadrant_texts("en")
    place = [
        quadrant_of(QuadrantPoint("x", performance, importance), 4.0, 0.4, texts)
        for performance, importance in ((3.0, 0.6), (4.0, 0.4), (3.0, 0.1), (4.5, 0.1))
    ]
    assert place == ["Concentrate", "Keep up", "Low", "Overkill"]
    assert [row[4] for row in quadrant("en").alternative.rows] == ["Concentrate", "Keep up", "Low"]


def test_quadrant_labels_do_not_overlap_each_other():
    points = [QuadrantPoint(f"Touchpoint {i}", 3.9 + 0.02 * (i % 3), 0.45 + 0.01 * i, 100) for i in range(6)]
    chart = quadrant("en", points=points)
    renderer = chart.figure.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in chart.figure.axes[0].texts if text.get_text().startswith("T")]
    assert len(boxes) == 6
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not first.overlaps(second), (first, second)


def test_segment_comparison_writes_n_and_the_callers_significance_marker_and_lists_notes():
    chart = segments("en")
    texts = [text.get_text() for text in chart.figure.axes[0].texts]
    assert "*" in texts and "n=300" in texts and "n=14" in texts
    assert chart.alternative.rows[0] == ("Region", "North", "−0.90 [−1.10, −0.70], n=300", "*")
    assert chart.alternative.rows[2][2].endswith("(fewer than 30 answers)")
    assert chart.alternative.notes == ("All customers: −0.50",)


def test_quadrant_without_a_crosshair_value_splits_at_the_mean_of_the_items():
    points = [QuadrantPoint("a", 3.0, 0.2, 50), QuadrantPoint("b", 4.0, 0.6, 50)]
    chart = draw_quadrant(points, quadrant_texts("en"), performance_cross=None, importance_cross=float("nan"))
    assert chart.alternative.notes == ("P: 3.50", "I: 0.40")
    assert [row[4] for row in chart.alternative.rows] == ["Low", "Keep up"]


def test_estimate_takes_its_bounds_from_any_interval_with_low_and_high():
    assert Estimate.of(0.5, SimpleNamespace(low=0.1, high=0.9), n=40) == Estimate(0.5, 0.1, 0.9, n=40, too_small=False)
    assert Estimate.of(None, None, too_small=True) == Estimate(None, None, None, n=0, too_small=True)


def test_reference_of_an_unknown_kind_or_without_a_number_is_refused():
    with pytest.raises(ValueError, match="'benchmark' is not one of own, industry"):
        Reference("benchmark", "B", 1.0)
    with pytest.raises(ValueError, match="reference 'Industry' has no finite value: nan"):
        Reference("industry", "Industry", float("nan"))


def test_charts_import_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, touchloop.charts;"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_babel', 'matplotlib.pyplot') if m in sys.modules];"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
