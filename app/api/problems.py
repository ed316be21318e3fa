"""Every API error as RFC 9457 problem details (application/problem+json), never an HTML page.

``raise Problem(...)`` anywhere in an API view; app.errors sends every other error under /api/ through
``http_problem``. Validation failures carry ``errors``: one ``{pointer | parameter | header, message}`` per
thing wrong, where ``pointer`` is a JSON Pointer into the request body (``#/answers/recommend``).
"""

from __future__ import annotations

import http
import json
from collections.abc import Mapping
from typing import Any

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.exceptions import HTTPException

PROBLEM_MIMETYPE = "application/problem+json"
TYPE_BASE = "urn:touchloop:problem:"
WEBARGS_LOCATIONS = {"json": "pointer", "query": "parameter", "querystring": "parameter", "headers": "header"}


class Problem(HTTPException):
    """An API error with a problem ``kind`` (its type), a ``detail``, field ``errors`` and extra ``members``."""

    def __init__(
        self,
        status: int,
        kind: str | None = None,
        detail: str = "",
        *,
        title: str | None = None,
        errors: list[dict] | None = None,
        headers: Mapping[str, str] | None = None,
        **members: Any,
    ):
        super().__init__(description=detail)
        self.code = status
        self.kind = kind
        self.title = title
        self.errors = errors
        self.headers = dict(headers or {})
        self.members = members


def invalid(message: str, *path: Any) -> Problem:
    """A 422 problem about one value of the request body (at ``path``), to raise."""
    return Problem(422, "invalid-fields", message, errors=[{"pointer": pointer(*path), "message": message}])


def is_api_request() -> bool:
    """True for requests to the JSON API."""
    return request.path == "/api" or request.path.startswith("/api/")


def use_api_language() -> str:
    """The API speaks the client's Accept-Language if it is one of ours, else English (never the session's)."""
    g.lang = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    refresh()
    return g.lang


def problem_response(
    status: int,
    detail: str = "",
    *,
    kind: str | None = None,
    title: str | None = None,
    errors: list[dict] | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
):
    """A problem-details response."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind if kind else "about:blank",
        "title": title or kind_title(kind) or _status_phrase(status),
        "status": status,
        "detail": detail or _status_phrase(status),
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(members)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, default=str), status=status, mimetype=PROBLEM_MIMETYPE
    )
    response.headers.update(dict(headers or {}))
    return response


def http_problem(exc: HTTPException):
    """Any HTTP error raised while serving the API, as problem details."""
    if "lang" not in g:
        use_api_language()
    status = exc.code or 500
    if isinstance(exc, Problem):
        return problem_response(
            status,
            exc.description or "",
            kind=exc.kind,
            title=exc.title,
            errors=exc.errors,
            headers=exc.headers,
            **exc.members,
        )
    data = getattr(exc, "data", None) or {}
    headers = {key: value for key, value in exc.get_headers() if key.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    if status == 429:
        headers.setdefault("Retry-After", str(g.get("retry_after", 60)))
    if "messages" in data:
        errors = flatten_messages(data["messages"])
        return problem_response(
            status, _("Some values are not valid."), kind="invalid-fields", errors=errors, headers=headers
        )
    return problem_response(status, http_detail(status), headers=headers)


def kind_title(kind: str | None) -> str | None:
    """The short summary of a problem type, translated."""
    titles = {
        "invalid-fields": _("Some values are not valid"),
        "invalid-json": _("The body is not valid JSON"),
        "unauthorized": _("Authentication required"),
        "missing-scope": _("The token lacks a scope"),
        "role-forbids": _("Your role does not allow this"),
        "transition-refused": _("The step is not allowed"),
        "changed-meanwhile": _("Changed by someone else meanwhile"),
        "idempotency-key-reused": _("Idempotency-Key reused with a different request"),
        "idempotency-key-in-use": _("A request with this Idempotency-Key is still being handled"),
        "customers-refused": _("No customer was saved"),
    }
    return titles.get(kind or "")


def http_detail(status: int) -> str:
    """What a plain HTTP error means for an API client, translated."""
    texts = {
        400: _("The request could not be understood."),
        401: _("Send a valid API token as 'Authorization: Bearer <token>'."),
        403: _("Your token or your role does not allow this."),
        404: _("There is nothing at this address."),
        405: _("This address does not accept that method."),
        413: _("The request body is too large."),
        415: _("Send the request body as JSON (Content-Type: application/json)."),
        429: _("Too many requests; wait for the time in Retry-After, then try again."),
        500: _("Something went wrong on our side. The problem has been logged."),
        503: _("The service is briefly unavailable. Please try again in a minute."),
    }
    return texts.get(status, _status_phrase(status))


def flatten_messages(messages: Any) -> list[dict]:
    """webargs/marshmallow error messages ({location: {field: [...]}}) as a flat list of problem errors."""
    errors: list[dict] = []
    if not isinstance(messages, Mapping):
        return [{"message": str(messages)}]
    for location, fields in messages.items():
        where = WEBARGS_LOCATIONS.get(location, "pointer")
        for path, message in _leaves(fields, ()):
            if where == "pointer":
                errors.append({"pointer": pointer(*path), "message": message})
            else:
                errors.append({where: ".".join(map(str, path)) or location, "message": message})
    return errors


def pointer(*parts: Any) -> str:
    """A JSON Pointer (as a URI fragment) to ``parts`` of the request body."""
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "#/" + "/".join(escaped) if parts else "#"


def _leaves(node: Any, path: tuple) -> list[tuple[tuple, str]]:
    """Each message in a nested marshmallow error structure, with the path to it."""
    if isinstance(node, Mapping):
        found = []
        for key, value in node.items():
            found += _leaves(value, path if key == "_schema" else path + (key,))
        return found
    if isinstance(node, (list, tuple)):
        if all(isinstance(item, str) for item in node):
            return [(path, item) for item in node]
        found = []
        for item in node:
            found += _leaves(item, path)
        return found
    return [(path, str(node))]


def _status_phrase(status: int) -> str:
    """The standard reason phrase of ``status``."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"
