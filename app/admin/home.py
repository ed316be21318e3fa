"""The admin home page: where everything else is reached from."""

from flask import render_template

from app.admin import bp


@bp.get("/")
def home():
    """Links to the admin sections."""
    return render_template("admin/home.html")
