"""The forms of the suggestion pages, and the names of the states in the page language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from touchloop.suggestion_flow import State

STATE_NAMES = {
    State.SUBMITTED: _l("Submitted"),
    State.UNDER_REVIEW: _l("Under review"),
    State.ACCEPTED: _l("Accepted"),
    State.IN_PROGRESS: _l("In progress"),
    State.IMPLEMENTED: _l("Implemented"),
    State.VERIFIED: _l("Verified"),
    State.CLOSED: _l("Closed"),
    State.REJECTED: _l("Rejected"),
    State.DUPLICATE: _l("Duplicate"),
    State.DEFERRED: _l("Deferred"),
}


def state_name(state: str) -> str:
    """The name of a suggestion state in the page language (the code itself if unknown)."""
    return str(STATE_NAMES.get(state, state))


def _optional_id(value):
    """An empty select option as None, else the chosen id."""
    return int(value) if value not in (None, "", "None") else None


def _clean(text):
    """Text without surrounding spaces (None stays None)."""
    return text.strip() if isinstance(text, str) else text


class SuggestionForm(FlaskForm):
    """A new suggestion: short enough to fill in on a phone in under a minute."""

    title = StringField(_l("Title"), filters=[_clean], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("What should change, and why?"), filters=[_clean], validators=[DataRequired(), Length(max=5000)]
    )
    touchpoint = SelectField(_l("Touchpoint (optional)"), coerce=_optional_id, validate_choice=True)
    dimension = SelectField(_l("Dimension (optional)"), coerce=_optional_id, validate_choice=True)
    expected_benefit = TextAreaField(
        _l("Expected benefit (optional)"), filters=[_clean], validators=[Optional(), Length(max=2000)]
    )
    evidence = StringField(
        _l("Evidence (optional)"),
        description=_l("What it rests on, separated by commas: case 12, response 345, gap installation/convenience"),
        filters=[_clean],
        validators=[Optional(), Length(max=1000)],
    )


class ActionForm(FlaskForm):
    """One step on a suggestion; which fields matter depends on the step."""

    target = HiddenField(validators=[InputRequired()])
    expected_version = IntegerField(validators=[InputRequired()])
    owner_id = SelectField(_l("Owner"), coerce=_optional_id, validate_choice=False)
    due_date = DateField(_l("Due date"), validators=[Optional()])
    merge_into_id = IntegerField(
        _l("Number of the original suggestion"), validators=[Optional(), NumberRange(min=1, max=2147483647)]
    )
    note = TextAreaField(_l("Note"), filters=[_clean], validators=[Optional(), Length(max=5000)])
