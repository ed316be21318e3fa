"""Analytics dashboards for managers and representatives (admins too).

Pages: the journey overview and each touchpoint, trends by month, segments compared, importance–performance,
and the impact of implemented changes. Charts are SVG routes beside the pages; ``charts`` draws each once
per (chart, filters, language, options, data version) and keeps it in a small in-process LRU cache.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.admin.sections import add_section
from app.auth.roles import guard_blueprint
from app.models import Role

bp = Blueprint("analytics", __name__, url_prefix="/analytics")
guard_blueprint(bp, Role.MANAGER, Role.REPRESENTATIVE)
add_section("analytics.overview", _l("Journey analytics"), Role.MANAGER, Role.REPRESENTATIVE)

from app.analytics import (  # noqa: E402,F401  (routes register themselves on bp)
    impact_pages,
    importance_pages,
    pages,
    report,
    segment_pages,
    trend_pages,
)
