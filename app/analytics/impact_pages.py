"""Changes that worked, did not, or are too early to tell: every implemented suggestion's difference-in-differences."""

from __future__ import annotations

from flask import current_app, render_template, request

from app.analytics import bp, words
from app.analytics.filtering import chosen_days, chosen_option
from app.analytics.requests import page_words
from app.extensions import db
from app.i18n import use_language
from app.models import Touchpoint
from app.models.types import utcnow
from app.services.analytics import FilterError
from app.services.dashboards import names
from app.services.impact import IMPACT_METRICS, WINDOW_DAYS, impacts
from touchloop.stats import Verdict


@bp.get("/impact")
def impact():
    """Each implemented suggestion's touchpoint before and after the change, against the rest of the journey."""
    lang = use_language(current_app.config["LANGUAGES"])
    context = impact_words() | {"nav": {"active": "impact", "query": {"lang": lang}}, "args": request.args}
    try:
        metric = chosen_option(request.args, "metric", IMPACT_METRICS)
        days = chosen_days(request.args, WINDOW_DAYS)
    except FilterError as error:
        return render_template("analytics/impact.html", error=str(error), **context), 400
    found = impacts(db.session, metric, today=utcnow().date(), days=days)
    groups = [(verdict, [item for item in found if item.impact.verdict == verdict]) for verdict in Verdict]
    return render_template(
        "analytics/impact.html",
        metric=metric,
        days=days,
        groups=groups,
        touchpoints=names(db.session, Touchpoint, lang),
        **context,
    )


def impact_words() -> dict:
    """What the impact tables call things (shared with the suggestion page)."""
    return {
        "words": page_words(),
        "verdict_names": words.verdict_names(),
        "reason_names": words.reason_names(),
        "metric_names": words.impact_metric_names(),
        "decimals": {"gap": 2, "nps": 1, "csat": 1},
    }
