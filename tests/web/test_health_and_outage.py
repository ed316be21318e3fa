"""/healthz, and a database outage while a customer submits."""

from __future__ import annotations

import re

from app import create_app
from app.extensions import db
from tests.factories import load_surveys
from tests.web.forms import open_survey, post_survey
from tests.web.test_survey_pages import GOOD, INSTALL


def test_healthz_reports_the_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_with_a_reason_when_the_database_is_unreachable():
    # Nothing listens on port 1: a real refused connection, not a mock.
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )
    response = app.test_client().get("/healthz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["status"] == "error" and body["database"] == "unreachable" and body["reason"]


def test_database_outage_during_submission_keeps_the_answers(tmp_path):
    """The SQLite file vanishes between showing and submitting the form."""
    db_file = tmp_path / "outage.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_surveys(db.session)
        client = app.test_client()
        form = open_survey(client, INSTALL)
        db.session.remove()
        db.engine.dispose()
        db_file.unlink()  # the next connection finds an empty database: no tables
        response = post_survey(client, INSTALL, form, dict(GOOD, q_recommend="2", q_improve="Late again"))
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "please press Submit again in a moment" in page
        assert re.search(r'<input[^>]*checked[^>]*name="q_recommend"[^>]*value="2"', page)
        assert "Late again" in page
        assert f'value="{form["submission_key"]}"' in page  # a retry cannot store twice
        db.session.remove()
        db.engine.dispose()


def test_unknown_page_is_a_friendly_404_in_chinese(client):
    response = client.get("/nowhere", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 404 and "找不到该页面" in response.get_data(as_text=True)
