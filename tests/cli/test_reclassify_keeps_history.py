"""End to end: a customer answers an invitation, is re-imported and re-classified; the answer keeps its segments."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.models import Customer, Response, ResponseSegment
from app.services.links import invitation_token
from tests.factories import load_surveys, make_invitation
from tests.web.forms import hidden_fields
from tests.web.test_survey_pages import GOOD

HEADER = "external_id,name,email,region,annual_value,customer_since,last_purchase\n"
RECENTLY = (date.today() - timedelta(days=30)).isoformat()  # the importer refuses future dates


def _import(runner, tmp_path, rows: str):
    path = tmp_path / "customers.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    result = runner.invoke(args=["customers", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_reclassifying_after_an_answer_leaves_the_answer_s_segments_as_they_were(
    app, runner, client, session, tmp_path
):
    load_surveys(session)
    _import(
        runner,
        tmp_path,
        f"BIG,Big Co,big@example.com,east,900000,2015-01-01,{RECENTLY}\n"
        f"SMALL,Small Co,small@example.com,west,1000,2020-01-01,{RECENTLY}\n",
    )
    small = session.scalar(sa.select(Customer).where(Customer.external_id == "SMALL"))
    assert (small.tier, small.region) == ("C", "west")
    invitation = make_invitation(session, small)
    link = f"/i/{invitation_token(invitation.public_id)}?lang=en"
    form = hidden_fields(client.get(link).get_data(as_text=True))
    assert client.post(link, data={**form, **GOOD}).status_code == 303
    response_id = session.scalar(sa.select(Response.id).where(Response.invitation_id == invitation.id))

    # The small customer grows into the most valuable one and moves region; classify again.
    _import(
        runner,
        tmp_path,
        f"BIG,Big Co,big@example.com,east,1000,2015-01-01,{RECENTLY}\n"
        f"SMALL,Small Co,small@example.com,north,900000,2020-01-01,{RECENTLY}\n",
    )
    assert runner.invoke(args=["customers", "classify"]).exit_code == 0
    session.expire_all()
    small = session.get(Customer, small.id)
    assert (small.tier, small.region) == ("A", "north")
    snapshot = dict(
        session.execute(
            sa.select(ResponseSegment.attribute, ResponseSegment.value).where(
                ResponseSegment.response_id == response_id
            )
        ).all()
    )
    assert snapshot["tier"] == "C" and snapshot["region"] == "west"
