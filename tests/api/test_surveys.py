"""GET /api/v1/surveys: the list, and a definition with everything a kiosk needs to show it."""

from __future__ import annotations

from tests.api.conftest import assert_problem, bearer, make_token
from tests.factories import load_surveys


def test_the_list_names_every_loaded_survey_with_its_newest_version(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["surveys:read"])
    response = client.get("/api/v1/surveys", headers=bearer(secret))
    assert response.status_code == 200
    items = response.get_json()["items"]
    slugs = {item["slug"] for item in items}
    assert {"after-sales-service", "pre-purchase-consultation"} <= slugs
    first = items[0]
    assert first["version"] == 1 and isinstance(first["version_id"], int)
    assert set(first["languages"]) == {"zh", "en"} and first["title"]["zh"]


def test_a_definition_gives_questions_texts_scales_options_and_conditions_as_trees(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["surveys:read"])
    body = client.get("/api/v1/surveys/after-sales-service", headers=bearer(secret)).get_json()
    questions = {question["id"]: question for question in body["questions"]}
    assert body["slug"] == "after-sales-service" and body["touchpoint"] == "call_centre"
    assert questions["recommend"]["type"] == "nps" and questions["recommend"]["required"] is True
    assert questions["recommend"]["scale"] == {"min": 0, "max": 10}
    assert questions["recommend"]["labels"]["low"]["en"] == "Not at all likely"
    assert questions["resolution"]["gap_texts"]["expected"]["zh"]
    assert [option["code"] for option in questions["contact_me"]["options"]] == ["yes", "no"]
    improve = questions["improve"]
    assert improve["show_if_text"].startswith("recommend <= 6")
    assert improve["show_if"]["op"] == "or"
    assert improve["show_if"]["items"][0] == {
        "cmp": "<=",
        "left": {"ref": "recommend", "part": None},
        "right": {"lit": 6},
    }
    assert improve["max_length"] == 1000 and questions["call_reason"]["show_if"] is None


def test_an_unknown_survey_is_a_404_problem(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["surveys:read"])
    body = assert_problem(client.get("/api/v1/surveys/no-such-survey", headers=bearer(secret)), 404)
    assert "no-such-survey" in body["detail"]
