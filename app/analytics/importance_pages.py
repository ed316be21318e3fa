"""Importance–performance: which questions move overall satisfaction (or NPS), and how well each performs."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, render_template, request, url_for

from app.analytics import bp, charts, words
from app.analytics.filtering import chosen_option, chosen_touchpoint
from app.analytics.importance import OUTCOMES, importance_view
from app.analytics.requests import form_context, place_choices, query, read_request, svg_response
from app.extensions import db


@bp.get("/importance")
def importance():
    """The quadrant chart and, as its table, every question's importance (r with CI) and performance."""
    page = read_request()
    outcome, page = page.read(lambda: chosen_option(request.args, "outcome", OUTCOMES))
    touchpoint, page = page.read(lambda: chosen_touchpoint(request.args, db.session))
    context = form_context(page, "importance") | place_choices(page.lang)
    context["outcome_names"] = words.outcome_names()
    if page.error:
        return render_template("analytics/importance.html", **context), 400
    filters = replace(page.filters, touchpoint_ids={touchpoint.id}) if touchpoint else page.filters
    view = importance_view(db.session, filters, outcome, page.lang)
    drawn = charts.chart("importance", touchpoint.code if touchpoint else "", page.filters, page.lang, outcome=outcome)
    return render_template(
        "analytics/importance.html",
        outcome=outcome,
        view=view,
        alternative=drawn.alternative,
        quadrant_names=words.quadrant_names(),
        chart_url=url_for("analytics.importance_svg", **query(page.lang)),
        **context,
    )


@bp.get("/importance.svg")
def importance_svg():
    """The importance–performance quadrant as SVG."""
    page = read_request()
    outcome, page = page.read(lambda: chosen_option(request.args, "outcome", OUTCOMES))
    touchpoint, page = page.read(lambda: chosen_touchpoint(request.args, db.session))
    if page.error:
        abort(400, description=page.error)
    code = touchpoint.code if touchpoint else ""
    return svg_response(charts.chart("importance", code, page.filters, page.lang, outcome=outcome).svg)
