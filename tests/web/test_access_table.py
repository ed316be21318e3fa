"""Every route, visited as every role, answers as the explicit access table (tests/web/access_table.py) says."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from tests.web.access_table import ACCESS, Access
from tests.web.route_world import ANONYMOUS, ROLES, World, browser, build_world, csrf_token, database_digest

CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def routes(app) -> dict[tuple[str, str], Rule]:
    """(endpoint, method) -> rule, for every route of the app (HEAD and OPTIONS come with GET)."""
    found = {}
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found[(rule.endpoint, method)] = rule
    return found


def send(client, world: World, role: str, rule: Rule, method: str, access: Access, token: str | None):
    """The table's request for this route, as ``role``."""
    path = world.path(rule, missing=access.missing) + (f"?{access.query}" if access.query else "")
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {world.api_tokens[role]}"} if role != ANONYMOUS else {}
        if method in CHANGING:
            return client.open(path, method=method, json={}, headers=headers)
        return client.open(path, method=method, headers=headers)
    if method in CHANGING:
        return client.open(path, method=method, data={"csrf_token": token})
    return client.open(path, method=method)


def refusal_of(role: str, path: str) -> str:
    """How ``role`` is refused at ``path``."""
    if role == ANONYMOUS:
        return "401" if path.startswith("/api/") else "302 /login"
    return "403"


def seen(response) -> str:
    """A response as the table talks about it: its status, and where a redirect to sign in goes."""
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login"):
        return "302 /login"
    return str(response.status_code)


def test_the_table_lists_every_route_and_only_routes_that_exist(app):
    present = set(routes(app))
    assert sorted(present - set(ACCESS)) == [], "routes missing from tests/web/access_table.py"
    assert sorted(set(ACCESS) - present) == [], "rows of tests/web/access_table.py whose route is gone"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(app, role):
    world = build_world(app)
    client = browser(app, world, role)
    token = csrf_token(client)
    wrong = []
    for (endpoint, method), rule in sorted(routes(app).items()):
        access = ACCESS[(endpoint, method)]
        allowed = role in access.roles
        before = database_digest(app) if method in CHANGING and not allowed else None
        response = send(client, world, role, rule, method, access, token)
        path = world.path(rule, missing=access.missing)
        expected = access.status_for(role) if allowed else refusal_of(role, path)
        if seen(response) != expected:
            wrong.append(f"{method} {path} ({endpoint}): expected {expected}, got {seen(response)}")
        if before is not None and database_digest(app) != before:
            wrong.append(f"{method} {path} ({endpoint}): refused, but the database changed")
        response.close()
        if endpoint == "auth.logout" and allowed:  # signed out by the visit: sign in again for the rest
            client = browser(app, world, role)
            token = csrf_token(client)
    assert not wrong, "\n".join(wrong)
