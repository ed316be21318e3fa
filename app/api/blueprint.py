"""The API's blueprint class: token auth before every view, and a ``scope`` decorator that checks and documents."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import marshmallow as ma
from flask_smorest import Blueprint

from app.api.auth import before_api_request, check_scope
from app.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from app.api.idempotency import idempotent
from app.api.problems import PROBLEM_MIMETYPE


class ErrorItemSchema(ma.Schema):
    """One thing wrong with a request: where (body pointer, query parameter or header) and what."""

    class Meta:
        unknown = ma.INCLUDE

    pointer = ma.fields.String(metadata={"description": "JSON Pointer into the request body, e.g. #/answers/nps"})
    parameter = ma.fields.String(metadata={"description": "A query parameter"})
    header = ma.fields.String(metadata={"description": "A request header"})
    code = ma.fields.String(metadata={"description": "A stable code for the error, where there is one"})
    message = ma.fields.String(required=True)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details; ``errors`` lists field-level problems of invalid requests."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(required=True, metadata={"description": "'about:blank' or urn:touchloop:problem:<kind>"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    instance = ma.fields.String(required=True)
    errors = ma.fields.List(ma.fields.Nested(ErrorItemSchema))


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
STANDARD_ERRORS = (
    (401, "No valid API token", {"WWW-Authenticate": {"schema": {"type": "string"}}}),
    (403, "The token lacks the scope, or the user's role does not allow it", None),
    (429, "Too many requests", RETRY_AFTER),
)


class ApiBlueprint(Blueprint):
    """A group of API resources (blueprint ``api_<tag>``); every view needs a bearer token and declares its scope."""

    def __init__(self, tag: str, import_name: str, **kwargs):
        super().__init__(f"api_{tag}", import_name, **kwargs)
        self.tag = tag
        self.before_request(before_api_request)

    def route(self, rule: str, *, parameters=None, tags=None, **options) -> Callable:
        """Register a view under the resource's tag (not the blueprint's name, which must differ from the pages')."""
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

    def scope(self, scope: str) -> Callable:
        """Let only tokens holding ``scope`` (whose user's role allows it) reach the view; say so in the docs."""

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def wrapped(*args, **kwargs):
                check_scope(scope)
                return view(*args, **kwargs)

            documented = self.doc(security=[{"bearerAuth": []}], **{"x-scope": scope})(wrapped)
            for status, description, headers in STANDARD_ERRORS:
                documented = self.problem(status, description, headers=headers)(documented)
            documented.__doc__ = f"{(view.__doc__ or '').strip()}\n\nScope: `{scope}`."
            return documented

        return decorator

    def problem(self, status: int, description: str, *, headers: dict | None = None) -> Callable:
        """Document that the view may answer ``status`` with problem details."""
        return self.alt_response(
            status, schema=ProblemSchema, content_type=PROBLEM_MIMETYPE, description=description, headers=headers
        )

    def idempotent(self, view: Callable) -> Callable:
        """Make a POST view idempotent under the Idempotency-Key header, and document the header."""
        documented = self.doc(
            parameters=[
                {
                    "in": "header",
                    "name": IDEMPOTENCY_HEADER,
                    "required": False,
                    "schema": {"type": "string", "minLength": 8, "maxLength": 200, "pattern": "^[!-~]+$"},
                    "description": "Send the same key when retrying: the first answer is returned again and "
                    "nothing is stored twice. A key reused with a different body is refused (422).",
                }
            ]
        )(idempotent(view))
        for status, description in ((409, "The same key is still being handled"), (422, "Invalid or key reused")):
            documented = self.problem(status, description, headers=RETRY_AFTER if status == 409 else None)(documented)
        return documented
