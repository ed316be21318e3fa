"""Statistics: the journey overview and one touchpoint's figures, under the dashboards' filters, read the same way.

Every figure comes with its n and 95% confidence interval, and ``too_small`` when n is below ``min_n``. The
period, channel and segment values are checked by the dashboards' own reader (``read_filters``), so the API
and the pages accept and refuse the same filters and count the same responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _

from app.analytics.filtering import SEGMENT_PREFIX, read_filters
from app.api.blueprint import ApiBlueprint
from app.api.problems import Problem
from app.api.v1.fields import texts
from app.extensions import db
from app.models import Dimension, Touchpoint
from app.services.analytics import DIMENSION, FilterError, Filters, gap_counts, journey_overview, score_counts
from app.services.dashboards import channels, dimension_order, touchpoint_by_code
from app.services.journey import current_journey
from touchloop.stats import MIN_N, Share, csat, describe_gap, nps

blp = ApiBlueprint("stats", __name__, url_prefix="/api/v1/stats", description="Statistics, as on the dashboards")
SEGMENT_FORMAT = r"[^:\s]{1,40}:[^\s]{1,40}"


class StatsFilterArgs(ma.Schema):
    """The dashboards' filters: a period of UTC days (both ends included), a channel, segment values."""

    start = ma.fields.Date(metadata={"description": "First day (YYYY-MM-DD, UTC)"})
    end = ma.fields.Date(metadata={"description": "Last day (YYYY-MM-DD, UTC), included"})
    channel = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    segment = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(SEGMENT_FORMAT, error="Give attribute:value, e.g. tier:A.")),
        validate=ma.validate.Length(max=20),
        metadata={"description": "attribute:value of the customer's segment, e.g. tier:A; repeat for more attributes"},
    )


class FigureSchema(ma.Schema):
    """An estimate with its 95% confidence interval, its n, and whether n is too small to trust."""

    value = ma.fields.Float(allow_none=True, required=True)
    ci_low = ma.fields.Float(allow_none=True, required=True)
    ci_high = ma.fields.Float(allow_none=True, required=True)
    n = ma.fields.Integer(required=True)
    too_small = ma.fields.Boolean(required=True)


class GapSchema(ma.Schema):
    """One dimension's expectation, experience and gap (experience − expectation) with its classification."""

    dimension = ma.fields.String(allow_none=True, required=True, metadata={"description": "Dimension code"})
    expectation = ma.fields.Nested(FigureSchema, required=True)
    experience = ma.fields.Nested(FigureSchema, required=True)
    gap = ma.fields.Nested(FigureSchema, required=True)
    classification = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "negative, met or positive, by the gap's CI; null when too small to trust"},
    )
    p_value = ma.fields.Float(allow_none=True, required=True, metadata={"description": "Paired t-test of gap = 0"})


class TouchpointFiguresSchema(ma.Schema):
    """A touchpoint's NPS, CSAT (top-2-box %) and gaps per dimension."""

    touchpoint = ma.fields.String(required=True)
    stage = ma.fields.String(required=True)
    name = texts(required=True)
    nps = ma.fields.Nested(FigureSchema, required=True)
    csat = ma.fields.Nested(FigureSchema, required=True, metadata={"description": "Share answering 4 or 5, in %"})
    gaps = ma.fields.List(ma.fields.Nested(GapSchema), required=True)


class OverviewSchema(ma.Schema):
    """Every touchpoint of the journey, in journey order."""

    min_n = ma.fields.Integer(required=True, metadata={"description": "Below this n a figure is too small to trust"})
    touchpoints = ma.fields.List(ma.fields.Nested(TouchpointFiguresSchema), required=True)


class TouchpointStatsSchema(TouchpointFiguresSchema):
    """One touchpoint's figures and how many gave each NPS score."""

    min_n = ma.fields.Integer(required=True)
    nps_distribution = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(), required=True, metadata={"description": "Score -> n"}
    )


@blp.route("/overview")
@blp.scope("stats:read")
@blp.arguments(StatsFilterArgs, location="query", unknown=ma.RAISE)
@blp.response(200, OverviewSchema)
def overview(args: dict):
    """The journey overview: each touchpoint's NPS, CSAT and gaps per dimension, as the overview dashboard shows."""
    filters = _filters(args)
    dimensions = _dimension_codes()
    rows = [
        _figures(row.touchpoint_id, row.stage_code, row.nps, row.csat, row.gaps, dimensions)
        for row in journey_overview(db.session, filters)
    ]
    return {"min_n": MIN_N, "touchpoints": rows}


