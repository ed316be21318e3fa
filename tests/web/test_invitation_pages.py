"""Personal invitation links: open, answer once, and every way a link can be wrong; opting out."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Customer, Invitation, Response, ResponseSegment
from app.services import definitions
from app.services.links import invitation_token, opt_out_token
from tests.factories import load_surveys, make_customer, make_invitation
from tests.web.forms import hidden_fields
from tests.web.test_survey_pages import GOOD

ALREADY = "You have already answered — thank you"


def _link(app, invitation, **params) -> str:
    with app.test_request_context():
        token = invitation_token(invitation.public_id)
    query = "&".join(f"{k}={v}" for k, v in {"lang": "en", **params}.items())
    return f"/i/{token}?{query}"


@pytest.fixture
def invited(app, session):
    """A customer's invitation to the delivery survey, and its link."""
    load_surveys(session)
    customer = make_customer(session, tier="A", lifecycle="mature", region="north")
    invitation = make_invitation(session, customer)
    return invitation, _link(app, invitation)


def _open(client, link):
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    return hidden_fields(page.get_data(as_text=True))


def _responses(session):
    return session.scalars(sa.select(Response)).all()


def test_link_shows_the_survey_posting_back_to_itself(client, session, invited):
    invitation, link = invited
    page = client.get(link).get_data(as_text=True)
    path = link.split("?")[0]
    assert "How did your installation go?" in page
    assert f'action="{path}?lang=en"' in page
    assert f'href="{path}?lang=zh"' in page  # the language switcher keeps the invitation


def test_first_open_is_recorded_and_later_opens_keep_it(client, session, invited):
    invitation, link = invited
    client.get(link)
    first = session.scalar(sa.select(Invitation.opened_at).where(Invitation.id == invitation.id))
    client.get(link)
    again = session.scalar(sa.select(Invitation.opened_at).where(Invitation.id == invitation.id))
    assert first is not None and again == first


def test_answer_is_stored_with_customer_invitation_channel_and_segments(client, session, invited):
    invitation, link = invited
    response = client.post(link, data={**_open(client, link), **GOOD})
    assert response.status_code == 303 and "/s/delivery-installation/thanks" in response.headers["Location"]
    stored = _responses(session)
    assert [(r.customer_id, r.invitation_id, r.channel) for r in stored] == [
        (invitation.customer_id, invitation.id, "email")
    ]
    segments = dict(
        session.execute(
            sa.select(ResponseSegment.attribute, ResponseSegment.value).where(
                ResponseSegment.response_id == stored[0].id
            )
        ).all()
    )
    assert (segments["tier"], segments["lifecycle"], segments["region"]) == ("A", "mature", "north")


def test_source_tag_of_the_link_is_the_channel(app, client, session, invited):
    invitation, _link_en = invited
    link = _link(app, invitation, src="sms")
    assert client.post(link, data={**_open(client, link), **GOOD}).status_code == 303
    assert _responses(session)[0].channel == "sms"


def test_reopening_an_answered_invitation_says_thank_you_without_a_form(client, session, invited):
    _invitation, link = invited
    client.post(link, data={**_open(client, link), **GOOD})
    page = client.get(link)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and ALREADY in text and "<form" not in text


def test_a_second_browser_cannot_answer_again(app, client, session, invited):
    _invitation, link = invited
    other = app.test_client()
    first_form, second_form = _open(client, link), _open(other, link)
    assert client.post(link, data={**first_form, **GOOD}).status_code == 303
    second = other.post(link, data={**second_form, **GOOD, "q_recommend": "2"})
    assert second.status_code == 200 and ALREADY in second.get_data(as_text=True)
    assert len(_responses(session)) == 1 and _responses(session)[0].channel == "email"


def test_double_click_is_thanked_twice_and_stored_once(client, session, invited):
    _invitation, link = invited
    form = _open(client, link)
    first = client.post(link, data={**form, **GOOD})
    second = client.post(link, data={**form, **GOOD})
    assert first.status_code == 303 and second.status_code == 200  # the second finds it answered
    assert len(_responses(session)) == 1


def test_errors_are_shown_on_the_invitation_page(client, session, invited):
    _invitation, link = invited
    page = client.post(link, data={**_open(client, link), "q_recommend": ""})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Please answer this question." in text
    assert f'action="{link.split("?")[0]}?lang=en"' in text and _responses(session) == []


def test_missing_csrf_token_keeps_the_answers(client, session, invited):
    _invitation, link = invited
    form = _open(client, link)
    del form["csrf_token"]
    page = client.post(link, data={**form, **GOOD})
    assert page.status_code == 400 and "press Submit again" in page.get_data(as_text=True)
    assert _responses(session) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_link_is_not_valid(client, session, invited, method):
    _invitation, link = invited
    path, query = link.split("?")
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = getattr(client, method)(f"{tampered}?{query}")
    assert response.status_code == 404 and "This link is not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["x", "a" * 500, "..", "IjAwMCI.abc"])
