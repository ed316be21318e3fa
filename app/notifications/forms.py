"""The inbox's forms, and the names of the notification kinds and of the ways to receive them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from touchloop.notifications import Delivery, Kind

KIND_NAMES = {
    Kind.ASSIGNED: _l("Assigned to me"),
    Kind.DUE_SOON: _l("Due soon"),
    Kind.OVERDUE: _l("Overdue (escalations)"),
    Kind.STATE_CHANGED: _l("State changes"),
}
KIND_HELP = {
    Kind.ASSIGNED: _l("A suggestion or a follow-up case is given to you."),
    Kind.DUE_SOON: _l("A suggestion or case you are responsible for is due soon."),
    Kind.OVERDUE: _l(
        "Something you own, your department's, or one you look after as representative is past its due date."
    ),
    Kind.STATE_CHANGED: _l("A suggestion you submitted, follow or own moves to another state."),
}
DELIVERY_NAMES = {
    Delivery.IMMEDIATE: _l("E-mail at once"),
    Delivery.DIGEST: _l("Daily digest e-mail"),
    Delivery.IN_APP: _l("Inbox only"),
    Delivery.OFF: _l("Off"),
}
_WAYS = [SelectChoice(delivery.value, label) for delivery, label in DELIVERY_NAMES.items()]


class MarkReadForm(FlaskForm):
    """Mark every notification read (the form is its CSRF token)."""


class SettingsForm(FlaskForm):
    """One choice per kind of notification, and the language of the e-mails."""

    assigned = RadioField(KIND_NAMES[Kind.ASSIGNED], choices=_WAYS, validators=[InputRequired()])
    due_soon = RadioField(KIND_NAMES[Kind.DUE_SOON], choices=_WAYS, validators=[InputRequired()])
    overdue = RadioField(KIND_NAMES[Kind.OVERDUE], choices=_WAYS, validators=[InputRequired()])
    state_changed = RadioField(KIND_NAMES[Kind.STATE_CHANGED], choices=_WAYS, validators=[InputRequired()])
    language = SelectField(_l("Language of my e-mails"), validators=[InputRequired()])

    def choices(self) -> dict[str, str]:
        """The chosen way for each kind."""
        return {kind.value: self[kind.value].data for kind in Kind}
