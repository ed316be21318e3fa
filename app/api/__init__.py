"""The versioned JSON API: /api/v1, its OpenAPI document at /api/v1/openapi.json and browsable docs at /api/v1/docs.

A thin layer over the services the pages use. flask-smorest generates the document from the views' schemas;
Flask-Limiter keeps each token (or, without one, each address) within API_RATE_LIMIT.
"""

from __future__ import annotations

import http
import importlib.util
import os
from threading import Lock

from flask import Blueprint, Flask, abort, current_app, send_from_directory
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app import rate_limits
from app.api.auth import rate_limit_key
from app.api.blueprint import ProblemSchema
from app.api.problems import PROBLEM_MIMETYPE
from app.extensions import csrf

DESCRIPTION = """\
Touchloop's JSON API. Authenticate with `Authorization: Bearer <token>`; tokens are made, with the scopes
they need, on the account page /account/tokens. Each operation names its scope. Errors are RFC 9457 problem
details (`application/problem+json`); invalid requests list each problem in `errors` with a JSON Pointer.
POST operations accept an `Idempotency-Key` header. Lists page with an opaque `cursor`.
"""


class TouchloopApi(Api):
    """flask-smorest's Api, with errors documented as problem details and left to app.errors to render.

    The views are documented when the document is first asked for, not when the app is made: building it
    takes a good part of a second, which every app (and so every test) would otherwise pay.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, *args, **kwargs):
        self._undocumented: list = []
        self._documenting = Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        """The OpenAPI document, with every registered view in it."""
        with self._documenting:
            while self._undocumented:
                blp = self._undocumented.pop(0)
                blp.register_views_in_doc(self, self._app, self._spec, name=blp.name, parameters=None)
                self._spec.tag({"name": blp.tag, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value):
        """Set by flask-smorest when the app is initialised."""
        self._spec = value

    def register_blueprint(self, blp, **options):
        """Register a resource blueprint; it is documented, under its tag, on the document's first use."""
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append(blp)

    def _register_error_handlers(self):
        """Leave error rendering to app.errors, which answers every error under /api/ with problem details."""

    def _register_responses(self):
        """Document the standard error responses as application/problem+json (one Problem schema for all)."""
        self._spec.components.schema("Problem", schema=self.ERROR_SCHEMA)
        problem = {"$ref": "#/components/schemas/Problem"}
        for status in http.HTTPStatus:
            if status >= 400:
                response = {"description": status.phrase, "schema": problem}
                prepare_response(response, self._spec, PROBLEM_MIMETYPE)
                self._spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as problem details", "schema": problem}
        prepare_response(response, self._spec, PROBLEM_MIMETYPE)
        self._spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def settings() -> dict:
    """The API's settings, with their defaults; API_RATE_LIMIT comes from the environment (storage: app.rate_limits)."""
    return {
        "API_TITLE": "Touchloop API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Served from the swagger-ui-py wheel, so the docs work on a network without the internet.
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
        "API_SPEC_OPTIONS": {
            "info": {"description": DESCRIPTION},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT") or "300 per minute",
    }


def init_app(app: Flask) -> None:
    """Register the API blueprints, their OpenAPI document and docs, and the rate limit."""
    from app.api.v1 import BLUEPRINTS  # here, so that app.errors can import app.api.problems early

    for key, value in settings().items():
        app.config.setdefault(key, value)
    api = TouchloopApi(app)
    limiter = rate_limits.limiter_of(app)
    app.register_blueprint(docs_assets)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        limiter.shared_limit(_rate_limit, scope="api", key_func=rate_limit_key)(blueprint)
        api.register_blueprint(blueprint)


docs_assets = Blueprint("api_docs_assets", __name__, url_prefix="/api/v1/docs/assets")
SWAGGER_UI_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})


@docs_assets.get("/<name>")
def swagger_ui_file(name: str):
    """One of Swagger UI's files, from the swagger-ui-py package (never fetched from a CDN)."""
    if name not in SWAGGER_UI_FILES:
        abort(404)
    folder = importlib.util.find_spec("swagger_ui").submodule_search_locations[0]
    return send_from_directory(os.path.join(folder, "static"), name, max_age=86400)


def _rate_limit() -> str:
    """The configured limit per token, e.g. '300 per minute'."""
    return current_app.config["API_RATE_LIMIT"]
