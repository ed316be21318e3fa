"""The analytics pages (journey overview, one touchpoint) and the SVG routes their charts are served from."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from app.analytics import bp, charts, figures
from app.analytics.filtering import comparison_attribute, read_filters, segment_selects
from app.analytics.report_form import report_form
from app.extensions import db
from app.i18n import use_language
from app.services.analytics import FilterError
from app.services.dashboards import channels, latest_comments, touchpoint_by_code
from app.services.journey import current_journey

TOUCHPOINT_CHARTS = ("dimensions", "distribution", "segments")


def _filters():
    """(language, journey, known channels, Filters or the FilterError met reading them) for this request."""
    lang = use_language(current_app.config["LANGUAGES"])
    journey = current_journey(db.session)
    known = channels(db.session)
    try:
        return lang, journey, known, read_filters(request.args, journey, known)
    except FilterError as error:
        return lang, journey, known, error


def _query(lang: str, **extra) -> dict:
    """This request's filter parameters plus ``extra``, with the language fixed (for chart and link URLs)."""
    args = {key: value for key, value in request.args.items() if value and key != "lang"}
    return {**args, **extra, "lang": lang}


def _form(lang: str, journey, known: list[str]) -> dict:
    """What the filter form needs."""
    return {"segment_selects": segment_selects(journey, request.args, lang), "channels": known, "args": request.args}


@bp.get("/")
def overview():
    """The journey heat map under the chosen filters, with its table; a bad filter gets a 400 with the reason."""
    return overview_page()


def overview_page(report_error: str | None = None):
    """The overview page, with ``report_error`` (400) when a report download was refused."""
    lang, journey, known, filters = _filters()
    form = _form(lang, journey, known)
    form["words"] = _words()
    form["report_form"] = report_form(lang, report_error)
    if isinstance(filters, FilterError):
        return render_template("analytics/overview.html", error=str(filters), **form), 400
    drawn = charts.chart("overview", "", filters, lang, None)
    page = render_template(
        "analytics/overview.html",
        alternative=drawn.alternative,
        rows=list(zip(drawn.codes, drawn.alternative.rows)),
        chart_url=url_for("analytics.overview_svg", **_query(lang)),
        link=lambda code: url_for("analytics.touchpoint", code=code, **_query(lang)),
        **form,
    )
    return page, 400 if report_error else 200


@bp.get("/overview.svg")
def overview_svg():
    """The journey heat map as SVG."""
    lang, _journey, _known, filters = _filters()
    if isinstance(filters, FilterError):
        abort(400, description=str(filters))
    return _svg(charts.chart("overview", "", filters, lang, None))


@bp.get("/touchpoints/<code>")
def touchpoint(code: str):
    """One touchpoint: dimensions with CIs, the NPS distribution, segments compared on each gap, comments."""
    lang, journey, known, filters = _filters()
    found = touchpoint_by_code(db.session, code) or abort(404)
    form = _form(lang, journey, known)
    form["words"] = _words()
    form["back"] = {key: value for key, value in _query(lang).items() if key != "compare"}
    name = found.name.get(lang) or found.code
    try:
        compare = comparison_attribute(request.args, journey)
    except FilterError as error:
        filters = error
    if isinstance(filters, FilterError):
        return render_template("analytics/touchpoint.html", name=name, error=str(filters), **form), 400
    return render_template(
        "analytics/touchpoint.html",
        name=name,
        code=code,
        compare=compare,
        dimensions=figures.dimension_figures(db.session, found, filters, lang),
        distribution=charts.chart("distribution", code, filters, lang, compare).alternative,
        comparisons=figures.comparisons(db.session, found, filters, compare, journey, lang) if compare else [],
        comments=latest_comments(db.session, found.id, filters),
        class_names=_class_names(),
        chart_url=lambda kind, **extra: url_for(
            "analytics.touchpoint_svg", code=code, kind=kind, **_query(lang, **extra)
        ),
        **form,
    )


@bp.get("/touchpoints/<code>/<kind>.svg")
def touchpoint_svg(code: str, kind: str):
    """One of a touchpoint's charts as SVG; ``dimension`` picks which comparison the segments chart shows."""
    lang, journey, _known, filters = _filters()
    if kind not in TOUCHPOINT_CHARTS or touchpoint_by_code(db.session, code) is None:
        abort(404)
    try:
        compare = comparison_attribute(request.args, journey)
        dimension = _index(request.args.get("dimension", "0"))
    except FilterError as error:
        filters = error
    if isinstance(filters, FilterError) or (kind == "segments" and compare is None):
        abort(400, description=str(filters) if isinstance(filters, FilterError) else None)
    return _svg(charts.chart(kind, code, filters, lang, compare, dimension))


def _words() -> dict[str, str]:
    """Page words with a percent sign (kept out of the templates, where gettext formats every string)."""
    return {
        "ci_note": _("Each figure: estimate [95% CI, the confidence interval], n = number of answers."),
        "dimensions_title": _("Expectation, experience and gap by dimension (95% CI)"),
        "mean_gap": _("Mean gap (95% CI)"),
    }


def _class_names() -> dict[str, str]:
    """Gap classifications in words."""
    return {"negative": _("falls short"), "met": _("met"), "positive": _("exceeds expectations")}


def _index(value: str) -> int:
    """A small non-negative whole number from the query string."""
    if not value.isdigit() or int(value) > 1000:
        raise FilterError(_("“%(value)s” is not the number of a comparison.", value=value))
    return int(value)


def _svg(drawn: charts.Drawn) -> Response:
    """An SVG response the browser may keep but must revalidate (the data may change)."""
    response = Response(drawn.svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
