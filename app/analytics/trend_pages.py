"""Trends by month: NPS, CSAT and the mean gap per month for a touchpoint or the whole journey."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from app.analytics import bp, charts, words
from app.analytics.filtering import chosen_dimension, chosen_touchpoint
from app.analytics.requests import form_context, place_choices, query, read_request, svg_response
from app.analytics.trends import TREND_METRICS
from app.extensions import db


@bp.get("/trends")
def trends():
    """NPS, CSAT and mean gap by month with their CIs and n, as three charts and one table."""
    page = read_request()
    touchpoint, page = page.read(lambda: chosen_touchpoint(request.args, db.session))
    dimension, page = page.read(lambda: chosen_dimension(request.args, db.session))
    context = form_context(page, "trends") | place_choices(page.lang)
    if page.error:
        return render_template("analytics/trends.html", **context), 400
    code = touchpoint.code if touchpoint else ""
    drawn = {metric: _chart(code, page, metric, dimension) for metric in TREND_METRICS}
    cells = {metric: dict(found.alternative.rows) for metric, found in drawn.items()}  # month -> described figure
    months = sorted({month for found in cells.values() for month in found})
    table = [(month, *(cells[metric].get(month, "") for metric in TREND_METRICS)) for month in months]
    return render_template(
        "analytics/trends.html",
        alternatives={metric: found.alternative for metric, found in drawn.items()},
        table=table,
        too_small=words.too_small(),
        headers=[words.trend_axes()[metric] for metric in TREND_METRICS],
        chart_url=lambda metric: url_for("analytics.trend_svg", metric=metric, **query(page.lang)),
        **context,
    )


@bp.get("/trends/<metric>.svg")
def trend_svg(metric: str):
    """One metric's monthly trend as SVG."""
    if metric not in TREND_METRICS:
        abort(404)
    page = read_request()
    touchpoint, page = page.read(lambda: chosen_touchpoint(request.args, db.session))
    dimension, page = page.read(lambda: chosen_dimension(request.args, db.session))
    if page.error:
        abort(400, description=page.error)
    return svg_response(_chart(touchpoint.code if touchpoint else "", page, metric, dimension).svg)


def _chart(code: str, page, metric: str, dimension: int | None) -> charts.Drawn:
    """The trend of ``metric`` (the dimension matters only for the gap)."""
    return charts.chart(
        "trend", code, page.filters, page.lang, metric=metric, dimension=dimension if metric == "gap" else None
    )
