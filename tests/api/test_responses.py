"""POST and GET /api/v1/responses: the public form's checks and exactly-once storing, idempotency, lists."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Answer, FollowUpCase, IdempotencyKey, Response, ResponseSegment
from tests.api.conftest import CONSULTATION, GOOD_ANSWERS, assert_problem, bearer, make_token
from tests.factories import load_surveys, make_customer


def _post(client, secret, body, key=None):
    """POST a response, with an Idempotency-Key if given."""
    headers = bearer(secret) | ({"Idempotency-Key": key} if key else {})
    return client.post("/api/v1/responses", json=body, headers=headers)


def test_a_valid_response_is_stored_with_its_answers_and_given_back(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    response = _post(
        client, secret, {"survey": CONSULTATION, "language": "en", "channel": "kiosk-7", "answers": GOOD_ANSWERS}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/responses/{body['id']}"
    assert body["survey"] == CONSULTATION and body["channel"] == "kiosk-7" and body["language"] == "en"
    assert body["answers"]["needs_understanding"] == {"expected": 5, "actual": 6}
    assert body["answers"]["recommend"] == 9 and body["submitted_at"].endswith("+00:00")
    stored = session.get(Response, body["id"])
    assert stored.channel == "kiosk-7"
    assert session.scalar(sa.select(sa.func.count()).select_from(Answer).where(Answer.response_id == stored.id)) == 6


def test_the_channel_defaults_to_api_and_the_language_to_the_surveys_first(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    body = _post(client, secret, {"survey": CONSULTATION, "answers": GOOD_ANSWERS}).get_json()
    assert body["channel"] == "api" and body["language"] == "zh"


def test_answers_are_checked_like_the_public_form_with_an_error_per_question(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    answers = dict(GOOD_ANSWERS, recommend=11, explanation={"expected": 5}, deciding_factor="magic")
    del answers["overall_satisfaction"]
    response = _post(client, secret, {"survey": CONSULTATION, "answers": answers})
    body = assert_problem(response, 422)
    errors = {error["pointer"]: error for error in body["errors"]}
    assert errors["#/answers/recommend"]["code"] == "out_of_range"
    assert errors["#/answers/overall_satisfaction"]["code"] == "required"
    assert errors["#/answers/explanation"]["code"] == "gap_incomplete"
    assert errors["#/answers/deciding_factor"]["code"] == "unknown_option"
    assert errors["#/answers/recommend"]["message"] == "Please choose one of the values shown."
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_answers_of_the_wrong_shape_and_unknown_questions_are_field_errors(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    answers = dict(GOOD_ANSWERS, recommend="9", needs_understanding=[5, 6], contact_me=True, shoe_size=44)
    body = assert_problem(_post(client, secret, {"survey": CONSULTATION, "answers": answers}), 422)
    pointers = {error["pointer"]: error["code"] for error in body["errors"]}
    assert pointers == {
        "#/answers/recommend": "invalid_type",
        "#/answers/needs_understanding": "invalid_type",
        "#/answers/contact_me": "invalid_type",
        "#/answers/shoe_size": "unknown_question",
    }


def test_a_hidden_questions_answer_is_dropped_as_on_the_public_form(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    answers = dict(GOOD_ANSWERS, improve="Nothing to improve")  # shown only when recommend <= 6
    body = _post(client, secret, {"survey": CONSULTATION, "answers": answers}).get_json()
    assert "improve" not in body["answers"]


def test_unknown_survey_version_language_and_customer_are_refused_with_pointers(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    cases = [
        ({"survey": "no-such-survey"}, "#/survey"),
        ({"survey": CONSULTATION, "version_id": 99999}, "#/version_id"),
        ({"survey": CONSULTATION, "language": "fr"}, "#/language"),
        ({"survey": CONSULTATION, "customer": "C-404"}, "#/customer"),
    ]
    for fields, where in cases:
        body = assert_problem(_post(client, secret, {**fields, "answers": GOOD_ANSWERS}), 422)
        assert [error["pointer"] for error in body["errors"]] == [where]


def test_a_response_for_a_customer_keeps_their_segments_and_opens_follow_up_cases(client, session):
    load_surveys(session)
    make_customer(session, external_id="C-77", tier="A", region="north")
    secret = make_token(session, scopes=["responses:write"])
    answers = dict(GOOD_ANSWERS, recommend=3, improve="Too slow", contact_me="yes")
    body = _post(client, secret, {"survey": CONSULTATION, "customer": "C-77", "answers": answers}).get_json()
    assert body["customer"] == "C-77"
    segments = dict(session.execute(sa.select(ResponseSegment.attribute, ResponseSegment.value)).all())
    assert segments["tier"] == "A" and segments["region"] == "north"
    rules = set(session.scalars(sa.select(FollowUpCase.rule_id).where(FollowUpCase.response_id == body["id"])))
    assert rules == {"detractor", "contact_request"}


def test_the_same_idempotency_key_twice_stores_one_response_and_answers_the_same(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    body = {"survey": CONSULTATION, "answers": dict(GOOD_ANSWERS, recommend=2, improve="Slow"), "channel": "kiosk-1"}
    first = _post(client, secret, body, key="kiosk-1-0001")
    again = _post(client, secret, body, key="kiosk-1-0001")
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(FollowUpCase)) == 1


def test_a_reused_key_with_a_different_body_is_refused_and_stores_nothing(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    assert (
        _post(client, secret, {"survey": CONSULTATION, "answers": GOOD_ANSWERS}, key="key-00000001").status_code == 201
    )
    other = {"survey": CONSULTATION, "answers": dict(GOOD_ANSWERS, recommend=10)}
    body = assert_problem(_post(client, secret, other, key="key-00000001"), 422)
    assert body["type"].endswith(":idempotency-key-reused")
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_a_refused_request_frees_its_key_for_the_corrected_request(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    bad = {"survey": CONSULTATION, "answers": dict(GOOD_ANSWERS, recommend=42)}
    assert_problem(_post(client, secret, bad, key="key-00000002"), 422)
    assert (
        _post(client, secret, {"survey": CONSULTATION, "answers": GOOD_ANSWERS}, key="key-00000002").status_code == 201
    )


def test_idempotency_keys_belong_to_their_user(client, session):
    load_surveys(session)
    first = make_token(session, scopes=["responses:write"], name="one")
    second = make_token(session, scopes=["responses:write"], name="two")
    body = {"survey": CONSULTATION, "answers": GOOD_ANSWERS}
    ids = {_post(client, secret, body, key="shared-key-1").get_json()["id"] for secret in (first, second)}
    assert len(ids) == 2
    assert session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 2


def test_a_malformed_idempotency_key_is_a_header_error(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    body = assert_problem(_post(client, secret, {"survey": CONSULTATION, "answers": GOOD_ANSWERS}, key="short"), 400)
    assert body["errors"][0]["header"] == "Idempotency-Key"


def test_a_key_still_being_handled_is_answered_409_with_retry_after(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write"])
    body = {"survey": CONSULTATION, "answers": GOOD_ANSWERS}
    assert _post(client, secret, body, key="key-00000003").status_code == 201
    record = session.scalar(sa.select(IdempotencyKey))
    record.status, record.body = None, None  # as if the first request were still running
    session.commit()
    response = _post(client, secret, body, key="key-00000003")
    assert_problem(response, 409)
    assert response.headers["Retry-After"] == "1"


def test_the_list_filters_by_survey_channel_and_period_and_pages_by_cursor(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write", "responses:read"])
    for channel in ("kiosk-1", "kiosk-2", "kiosk-1", "kiosk-1"):
        _post(client, secret, {"survey": CONSULTATION, "channel": channel, "answers": GOOD_ANSWERS})
    page = client.get("/api/v1/responses?channel=kiosk-1&limit=2", headers=bearer(secret)).get_json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get(f"/api/v1/responses?channel=kiosk-1&limit=2&cursor={page['next_cursor']}", headers=bearer(secret))
    ids = [item["id"] for item in page["items"] + rest.get_json()["items"]]
    assert len(ids) == 3 and ids == sorted(ids) and rest.get_json()["next_cursor"] is None
    assert client.get("/api/v1/responses?survey=after-sales-service", headers=bearer(secret)).get_json()["items"] == []
    assert client.get("/api/v1/responses?touchpoint=consultation", headers=bearer(secret)).get_json()["items"]
    assert (
        client.get("/api/v1/responses?from=2000-01-01&to=2000-12-31", headers=bearer(secret)).get_json()["items"] == []
    )
    assert len(client.get("/api/v1/responses?from=2000-01-01", headers=bearer(secret)).get_json()["items"]) == 4


def test_a_cursor_from_another_list_or_tampered_with_is_a_parameter_error(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:read", "suggestions:read"])
    for cursor in ("not-a-cursor", "WyJzdWdnZXN0aW9ucyIsIDVd.bad"):
        body = assert_problem(client.get(f"/api/v1/responses?cursor={cursor}", headers=bearer(secret)), 422)
        assert body["errors"][0]["parameter"] == "cursor"


def test_unknown_or_invalid_filters_are_parameter_errors(client, session):
    secret = make_token(session, scopes=["responses:read"])
    body = assert_problem(client.get("/api/v1/responses?chanel=x&limit=0", headers=bearer(secret)), 422)
    assert {error["parameter"] for error in body["errors"]} == {"chanel", "limit"}


def test_one_response_is_read_by_id_and_a_missing_one_is_a_404_problem(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["responses:write", "responses:read"])
    created = _post(client, secret, {"survey": CONSULTATION, "answers": GOOD_ANSWERS}).get_json()
    assert client.get(f"/api/v1/responses/{created['id']}", headers=bearer(secret)).get_json() == created
    assert_problem(client.get("/api/v1/responses/999999", headers=bearer(secret)), 404)
