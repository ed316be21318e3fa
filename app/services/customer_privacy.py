"""A customer's data on request: everything held about them as JSON, and erasing what identifies them.

Erasing keeps the customer's row as an anonymous tombstone and keeps every response with its numeric
answers, choices and segment snapshot, so no statistic changes; what could identify the person goes: name,
e-mail, phone, external id, representative, exact dates and value, free-text answers, notes on their cases,
and the stored API replies that carried their answers. Open invitations stop working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    CaseEvent,
    Customer,
    FollowUpCase,
    IdempotencyKey,
    Invitation,
    Question,
    Response,
    ResponseSegment,
    Survey,
)

PROFILE_FIELDS = (
    "id", "external_id", "name", "email", "phone", "region", "industry", "customer_since", "last_purchase",
    "annual_value", "tier", "tier_given", "lifecycle", "lifecycle_given", "extra", "representative",
    "opted_out_at", "erased_at", "created_at", "updated_at",
)  # fmt: skip
ERASED_NAME = "Erased customer"
CLEARED_FIELDS = ("email", "phone", "representative", "customer_since", "last_purchase", "annual_value")


class UnknownCustomer(LookupError):
    """No customer has that id."""


class AlreadyErased(ValueError):
    """The customer's personal data was erased before."""


@dataclass(frozen=True)
class ErasureReport:
    """What erasing a customer removed and kept."""

    customer_id: int
    responses_kept: int
    text_answers_removed: int
    case_notes_removed: int
    invitations_closed: int

    def counts(self) -> dict[str, int]:
        """The counts an erasure's audit entry keeps (nothing about who the customer was)."""
        return {
            "responses_kept": self.responses_kept,
            "text_answers_removed": self.text_answers_removed,
            "case_notes_removed": self.case_notes_removed,
            "invitations_closed": self.invitations_closed,
        }


def find_customer(session: Session, customer_id: int) -> Customer:
    """The customer with ``customer_id``, or UnknownCustomer."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    return customer


def export_customer(session: Session, customer_id: int) -> dict[str, Any]:
    """Everything held about the customer: profile, invitations, responses with answers and segments, cases."""
    customer = find_customer(session, customer_id)
    response_ids = _response_ids(session, customer.id)
    return {
        "format": "touchloop-customer-export/1",
        "profile": {name: _plain(getattr(customer, name)) for name in PROFILE_FIELDS},
        "invitations": _invitations(session, customer.id),
        "responses": _responses(session, response_ids),
        "cases": _cases(session, customer.id),
    }


def erase_customer(session: Session, customer_id: int, *, now: datetime) -> ErasureReport:
    """Erase what identifies the customer, keeping their responses anonymised; the caller commits."""
    customer = find_customer(session, customer_id)
    if customer.erased_at is not None:
        raise AlreadyErased(customer_id)
    response_ids = _response_ids(session, customer.id)
    texts = session.execute(
        sa.delete(Answer).where(Answer.response_id.in_(response_ids), Answer.text.is_not(None))
    ).rowcount
    case_ids = sa.select(FollowUpCase.id).where(FollowUpCase.customer_id == customer.id)
    notes = session.execute(
        sa.update(CaseEvent).where(CaseEvent.case_id.in_(case_ids), CaseEvent.note.is_not(None)).values(note=None)
    ).rowcount
    locations = [f"/api/v1/responses/{response_id}" for response_id in response_ids]
    if locations:
        session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.location.in_(locations)))
    closed = session.execute(
        sa.update(Invitation)
        .where(Invitation.customer_id == customer.id, Invitation.expires_at > now)
        .where(Invitation.id.not_in(sa.select(Response.invitation_id).where(Response.invitation_id.is_not(None))))
        .values(expires_at=now)
    ).rowcount
    _tombstone(customer, now)
    session.flush()
    return ErasureReport(customer.id, len(response_ids), texts, notes, closed)


def _tombstone(customer: Customer, now: datetime) -> None:
    """Leave only the coarse segment codes the statistics group by, frozen so no reclassification moves them."""
    customer.external_id = f"erased-{customer.id}"
    customer.name = ERASED_NAME
    for name in CLEARED_FIELDS:
        setattr(customer, name, None)
    customer.tier_given, customer.lifecycle_given = customer.tier, customer.lifecycle
    customer.opted_out_at = customer.opted_out_at or now  # never invited again
    customer.erased_at = now


def _response_ids(session: Session, customer_id: int) -> list[int]:
    """The ids of the customer's responses, oldest first."""
    query = sa.select(Response.id).where(Response.customer_id == customer_id).order_by(Response.id)
    return list(session.scalars(query))


def _invitations(session: Session, customer_id: int) -> list[dict[str, Any]]:
    """Each personal invitation: which survey, and when it was made, sent, opened, reminded and expires."""
    query = (
        sa.select(Invitation, Survey.slug)
        .join(Survey, Survey.id == Invitation.survey_id)
        .where(Invitation.customer_id == customer_id)
        .order_by(Invitation.id)
    )
    fields = ("id", "batch_id", "created_at", "sent_at", "opened_at", "reminded_at", "expires_at")
    return [
        {"survey": slug, **{name: _plain(getattr(invitation, name)) for name in fields}}
        for invitation, slug in session.execute(query)
    ]


def _responses(session: Session, response_ids: list[int]) -> list[dict[str, Any]]:
    """Each response with its answers (by question code) and the segments it was counted under."""
    if not response_ids:
        return []
    answers: dict[int, list[dict]] = {}
    answer_query = (
        sa.select(Answer.response_id, Question.code, Answer.value, Answer.expected, Answer.choice, Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id.in_(response_ids))
        .order_by(Answer.response_id, Question.position, Answer.id)
    )
    for row in session.execute(answer_query):
        values = {"question": row.code, "value": row.value, "expected": row.expected, "choice": row.choice}
        answers.setdefault(row.response_id, []).append({**values, "text": row.text})
    segments: dict[int, dict[str, str]] = {}
    for row in session.scalars(sa.select(ResponseSegment).where(ResponseSegment.response_id.in_(response_ids))):
        segments.setdefault(row.response_id, {})[row.attribute] = row.value
    query = (
        sa.select(Response, Survey.slug)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.id.in_(response_ids))
        .order_by(Response.id)
    )
    fields = ("id", "invitation_id", "channel", "language", "started_at", "submitted_at")
    return [
        {"survey": slug, **{name: _plain(getattr(response, name)) for name in fields}}
        | {"answers": answers.get(response.id, []), "segments": segments.get(response.id, {})}
        for response, slug in session.execute(query)
    ]


def _cases(session: Session, customer_id: int) -> list[dict[str, Any]]:
    """Each follow-up case about the customer, with its timeline and notes."""
    cases = list(session.scalars(sa.select(FollowUpCase).where(FollowUpCase.customer_id == customer_id)))
    events: dict[int, list[dict]] = {}
    if cases:
        query = sa.select(CaseEvent).where(CaseEvent.case_id.in_([case.id for case in cases])).order_by(CaseEvent.id)
        for event in session.scalars(query):
            entry = {"at": _plain(event.at), "from": event.from_state, "to": event.to_state, "note": event.note}
            events.setdefault(event.case_id, []).append(entry)
    fields = ("id", "response_id", "rule_id", "title", "state", "root_cause", "deadline_at", "created_at", "closed_at")
    return [
        {name: _plain(getattr(case, name)) for name in fields} | {"events": events.get(case.id, [])} for case in cases
    ]


def _plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO 8601, decimals as strings."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
