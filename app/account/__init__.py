"""Each signed-in user's own account pages: the API tokens they made."""

from flask import Blueprint

from app.auth.roles import guard_blueprint
from app.services.api_tokens import EVERYONE

bp = Blueprint("account", __name__, url_prefix="/account")
guard_blueprint(bp, *EVERYONE)

from app.account import tokens  # noqa: E402,F401  (routes register themselves on bp)
