"""Suggestion pages for every signed-in role: submit, mine, one suggestion, queue, board, scorecards, recognition."""

from flask import Blueprint

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")

from app.suggestions import lists, pages, recognition, scorecards  # noqa: E402,F401  (routes register themselves on bp)
