"""The webhook pages: admins only; subscribe (bad input refused, beside its field), secret, switches, log, retry."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Role, WebhookDelivery, WebhookEvent, WebhookSubscription
from app.models.types import utcnow
from app.services.webhooks.delivery import claim, record
from app.services.webhooks.sender import Outcome
from tests.factories import load_surveys, make_response
from tests.services.test_cases import HAPPY
from tests.web.forms import hidden_fields
from tests.web.test_user_pages import client_for, make_person, post_form
from touchloop.webhooks import RetryPolicy

NEW = "/admin/webhooks/new"
GOOD = {"url": "https://crm.example.com/hooks", "description": "CRM", "events": ["response.created", "case.opened"]}


@pytest.fixture
def admin(app):
    """The demo journey loaded, and a browser signed in as an admin."""
    with app.app_context():
        load_surveys(db.session)
    return client_for(app, make_person(app, Role.ADMIN, "Ada Admin"))


def subscriptions(app) -> list[tuple]:
    """(url, events, active) of every stored subscription."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(WebhookSubscription.url, WebhookSubscription.events, WebhookSubscription.active)
        )
        return [tuple(row) for row in rows]


def subscribe(admin, data=GOOD) -> int:
    """Subscribe through the form; the new subscription's id."""
    answer = post_form(admin, NEW, NEW, data)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return int(re.search(r"/admin/webhooks/(\d+)$", answer.headers["Location"]).group(1))


def failed_delivery(app, subscription_id: int) -> int:
    """A response whose delivery to the subscription failed for good (one attempt allowed); its id."""
    with app.app_context():
        make_response(db.session, HAPPY)
        query = sa.select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
        delivery = db.session.scalars(query).one()
        now = utcnow()
        claimed = claim(db.session, delivery.id, now, timedelta(minutes=1))
        outcome = Outcome(None, "connection refused", 2)
        record(db.session, claimed, outcome, started=now, now=now, policy=RetryPolicy(max_attempts=1))
        db.session.commit()
        return delivery.id


def test_an_admin_subscribes_and_sees_the_secret_on_a_page_no_cache_keeps(app, admin):
    subscription_id = subscribe(admin)
    page = admin.get(f"/admin/webhooks/{subscription_id}")
    text = page.get_data(as_text=True)

    [(url, events, active)] = subscriptions(app)
    assert (url, events, active) == (GOOD["url"], ["response.created", "case.opened"], True)
    with app.app_context():
        secret = db.session.get(WebhookSubscription, subscription_id).secret
    assert page.status_code == 200 and secret in text and page.headers["Cache-Control"] == "no-store"
    assert "HMAC-SHA256" in text and "No deliveries yet." in text
    listing = admin.get("/admin/webhooks").get_data(as_text=True)
    assert GOOD["url"] in listing and "response.created" in listing


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://crm.example.com/in", "the address must start with https:// or http://"),
        ("crm.example.com/hooks", "the address must start with https:// or http://"),
        ("https://admin:pw@crm.example.com/", "put no user name or password in the address"),
        ("https://crm.example.com/a b", "an address has no spaces or line breaks"),
        ("https://crm.example.com:70000/", "this is not a web address"),
        ("", "Give the address that should receive the events."),
    ],
)
def test_a_bad_address_is_refused_beside_its_field_and_nothing_is_stored(app, admin, url, message):
    answer = post_form(admin, NEW, NEW, dict(GOOD, url=url))
    text = answer.get_data(as_text=True)
    assert answer.status_code in (400, 422)
    assert re.search(r'<p class="field-error" id="url-error">[^<]*' + re.escape(message), text), text
    assert subscriptions(app) == []


def test_choosing_no_event_or_an_unknown_one_is_refused(app, admin):
    none = post_form(admin, NEW, NEW, dict(GOOD, events=[]))
    unknown = post_form(admin, NEW, NEW, dict(GOOD, events=["order.paid"]))
    assert none.status_code == 400 and 'id="events-error">Choose at least one.' in none.get_data(as_text=True)
    assert unknown.status_code == 400 and 'id="events-error"' in unknown.get_data(as_text=True)
    assert subscriptions(app) == []


def test_a_form_without_its_csrf_token_is_refused(app, admin):
    answer = admin.post(NEW, data=GOOD)
    assert answer.status_code == 400 and "This form could not be accepted" in answer.get_data(as_text=True)
    assert subscriptions(app) == []


def test_the_description_and_address_are_escaped(app, admin):
    subscription_id = subscribe(
        admin, dict(GOOD, url="https://x.example.com/?a=<b>", description="<script>x()</script>")
    )
    text = admin.get(f"/admin/webhooks/{subscription_id}").get_data(as_text=True)
    assert "<script>x()" not in text and "&lt;script&gt;x()" in text and "a=&lt;b&gt;" in text


