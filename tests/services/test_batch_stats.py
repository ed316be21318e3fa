"""Batch response rates: responders count under the segment they had when they answered."""

from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa

from app.models import Customer, Invitation
from app.services.batch_stats import rates_by_channel, rates_by_segment
from app.services.invitations import create_batch
from app.services.journey import current_journey
from app.services.links import invitation_token
from tests.factories import load_surveys, make_customer
from tests.web.forms import hidden_fields
from tests.web.test_survey_pages import GOOD


def test_rates_use_the_answer_time_segment_for_responders(app, client, session):
    load_surveys(session)
    journey = current_journey(session)
    answering = make_customer(session, tier="A")
    make_customer(session, tier="A")  # invited, never answers
    result = create_batch(
        session,
        survey_slug="delivery-installation",
        segment_filter={"tier": ["A"]},
        name="Tier A",
        created_by_id=None,
        now=datetime.now(timezone.utc),
        journey=journey,
    )
    session.commit()
    invitation = session.scalar(sa.select(Invitation).where(Invitation.customer_id == answering.id))
    link = f"/i/{invitation_token(invitation.public_id)}?lang=en"
    assert client.post(link, data={**hidden_fields(client.get(link).get_data(as_text=True)), **GOOD}).status_code == 303
    # Both customers are downgraded after the answer.
    session.execute(sa.update(Customer).values(tier="C"))
    session.commit()
    by_tier = {
        rate.value: (rate.invited, rate.responded)
        for rate in rates_by_segment(session, result.batch_id, journey, date.today())["tier"]
    }
    assert by_tier == {"A": (1, 1), "C": (1, 0)}
    assert [(r.value, r.invited, r.responded) for r in rates_by_channel(session, result.batch_id)] == [("email", 2, 1)]
