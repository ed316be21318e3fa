"""Suggestions through the API: what each user may see, the timeline, and steps with the pages' rules."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Role, Suggestion, SuggestionEvent
from app.services.suggestions import submit_suggestion
from tests.api.conftest import assert_problem, bearer, make_token
from tests.factories import load_surveys
from tests.services.test_cases import make_user


def _setup(session):
    """Two staff members' suggestions, and tokens for the first staff member, a representative and an owner."""
    load_surveys(session)
    staff, other = make_user(session, Role.STAFF), make_user(session, Role.STAFF)
    rep, owner = make_user(session, Role.REPRESENTATIVE), make_user(session, Role.OWNER, department="field_service")
    mine = submit_suggestion(session, submitter=staff, title="Call ahead", description="An hour before arriving")
    theirs = submit_suggestion(session, submitter=other, title="Bigger vans", description="Fewer trips")
    session.commit()
    tokens = {
        name: make_token(session, user, name=name) for name, user in (("staff", staff), ("rep", rep), ("owner", owner))
    }
    return tokens, mine.id, theirs.id, owner.id


def _transition(client, secret, suggestion_id, version=None, **body):
    """POST a step, with If-Match when ``version`` is given."""
    headers = bearer(secret) | ({"If-Match": f'"{version}"'} if version is not None else {})
    return client.post(f"/api/v1/suggestions/{suggestion_id}/transitions", json=body, headers=headers)


def test_staff_list_only_their_own_suggestions_and_representatives_all(client, session):
    tokens, mine, theirs, _owner = _setup(session)
    staff_ids = [
        item["id"] for item in client.get("/api/v1/suggestions", headers=bearer(tokens["staff"])).get_json()["items"]
    ]
    rep_ids = [
        item["id"] for item in client.get("/api/v1/suggestions", headers=bearer(tokens["rep"])).get_json()["items"]
    ]
    assert staff_ids == [mine] and rep_ids == [mine, theirs]
    filtered = client.get("/api/v1/suggestions?state=closed", headers=bearer(tokens["rep"])).get_json()
    assert filtered["items"] == []


def test_someone_elses_suggestion_is_forbidden_to_staff_as_on_the_pages(client, session):
    tokens, _mine, theirs, _owner = _setup(session)
    assert_problem(client.get(f"/api/v1/suggestions/{theirs}", headers=bearer(tokens["staff"])), 403)
    assert_problem(client.get("/api/v1/suggestions/999999", headers=bearer(tokens["staff"])), 404)


def test_a_suggestion_comes_with_its_timeline_and_the_steps_open_to_the_reader(client, session):
    tokens, mine, _theirs, _owner = _setup(session)
    response = client.get(f"/api/v1/suggestions/{mine}", headers=bearer(tokens["rep"]))
    body = response.get_json()
    assert response.headers["ETag"] == '"1"' and body["version"] == 1
    assert body["state"] == "submitted" and body["submitter"]["name"] == "Staff"
    assert [(step["from_state"], step["to_state"]) for step in body["timeline"]] == [(None, "submitted")]
    assert body["allowed_transitions"] == [{"target": "under_review", "needs": []}]
    staff_view = client.get(f"/api/v1/suggestions/{mine}", headers=bearer(tokens["staff"])).get_json()
    assert staff_view["allowed_transitions"] == []


def test_a_representative_and_the_owner_move_a_suggestion_along(client, session):
    tokens, mine, _theirs, owner_id = _setup(session)
    review = _transition(client, tokens["rep"], mine, 1, target="under_review")
    assert review.status_code == 200 and review.headers["ETag"] == '"2"'
    accepted = _transition(client, tokens["rep"], mine, 2, target="accepted", owner_id=owner_id, due_date="2030-03-31")
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    assert accepted.get_json()["owner"]["id"] == owner_id and accepted.get_json()["department"] == "field_service"
    started = _transition(client, tokens["owner"], mine, 3, target="in_progress")
    assert started.get_json()["state"] == "in_progress"
    events = session.scalars(sa.select(SuggestionEvent.to_state).where(SuggestionEvent.suggestion_id == mine)).all()
    assert events == ["submitted", "under_review", "accepted", "in_progress"]


def test_a_refused_step_lists_its_reasons_and_changes_nothing(client, session):
    tokens, mine, _theirs, _owner = _setup(session)
    body = assert_problem(_transition(client, tokens["staff"], mine, target="under_review"), 422)
    assert body["type"].endswith(":transition-refused")
    assert [reason["message"] for reason in body["reasons"]] == ["only a representative can start the review"]
    _transition(client, tokens["rep"], mine, target="under_review")
    body = assert_problem(_transition(client, tokens["rep"], mine, target="accepted"), 422)
    assert "give an owner and a due date" in [reason["message"] for reason in body["reasons"]]
    assert session.get(Suggestion, mine).state == "under_review"


def test_a_step_on_a_version_changed_meanwhile_is_a_409_with_the_current_state(client, session):
    tokens, mine, _theirs, _owner = _setup(session)
    assert _transition(client, tokens["rep"], mine, 1, target="under_review").status_code == 200
    response = _transition(client, tokens["rep"], mine, 1, target="rejected", note="Not now")
    body = assert_problem(response, 409)
    assert body["state"] == "under_review" and body["version"] == 2 and response.headers["ETag"] == '"2"'
    assert_problem(_transition(client, tokens["rep"], mine, target="rejected", note="x", expected_version=1), 409)


def test_a_malformed_if_match_or_a_disagreeing_expected_version_is_refused(client, session):
    tokens, mine, _theirs, _owner = _setup(session)
    headers = bearer(tokens["rep"]) | {"If-Match": "version one"}
    response = client.post(f"/api/v1/suggestions/{mine}/transitions", json={"target": "under_review"}, headers=headers)
    assert assert_problem(response, 400)["errors"][0]["header"] == "If-Match"
    body = assert_problem(_transition(client, tokens["rep"], mine, 1, target="under_review", expected_version=2), 422)
    assert body["errors"][0]["pointer"] == "#/expected_version"


def test_staff_also_list_the_original_their_duplicate_was_merged_into_as_on_my_suggestions(client, session):
    tokens, mine, theirs, _owner = _setup(session)
    for target, body in (("under_review", {}), ("duplicate", {"merge_into_id": theirs, "note": "Same idea"})):
        assert _transition(client, tokens["rep"], mine, target=target, **body).status_code == 200

    listed = client.get("/api/v1/suggestions", headers=bearer(tokens["staff"])).get_json()["items"]

    assert [item["id"] for item in listed] == [mine, theirs]
    assert client.get(f"/api/v1/suggestions/{theirs}", headers=bearer(tokens["staff"])).status_code == 200


def test_a_refused_step_is_explained_in_the_clients_language(client, session):
    tokens, mine, _theirs, _owner = _setup(session)
    headers = bearer(tokens["staff"]) | {"Accept-Language": "zh-CN"}
    response = client.post(f"/api/v1/suggestions/{mine}/transitions", json={"target": "under_review"}, headers=headers)
    body = assert_problem(response, 422)
    [reason] = body["reasons"]
    assert reason["code"] == "suggestion.only_roles" and "only" not in reason["message"]
    assert reason["message"] == body["detail"] and any("\u4e00" <= char <= "\u9fff" for char in reason["message"])
