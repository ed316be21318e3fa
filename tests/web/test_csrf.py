"""Every state-changing route outside the bearer-token API refuses a request without a valid CSRF token.

The routes come from url_map, so a new form route is covered the day it is added. Each is posted as a role
allowed to use it (an admin, who has every role; the sign-in form anonymously) to the URL of the seeded objects,
with a plausible body but no token, a made-up token, or another browser's token: 400 with a clear message, and
not one row changes.
"""

from __future__ import annotations

import pytest

from tests.web.route_world import ANONYMOUS, browser, build_world, csrf_token, database_digest
from tests.web.test_access_table import CHANGING, routes

ANONYMOUS_FORMS = {"auth.login"}  # posted by people not signed in yet
# What the refusal says: the general page, or (on survey pages, which keep the answers) the survey's own note.
MESSAGES = ("Its security token was missing, wrong or out of date", "press Submit again")
BODY = {  # fields a real form would send, so that only the token is wrong
    "email": "admin@example.com",
    "password": "correct horse battery",
    "name": "Csrf Check",
    "title": "A suggestion",
    "description": "Something to change",
    "target": "contacted",
    "note": "why",
    "role": "staff",
    "representative": "",
    "head": "",
}


def state_changing_routes(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) of every POST, PUT, PATCH or DELETE route outside /api/v1."""
    return [
        (endpoint, method, rule)
        for (endpoint, method), rule in sorted(routes(app).items())
        if method in CHANGING and not rule.rule.startswith("/api/")
    ]


def test_the_app_checks_csrf_tokens_in_the_tests_too(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert len(state_changing_routes(app)) >= 30  # the discovery found the app's forms


@pytest.mark.parametrize("token", ["none", "made-up", "another-browser"])
def test_every_state_changing_route_refuses_a_bad_csrf_token_and_changes_nothing(app, token):
    world = build_world(app)
    wrong = []
    other = csrf_token(browser(app, world, ANONYMOUS))
    clients = {role: browser(app, world, role) for role in (ANONYMOUS, "admin")}
    bad = {"none": {}, "made-up": {"csrf_token": "IjAwMDAi.bogus.token"}, "another-browser": {"csrf_token": other}}
    for endpoint, method, rule in state_changing_routes(app):
        client = clients[ANONYMOUS if endpoint in ANONYMOUS_FORMS else "admin"]
        path = world.path(rule)
        before = database_digest(app)
        response = client.open(path, method=method, data={**BODY, **bad[token]})
        text = response.get_data(as_text=True)
        if response.status_code != 400 or not any(message in text for message in MESSAGES):
            wrong.append(f"{method} {path} ({endpoint}): {response.status_code} without a clear message")
        if database_digest(app) != before:
            wrong.append(f"{method} {path} ({endpoint}): the database changed")
    assert not wrong, "\n".join(wrong)
