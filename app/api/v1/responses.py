"""Responses: submitted by kiosks and apps (checked and stored exactly as the public form does), listed, read."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

import marshmallow as ma
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.api.blueprint import ApiBlueprint
from app.api.idempotency import derived_key, idempotency_key
from app.api.problems import Problem, invalid
from app.api.v1.answers import checked_answers, stored_answers
from app.api.v1.fields import FullMatch, UtcDateTime
from app.api.v1.paging import PageArgs, fetch_page, page_schema
from app.extensions import db
from app.models import Customer, Response, Survey, Touchpoint
from app.public.submission import store_once
from app.services.definitions import LoadedVersion, current_version, loaded_version
from app.services.responses import ResponseMeta
from app.services.survey_links import SOURCE_RE
from touchloop.checks import SLUG_RE

blp = ApiBlueprint("responses", __name__, url_prefix="/api/v1/responses", description="Survey responses")
DEFAULT_CHANNEL = "api"


class NewResponseSchema(ma.Schema):
    """A customer's answers to a survey, as a kiosk or app sends them."""

    survey = ma.fields.String(required=True, validate=FullMatch(SLUG_RE.pattern), metadata={"description": "slug"})
    version_id = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=1, max=2147483647),
        metadata={"description": "The version shown to the customer; default: the newest"},
    )
    language = ma.fields.String(validate=ma.validate.Length(min=2, max=8), metadata={"description": "e.g. zh or en"})
    channel = ma.fields.String(
        validate=FullMatch(SOURCE_RE.pattern), metadata={"description": "Where it was given, e.g. kiosk-store-12"}
    )
    customer = ma.fields.String(
        validate=ma.validate.Length(min=1, max=64), metadata={"description": "The customer's external id, if known"}
    )
    started_at = ma.fields.AwareDateTime(default_timezone=timezone.utc)
    answers = ma.fields.Dict(
        keys=ma.fields.String(), required=True, metadata={"description": "Question id -> answer (see the survey)"}
    )


class ResponseSchema(ma.Schema):
    """A stored response and its answers."""

    id = ma.fields.Integer(required=True)
    survey = ma.fields.String(required=True)
    survey_version_id = ma.fields.Integer(required=True)
    touchpoint = ma.fields.String(required=True)
    channel = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    customer = ma.fields.String(allow_none=True, required=True)
    started_at = UtcDateTime(allow_none=True)
    submitted_at = UtcDateTime(required=True)
    answers = ma.fields.Dict(keys=ma.fields.String(), required=True)


class ResponseFilterArgs(PageArgs):
    """Which responses to list."""

    survey = ma.fields.String(validate=ma.validate.Length(max=40))
    touchpoint = ma.fields.String(validate=ma.validate.Length(max=40))
    channel = ma.fields.String(validate=ma.validate.Length(max=64))
    from_ = ma.fields.Date(data_key="from", metadata={"description": "Submitted on or after this day (UTC)"})
    to = ma.fields.Date(metadata={"description": "Submitted on or before this day (UTC)"})


@blp.route("", methods=["POST"])
@blp.scope("responses:write")
@blp.idempotent
@blp.arguments(NewResponseSchema)
@blp.response(201, ResponseSchema, headers={"Location": {"schema": {"type": "string"}}})
def create_response(body: dict):
    """Submit a response: checked like the public survey form, stored once, opening any follow-up cases."""
    version = _version(body)
    language = body.get("language") or version.definition.languages[0]
    if language not in version.definition.languages:
        known = ", ".join(version.definition.languages)
        raise invalid(_("This survey is asked in %(languages)s.", languages=known), "language")
    customer_id = _customer_id(body.get("customer"))
    answers, errors = checked_answers(version.definition, body["answers"])
    if errors:
        raise Problem(422, "invalid-fields", _("Some answers need fixing."), errors=errors)
    key = idempotency_key()
    meta = ResponseMeta(
        submission_key=derived_key("response", key) if key else uuid.uuid4().hex,
        language=language,
        channel=body.get("channel") or DEFAULT_CHANNEL,
        started_at=body.get("started_at"),
        customer_id=customer_id,
    )
    store_once(version, answers, meta)
    response = db.session.scalar(sa.select(Response).where(Response.submission_key == meta.submission_key))
    return (
        response_json([response])[0],
        201,
        {"Location": url_for("api_responses.get_response", response_id=response.id)},
    )


