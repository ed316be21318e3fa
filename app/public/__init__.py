"""The customers' side: surveys answered without an account."""

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="../templates")

from app.public import invitations, routes  # noqa: E402,F401  (routes register themselves on bp)
