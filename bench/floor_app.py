"""The floor of this stack: a bare Flask app that answers a survey-shaped GET and stores each POST as one row.

Served by bench/submissions.py with the same gunicorn settings as Touchloop
(``gunicorn bench.floor_app:app``), against the same database through the same
driver and engine options (SQLAlchemy Core, psycopg 3 or sqlite3), and driven
by the same phone. GET /s/<slug> returns a tiny page with the hidden fields a
phone posts back (no database); POST /s/<slug> inserts one row and answers 303.
No templates, sessions, CSRF, answer checks or follow-up rules: whatever
Touchloop spends beyond this is the price of what it does.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, redirect, request

from app.config import database_url, engine_options

metadata = sa.MetaData()
floor_row = sa.Table(
    "bench_floor",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("submission_key", sa.String(64), nullable=False, unique=True),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
)
PAGE = (
    '<!doctype html><form method="post"><input type="hidden" name="csrf_token" value="-">'
    '<input type="hidden" name="submission_key" value="{key}"><input type="hidden" name="version_id" value="1">'
    '<input type="hidden" name="started_at" value="0"><button>Submit</button></form>'
)


def create_floor_app() -> Flask:
    """The bare app, with one engine made the way Touchloop makes its own."""
    app = Flask(__name__)
    url = database_url(os.environ.get("FLOOR_INSTANCE", "/tmp"))
    engine = sa.create_engine(url, **engine_options(url))

    @app.get("/s/<slug>")
    def page(slug: str):
        """A form carrying a fresh submission key."""
        return PAGE.format(key=uuid.uuid4().hex)

    @app.post("/s/<slug>")
    def store(slug: str):
        """Insert the posted form as one row, commit, redirect."""
        answers = {key: value for key, value in request.form.items() if key.startswith("q_")}
        with engine.begin() as connection:
            connection.execute(
                floor_row.insert().values(
                    submission_key=request.form["submission_key"],
                    answers=json.dumps(answers),
                    submitted_at=datetime.now(timezone.utc),
                )
            )
        return redirect(f"/s/{slug}/thanks", code=303)

    @app.get("/healthz")
    def healthz():
        """Up."""
        return {"status": "ok"}

    return app


app = create_floor_app()
