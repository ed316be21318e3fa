"""A kiosk works through the API alone: find a survey, read its definition, submit once even when retrying.

The subscribed receiver (a real local HTTP server) then gets exactly one response.created for it.
"""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa

from app.models import Response, Role
from app.models.types import utcnow
from app.services.api_tokens import create_token
from app.services.webhooks.subscriptions import create_subscription
from tests.api.conftest import bearer
from tests.factories import load_surveys
from tests.receiver import Receiver
from tests.web.test_auth import make_user
from touchloop.webhooks import verify_signature


@pytest.fixture
def receiver():
    """A webhook receiver listening on a free local port."""
    found = Receiver().start()
    yield found
    found.stop()


def _answer(question: dict):
    """What a happy customer taps for ``question``, read only from the API's definition of it."""
    if question["type"] == "gap":
        top = question["scale"]["max"]
        return {"expected": top - 1, "actual": top}
    if question["scale"]:
        return question["scale"]["max"]
    if question["type"] == "choice":
        codes = [option["code"] for option in question["options"]]
        return codes[-1:] if question["multiple"] else codes[-1]
    return "All good"


def test_a_kiosk_fetches_a_survey_and_a_retried_submission_is_stored_once_and_announced_once(
    client, session, runner, receiver
):
    load_surveys(session)
    admin = make_user(session, email="admin@example.com", role=Role.ADMIN)
    hook = create_subscription(
        session, url=receiver.url, events=["response.created"], description=None, created_by=admin
    )
    manager = make_user(session, email="store-manager@example.com", role=Role.MANAGER)
    _token, secret = create_token(session, manager, "Store 12 kiosk", ["surveys:read", "responses:write"], now=utcnow())
    session.commit()
    headers = bearer(secret)

    surveys = client.get("/api/v1/surveys", headers=headers).get_json()["items"]
    chosen = next(item for item in surveys if item["slug"] == "delivery-installation")
    definition = client.get(f"/api/v1/surveys/{chosen['slug']}", headers=headers).get_json()
    answers = {q["id"]: _answer(q) for q in definition["questions"] if q["show_if"] is None}
    submission = {
        "survey": definition["slug"],
        "version_id": definition["version_id"],
        "language": definition["languages"][-1],
        "channel": "kiosk-store-12",
        "answers": answers,
    }
    key = str(uuid.uuid4())
    first = client.post("/api/v1/responses", json=submission, headers=headers | {"Idempotency-Key": key})
    retry = client.post("/api/v1/responses", json=submission, headers=headers | {"Idempotency-Key": key})

    assert first.status_code == 201, first.get_data(as_text=True)
    assert retry.status_code == 201 and retry.get_data() == first.get_data()
    stored = session.scalars(sa.select(Response)).all()
    assert len(stored) == 1
    assert stored[0].channel == "kiosk-store-12" and stored[0].survey_version_id == definition["version_id"]

    delivered = runner.invoke(args=["loop", "deliver"])
    again = runner.invoke(args=["loop", "deliver"])

    assert "1 delivered" in delivered.output and "0 delivered" in again.output
    [received] = receiver.received
    assert received.json["type"] == "response.created" and received.json["data"]["response"] == first.get_json()
    timestamp, signed = received.headers["Touchloop-Timestamp"], received.headers["Touchloop-Signature"]
    assert verify_signature(hook.secret, timestamp, received.body, signed, now=time.time())
