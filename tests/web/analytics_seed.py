"""Answers for the analytics page tests: installation responses from customers in chosen segments."""

from __future__ import annotations

import uuid
from datetime import datetime

from app.services.analytics import count_responses
from app.services.definitions import current_version
from app.services.journey import current_journey
from app.services.responses import ResponseMeta, record_response
from app.services.segments import snapshot_segments
from tests.factories import make_customer
from touchloop.answers import GapAnswer

# region -> the (expected, experienced) punctuality answers of its customers; south is too small to trust
PUNCTUALITY = {
    "west": [(6, 2), (6, 3), (5, 3), (6, 4)] * 8,
    "east": [(5, 5), (5, 6), (6, 6), (4, 5)] * 8,
    "south": [(5, 5), (6, 5), (5, 4)],
}


def installation_answers(expected: int, experienced: int, **extra) -> dict:
    """A valid answer set for the installation survey."""
    return {
        "recommend": 9,
        "overall_satisfaction": 4,
        "delivery_condition": "intact",
        "punctuality": GapAnswer(expected, experienced),
        "workmanship": GapAnswer(5, 5),
        "contact_me": "no",
        **extra,
    }


def respond(
    session, answers: dict, customer, slug: str = "delivery-installation", submitted_at: datetime | None = None
):
    """A committed response from ``customer``, with their segments as the web form records them."""
    version = current_version(session, slug)
    meta = ResponseMeta(uuid.uuid4().hex, "en", "web", customer_id=customer.id)
    response = record_response(session, version, answers, meta)
    if submitted_at is not None:
        response.submitted_at = submitted_at
    snapshot_segments(session, response.id, customer, current_journey(session), response.submitted_at)
    count_responses(session, [response.id])
    session.commit()
    return response


def seed_regions(session, **customer_values) -> dict:
    """Installation answers from a west, an east and a south customer (``PUNCTUALITY``); region -> customer."""
    customers = {}
    for region, pairs in PUNCTUALITY.items():
        customers[region] = make_customer(session, region=region, **customer_values)
        for expected, experienced in pairs:
            respond(session, installation_answers(expected, experienced), customers[region])
    return customers
