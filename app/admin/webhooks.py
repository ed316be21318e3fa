"""Webhooks, for admins: subscriptions (new, on/off, delete, test event), the delivery log, and retrying."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin import bp
from app.admin.sections import add_section
from app.admin.webhook_forms import EVENT_NAMES, STATE_NAMES, ButtonForm, DeleteForm, SubscriptionForm
from app.auth.roles import require_role
from app.extensions import db
from app.i18n import use_language
from app.models import Role, WebhookDelivery, WebhookSubscription
from app.models.types import utcnow
from app.refusals import say_refusal
from app.services import audit
from app.services.webhooks.outbox import event_body
from app.services.webhooks.subscriptions import (
    LOG_LIMIT,
    SubscriptionRefused,
    attempts_of,
    create_subscription,
    delete_subscription,
    delivery_log,
    retry_delivery,
    send_test,
    set_active,
    subscription_rows,
)

add_section("admin.webhooks", _l("Webhooks"), "admin")
OUT_OF_DATE = _l("The form was out of date; please send it again.")
NO_STORE = {"Cache-Control": "no-store"}  # the pages show the signing secret


@bp.get("/webhooks")
@require_role(Role.ADMIN)
def webhooks():
    """Every subscription with how its deliveries stand."""
    use_language(current_app.config["LANGUAGES"])
    rows = subscription_rows(db.session)
    return render_template("admin/webhooks.html", rows=rows, events=EVENT_NAMES), 200, NO_STORE


@bp.route("/webhooks/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def new_webhook():
    """Subscribe an address to events; its secret is shown on its page."""
    use_language(current_app.config["LANGUAGES"])
    form = SubscriptionForm()
    if not form.validate_on_submit():
        return render_template("admin/webhook_new.html", form=form), 400 if request.method == "POST" else 200
    try:
        subscription = create_subscription(
            db.session,
            url=form.url.data,
            events=form.events.data,
            description=form.description.data,
            created_by=current_user,
        )
    except SubscriptionRefused as refused:
        db.session.rollback()
        form[refused.field].errors = [say_refusal(refused.refusal, str)]
        return render_template("admin/webhook_new.html", form=form), 422
    summary = {"url": subscription.url, "events": subscription.events}
    audit.record(db.session, "webhook.subscribed", current_user, subscription.id, summary=summary)
    db.session.commit()
    current_app.logger.info("user %s subscribed %s to %s", current_user.id, subscription.url, subscription.events)
    flash(_("Subscribed. Give the receiver the secret below, to check the signature of each event."), "success")
    return redirect(url_for("admin.webhook", subscription_id=subscription.id), code=303)


@bp.get("/webhooks/<int(max=2147483647):subscription_id>")
@require_role(Role.ADMIN)
def webhook(subscription_id: int):
    """A subscription: its secret, switches, and its delivery log (only one state's deliveries, if asked)."""
    use_language(current_app.config["LANGUAGES"])
    return _page(_subscription(subscription_id))


@bp.post("/webhooks/<int(max=2147483647):subscription_id>/<any(activate, deactivate):switch>")
@require_role(Role.ADMIN)
def webhook_switch(subscription_id: int, switch: str):
    """Switch a subscription on or off."""
    use_language(current_app.config["LANGUAGES"])
    subscription = _subscription(subscription_id)
    if not ButtonForm().validate_on_submit():
        return _page(subscription, problems=[str(OUT_OF_DATE)], status=400)
    set_active(db.session, subscription, switch == "activate")
    summary = {"url": subscription.url, "active": subscription.active}
    audit.record(db.session, "webhook.switched", current_user, subscription_id, summary=summary)
    db.session.commit()
    if subscription.active:
        flash(_("Switched on: events are sent again, the ones that waited first."), "success")
    else:
        flash(_("Switched off: no events are sent until it is switched on again; none are lost meanwhile."), "success")
    return redirect(url_for("admin.webhook", subscription_id=subscription_id), code=303)


@bp.post("/webhooks/<int(max=2147483647):subscription_id>/test")
@require_role(Role.ADMIN)
def webhook_test(subscription_id: int):
    """Queue a test event for this subscription alone."""
    use_language(current_app.config["LANGUAGES"])
    subscription = _subscription(subscription_id)
    if not ButtonForm().validate_on_submit():
        return _page(subscription, problems=[str(OUT_OF_DATE)], status=400)
    send_test(db.session, subscription, current_user)
    audit.record(db.session, "webhook.tested", current_user, subscription_id, summary={"url": subscription.url})
    db.session.commit()
    if subscription.active:
        flash(_("A test event is queued: the next run of “flask loop deliver” sends it; see the log below."), "success")
    else:
        flash(_("A test event is queued, but the subscription is switched off: switch it on to send it."), "error")
    return redirect(url_for("admin.webhook", subscription_id=subscription_id), code=303)


@bp.post("/webhooks/<int(max=2147483647):subscription_id>/delete")
@require_role(Role.ADMIN)
def webhook_delete(subscription_id: int):
    """Delete a subscription and its delivery log, once the admin has ticked the confirmation."""
    use_language(current_app.config["LANGUAGES"])
    subscription = _subscription(subscription_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        problems = [str(OUT_OF_DATE)] if form.csrf_token.errors else []
        return _page(subscription, delete_form=form, problems=problems, status=400)
    url = subscription.url
    delete_subscription(db.session, subscription)
    audit.record(db.session, "webhook.deleted", current_user, subscription_id, summary={"url": url})
    db.session.commit()
    current_app.logger.info("user %s deleted the webhook subscription %s (%s)", current_user.id, subscription_id, url)
    flash(_("The subscription of %(url)s was deleted.", url=url), "success")
    return redirect(url_for("admin.webhooks"), code=303)


@bp.get("/webhooks/<int(max=2147483647):subscription_id>/deliveries/<int(max=9007199254740991):delivery_id>")
@require_role(Role.ADMIN)
def webhook_delivery(subscription_id: int, delivery_id: int):
    """One delivery: the body sent, and every attempt with its status or error."""
    use_language(current_app.config["LANGUAGES"])
    subscription, delivery = _delivery(subscription_id, delivery_id)
    return _delivery_page(subscription, delivery)


@bp.post("/webhooks/<int(max=2147483647):subscription_id>/deliveries/<int(max=9007199254740991):delivery_id>/retry")
@require_role(Role.ADMIN)
def webhook_retry(subscription_id: int, delivery_id: int):
    """Give a failed delivery a fresh set of attempts, the first at the next run."""
    use_language(current_app.config["LANGUAGES"])
    subscription, delivery = _delivery(subscription_id, delivery_id)
    if not ButtonForm().validate_on_submit():
        return _delivery_page(subscription, delivery, problems=[str(OUT_OF_DATE)], status=400)
    if not retry_delivery(db.session, delivery, utcnow()):
        db.session.rollback()
        problem = _(
            "Only a failed delivery can be retried; this one is “%(state)s”.", state=STATE_NAMES[delivery.state]
        )
        return _delivery_page(subscription, delivery, problems=[problem], status=409)
    summary = {"url": subscription.url, "delivery": delivery_id}
    audit.record(db.session, "webhook.retried", current_user, subscription_id, summary=summary)
    db.session.commit()
    flash(_("The delivery will be tried again at the next run of “flask loop deliver”."), "success")
    return redirect(url_for("admin.webhook_delivery", subscription_id=subscription_id, delivery_id=delivery_id), 303)


def _subscription(subscription_id: int) -> WebhookSubscription:
    """The subscription, or 404."""
    return db.session.get(WebhookSubscription, subscription_id) or abort(404)


def _delivery(subscription_id: int, delivery_id: int) -> tuple[WebhookSubscription, WebhookDelivery]:
    """The subscription and one of its deliveries, or 404."""
    subscription = _subscription(subscription_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        abort(404)
    return subscription, delivery


def _page(subscription: WebhookSubscription, *, delete_form=None, problems=(), status: int = 200):
    """A subscription's page, with ``problems`` shown at the top."""
    state = request.args.get("state", "")
    state = state if state in STATE_NAMES else ""
    page = render_template(
        "admin/webhook.html",
        subscription=subscription,
        log=delivery_log(db.session, subscription.id, state or None),
        limit=LOG_LIMIT,
        state=state,
        states=STATE_NAMES,
        events=EVENT_NAMES,
        button_form=ButtonForm(formdata=None),
        delete_form=delete_form or DeleteForm(formdata=None),
        problems=problems,
    )
    return page, status, NO_STORE


def _delivery_page(subscription, delivery: WebhookDelivery, *, problems=(), status: int = 200):
    """A delivery's page: the body as sent, the attempts, and the retry button when it failed."""
    body = json.dumps(json.loads(event_body(delivery.event)), ensure_ascii=False, indent=2)
    page = render_template(
        "admin/webhook_delivery.html",
        subscription=subscription,
        delivery=delivery,
        event=delivery.event,
        body=body,
        attempts=attempts_of(db.session, delivery.id),
        states=STATE_NAMES,
        events=EVENT_NAMES,
        button_form=ButtonForm(formdata=None),
        problems=problems,
    )
    return page, status, NO_STORE
