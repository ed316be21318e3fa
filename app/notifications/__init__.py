"""The inbox: every signed-in user's notifications and their choices of how to receive each kind."""

from flask import Blueprint

from app.auth.roles import guard_blueprint
from app.models import Role

bp = Blueprint("notifications", __name__)
guard_blueprint(bp, *Role)

from app.notifications import routes  # noqa: E402,F401  (routes register themselves on bp)
