"""Analytics dashboards for managers and representatives (admins too): journey overview and touchpoint pages.

Charts are SVG routes beside the pages; ``figures`` draws them once per (chart, filters, language, data
version) and keeps the result in a small in-process LRU cache.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.admin.sections import add_section
from app.auth.roles import guard_blueprint
from app.models import Role

bp = Blueprint("analytics", __name__, url_prefix="/analytics")
guard_blueprint(bp, Role.MANAGER, Role.REPRESENTATIVE)
add_section("analytics.overview", _l("Journey analytics"), Role.MANAGER, Role.REPRESENTATIVE)

from app.analytics import pages, report  # noqa: E402,F401  (routes register themselves on bp)
