"""API test helpers: the app with the API and account pages registered, tokens, and a problem-details check."""

from __future__ import annotations

from app.models import Role
from app.models.types import utcnow
from app.services.api_tokens import SCOPES, create_token, scopes_for
from tests.web.test_auth import make_user


def make_token(session, user=None, scopes=None, *, name="test") -> str:
    """A committed token of ``user`` (an admin made for it by default) with ``scopes`` (all it may have); its secret."""
    user = user or make_user(session, email=f"{name}-{len(scopes or SCOPES)}@example.com", role=Role.ADMIN)
    _token, secret = create_token(session, user, name, scopes_for(user) if scopes is None else scopes, now=utcnow())
    session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    """The Authorization header for ``secret``."""
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response, status: int) -> dict:
    """Check ``response`` is RFC 9457 problem details with ``status``; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    return body


# A complete, valid set of answers to the demo survey pre-purchase-consultation (opens no follow-up case).
CONSULTATION = "pre-purchase-consultation"
GOOD_ANSWERS = {
    "recommend": 9,
    "overall_satisfaction": 5,
    "needs_understanding": {"expected": 5, "actual": 6},
    "explanation": {"expected": 5, "actual": 5},
    "deciding_factor": "price",
    "contact_me": "no",
}
