"""Every error under /api/ is RFC 9457 problem details, never an HTML page; rate limits answer 429 with Retry-After."""

from __future__ import annotations

import os
import uuid

import pytest

from app import create_app
from app.extensions import db
from tests.api.conftest import assert_problem, bearer, make_token
from tests.factories import load_surveys


def test_an_unknown_address_under_api_is_a_404_problem(client):
    body = assert_problem(client.get("/api/v1/no-such-thing"), 404)
    assert (
        body["type"] == "about:blank" and body["title"] == "Not Found" and body["instance"] == "/api/v1/no-such-thing"
    )


def test_a_wrong_method_is_a_405_problem_naming_the_allowed_ones(client, session):
    secret = make_token(session, scopes=["surveys:read"])
    response = client.delete("/api/v1/surveys", headers=bearer(secret))
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_body_that_is_not_json_is_a_415_problem(client, session):
    secret = make_token(session, scopes=["responses:write"])
    response = client.post("/api/v1/responses", data="survey=x", headers=bearer(secret))
    assert_problem(response, 415)


def test_malformed_json_is_a_400_problem_saying_where(client, session):
    secret = make_token(session, scopes=["responses:write"])
    response = client.post(
        "/api/v1/responses", data='{"survey": "x",', content_type="application/json", headers=bearer(secret)
    )
    body = assert_problem(response, 400)
    assert body["type"].endswith(":invalid-json") and "line 1" in body["detail"]


def test_a_body_of_the_wrong_shape_lists_each_field_with_a_pointer(client, session):
    secret = make_token(session, scopes=["responses:write"])
    response = client.post(
        "/api/v1/responses",
        json={"survey": 12, "answers": "all good", "mood": "happy", "version_id": "3"},
        headers=bearer(secret),
    )
    body = assert_problem(response, 422)
    pointers = {error["pointer"] for error in body["errors"]}
    assert pointers == {"#/survey", "#/answers", "#/mood", "#/version_id"}
    assert body["type"].endswith(":invalid-fields")


def test_a_json_array_instead_of_an_object_is_a_422_problem(client, session):
    secret = make_token(session, scopes=["customers:write"])
    body = assert_problem(client.post("/api/v1/customers", json=[1, 2], headers=bearer(secret)), 422)
    assert body["errors"][0]["pointer"] == "#"


def test_a_too_large_body_is_a_413_problem(app, client, session):
    app.config["API_MAX_CONTENT_LENGTH"] = 1000
    secret = make_token(session, scopes=["responses:write"])
    response = client.post(
        "/api/v1/responses", json={"survey": "x", "answers": {"q": "a" * 2000}}, headers=bearer(secret)
    )
    assert_problem(response, 413)


def test_an_unexpected_error_is_a_500_problem_without_a_stack_trace(app, client):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/boom", "boom", boom)
    response = client.get("/api/v1/boom")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True) and body["title"] == "Internal Server Error"


def test_the_api_never_remembers_a_language_in_a_session_cookie(client):
    response = client.get("/api/v1/surveys?lang=zh", headers={"Accept-Language": "zh-CN"})
    assert_problem(response, 401)
    assert "Set-Cookie" not in response.headers


def test_pages_outside_the_api_keep_their_html_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_token_over_its_rate_limit_gets_429_with_retry_after_and_others_do_not(app, client, session):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    secret, other = make_token(session, scopes=["surveys:read"], name="busy"), make_token(session, name="calm")
    statuses = [client.get("/api/v1/surveys", headers=bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/surveys", headers=bearer(secret))
    body = assert_problem(response, 429)
    assert 1 <= int(response.headers["Retry-After"]) <= 61 and "Retry-After" in body["detail"]
    assert client.get("/api/v1/surveys", headers=bearer(other)).status_code == 200


def test_requests_without_a_token_share_a_limit_per_address(app, client):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    statuses = [client.get("/api/v1/surveys").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL to test the Redis storage")
def test_the_rate_limit_can_be_kept_in_redis_shared_by_app_processes(database_url, session):
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret"}
    settings |= {"RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"], "API_RATE_LIMIT": "2 per minute"}
    settings["RATELIMIT_KEY_PREFIX"] = f"touchloop-test-{uuid.uuid4().hex}"  # counts of earlier runs do not count
    first, second = create_app(settings), create_app(settings)
    load_surveys(session)
    secret = make_token(session, scopes=["surveys:read"])
    try:
        statuses = [
            app.test_client().get("/api/v1/surveys", headers=bearer(secret)).status_code
            for app in (first, second, first)
        ]
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()  # these two apps' pooled connections, closed now rather than by the collector
    assert statuses == [200, 200, 429]
