"""Invitation batches: who is asked, their personal links, and what customers do with them."""

from __future__ import annotations

import csv
import io
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Customer, Invitation, InvitationBatch, Response, Survey
from app.services.invitation_delivery import SendReport, as_utc, remind, send_batch
from app.services.links import external_url, invitation_link
from app.services.segments import checked_filter, customer_conditions, extra_filter, value_of
from touchloop.journey import Journey

__all__ = [  # sending lives in invitation_delivery; it is offered here with the rest
    "BatchError",
    "BatchResult",
    "SendReport",
    "create_batch",
    "csv_safe",
    "export_links_csv",
    "find_invitation",
    "invitation_link",
    "is_answered",
    "is_expired",
    "mark_opened",
    "opt_out",
    "remind",
    "send_batch",
]

SKIP_REASONS = ("opted_out", "no_email", "recently_invited")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class BatchError(ValueError):
    """A batch cannot be made as asked (unknown survey, attribute or value)."""


@dataclass(frozen=True)
class BatchResult:
    """The batch made (None when nobody was left to invite) and who was skipped, per reason."""

    batch_id: int | None
    created: int
    skipped: dict[str, int] = field(default_factory=dict)


def create_batch(
    session: Session,
    *,
    survey_slug: str,
    segment_filter: dict[str, list[str]],
    name: str,
    created_by_id: int | None,
    now: datetime,
    journey: Journey,
) -> BatchResult:
    """Invite the customers matching ``segment_filter`` to a survey, honouring opt-outs and contact frequency."""
    survey_id = session.scalar(sa.select(Survey.id).where(Survey.slug == survey_slug))
    if survey_id is None:
        raise BatchError(f"there is no survey '{survey_slug}'")
    try:
        wanted = checked_filter(journey, segment_filter)
    except ValueError as exc:
        raise BatchError(str(exc)) from exc
    if session.get_bind().dialect.name == "postgresql":
        # Batches made at the same moment must see each other's invitations (contact frequency).
        session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('touchloop.create_batch'))"))
    invite, skipped = _sort_out(session, journey, wanted, now)
    if not invite:
        return BatchResult(None, 0, skipped)
    contact = journey.contact
    batch = InvitationBatch(
        name=name,
        survey_id=survey_id,
        segment_filter=wanted,
        reminder_after_days=contact.reminder_after_days,
        expires_at=now + timedelta(days=contact.invitation_valid_days),
        created_by_id=created_by_id,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    _insert_invitations(session, batch, invite)
    return BatchResult(batch.id, len(invite), skipped)


def _insert_invitations(session: Session, batch: InvitationBatch, customer_ids: list[int]) -> None:
    """One invitation per customer, each with its own unguessable public id, in one bulk INSERT."""
    rows = [
        {
            "public_id": secrets.token_hex(16),
            "batch_id": batch.id,
            "customer_id": customer_id,
            "survey_id": batch.survey_id,
            "created_at": batch.created_at,
            "expires_at": batch.expires_at,
        }
        for customer_id in customer_ids
    ]
    session.execute(sa.insert(Invitation), rows)


def _sort_out(
    session: Session, journey: Journey, wanted: dict[str, list[str]], now: datetime
) -> tuple[list[int], dict[str, int]]:
    """The ids of the matching customers to invite, and how many were skipped for each reason."""
    extras = extra_filter(wanted)
    declared = {attribute.code: attribute for attribute in journey.segments}
    skipped: Counter[str] = Counter({reason: 0 for reason in SKIP_REASONS})
    invite = []
    for row in session.execute(_candidates(journey, wanted, now, with_extra=bool(extras))):
        if any(value_of(row, declared[code], now.date()) not in values for code, values in extras.items()):
            continue
        reason = _skip_reason(row)
        if reason:
            skipped[reason] += 1
        else:
            invite.append(row.id)
    return invite, dict(skipped)


def _candidates(journey: Journey, wanted: dict[str, list[str]], now: datetime, *, with_extra: bool) -> sa.Select:
    """Customers matching the column and years parts of the filter, with what decides skipping."""
    days = journey.contact.min_days_between_invitations
    recent = (
        sa.exists().where(Invitation.customer_id == Customer.id, Invitation.created_at > now - timedelta(days=days))
        if days
        else sa.literal(False)
    )
    columns = [Customer.id, Customer.email, Customer.opted_out_at, recent.label("recently_invited")]
    if with_extra:
        columns.append(Customer.extra)
    return sa.select(*columns).where(*customer_conditions(journey, wanted, now.date())).order_by(Customer.id)


def _skip_reason(row) -> str | None:
    """Why a matching customer is not invited, if they are not."""
    if row.opted_out_at is not None:
        return "opted_out"
    if not (row.email or "").strip():
        return "no_email"
    if row.recently_invited:
        return "recently_invited"
    return None


def export_links_csv(session: Session, batch_id: int, external_base_url: str | None = None) -> str:
    """The batch's personal links as CSV (external_id, name, email, link), safe to open in a spreadsheet."""
    base = external_base_url or external_url()
    rows = session.execute(
        sa.select(Customer.external_id, Customer.name, Customer.email, Invitation.public_id)
        .join(Customer, Customer.id == Invitation.customer_id)
        .where(Invitation.batch_id == batch_id)
        .order_by(Invitation.id)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "name", "email", "link"])
    for row in rows:
        cells = (row.external_id, row.name, row.email, invitation_link(row, base))
        writer.writerow([csv_safe(cell) for cell in cells])
    return out.getvalue()


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (a leading = + - @ tab or CR gets a ')."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def find_invitation(session: Session, public_id: str | None) -> Invitation | None:
    """The invitation with this public id, if any."""
    if not public_id:
        return None
    return session.scalar(sa.select(Invitation).where(Invitation.public_id == public_id))


def is_answered(session: Session, invitation_id: int) -> bool:
    """True once the invitation has its (one) response."""
    return session.scalar(sa.select(Response.id).where(Response.invitation_id == invitation_id)) is not None


def is_expired(invitation: Invitation, now: datetime) -> bool:
    """True once the invitation's link has stopped working."""
    return as_utc(invitation.expires_at) <= now


def mark_opened(session: Session, invitation_id: int, now: datetime) -> None:
    """Record the first time the personal link was opened (later opens change nothing)."""
    session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
        .values(opened_at=now)
        .execution_options(synchronize_session=False)
    )


def opt_out(session: Session, customer_id: int, now: datetime) -> None:
    """Stop survey e-mails to a customer (the first opt-out time is kept)."""
    session.execute(
        sa.update(Customer)
        .where(Customer.id == customer_id, Customer.opted_out_at.is_(None))
        .values(opted_out_at=now)
        .execution_options(synchronize_session=False)
    )
