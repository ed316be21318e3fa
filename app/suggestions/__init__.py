"""Suggestion pages for every signed-in role: submit, mine, one suggestion, an owner's queue, board, scorecards."""

from flask import Blueprint

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")

from app.suggestions import lists, pages, scorecards  # noqa: E402,F401  (routes register themselves on bp)