@blp.route("/touchpoints/<string(maxlength=40):code>")
@blp.scope("stats:read")
@blp.arguments(StatsFilterArgs, location="query", unknown=ma.RAISE)
@blp.response(200, TouchpointStatsSchema)
def touchpoint(args: dict, code: str):
    """One touchpoint: NPS with its distribution, CSAT, and each dimension's expectation, experience and gap."""
    found = touchpoint_by_code(db.session, code)
    if found is None:
        raise Problem(404, detail=_("There is no touchpoint '%(code)s'.", code=code))
    filters = replace(_filters(args), touchpoint_ids=frozenset({found.id}))
    scores = {metric: score_counts(db.session, metric, filters).get((), {}) for metric in ("nps", "csat")}
    gaps = {key[0]: table for key, table in gap_counts(db.session, filters, (DIMENSION,)).items()}
    figures = _figures(found.id, found.stage.code, scores["nps"], scores["csat"], gaps, _dimension_codes())
    distribution = {str(score): scores["nps"].get(score, 0) for score in range(11)}
    return {**figures, "min_n": MIN_N, "nps_distribution": distribution}


def _filters(args: dict) -> Filters:
    """The query's filters, each part checked by the dashboards' reader; a 422 naming each bad parameter."""
    journey = current_journey(db.session)
    known = channels(db.session)
    parts: dict[str, dict[str, str]] = {
        "end": {key: args[key].isoformat() for key in ("start", "end") if args.get(key)},
        "channel": {"channel": args["channel"]} if args.get("channel") else {},
        "segment": {},
    }
    errors = []
    for given in args.get("segment") or []:
        attribute, value = given.split(":", 1)
        if SEGMENT_PREFIX + attribute in parts["segment"]:
            errors.append({"parameter": "segment", "message": _("Give one value per segment attribute.")})
        parts["segment"][SEGMENT_PREFIX + attribute] = value
    for parameter, part in parts.items():
        try:
            read_filters(part, journey, known)
        except FilterError as error:
            errors.append({"parameter": parameter, "message": str(error)})
    if errors:
        raise Problem(422, "invalid-fields", "; ".join(error["message"] for error in errors), errors=errors)
    merged: Mapping[str, str] = {key: value for part in parts.values() for key, value in part.items()}
    return read_filters(merged, journey, known)


def _figures(touchpoint_id: int, stage: str, nps_counts, csat_counts, gaps, dimensions: dict) -> dict:
    """A touchpoint's figures from its count tables."""
    found = db.session.get(Touchpoint, touchpoint_id)
    score, share = nps(nps_counts), csat(csat_counts)
    order = {dimension: position for position, dimension in enumerate(dimension_order(db.session))}
    return {
        "touchpoint": found.code,
        "stage": stage,
        "name": dict(found.name or {}),
        "nps": _figure(score.score, score.ci, score.n, score.too_small),
        "csat": _percent(share),
        "gaps": [
            _gap(dimensions.get(dimension), pairs)
            for dimension, pairs in sorted(gaps.items(), key=lambda item: order.get(item[0], len(order)))
        ],
    }


def _gap(dimension: str | None, pairs: dict) -> dict:
    """One dimension's gap analysis."""
    summary = describe_gap(pairs)
    return {
        "dimension": dimension,
        **{part: _summary(getattr(summary, part)) for part in ("expectation", "experience", "gap")},
        # As on the dashboards: no classification for a dimension with too few answers to trust.
        "classification": None if summary.too_small or summary.classification is None else str(summary.classification),
        "p_value": summary.t_test.p_value,
    }


def _percent(share: Share) -> dict:
    """A share as a percentage, with its Wilson interval."""
    figure = _figure(share.share, share.ci, share.n, share.too_small)
    for key in ("value", "ci_low", "ci_high"):
        figure[key] = None if figure[key] is None else figure[key] * 100
    return figure


def _summary(summary) -> dict:
    """A mean with its CI."""
    return _figure(summary.mean, summary.ci, summary.n, summary.too_small)


def _figure(value, ci, n: int, too_small: bool) -> dict:
    """An estimate as the API gives it."""
    return {
        "value": value,
        "ci_low": ci.low if ci else None,
        "ci_high": ci.high if ci else None,
        "n": n,
        "too_small": too_small,
    }


def _dimension_codes() -> dict[int, str]:
    """Dimension id -> code."""
    return dict(db.session.execute(sa.select(Dimension.id, Dimension.code)).all())
