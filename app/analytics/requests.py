"""What every analytics page reads from its request (language, journey, filters) and hands to its template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import Response, current_app, request
from flask_babel import gettext as _

from app.analytics.filtering import SEGMENT_PREFIX, read_filters, segment_selects
from app.extensions import db
from app.i18n import use_language
from app.services.analytics import FilterError, Filters
from app.services.dashboards import channels, dimensions_in_order, touchpoints_in_order
from app.services.journey import current_journey
from touchloop.journey import Journey

SHARED = ("start", "end", "channel")  # the filter parameters every analytics page shares (and segment-*)


@dataclass(frozen=True)
class PageRequest:
    """This request's language, journey, known channels, and its filters or what is wrong with them."""

    lang: str
    journey: Journey | None
    channels: list[str]
    filters: Filters | None
    error: str | None = None

    def failed(self, error: FilterError) -> PageRequest:
        """The same request, refused with ``error``'s message."""
        return replace(self, filters=None, error=str(error))

    def read(self, reader: Callable[[], object]):
        """``reader()``'s value, or None with this request marked failed (returned second) on FilterError."""
        try:
            return reader(), self
        except FilterError as error:
            return None, self.failed(error)


def read_request() -> PageRequest:
    """Pick the language and read the shared filters of this request."""
    lang = use_language(current_app.config["LANGUAGES"])
    journey = current_journey(db.session)
    known = channels(db.session)
    try:
        return PageRequest(lang, journey, known, read_filters(request.args, journey, known))
    except FilterError as error:
        return PageRequest(lang, journey, known, None, str(error))


def query(lang: str, **extra) -> dict:
    """This request's parameters plus ``extra`` (a None value drops one), with the language fixed."""
    args = {key: value for key, value in request.args.items() if value and key != "lang"}
    merged = {**args, **extra, "lang": lang}
    return {key: value for key, value in merged.items() if value is not None}


def shared_query(lang: str) -> dict:
    """Only the filters every analytics page understands (period, channel, segments), with the language."""
    args = request.args.items()
    kept = {key: value for key, value in args if value and (key in SHARED or key.startswith(SEGMENT_PREFIX))}
    return {**kept, "lang": lang}


def form_context(page: PageRequest, active: str) -> dict:
    """What the filter form, the sub-navigation and the error notice need."""
    return {
        "segment_selects": segment_selects(page.journey, request.args, page.lang),
        "channels": page.channels,
        "args": request.args,
        "words": page_words(),
        "nav": {"active": active, "query": shared_query(page.lang)},
        "error": page.error,
    }


def place_choices(lang: str) -> dict:
    """The touchpoints and dimensions a page's selects offer (code, name), in journey and declared order."""
    touchpoints = [(point.code, point.name.get(lang) or point.code) for point in touchpoints_in_order(db.session)]
    dimensions = [(item.code, item.name.get(lang) or item.code) for item in dimensions_in_order(db.session)]
    return {"touchpoint_choices": touchpoints, "dimension_choices": dimensions}


def page_words() -> dict[str, str]:
    """Page words with a percent sign (kept out of the templates, where gettext formats every string)."""
    return {
        "ci_note": _("Each figure: estimate [95% CI, the confidence interval], n = number of answers."),
        "dimensions_title": _("Expectation, experience and gap by dimension (95% CI)"),
        "mean_gap": _("Mean gap (95% CI)"),
        "estimate": _("Estimate (95% CI)"),
        "difference": _("Difference (95% CI)"),
        "did": _("Difference in differences (95% CI)"),
    }


def svg_response(svg: bytes) -> Response:
    """An SVG response the browser may keep but must revalidate (the data may change)."""
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
