"""A property-based run over the OpenAPI document (schemathesis): no server error, no response off the schema.

Every operation is called with generated valid and invalid input, as an admin whose token holds every scope,
against a database with surveys, customers, responses, a follow-up case and a suggestion to find, and a
webhook subscription to every event (so each change also writes its outbox rows). The examples per
operation are bounded so the run stays within a CI budget.

The document is read once from a bare app with only the API (serving it needs no database); each operation's
requests then go to the test's own app, on the suite's database.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import api
from app.services.suggestions import submit_suggestion
from app.services.webhooks.subscriptions import create_subscription
from tests.api.conftest import bearer, make_token
from tests.factories import load_surveys, make_customer, make_response
from tests.web.test_auth import make_user
from touchloop.webhooks import EVENT_TYPES

MAX_EXAMPLES = 30
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


@pytest.fixture
def api_secret(app, session):
    """An admin's token with every scope, over a database with something behind every operation."""
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    load_surveys(session)
    customer = make_customer(session, external_id="C-1")
    answers = {"recommend": 3, "overall_satisfaction": 2, "effort": 2, "contact_me": "yes"}
    make_response(session, answers, "after-sales-service", customer=customer)
    admin = make_user(session, email="schema@example.com")
    create_subscription(
        session, url="http://127.0.0.1:9/hooks", events=list(EVENT_TYPES), description=None, created_by=admin
    )
    submit_suggestion(session, submitter=admin, title="Shorter waits", description="Call back within a day")
    session.commit()
    return make_token(session, admin)


def _document_app() -> Flask:
    """A bare Flask app with only the API registered, to serve the document at collection time.

    A full create_app() here would register every page blueprint while other test modules may still be
    adding routes to them; the document needs none of them, nor a database.
    """
    app = Flask("touchloop-api-document")
    app.config.update(SECRET_KEY="document", LANGUAGES=("zh", "en"))
    api.init_app(app)
    return app


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_within_its_documented_schema(case, app, api_secret):
    case.call_and_validate(app=app, headers=bearer(api_secret), checks=CHECKS)
