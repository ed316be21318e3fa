"""Responses given on the public survey page write their response.created event, once, with the response."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Response, Role, WebhookDelivery, WebhookEvent
from app.services.webhooks.subscriptions import create_subscription
from tests.factories import load_surveys
from tests.web.forms import open_survey, post_survey
from tests.web.test_auth import make_user
from tests.web.test_survey_pages import GOOD, INSTALL


def test_a_survey_page_answer_posted_twice_writes_one_response_and_one_event(client, session):
    load_surveys(session)
    admin = make_user(session, email="admin@example.com", role=Role.ADMIN)
    create_subscription(
        session, url="https://crm.example.com/in", events=["response.created"], description=None, created_by=admin
    )
    session.commit()
    form = open_survey(client, INSTALL, src="store-12")

    first = post_survey(client, INSTALL, form, GOOD, src="store-12")
    second = post_survey(client, INSTALL, form, GOOD, src="store-12")  # a double click

    assert (first.status_code, second.status_code) == (303, 303)
    [response] = session.scalars(sa.select(Response)).all()
    [event] = session.scalars(sa.select(WebhookEvent)).all()
    assert event.type == "response.created" and event.payload["response"]["id"] == response.id
    assert event.payload["response"]["channel"] == "store-12"
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 1