def test_junk_tokens_are_not_valid(client, session, token):
    load_surveys(session)
    response = client.get(f"/i/{token}?lang=en")
    assert response.status_code == 404 and "This link is not valid" in response.get_data(as_text=True)


def test_signed_link_to_an_unknown_invitation_is_not_valid(app, client, session):
    load_surveys(session)
    with app.test_request_context():
        token = invitation_token("0" * 32)
    assert client.get(f"/i/{token}").status_code == 404


def test_an_opt_out_token_is_not_an_invitation_link(app, client, session, invited):
    invitation, _link_en = invited
    with app.test_request_context():
        token = opt_out_token(invitation.customer_id)
    assert client.get(f"/i/{token}").status_code == 404


def test_expired_invitation_says_so(app, client, session):
    load_surveys(session)
    past = datetime.now(timezone.utc) - timedelta(days=1)
    link = _link(app, make_invitation(session, make_customer(session), expires_at=past))
    for response in (client.get(link), client.post(link, data=GOOD)):
        assert response.status_code == 410 and "This invitation has expired" in response.get_data(as_text=True)
    assert _responses(session) == []


def test_opted_out_customers_can_still_answer(app, client, session):
    load_surveys(session)
    invitation = make_invitation(session, make_customer(session, opted_out_at=datetime.now(timezone.utc)))
    link = _link(app, invitation)
    assert client.post(link, data={**_open(client, link), **GOOD}).status_code == 303
    assert len(_responses(session)) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_browsers_submitting_at_the_same_moment_store_one_response(app, session, invited, attempt):
    _invitation, link = invited
    barrier = threading.Barrier(2, timeout=30)
    results: list = [None, None]

    def browse(index):
        """Open the link, wait for the other browser, then submit at the same moment."""
        browser = app.test_client()
        form = _open(browser, link)
        barrier.wait()
        results[index] = browser.post(link, data={**form, **GOOD})

    threads = [threading.Thread(target=browse, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    thanked = [r for r in results if r.status_code == 303 and "/thanks" in r.headers["Location"]]
    already = [r for r in results if r.status_code == 200 and ALREADY in r.get_data(as_text=True)]
    assert len(thanked) >= 1 and len(thanked) + len(already) == 2, [r.status_code for r in results]
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 1


def _opt_out_path(app, customer_id):
    with app.test_request_context():
        return f"/o/{opt_out_token(customer_id)}?lang=en"


def test_opt_out_link_asks_first_and_changes_nothing_on_get(app, client, session):
    customer = make_customer(session)
    path = _opt_out_path(app, customer.id)
    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Stop survey e-mails?" in text and 'method="post"' in text
    client.get(path)
    assert session.scalar(sa.select(Customer.opted_out_at).where(Customer.id == customer.id)) is None


def test_confirming_the_opt_out_records_it(app, client, session):
    customer = make_customer(session)
    path = _opt_out_path(app, customer.id)
    token = hidden_fields(client.get(path).get_data(as_text=True))["csrf_token"]
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 303
    assert session.scalar(sa.select(Customer.opted_out_at).where(Customer.id == customer.id)) is not None
    assert "You will receive no more survey e-mails" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_opt_out_without_csrf_token_changes_nothing(app, client, session):
    customer = make_customer(session)
    path = _opt_out_path(app, customer.id)
    client.get(path)
    assert client.post(path, data={}).status_code == 400
    assert session.scalar(sa.select(Customer.opted_out_at).where(Customer.id == customer.id)) is None


def test_tampered_opt_out_link_is_not_valid(app, client, session):
    customer = make_customer(session)
    path = _opt_out_path(app, customer.id).replace("?", "x?")
    response = client.get(path)
    assert response.status_code == 404 and "This link is not valid" in response.get_data(as_text=True)


def test_database_outage_during_submission_keeps_the_answers(tmp_path):
    """The SQLite file vanishes between opening the link and submitting."""
    db_file = tmp_path / "outage.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}"})
    with app.app_context():
        upgrade()
        load_surveys(db.session)
        link = _link(app, make_invitation(db.session, make_customer(db.session)))
        client = app.test_client()
        form = _open(client, link)
        db.session.remove()
        db.engine.dispose()
        db_file.unlink()  # the next connection finds an empty database: no tables
        response = client.post(link, data={**form, **GOOD, "q_recommend": "2"})
        page = response.get_data(as_text=True)
        assert response.status_code == 503 and "please press Submit again in a moment" in page
        assert re.search(r'<input[^>]*checked[^>]*name="q_recommend"[^>]*value="2"', page)
        assert f'action="{link.split("?")[0]}?lang=en"' in page
        db.session.remove()
        db.engine.dispose()
    definitions.clear_cache()  # its version ids belong to a database that is gone
