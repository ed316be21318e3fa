"""Follow-up cases: list (those the user may see), one with its timeline, and a step, with the pages' rules."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _

from app.api.auth import current_api_user
from app.api.blueprint import ApiBlueprint
from app.api.problems import Problem
from app.api.v1.fields import UtcDateTime, texts
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
from app.cases.states import state_name
from app.extensions import db
from app.models import Customer, Department, FollowUpCase, Role, Touchpoint, User
from app.models.types import utcnow
from app.services.case_views import case_view, may_see
from app.services.cases import CaseChangedMeanwhile, CaseTransitionRefused, advance_case
from touchloop.case_flow import OPEN_STATES, CaseState

blp = ApiBlueprint("cases", __name__, url_prefix="/api/v1/cases", description="Follow-up cases")
STATES = [state.value for state in CaseState]


class CaseSchema(ma.Schema):
    """A follow-up case and where it stands."""

    id = ma.fields.Integer(required=True)
    title = texts(required=True)
    rule = ma.fields.String(required=True, metadata={"description": "The survey's follow-up rule that opened it"})
    state = ma.fields.String(required=True, metadata={"enum": STATES})
    response_id = ma.fields.Integer(required=True)
    customer = ma.fields.String(allow_none=True, required=True, metadata={"description": "External id"})
    touchpoint = ma.fields.String(required=True)
    department = ma.fields.String(allow_none=True, required=True)
    assignee = ma.fields.Nested(PersonSchema, allow_none=True, required=True)
    deadline_at = UtcDateTime(required=True)
    overdue = ma.fields.Boolean(required=True)
    root_cause = ma.fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(allow_none=True)
    version = ma.fields.Integer(required=True, metadata={"description": "Send as If-Match with a step"})


class CaseEventSchema(ma.Schema):
    """One recorded step of a case."""

    at = UtcDateTime(required=True)
    actor = ma.fields.String(allow_none=True, required=True)
    from_state = ma.fields.String(allow_none=True, required=True)
    to_state = ma.fields.String(required=True)
    note = ma.fields.String(allow_none=True)
    root_cause = ma.fields.String(allow_none=True)


class CaseDetailSchema(CaseSchema):
    """A case with its timeline, the states this user may move it to, and the suggestions it grew."""

    timeline = ma.fields.List(ma.fields.Nested(CaseEventSchema), required=True)
    allowed_transitions = ma.fields.List(ma.fields.String(), required=True)
    suggestions = ma.fields.List(ma.fields.Integer(), required=True)


class CaseFilterArgs(PageArgs):
    """Which cases to list."""

    state = ma.fields.String(validate=ma.validate.OneOf(STATES))
    department = ma.fields.String(validate=ma.validate.Length(max=40), metadata={"description": "Department code"})
    touchpoint = ma.fields.String(validate=ma.validate.Length(max=40), metadata={"description": "Touchpoint code"})
    assignee = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2147483647), metadata={"description": "User id"})


class CaseTransitionArgs(ma.Schema):
    """A step: the target state; resolving needs a root cause and a note, reopening a note (the reason)."""

    target = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    note = ma.fields.String(validate=ma.validate.Length(max=5000), allow_none=True)
    root_cause = ma.fields.String(validate=ma.validate.Length(max=40), allow_none=True)
    expected_version = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=2147483647))


@blp.route("")
@blp.scope("cases:read")
@blp.arguments(CaseFilterArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_schema(CaseSchema, "CasePage"))
def list_cases(args: dict):
    """List the cases this user may see (an owner: their department's and their own), by id."""
    user = current_api_user()
    query = sa.select(FollowUpCase)
    if user.role == Role.OWNER:
        query = query.where(
            sa.or_(FollowUpCase.department_id == user.department_id, FollowUpCase.assignee_id == user.id)
        )
    if args.get("state"):
        query = query.where(FollowUpCase.state == args["state"])
    if args.get("department"):
        department = sa.select(Department.id).where(Department.code == args["department"]).scalar_subquery()
        query = query.where(FollowUpCase.department_id == department)
    if args.get("touchpoint"):
        touchpoint = sa.select(Touchpoint.id).where(Touchpoint.code == args["touchpoint"]).scalar_subquery()
        query = query.where(FollowUpCase.touchpoint_id == touchpoint)
    if args.get("assignee"):
        query = query.where(FollowUpCase.assignee_id == args["assignee"])
    rows, next_cursor = fetch_page(query, FollowUpCase.id, args, "cases")
    return {"items": [case_json(row[0]) for row in rows], "next_cursor": next_cursor}


@blp.route("/<int(max=2147483647):case_id>")
@blp.scope("cases:read")
@blp.response(200, CaseDetailSchema, headers=ETAG_HEADER)
def get_case(case_id: int):
    """Get a case with its timeline and the states this user may move it to."""
    found = _visible(case_id)
    return _detail(found), 200, etag(found.version)


@blp.route("/<int(max=2147483647):case_id>/transitions", methods=["POST"])
@blp.scope("cases:write")
@blp.idempotent
@blp.arguments(CaseTransitionArgs)
@blp.response(200, CaseDetailSchema, headers=ETAG_HEADER)
@blp.alt_response(422, schema=RefusedSchema, content_type="application/problem+json", description="Step refused")
@blp.alt_response(409, content_type="application/problem+json", description="Changed by someone else meanwhile")
def transition_case(body: dict, case_id: int):
    """Move a case to another state, as on its page; send If-Match with the version you saw."""
    _visible(case_id)
    version = expected_version(body)
    try:
        found = advance_case(
            db.session,
            case_id,
            body["target"],
            actor=current_api_user(),
            note=body.get("note"),
            root_cause=body.get("root_cause"),
            expected_version=version,
        )
    except CaseTransitionRefused as exc:
        db.session.rollback()
        raise refused(exc.reasons, state_name) from None
    except CaseChangedMeanwhile as exc:
        db.session.rollback()
        raise changed_meanwhile(exc.state, db.session.get(FollowUpCase, case_id).version) from None
    db.session.commit()
    return _detail(found), 200, etag(found.version)


def _visible(case_id: int) -> FollowUpCase:
    """The case, if this user has a role for it (404 / 403 otherwise, as on the pages)."""
    found = db.session.get(FollowUpCase, case_id)
    if found is None:
        raise Problem(404, detail=_("There is no case #%(id)d.", id=case_id))
    if not may_see(current_api_user(), found):
        raise Problem(403, detail=_("Only representatives, managers and the department's owners may see it."))
    return found


_PLAIN = (  # the attributes given as they are
    "id", "title", "state", "response_id", "deadline_at", "root_cause", "created_at", "updated_at", "closed_at",
    "version",
)  # fmt: skip


def case_json(found: FollowUpCase) -> dict:
    """A case as the API gives it."""
    department = db.session.get(Department, found.department_id) if found.department_id else None
    customer = db.session.get(Customer, found.customer_id) if found.customer_id else None
    now = utcnow()
    deadline = found.deadline_at if found.deadline_at.tzinfo else found.deadline_at.replace(tzinfo=now.tzinfo)
    return {
        **{name: getattr(found, name) for name in _PLAIN},
        "rule": found.rule_id,
        "customer": customer.external_id if customer else None,
        "touchpoint": db.session.get(Touchpoint, found.touchpoint_id).code,
        "department": department.code if department else None,
        "assignee": person(db.session.get(User, found.assignee_id) if found.assignee_id else None),
        "overdue": found.state in OPEN_STATES and deadline < now,
    }


def _detail(found: FollowUpCase) -> dict:
    """A case with its timeline, this user's possible steps and its suggestions."""
    view = case_view(db.session, found, current_api_user(), "en", utcnow())
    return {
        **case_json(found),
        "overdue": view.overdue,
        "timeline": [
            {
                "at": step.at,
                "actor": step.actor,
                "from_state": step.from_state,
                "to_state": step.to_state,
                "note": step.note,
                "root_cause": step.root_cause,
            }
            for step in view.timeline
        ],
        "allowed_transitions": [str(target) for target in view.targets],
        "suggestions": [suggestion.id for suggestion in view.suggestions],
    }
