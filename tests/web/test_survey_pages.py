"""The public survey page: languages, answering, errors, exactly-once storage."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.models import Answer, Question, Response
from tests.factories import load_surveys
from tests.web.forms import open_survey, post_survey

INSTALL = "delivery-installation"
GOOD = {
    "q_recommend": "9",
    "q_overall_satisfaction": "4",
    "q_delivery_condition": "intact",
    "q_punctuality__expected": "6",
    "q_punctuality__actual": "5",
    "q_workmanship__expected": "6",
    "q_workmanship__actual": "6",
    "q_contact_me": "no",
}


def test_survey_page_is_shown_in_english_and_chinese(client, session):
    load_surveys(session)
    english = client.get(f"/s/{INSTALL}?lang=en").get_data(as_text=True)
    chinese = client.get(f"/s/{INSTALL}?lang=zh").get_data(as_text=True)
    assert '<html lang="en">' in english and "Submit" in english
    assert '<html lang="zh-CN">' in chinese and "提交" in chinese
    assert 'name="viewport"' in chinese
    assert "华辰智能家居" in chinese and "Huachen Smart Home" in english  # the company, not the product
    assert "questions, depending on your answers" in english


def test_language_follows_accept_language_when_not_asked(client, session):
    load_surveys(session)
    page = client.get(f"/s/{INSTALL}", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    page = client.get(f"/s/{INSTALL}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page


def test_language_switcher_links_to_each_language(client, session):
    load_surveys(session)
    page = client.get(f"/s/{INSTALL}?lang=en&src=store-12").get_data(as_text=True)
    assert f'href="/s/{INSTALL}?lang=zh&amp;src=store-12"' in page
    assert 'aria-current="true">English' in page


def test_unknown_survey_is_a_404_page(client, session):
    load_surveys(session)
    response = client.get("/s/no-such-survey")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)


def test_valid_submission_is_stored_with_its_version_and_thanked(client, session):
    load_surveys(session)
    form = open_survey(client, INSTALL, src="store-12")
    response = post_survey(client, INSTALL, form, GOOD, src="store-12")
    assert response.status_code == 303 and "/thanks" in response.headers["Location"]
    stored = session.scalars(sa.select(Response)).one()
    assert (stored.channel, stored.language, stored.survey_version_id) == ("store-12", "en", int(form["version_id"]))
    assert stored.started_at is not None and stored.submitted_at is not None
    gap = session.execute(
        sa.select(Answer.expected, Answer.value).join(Question).where(Question.code == "punctuality")
    ).one()
    assert tuple(gap) == (6, 5)
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you" in thanks


def test_same_submission_posted_twice_stores_one_response(client, session):
    load_surveys(session)
    form = open_survey(client, INSTALL)
    first = post_survey(client, INSTALL, form, GOOD)
    second = post_survey(client, INSTALL, form, GOOD)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 1
    assert session.scalar(sa.select(sa.func.count(Answer.id))) == 6


def test_each_opened_form_is_its_own_response(client, session):
    load_surveys(session)
    for _ in range(2):
        post_survey(client, INSTALL, open_survey(client, INSTALL), GOOD)
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 2


def test_answer_to_a_hidden_question_is_dropped(client, session):
    load_surveys(session)
    happy = dict(GOOD, q_improve="The van was blue")
    assert post_survey(client, INSTALL, open_survey(client, INSTALL), happy).status_code == 303
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 1
    texts = session.scalars(sa.select(Answer.text).where(Answer.text.isnot(None))).all()
    assert texts == []


def test_answer_to_a_shown_conditional_question_is_kept(client, session):
    load_surveys(session)
    unhappy = dict(GOOD, q_recommend="3", q_improve="  Call before you come  ")
    post_survey(client, INSTALL, open_survey(client, INSTALL), unhappy)
    assert session.scalars(sa.select(Answer.text).where(Answer.text.isnot(None))).all() == ["Call before you come"]


def test_missing_required_answers_are_shown_tied_to_their_fields(client, session):
    load_surveys(session)
    form = open_survey(client, INSTALL)
    partial = {k: v for k, v in GOOD.items() if k not in ("q_recommend", "q_punctuality__actual")}
    response = post_survey(client, INSTALL, form, partial)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0
    assert 'id="q-recommend-error"' in page and 'aria-describedby="q-recommend-error' in page
    assert "Please rate both what you expected and what you experienced." in page
    assert 'href="#q-recommend"' in page  # the error summary links to the question
    # what was typed is shown again
    assert re.search(r'<input[^>]*checked[^>]*name="q_overall_satisfaction"[^>]*value="4"', page)
    assert re.search(r'<input[^>]*checked[^>]*name="q_punctuality__expected"[^>]*value="6"', page)


def test_out_of_range_and_unknown_values_are_refused(client, session):
    load_surveys(session)
    bad = dict(GOOD, q_recommend="11", q_delivery_condition="stolen", q_overall_satisfaction="abc")
    response = post_survey(client, INSTALL, open_survey(client, INSTALL), bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("Please choose one of the values shown.") >= 2
    assert "Please choose one of the options shown." in page


def test_customer_text_is_escaped_when_shown_again(client, session):
    load_surveys(session)
    bad = dict(GOOD, q_recommend="2", q_improve="<script>alert(1)</script>")
    del bad["q_contact_me"]
    page = post_survey(client, INSTALL, open_survey(client, INSTALL), bad).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_missing_csrf_token_keeps_the_answers_and_asks_to_resubmit(client, session):
    load_surveys(session)
    form = open_survey(client, INSTALL)
    del form["csrf_token"]
    response = post_survey(client, INSTALL, form, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "please press Submit again" in page
    assert re.search(r'<input[^>]*checked[^>]*name="q_recommend"[^>]*value="9"', page)
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_form_for_an_unknown_version_is_stored_against_the_current_one(client, session):
    load_surveys(session)
    form = open_survey(client, INSTALL)
    current = form["version_id"]
    form["version_id"] = "999999"
    assert post_survey(client, INSTALL, form, GOOD).status_code == 303
    assert session.scalar(sa.select(Response.survey_version_id)) == int(current)


def test_chinese_errors_and_thanks(client, session):
    load_surveys(session)
    form = open_survey(client, INSTALL, lang="zh")
    page = post_survey(client, INSTALL, form, {}, lang="zh").get_data(as_text=True)
    assert "请回答此问题。" in page
    done = post_survey(client, INSTALL, form, GOOD, lang="zh")
    assert "感谢" in client.get(done.headers["Location"]).get_data(as_text=True)
