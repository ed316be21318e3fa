"""Invitations: a batch for the customers of a segment (with the page's contact rules), and their personal links."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.api.auth import current_api_user
from app.api.blueprint import ApiBlueprint
from app.api.problems import Problem, invalid
from app.api.v1.fields import FullMatch, UtcDateTime
from app.api.v1.paging import PageArgs, fetch_page, page_schema
from app.extensions import db
from app.models import Customer, Invitation, Response, Survey
from app.models.types import utcnow
from app.services import audit
from app.services.invitations import BatchError, create_batch, invitation_link
from app.services.journey import current_journey
from app.services.links import external_url
from touchloop.checks import SLUG_RE

blp = ApiBlueprint("invitations", __name__, url_prefix="/api/v1/invitations", description="Personal invitations")


class NewBatchSchema(ma.Schema):
    """Whom to invite to which survey."""

    survey = ma.fields.String(required=True, validate=FullMatch(SLUG_RE.pattern))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    segments = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        values=ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=40)), required=True),
        load_default=dict,
        metadata={"description": "Segment attribute -> values; customers matching all are invited. {}: everyone"},
    )


class BatchResultSchema(ma.Schema):
    """The batch made (null when nobody could be invited) and who was left out, per reason."""

    batch_id = ma.fields.Integer(allow_none=True, required=True)
    created = ma.fields.Integer(required=True)
    skipped = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)


class InvitationSchema(ma.Schema):
    """One personal invitation with its link."""

    id = ma.fields.Integer(required=True)
    batch_id = ma.fields.Integer(allow_none=True, required=True)
    survey = ma.fields.String(required=True)
    customer = ma.fields.String(required=True, metadata={"description": "The customer's external id"})
    link = ma.fields.String(required=True, metadata={"description": "The personal survey link"})
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True)
    sent_at = UtcDateTime(allow_none=True, required=True)
    opened_at = UtcDateTime(allow_none=True, required=True)
    answered = ma.fields.Boolean(required=True)


class InvitationFilterArgs(PageArgs):
    """Which invitations to list."""

    batch = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2147483647))
    survey = ma.fields.String(validate=ma.validate.Length(max=40))
    customer = ma.fields.String(validate=ma.validate.Length(max=64), metadata={"description": "External id"})


@blp.route("", methods=["POST"])
@blp.scope("invitations:write")
@blp.idempotent
@blp.arguments(NewBatchSchema)
@blp.response(201, BatchResultSchema, description="The batch was made")
@blp.alt_response(200, schema=BatchResultSchema, description="Nobody could be invited; no batch", success=True)
def create_invitations(body: dict):
    """Invite the customers of a segment, skipping those opted out, without e-mail or asked too recently."""
    journey = current_journey(db.session)
    if journey is None:
        raise Problem(409, detail=_("Load the journey and surveys first (flask surveys load)."))
    if db.session.scalar(sa.select(Survey.id).where(Survey.slug == body["survey"])) is None:
        raise invalid(_("There is no survey '%(slug)s'.", slug=body["survey"]), "survey")
    try:
        result = create_batch(
            db.session,
            survey_slug=body["survey"],
            segment_filter=body["segments"],
            name=body["name"].strip() or body["survey"],
            created_by_id=current_api_user().id,
            now=utcnow(),
            journey=journey,
        )
    except BatchError as exc:
        db.session.rollback()
        raise invalid(str(exc), "segments")
    if result.batch_id is not None:
        summary = {"via": "api", "name": body["name"].strip() or body["survey"], "survey": body["survey"]}
        summary |= {"segments": body["segments"], "invited": result.created, "skipped": result.skipped}
        audit.record(db.session, "batch.created", current_api_user(), result.batch_id, summary=summary)
    db.session.commit()
    payload = {"batch_id": result.batch_id, "created": result.created, "skipped": result.skipped}
    if result.batch_id is None:
        return payload, 200
    return payload, 201, {"Location": url_for("api_invitations.list_invitations", batch=result.batch_id)}


@blp.route("")
@blp.scope("invitations:write")
@blp.arguments(InvitationFilterArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_schema(InvitationSchema, "InvitationPage"))
def list_invitations(args: dict):
    """List invitations with their personal links, by id; filter by batch, survey or customer."""
    answered = sa.exists().where(Response.invitation_id == Invitation.id)
    query = (
        sa.select(Invitation, Survey.slug, Customer.external_id, answered.label("answered"))
        .join(Survey, Survey.id == Invitation.survey_id)
        .join(Customer, Customer.id == Invitation.customer_id)
    )
    if args.get("batch"):
        query = query.where(Invitation.batch_id == args["batch"])
    if args.get("survey"):
        query = query.where(Survey.slug == args["survey"])
    if args.get("customer"):
        query = query.where(Customer.external_id == args["customer"])
    rows, next_cursor = fetch_page(query, Invitation.id, args, "invitations")
    base = external_url()
    items = [
        {
            "id": invitation.id,
            "batch_id": invitation.batch_id,
            "survey": slug,
            "customer": external_id,
            "link": invitation_link(invitation, base),
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
            "sent_at": invitation.sent_at,
            "opened_at": invitation.opened_at,
            "answered": bool(is_answered),
        }
        for invitation, slug, external_id, is_answered in rows
    ]
    return {"items": items, "next_cursor": next_cursor}
