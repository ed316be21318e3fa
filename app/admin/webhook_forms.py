"""The forms of the webhook pages, and the names of the event types and delivery states in the page language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, URLField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from app.refusals import say_refusal
from app.services.webhooks.subscriptions import DESCRIPTION_MAX_LENGTH
from touchloop.text import printable
from touchloop.webhooks import (
    CASE_CLOSED,
    CASE_OPENED,
    EVENT_TYPES,
    RESPONSE_CREATED,
    SUGGESTION_TRANSITIONED,
    TEST_EVENT,
    url_problem,
)

EVENT_NAMES = {
    RESPONSE_CREATED: _l("A customer's response was stored (survey page, invitation or API)"),
    CASE_OPENED: _l("A follow-up case was opened"),
    CASE_CLOSED: _l("A follow-up case was closed"),
    SUGGESTION_TRANSITIONED: _l("A suggestion moved to another state"),
    TEST_EVENT: _l("Test event"),
}
STATE_NAMES = {"pending": _l("Waiting to be sent"), "delivered": _l("Delivered"), "failed": _l("Failed")}


class CheckboxesField(SelectMultipleField):
    """Several choices, shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _trimmed(text):
    """Typed text without control characters and surrounding spaces (None stays None)."""
    return printable(text).strip() if isinstance(text, str) else text


def _receivable(form, field) -> None:
    """The address can receive events (the same rules the service applies), said in the page language."""
    problem = url_problem(field.data or "")
    if problem is not None:
        raise FieldError(say_refusal(problem, str))


class SubscriptionForm(FlaskForm):
    """A new subscription: where to send, a note to recognise it by, and which events."""

    url = URLField(
        _l("Receiving address (URL)"),
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[DataRequired(_l("Give the address that should receive the events.")), _receivable],
    )
    description = StringField(
        _l("Description (e.g. the system that receives them)"),
        filters=[_trimmed],
        validators=[Optional(), Length(max=DESCRIPTION_MAX_LENGTH)],
    )
    events = CheckboxesField(
        _l("Events to send"),
        choices=lambda: [(event, EVENT_NAMES[event]) for event in EVENT_TYPES],
        validators=[DataRequired(_l("Choose at least one."))],
    )


class DeleteForm(FlaskForm):
    """Deleting a subscription: the admin ticks that the log goes with it."""

    confirm = BooleanField(
        _l("Yes, delete it with its delivery log"),
        validators=[DataRequired(_l("Tick the box to confirm the deletion."))],
    )


class ButtonForm(FlaskForm):
    """A button that only needs the CSRF token (switch on or off, send a test event, retry)."""