def test_switching_off_and_on_and_sending_a_test_event(app, admin):
    subscription_id = subscribe(admin)
    page = f"/admin/webhooks/{subscription_id}"

    off = post_form(admin, page, f"{page}/deactivate", {})
    tested = post_form(admin, page, f"{page}/test", {})
    on = post_form(admin, page, f"{page}/activate", {})

    assert (off.status_code, tested.status_code, on.status_code) == (303, 303, 303)
    assert subscriptions(app)[0][2] is True
    with app.app_context():
        [event] = db.session.scalars(sa.select(WebhookEvent)).all()
        assert event.type == "webhook.test" and event.payload["subscription_id"] == subscription_id
    log = admin.get(page).get_data(as_text=True)
    assert "webhook.test" in log and "Waiting to be sent" in log


def test_deleting_needs_the_box_ticked_then_removes_the_subscription(app, admin):
    subscription_id = subscribe(admin)
    page = f"/admin/webhooks/{subscription_id}"

    unticked = post_form(admin, page, f"{page}/delete", {})
    assert unticked.status_code == 400 and "Tick the box to confirm the deletion." in unticked.get_data(as_text=True)
    assert len(subscriptions(app)) == 1

    ticked = post_form(admin, page, f"{page}/delete", {"confirm": "y"})
    assert ticked.status_code == 303 and subscriptions(app) == []
    assert admin.get(page).status_code == 404


def test_the_log_shows_each_attempt_and_a_failed_delivery_can_be_retried_once(app, admin):
    subscription_id = subscribe(admin)
    delivery_id = failed_delivery(app, subscription_id)
    log = admin.get(f"/admin/webhooks/{subscription_id}?state=failed").get_data(as_text=True)
    detail_url = f"/admin/webhooks/{subscription_id}/deliveries/{delivery_id}"
    detail = admin.get(detail_url).get_data(as_text=True)

    assert "response.created" in log and "connection refused" in log and "Failed" in log
    assert (
        "connection refused" in detail and "no answer" in detail and "&#34;type&#34;: &#34;response.created" in detail
    )

    retried = post_form(admin, detail_url, f"{detail_url}/retry", {})
    again = post_form(admin, detail_url, f"{detail_url}/retry", {})

    assert retried.status_code == 303
    assert again.status_code == 409 and "Only a failed delivery can be retried" in again.get_data(as_text=True)
    with app.app_context():
        delivery = db.session.get(WebhookDelivery, delivery_id)
        assert (delivery.state, delivery.attempts) == ("pending", 0)


def test_a_delivery_is_only_found_under_its_own_subscription(app, admin):
    first = subscribe(admin)
    other = subscribe(admin, dict(GOOD, url="https://other.example.com/"))
    delivery_id = failed_delivery(app, first)
    assert admin.get(f"/admin/webhooks/{first}/deliveries/{delivery_id}").status_code == 200
    assert admin.get(f"/admin/webhooks/{other}/deliveries/{delivery_id}").status_code == 404
    assert admin.get("/admin/webhooks/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.MANAGER, Role.REPRESENTATIVE, Role.OWNER, Role.STAFF])
def test_only_admins_reach_the_webhook_pages(app, admin, role):
    subscription_id = subscribe(admin)
    delivery_id = failed_delivery(app, subscription_id)
    browser = client_for(app, make_person(app, role))
    token = hidden_fields(browser.get("/inbox").get_data(as_text=True)).get("csrf_token", "")
    base = f"/admin/webhooks/{subscription_id}"
    gets = ["/admin/webhooks", NEW, base, f"{base}/deliveries/{delivery_id}"]
    posts = [NEW, f"{base}/activate", f"{base}/deactivate", f"{base}/test", f"{base}/delete"]
    posts.append(f"{base}/deliveries/{delivery_id}/retry")

    assert {browser.get(path).status_code for path in gets} == {403}
    assert {browser.post(path, data={"csrf_token": token, "confirm": "y"}).status_code for path in posts} == {403}
    assert len(subscriptions(app)) == 1


def test_anonymous_visitors_are_sent_to_sign_in(app):
    anonymous = app.test_client()
    assert anonymous.get("/admin/webhooks").status_code == 302
    assert anonymous.post("/admin/webhooks/1/delete").status_code in (302, 400)


def test_every_webhook_action_is_in_the_audit_log_without_the_secret(app, admin):
    subscription_id = subscribe(admin)
    page = f"/admin/webhooks/{subscription_id}"
    with app.app_context():
        secret = db.session.get(WebhookSubscription, subscription_id).secret
    delivery_id = failed_delivery(app, subscription_id)
    detail_url = f"{page}/deliveries/{delivery_id}"
    for url in (f"{page}/deactivate", f"{page}/test", f"{detail_url}/retry"):
        assert post_form(admin, page if "retry" not in url else detail_url, url, {}).status_code == 303
    assert post_form(admin, page, f"{page}/delete", {"confirm": "y"}).status_code == 303

    with app.app_context():
        entries = db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.object_id, AuditEntry.summary).order_by(AuditEntry.id)
        ).all()
    actions = [(action, object_id) for action, object_id, _summary in entries]
    expected = ["webhook.subscribed", "webhook.switched", "webhook.tested", "webhook.retried", "webhook.deleted"]
    assert actions == [(action, str(subscription_id)) for action in expected]
    assert all(summary["url"] == GOOD["url"] and secret not in str(summary) for _a, _o, summary in entries)
    assert entries[1].summary["active"] is False and entries[3].summary["delivery"] == delivery_id
