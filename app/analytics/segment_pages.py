"""Segments compared: every touchpoint × segment of one attribute on the gap of each dimension, NPS or CSAT."""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby

from flask import abort, render_template, request, url_for

from app.analytics import bp, charts, words
from app.analytics.filtering import chosen_option, chosen_touchpoint, comparison_attribute
from app.analytics.requests import form_context, place_choices, query, read_request, svg_response
from app.analytics.segments import METRICS, compare_by
from app.extensions import db
from app.services.dashboards import touchpoint_by_code


@bp.get("/segments")
def segments():
    """Each touchpoint's segments with n, figure and CI, Kruskal–Wallis, and Holm-adjusted pairs with effect sizes."""
    page = read_request()
    compare, page = page.read(lambda: comparison_attribute(request.args, page.journey))
    metric, page = page.read(lambda: chosen_option(request.args, "metric", METRICS))
    touchpoint, page = page.read(lambda: chosen_touchpoint(request.args, db.session))
    context = form_context(page, "segments") | place_choices(page.lang)
    context["metric_names"] = words.metric_names()
    if page.error or compare is None:
        context["error"] = page.error or words.no_attribute()
        return render_template("analytics/segments.html", **context), 400
    filters = replace(page.filters, touchpoint_ids={touchpoint.id}) if touchpoint else page.filters
    blocks = compare_by(db.session, filters, compare, metric, page.journey, page.lang)
    grouped = [(code, list(found)) for code, found in groupby(blocks, key=lambda block: block.touchpoint_code)]
    return render_template(
        "analytics/segments.html",
        compare=compare,
        metric=metric,
        grouped=grouped,
        class_names=words.class_names(),
        chart_url=lambda code: url_for(
            "analytics.segments_svg", code=code, **query(page.lang, compare=compare, metric=metric, touchpoint=None)
        ),
        **context,
    )


@bp.get("/segments/<code>.svg")
def segments_svg(code: str):
    """One touchpoint's segment comparisons (each dimension, or NPS / CSAT) as a forest plot in SVG."""
    if touchpoint_by_code(db.session, code) is None:
        abort(404)
    page = read_request()
    compare, page = page.read(lambda: comparison_attribute(request.args, page.journey))
    metric, page = page.read(lambda: chosen_option(request.args, "metric", METRICS))
    if page.error or compare is None:
        abort(400, description=page.error or words.no_attribute())
    return svg_response(charts.chart("comparison", code, page.filters, page.lang, compare=compare, metric=metric).svg)
