"""What suggestions and cases share in the API: people, versions (ETag / If-Match) and refused steps."""

from __future__ import annotations

import re
from collections.abc import Callable

import marshmallow as ma
from flask import request
from flask_babel import gettext as _

from app.api.blueprint import ProblemSchema
from app.api.problems import Problem, invalid
from app.refusals import say_refusals

IF_MATCH_RE = re.compile(r'\s*(?:W/)?"([0-9]{1,9})"\s*')
ETAG_HEADER = {"ETag": {"description": "The item's version, for If-Match", "schema": {"type": "string"}}}


class PersonSchema(ma.Schema):
    """A user, as items name them."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class ReasonSchema(ma.Schema):
    """Why a step was refused: a stable code (when there is one) and the message."""

    code = ma.fields.String(allow_none=True)
    message = ma.fields.String(required=True)


class RefusedSchema(ProblemSchema):
    """Problem details; when the step itself was refused, ``reasons`` says why (a field error has ``errors``)."""

    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))


def person(user) -> dict | None:
    """A user as ``{id, name}``, or None."""
    return {"id": user.id, "name": user.name} if user is not None else None


def etag(version: int) -> dict[str, str]:
    """The ETag header of an item at ``version``."""
    return {"ETag": f'"{version}"'}


def expected_version(body: dict) -> int | None:
    """The version the client saw: from If-Match, else from the body's ``expected_version``; None if neither."""
    header = request.headers.get("If-Match")
    given = body.get("expected_version")
    if header is None:
        return given
    found = IF_MATCH_RE.fullmatch(header)
    if found is None:
        message = _('If-Match must be the ETag of the item, e.g. "3".')
        raise Problem(400, "invalid-fields", message, errors=[{"header": "If-Match", "message": message}])
    version = int(found[1])
    if given is not None and given != version:
        raise invalid(_("expected_version and If-Match name different versions."), "expected_version")
    return version


def refused(reasons: list[str], state_name: Callable[[str], str]) -> Problem:
    """A 422 problem listing why a step is not allowed, in the client's language (states named by ``state_name``)."""
    messages = say_refusals(reasons, state_name)
    listed = [{"code": getattr(reason, "code", None), "message": text} for reason, text in zip(reasons, messages)]
    return Problem(422, "transition-refused", "; ".join(messages), reasons=listed)


def changed_meanwhile(state: str | None, version: int | None) -> Problem:
    """A 409 problem saying where the item stands now."""
    detail = _("Someone else changed it meanwhile; it is now %(state)s. Read it again and decide.", state=state)
    headers = etag(version) if version is not None else {}
    return Problem(409, "changed-meanwhile", detail, state=state, version=version, headers=headers)
