"""Odd and hostile input on the survey pages: a clear answer, never a 500, never a double count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.extensions import db
from app.models import Answer, Question, Response, Touchpoint
from tests.factories import MINIMAL_SURVEY, load_surveys, make_survey_dir
from tests.web.forms import open_survey, post_survey
from tests.web.test_survey_pages import GOOD, INSTALL


@pytest.mark.parametrize("version_id", ["²", "9" * 30, "1" * 5000, "-1", "abc", ""])
def test_junk_version_id_falls_back_to_the_current_version(client, session, version_id):
    load_surveys(session)
    form = open_survey(client, INSTALL)
    current = int(form["version_id"])
    form["version_id"] = version_id
    assert post_survey(client, INSTALL, form, GOOD).status_code == 303
    assert session.scalar(sa.select(Response.survey_version_id)) == current


@pytest.mark.parametrize("v", ["²", "9" * 30, "x"])
def test_junk_thanks_version_shows_the_current_thanks(client, session, v):
    load_surveys(session)
    assert client.get(f"/s/{INSTALL}/thanks?v={v}&lang=en").status_code == 200


@pytest.mark.parametrize("path", ["/s/a%00b", "/s/" + "x" * 500, "/s/UPPER", "/s/a%00b/thanks"])
def test_malformed_slugs_are_404(client, session, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("lang, src", [("xx", "a b"), ("<script>", "<script>"), ("zh-CN", "store-12\u0000")])
def test_junk_language_and_source_are_ignored(client, session, lang, src):
    load_surveys(session)
    page = client.get(f"/s/{INSTALL}", query_string={"lang": lang, "src": src})
    assert page.status_code == 200 and "<script>" not in page.get_data(as_text=True).split("<main")[0]


def test_an_option_ticked_twice_counts_once(client, session, tmp_path):
    load_surveys(session, make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY}))
    form = open_survey(client, "mini")
    client.post("/s/mini?lang=en", data={**form, "q_recommend": "8", "q_topics": ["price", "price", "care"]})
    assert sorted(session.scalars(sa.select(Answer.choice).where(Answer.choice.isnot(None)))) == ["care", "price"]


def test_control_characters_are_dropped_from_text(client, session):
    load_surveys(session)
    answers = dict(GOOD, q_recommend="2", q_improve="late\x00 again\u200b")
    assert post_survey(client, INSTALL, open_survey(client, INSTALL), answers).status_code == 303
    assert session.scalar(sa.select(Answer.text).where(Answer.text.isnot(None))) == "late again"


def test_invisible_text_does_not_answer_a_required_question(client, session, tmp_path):
    survey = MINIMAL_SURVEY.replace(
        "    type: text\n    show_if: recommend <= 6\n", "    type: text\n    required: true\n"
    )
    load_surveys(session, make_survey_dir(tmp_path, {"mini.yaml": survey}))
    form = open_survey(client, "mini")
    response = client.post("/s/mini?lang=en", data={**form, "q_recommend": "8", "q_why": "\u200b \x00"})
    assert response.status_code == 422


@pytest.mark.parametrize("value", ["1_0", "+4", "\u0663", " 7", "7.0"])
def test_scale_values_must_be_plain_digits(client, session, value):
    load_surveys(session)
    response = post_survey(client, INSTALL, open_survey(client, INSTALL), dict(GOOD, q_recommend=value))
    assert response.status_code == 422
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_browser_without_cookies_is_told_why(app, session):
    load_surveys(session)
    browser = app.test_client(use_cookies=False)
    form = open_survey(browser, INSTALL)
    page = post_survey(browser, INSTALL, form, GOOD).get_data(as_text=True)
    assert "Please allow cookies for this site" in page
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_old_version_keeps_its_touchpoint_when_the_survey_moves(app, client, session, tmp_path):
    folder = make_survey_dir(tmp_path, {"mini.yaml": MINIMAL_SURVEY})
    load_surveys(session, folder)
    old_form = open_survey(client, "mini")
    (folder / "mini.yaml").write_text(
        MINIMAL_SURVEY.replace("touchpoint: installation", "touchpoint: consultation"), encoding="utf-8"
    )
    load_surveys(session, folder)
    from app.services import definitions

    definitions.clear_cache()  # as in a freshly started worker
    assert post_survey(client, "mini", old_form, {"q_recommend": "8"}).status_code == 303
    code = session.scalar(sa.select(Touchpoint.code).join(Response, Response.touchpoint_id == Touchpoint.id))
    assert code == "installation"


def test_twin_that_wins_the_race_is_the_one_stored(app, client, session):
    """A concurrent twin commits between our existence check and our insert."""
    load_surveys(session)
    form = open_survey(client, INSTALL)
    post_survey(client, INSTALL, dict(form, submission_key="a" * 32), GOOD)  # a template row to copy
    twin = session.execute(sa.select(Response.__table__)).mappings().one()
    fired = []

    def twin_commits_first(db_session, flush_context, instances):
        if fired or not any(isinstance(obj, Response) for obj in db_session.new):
            return
        fired.append(True)
        row = {k: v for k, v in twin.items() if k != "id"}
        with db.engine.begin() as other_connection:  # a second connection, as another worker would have
            other_connection.execute(sa.insert(Response.__table__), dict(row, submission_key=form["submission_key"]))

    with app.app_context():
        event.listen(db.session, "before_flush", twin_commits_first)
        try:
            response = post_survey(client, INSTALL, form, GOOD)
        finally:
            event.remove(db.session, "before_flush", twin_commits_first)
    assert fired and response.status_code == 303
    keys = session.scalars(sa.select(Response.submission_key)).all()
    assert sorted(keys) == sorted(["a" * 32, form["submission_key"]])
    question_ids = session.scalars(sa.select(Answer.question_id).join(Question)).all()
    assert len(question_ids) == 6  # the template's answers only; ours were rolled back
