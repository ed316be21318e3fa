"""What each event tells a receiver: the changed item as the JSON API shows it, plus the step for transitions.

Identifiers are the public ones (survey slug, touchpoint and department codes, a customer's external id), so a
receiver can look the item up with GET /api/v1/<items>/<id>; times are ISO 8601 in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.models import Customer, Department, FollowUpCase, Response, Suggestion, SuggestionEvent, Touchpoint, User
from app.services.invitation_delivery import as_utc
from touchloop.answers import GapAnswer


def response_data(
    response: Response, survey: str, touchpoint: str, customer: Customer | None, answers: Mapping
) -> dict:
    """A response.created payload: the stored response and its answers (as the API's responses give them)."""
    return {
        "response": {
            "id": response.id,
            "survey": survey,
            "survey_version_id": response.survey_version_id,
            "touchpoint": touchpoint,
            "channel": response.channel,
            "language": response.language,
            "customer": customer.external_id if customer is not None else None,
            "started_at": iso(response.started_at),
            "submitted_at": iso(response.submitted_at),
            "answers": {question_id: answer_json(value) for question_id, value in answers.items()},
        }
    }


def answer_json(value: Any) -> Any:
    """A checked answer in JSON: a gap as {"expected", "actual"}, a multiple choice as a list, else as it is."""
    if isinstance(value, GapAnswer):
        return {"expected": value.expected, "actual": value.actual}
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return value


def case_data(session: Session, case: FollowUpCase) -> dict:
    """A case.opened or case.closed payload: the case as the API's cases give it."""
    customer = session.get(Customer, case.customer_id) if case.customer_id else None
    department = session.get(Department, case.department_id) if case.department_id else None
    touchpoint = session.get(Touchpoint, case.touchpoint_id)
    return {
        "case": {
            "id": case.id,
            "title": dict(case.title or {}),
            "rule": case.rule_id,
            "state": str(case.state),
            "response_id": case.response_id,
            "customer": customer.external_id if customer else None,
            "touchpoint": touchpoint.code if touchpoint else None,
            "department": department.code if department else None,
            "assignee": person(session.get(User, case.assignee_id) if case.assignee_id else None),
            "deadline_at": iso(case.deadline_at),
            "root_cause": case.root_cause,
            "created_at": iso(case.created_at),
            "closed_at": iso(case.closed_at),
        }
    }


def suggestion_data(session: Session, suggestion: Suggestion, event: SuggestionEvent, actor: User) -> dict:
    """A suggestion.transitioned payload: the suggestion where it stands now, and the step that took it there."""
    touchpoint = session.get(Touchpoint, suggestion.touchpoint_id) if suggestion.touchpoint_id else None
    department = session.get(Department, suggestion.department_id) if suggestion.department_id else None
    return {
        "suggestion": {
            "id": suggestion.id,
            "title": suggestion.title,
            "state": str(suggestion.state),
            "submitter": person(session.get(User, suggestion.submitter_id)),
            "owner": person(session.get(User, suggestion.owner_id) if suggestion.owner_id else None),
            "department": department.code if department else None,
            "touchpoint": touchpoint.code if touchpoint else None,
            "due_date": iso(suggestion.due_date),
            "reason": suggestion.reason,
            "merged_into_id": suggestion.merged_into_id,
        },
        "transition": {
            "from_state": event.from_state and str(event.from_state),
            "to_state": str(event.to_state),
            "at": iso(event.at),
            "actor": person(actor),
            "note": event.note,
        },
    }


def ping_data(subscription_id: int, requested_by: User) -> dict:
    """A webhook.test payload: which subscription it checks and who asked."""
    return {"subscription_id": subscription_id, "requested_by": person(requested_by)}


def person(user: User | None) -> dict | None:
    """A user as ``{id, name}``, or None."""
    return {"id": user.id, "name": user.name} if user is not None else None


def iso(moment: datetime | date | None) -> str | None:
    """A time as ISO 8601 in UTC (a day as YYYY-MM-DD); None stays None."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return as_utc(moment).isoformat()
    return moment.isoformat()
