"""POST and GET /api/v1/invitations: a batch for a segment (with the contact rules), and the personal links."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Invitation, InvitationBatch
from app.services.links import public_id_from_token
from tests.api.conftest import assert_problem, bearer, make_token
from tests.factories import load_surveys, make_customer

SURVEY = "delivery-installation"


def _create(client, secret, **body):
    """POST an invitation batch."""
    return client.post("/api/v1/invitations", json={"survey": SURVEY, "name": "Spring", **body}, headers=bearer(secret))


def test_a_batch_invites_the_segments_customers_and_says_who_was_skipped_and_why(client, session):
    load_surveys(session)
    wanted = make_customer(session, external_id="C-1", tier="A")
    make_customer(session, external_id="C-2", tier="A", email=None)
    make_customer(session, external_id="C-3", tier="B")
    secret = make_token(session, scopes=["invitations:write"])
    response = _create(client, secret, segments={"tier": ["A"]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["created"] == 1 and body["skipped"]["no_email"] == 1
    batch = session.get(InvitationBatch, body["batch_id"])
    assert batch.name == "Spring" and batch.segment_filter == {"tier": ["A"]}
    assert session.scalars(sa.select(Invitation.customer_id)).all() == [wanted.id]
    assert response.headers["Location"] == f"/api/v1/invitations?batch={body['batch_id']}"


def test_nobody_left_to_invite_makes_no_batch(client, session):
    load_surveys(session)
    make_customer(session, tier="A")
    secret = make_token(session, scopes=["invitations:write"])
    assert _create(client, secret, segments={"tier": ["A"]}).status_code == 201
    again = _create(client, secret, segments={"tier": ["A"]})  # asked too recently
    assert again.status_code == 200
    assert again.get_json() == {
        "batch_id": None,
        "created": 0,
        "skipped": {"opted_out": 0, "no_email": 0, "recently_invited": 1},
    }


def test_an_unknown_survey_or_segment_is_a_field_error(client, session):
    load_surveys(session)
    secret = make_token(session, scopes=["invitations:write"])
    body = assert_problem(_create(client, secret, survey="no-such-survey"), 422)
    assert body["errors"][0]["pointer"] == "#/survey"
    body = assert_problem(_create(client, secret, segments={"tier": ["Z"]}), 422)
    assert body["errors"][0]["pointer"] == "#/segments" and "'Z'" in body["detail"]


def test_the_links_are_listed_per_batch_and_customer_and_open_the_invitation(client, session):
    load_surveys(session)
    for number in range(3):
        make_customer(session, external_id=f"C-{number}", tier="A")
    secret = make_token(session, scopes=["invitations:write"])
    batch_id = _create(client, secret, segments={"tier": ["A"]}).get_json()["batch_id"]
    page = client.get(f"/api/v1/invitations?batch={batch_id}&limit=2", headers=bearer(secret)).get_json()
    rest = client.get(f"/api/v1/invitations?batch={batch_id}&cursor={page['next_cursor']}", headers=bearer(secret))
    items = page["items"] + rest.get_json()["items"]
    assert [item["customer"] for item in items] == ["C-0", "C-1", "C-2"]
    first = items[0]
    assert first["survey"] == SURVEY and first["answered"] is False and first["sent_at"] is None
    token = first["link"].rsplit("/i/", 1)[1]
    with client.application.app_context():
        public_id = public_id_from_token(token)
    assert public_id == session.get(Invitation, first["id"]).public_id
    assert client.get(f"/i/{token}").status_code == 200
    one = client.get("/api/v1/invitations?customer=C-1", headers=bearer(secret)).get_json()["items"]
    assert [item["customer"] for item in one] == ["C-1"]
