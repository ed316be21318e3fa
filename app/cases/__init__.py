"""Follow-up case pages: queues and one case's page, for representatives, owners and managers."""

from flask import Blueprint

from app.auth.roles import guard_blueprint
from app.models import Role

bp = Blueprint("cases", __name__, url_prefix="/cases")
guard_blueprint(bp, Role.REPRESENTATIVE, Role.OWNER, Role.MANAGER)

from app.cases import routes, states  # noqa: E402,F401  (routes register themselves on bp)
