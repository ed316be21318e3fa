"""Pages for the people who run Touchloop: managers, representatives, admins."""

from flask import Blueprint

from app.auth.roles import guard_blueprint
from app.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.MANAGER, Role.REPRESENTATIVE)

from app.admin import (  # noqa: E402,F401  (routes register themselves on bp)
    audit,
    batches,
    customer_import,
    customer_privacy,
    customers,
    departments,
    exports,
    home,
    links,
    surveys,
    targets,
    users,
    webhooks,
)