@blp.route("")
@blp.scope("responses:read")
@blp.arguments(ResponseFilterArgs, location="query", unknown=ma.RAISE)
@blp.response(200, page_schema(ResponseSchema, "ResponsePage"))
def list_responses(args: dict):
    """List responses by id, filtered by survey, touchpoint, channel and the days they were submitted."""
    query = sa.select(Response)
    if args.get("survey"):
        query = query.join(Survey, Survey.id == Response.survey_id).where(Survey.slug == args["survey"])
    if args.get("touchpoint"):
        query = query.join(Touchpoint, Touchpoint.id == Response.touchpoint_id).where(
            Touchpoint.code == args["touchpoint"]
        )
    if args.get("channel"):
        query = query.where(Response.channel == args["channel"])
    if args.get("from_"):
        query = query.where(Response.submitted_at >= datetime.combine(args["from_"], time(), timezone.utc))
    if args.get("to"):
        query = query.where(
            Response.submitted_at < datetime.combine(args["to"] + timedelta(days=1), time(), timezone.utc)
        )
    rows, next_cursor = fetch_page(query, Response.id, args, "responses")
    return {"items": response_json([row[0] for row in rows]), "next_cursor": next_cursor}


@blp.route("/<int(max=2147483647):response_id>")
@blp.scope("responses:read")
@blp.response(200, ResponseSchema)
def get_response(response_id: int):
    """Get one response with its answers."""
    response = db.session.get(Response, response_id)
    if response is None:
        raise Problem(404, detail=_("There is no response #%(id)d.", id=response_id))
    return response_json([response])[0]


def response_json(responses: list[Response]) -> list[dict]:
    """Responses as the API gives them, with their answers, survey, touchpoint and customer looked up in bulk."""
    answers = stored_answers((response.id, response.survey_version_id) for response in responses)
    slugs = _names(Survey.id, Survey.slug, {response.survey_id for response in responses})
    touchpoints = _names(Touchpoint.id, Touchpoint.code, {response.touchpoint_id for response in responses})
    customers = _names(Customer.id, Customer.external_id, {r.customer_id for r in responses if r.customer_id})
    return [
        {
            "id": response.id,
            "survey": slugs.get(response.survey_id),
            "survey_version_id": response.survey_version_id,
            "touchpoint": touchpoints.get(response.touchpoint_id),
            "channel": response.channel,
            "language": response.language,
            "customer": customers.get(response.customer_id),
            "started_at": response.started_at,
            "submitted_at": response.submitted_at,
            "answers": answers.get(response.id, {}),
        }
        for response in responses
    ]


def _names(id_column, name_column, ids: set[int]) -> dict[int, str]:
    """id -> name for the given ids, in one query."""
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(id_column, name_column).where(id_column.in_(sorted(ids)))).all())


def _version(body: dict) -> LoadedVersion:
    """The survey version the answers are for: the one named, if it is the survey's, else the newest."""
    version = current_version(db.session, body["survey"])
    if version is None:
        raise invalid(_("There is no survey '%(slug)s'.", slug=body["survey"]), "survey")
    if body.get("version_id") and body["version_id"] != version.version_id:
        named = loaded_version(db.session, body["version_id"])
        if named is None or named.definition.slug != version.definition.slug:
            raise invalid(_("This is not a version of the survey '%(slug)s'.", slug=body["survey"]), "version_id")
        return named
    return version


def _customer_id(external_id: str | None) -> int | None:
    """The id of the customer with this external id; a 422 if there is none."""
    if external_id is None:
        return None
    customer_id = db.session.scalar(sa.select(Customer.id).where(Customer.external_id == external_id))
    if customer_id is None:
        raise invalid(_("There is no customer '%(id)s'.", id=external_id), "customer")
    return customer_id
