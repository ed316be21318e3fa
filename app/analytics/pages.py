"""The journey overview and one touchpoint's page, and the SVG routes their charts are served from."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from app.analytics import bp, charts, figures, words
from app.analytics.filtering import comparison_attribute
from app.analytics.report_form import report_form
from app.analytics.requests import form_context, query, read_request, svg_response
from app.analytics.target_rows import target_rows
from app.extensions import db
from app.services.analytics import FilterError
from app.services.dashboards import latest_comments, touchpoint_by_code

TOUCHPOINT_CHARTS = ("dimensions", "distribution", "segments")


@bp.get("/")
def overview():
    """The journey heat map under the chosen filters, with its table and the period's targets."""
    return overview_page()


def overview_page(report_error: str | None = None):
    """The overview page; with ``report_error`` (a refused report download) it answers 400 and says why."""
    page = read_request()
    context = form_context(page, "overview")
    context["report_form"] = report_form(page.lang, report_error)
    if page.error:
        return render_template("analytics/overview.html", **context), 400
    drawn = charts.chart("overview", "", page.filters, page.lang)
    lang = page.lang
    body = render_template(
        "analytics/overview.html",
        alternative=drawn.alternative,
        rows=list(zip(drawn.codes, drawn.alternative.rows)),
        chart_url=url_for("analytics.overview_svg", **query(lang)),
        link=lambda code: url_for("analytics.touchpoint", code=code, **query(lang)),
        targets=target_rows(db.session, page.filters.start, page.filters.end, page.journey, lang),
        **context,
    )
    return body, 400 if report_error else 200


@bp.get("/overview.svg")
def overview_svg():
    """The journey heat map as SVG."""
    page = read_request()
    if page.error:
        abort(400, description=page.error)
    return svg_response(charts.chart("overview", "", page.filters, page.lang).svg)


@bp.get("/touchpoints/<code>")
def touchpoint(code: str):
    """One touchpoint: dimensions with CIs and levels, targets, NPS distribution, segments compared, comments."""
    page = read_request()
    found = touchpoint_by_code(db.session, code) or abort(404)
    compare, page = page.read(lambda: comparison_attribute(request.args, page.journey))
    context = form_context(page, "overview")
    context["back"] = {key: value for key, value in query(page.lang).items() if key != "compare"}
    name = found.name.get(page.lang) or found.code
    if page.error:
        return render_template("analytics/touchpoint.html", name=name, **context), 400
    filters, lang = page.filters, page.lang
    dimensions = figures.dimension_figures(db.session, found, filters, lang)
    return render_template(
        "analytics/touchpoint.html",
        name=name,
        code=code,
        compare=compare,
        dimensions=dimensions,
        level_kinds=figures.level_kinds(dimensions),
        level_names=words.level_names(),
        targets=target_rows(db.session, filters.start, filters.end, page.journey, lang, touchpoint=found.id),
        distribution=charts.chart("distribution", code, filters, lang).alternative,
        comparisons=figures.comparisons(db.session, found, filters, compare, page.journey, lang) if compare else [],
        comments=latest_comments(db.session, found.id, filters),
        class_names=words.class_names(),
        chart_url=lambda kind, **extra: url_for(
            "analytics.touchpoint_svg", code=code, kind=kind, **query(lang, **extra)
        ),
        **context,
    )


@bp.get("/touchpoints/<code>/<kind>.svg")
def touchpoint_svg(code: str, kind: str):
    """One of a touchpoint's charts as SVG; ``dimension`` picks which comparison the segments chart shows."""
    page = read_request()
    if kind not in TOUCHPOINT_CHARTS or touchpoint_by_code(db.session, code) is None:
        abort(404)
    options = {}
    if kind == "segments":
        compare, page = page.read(lambda: comparison_attribute(request.args, page.journey))
        dimension, page = page.read(lambda: _index(request.args.get("dimension", "0")))
        if compare is None and not page.error:
            abort(400, description=words.no_attribute())
        options = {"compare": compare, "dimension": dimension}
    if page.error:
        abort(400, description=page.error)
    return svg_response(charts.chart(kind, code, page.filters, page.lang, **options).svg)


def _index(value: str) -> int:
    """A small non-negative whole number from the query string."""
    if not value.isdigit() or int(value) > 1000:
        raise FilterError(_("“%(value)s” is not the number of a comparison.", value=value))
    return int(value)
