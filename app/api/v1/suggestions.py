"""Suggestions: list (what the user may see), one with its timeline, and a step — with the pages' rules and roles."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _

from app.api.auth import current_api_user
from app.api.blueprint import ApiBlueprint
from app.api.problems import Problem
from app.api.v1.fields import UtcDateTime
from app.api.v1.paging import PageArgs, fetch_page, page_schema
from app.api.v1.steps import (
    ETAG_HEADER,
    PersonSchema,
    RefusedSchema,
    changed_meanwhile,
    etag,
    expected_version,
    person,
    refused,
)
from app.extensions import db
from app.models import Department, Dimension, Role, Suggestion, SuggestionEvidence, SuggestionFollower, Touchpoint, User
from app.models.types import utcnow
from app.services.suggestion_details import actions_for, can_view, timeline_entries
from app.services.suggestions import ChangedMeanwhile, TransitionRefused, advance_suggestion
from app.suggestions.forms import state_name
from touchloop.suggestion_flow import State, is_overdue

blp = ApiBlueprint("suggestions", __name__, url_prefix="/api/v1/suggestions", description="Improvement suggestions")
STATES = [state.value for state in State]


class SuggestionSchema(ma.Schema):
    """A suggestion and where it stands."""

    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    expected_benefit = ma.fields.String(allow_none=True)
    state = ma.fields.String(required=True, metadata={"enum": STATES})
    submitter = ma.fields.Nested(PersonSchema, required=True)
    owner = ma.fields.Nested(PersonSchema, allow_none=True, required=True)
    department = ma.fields.String(allow_none=True, required=True)
    touchpoint = ma.fields.String(allow_none=True, required=True)
    dimension = ma.fields.String(allow_none=True, required=True)
    due_date = ma.fields.Date(allow_none=True, required=True)
    overdue = ma.fields.Boolean(required=True)
    reason = ma.fields.String(allow_none=True, metadata={"description": "Why it was rejected, declined or deferred"})
    merged_into_id = ma.fields.Integer(allow_none=True)
    origin_case_id = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(allow_none=True)
    version = ma.fields.Integer(required=True, metadata={"description": "Send as If-Match with a step"})


class SuggestionEventSchema(ma.Schema):
    """One recorded step."""

    at = UtcDateTime(required=True)
    actor = ma.fields.String(allow_none=True, required=True)
    from_state = ma.fields.String(allow_none=True, required=True)
    to_state = ma.fields.String(required=True)
    note = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()


class EvidenceSchema(ma.Schema):
    """What the suggestion rests on."""

    kind = ma.fields.String(required=True)
    reference = ma.fields.String(required=True)
    note = ma.fields.String(allow_none=True)


class AllowedTransitionSchema(ma.Schema):
    """A step this user may take now, and what it needs."""

    target = ma.fields.String(required=True)
    needs = ma.fields.List(ma.fields.String(), required=True)


class SuggestionDetailSchema(SuggestionSchema):
    """A suggestion with its timeline, evidence and the steps open to this user."""

    timeline = ma.fields.List(ma.fields.Nested(SuggestionEventSchema), required=True)
    evidence = ma.fields.List(ma.fields.Nested(EvidenceSchema), required=True)
    allowed_transitions = ma.fields.List(ma.fields.Nested(AllowedTransitionSchema), required=True)


class SuggestionFilterArgs(PageArgs):
    """Which suggestions to list."""

    state = ma.fields.String(validate=ma.validate.OneOf(STATES))
    department = ma.fields.String(validate=ma.validate.Length(max=40), metadata={"description": "Department code"})
    touchpoint = ma.fields.String(validate=ma.validate.Length(max=40), metadata={"description": "Touchpoint code"})
    owner = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2147483647), metadata={"description": "User id"})


class SuggestionTransitionArgs(ma.Schema):
    """A step: the target state, and what that step needs (the allowed_transitions of the suggestion say which)."""

    target = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    note = ma.fields.String(validate=ma.validate.Length(max=5000), allow_none=True)
    owner_id = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=2147483647), allow_none=True)
    due_date = ma.fields.Date(allow_none=True)
    merge_into_id = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=2147483647), allow_none=True)
    expected_version = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=2147483647))


@blp.route("")
@blp.scope("suggestions:read")
@blp.arguments(SuggestionFilterArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_schema(SuggestionSchema, "SuggestionPage"))
def list_suggestions(args: dict):
    """List the suggestions this user may see (submitted, owned or followed; representatives and managers: all)."""
    user = current_api_user()
    department_id = sa.func.coalesce(Suggestion.department_id, Touchpoint.department_id)
    query = sa.select(Suggestion).outerjoin(Touchpoint, Touchpoint.id == Suggestion.touchpoint_id)
    if not user.has_role(Role.REPRESENTATIVE, Role.MANAGER):
        # As on the pages: what they submitted, own, or follow (an original their duplicate was merged into).
        follows = sa.exists().where(
            SuggestionFollower.suggestion_id == Suggestion.id, SuggestionFollower.user_id == user.id
        )
        query = query.where(sa.or_(Suggestion.submitter_id == user.id, Suggestion.owner_id == user.id, follows))
    if args.get("state"):
        query = query.where(Suggestion.state == args["state"])
    if args.get("department"):
        query = query.where(
            department_id == sa.select(Department.id).where(Department.code == args["department"]).scalar_subquery()
        )
    if args.get("touchpoint"):
        query = query.where(Touchpoint.code == args["touchpoint"])
    if args.get("owner"):
        query = query.where(Suggestion.owner_id == args["owner"])
    rows, next_cursor = fetch_page(query, Suggestion.id, args, "suggestions")
    return {"items": [suggestion_json(row[0]) for row in rows], "next_cursor": next_cursor}


@blp.route("/<int(max=2147483647):suggestion_id>")
@blp.scope("suggestions:read")
@blp.response(200, SuggestionDetailSchema, headers=ETAG_HEADER)
def get_suggestion(suggestion_id: int):
    """Get a suggestion with its timeline, evidence and the steps this user may take."""
    suggestion = _visible(suggestion_id)
    return _detail(suggestion), 200, etag(suggestion.version)


@blp.route("/<int(max=2147483647):suggestion_id>/transitions", methods=["POST"])
@blp.scope("suggestions:write")
@blp.idempotent
@blp.arguments(SuggestionTransitionArgs)
@blp.response(200, SuggestionDetailSchema, headers=ETAG_HEADER)
@blp.alt_response(422, schema=RefusedSchema, content_type="application/problem+json", description="Step refused")
@blp.alt_response(409, content_type="application/problem+json", description="Changed by someone else meanwhile")
def transition_suggestion(body: dict, suggestion_id: int):
    """Move a suggestion to another state, as on its page; send If-Match with the version you saw."""
    _visible(suggestion_id)
    version = expected_version(body)
    try:
        suggestion = advance_suggestion(
            db.session,
            suggestion_id,
            body["target"],
            actor=current_api_user(),
            note=body.get("note"),
            owner_id=body.get("owner_id"),
            due_date=body.get("due_date"),
            merge_into_id=body.get("merge_into_id"),
            expected_version=version,
        )
    except TransitionRefused as exc:
        db.session.rollback()
        raise refused(exc.reasons, state_name) from None
    except ChangedMeanwhile as exc:
        db.session.rollback()
        raise changed_meanwhile(exc.state, db.session.get(Suggestion, suggestion_id).version) from None
    db.session.commit()
    return _detail(suggestion), 200, etag(suggestion.version)


def _visible(suggestion_id: int) -> Suggestion:
    """The suggestion, if this user may see it (404 / 403 otherwise, as on the pages)."""
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise Problem(404, detail=_("There is no suggestion #%(id)d.", id=suggestion_id))
    if not can_view(current_api_user(), suggestion):
        raise Problem(403, detail=_("Only its submitter, its owner, representatives and managers may see it."))
    return suggestion


_PLAIN = (  # the attributes given as they are
    "id", "title", "description", "expected_benefit", "state", "due_date", "reason", "merged_into_id",
    "origin_case_id", "created_at", "updated_at", "closed_at", "version",
)  # fmt: skip


def suggestion_json(suggestion: Suggestion) -> dict:
    """A suggestion as the API gives it."""
    department_id = suggestion.department_id
    touchpoint = db.session.get(Touchpoint, suggestion.touchpoint_id) if suggestion.touchpoint_id else None
    if department_id is None and touchpoint is not None:
        department_id = touchpoint.department_id
    department = db.session.get(Department, department_id) if department_id else None
    dimension = db.session.get(Dimension, suggestion.dimension_id) if suggestion.dimension_id else None
    return {
        **{name: getattr(suggestion, name) for name in _PLAIN},
        "submitter": person(db.session.get(User, suggestion.submitter_id)),
        "owner": person(db.session.get(User, suggestion.owner_id) if suggestion.owner_id else None),
        "department": department.code if department else None,
        "touchpoint": touchpoint.code if touchpoint else None,
        "dimension": dimension.code if dimension else None,
        "overdue": is_overdue(suggestion.state, suggestion.due_date, utcnow().date()),
    }


def _detail(suggestion: Suggestion) -> dict:
    """A suggestion with its timeline, evidence and this user's possible steps."""
    evidence = db.session.scalars(
        sa.select(SuggestionEvidence)
        .where(SuggestionEvidence.suggestion_id == suggestion.id)
        .order_by(SuggestionEvidence.id)
    )
    return {
        **suggestion_json(suggestion),
        "timeline": [
            {
                "at": e.at,
                "actor": e.actor_name,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
                "details": e.details,
            }
            for e in timeline_entries(db.session, suggestion.id)
        ],
        "evidence": [{"kind": item.kind, "reference": item.reference, "note": item.note} for item in evidence],
        "allowed_transitions": [
            {"target": str(action.target), "needs": _needs(action)}
            for action in actions_for(current_api_user(), suggestion)
        ],
    }


def _needs(action) -> list[str]:
    """What a step needs besides the target: owner_id and due_date, note, merge_into_id."""
    needs = []
    if action.needs_owner:
        needs += ["owner_id", "due_date"]
    if action.needs_reason:
        needs.append("note")
    if action.needs_merge_target:
        needs.append("merge_into_id")
    return needs
