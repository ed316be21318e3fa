"""Pages for the people who run Touchloop: managers, representatives, admins."""

from flask import Blueprint

from app.auth.roles import guard_blueprint
from app.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.MANAGER, Role.REPRESENTATIVE)

from app.admin import batches, customer_import, customers, home, links  # noqa: E402,F401  (routes register themselves on bp)
