"""A small world with one of everything a route can name, a signed-in browser per role, and URLs built from url_map.

The security tests (access table, CSRF) visit every route of the app; the URL of a route is made from its rule,
filling each argument by its name from the world (``customer_id`` -> the seeded customer, ...). A new route
whose argument has a new name gets a value here (ARGUMENTS, or BY_ENDPOINT when one name means two things).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from app.extensions import db
from app.models import Department, FollowUpCase, InvitationBatch, Role, Survey, User, WebhookDelivery
from app.models.types import utcnow
from app.services.api_tokens import create_token, scopes_for
from app.services.definitions import current_version
from app.services.links import invitation_token, opt_out_token
from app.services.suggestions import advance_suggestion, submit_suggestion
from app.services.targets import ReferenceEntry, TargetEntry, add_target, set_reference_level
from app.services.webhooks.subscriptions import create_subscription, send_test
from tests.factories import load_surveys, make_customer, make_invitation, make_response
from tests.services.test_cases import DETRACTOR
from tests.web.forms import hidden_fields
from tests.web.test_auth import sign_in

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER, Role.ADMIN)
PASSWORD = "correct horse battery"
MISSING_ID = 999_999  # no object has it: a step aimed there passes the role check and then finds nothing
SLUG = "delivery-installation"
# Columns a refused request may still write: an API token notes when it was last used before its scope is checked.
MAY_CHANGE = {("api_token", "last_used_at")}


@dataclass
class World:
    """The ids, tokens and names the routes of the app take, and each role's account and API token."""

    values: dict[str, object] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    api_tokens: dict[str, str] = field(default_factory=dict)

    def path(self, rule: Rule, *, missing: bool = False) -> str:
        """The rule's path with every argument filled (ids that do not exist when ``missing``)."""
        values = {}
        for name in rule.arguments:
            value = BY_ENDPOINT.get(rule.endpoint, {}).get(name) or ARGUMENTS.get(name, name)
            value = self.values[value] if value in self.values else value
            values[name] = MISSING_ID if missing and name.endswith("_id") else value
        return rule.build(values, append_unknown=False)[1]


# Argument name -> the world's value of that name (or a literal).
ARGUMENTS = {
    "customer_id": "customer_id",
    "batch_id": "batch_id",
    "department_id": "department_id",
    "user_id": "user_id",
    "target_id": "target_id",
    "level_id": "level_id",
    "version_id": "version_id",
    "token_id": "token_id",
    "case_id": "case_id",
    "response_id": "response_id",
    "suggestion_id": "suggestion_id",
    "slug": SLUG,
    "code": "installation",
    "kind": "dimensions",
    "token": "invitation_token",
    "filename": "css/app.css",
    "name": "swagger-ui.css",
    "subscription_id": "subscription_id",
    "delivery_id": "delivery_id",
    "switch": "deactivate",
    "metric": "nps",
}
BY_ENDPOINT = {
    "public.opt_out_page": {"token": "opt_out_token"},
    "public.opt_out_confirm": {"token": "opt_out_token"},
    "admin.department_remove_member": {"user_id": "member_id"},
}


def build_world(app: Flask) -> World:
    """Seed the database with one of everything and an account and API token per role."""
    world = World()
    with app.app_context():
        session = db.session
        load_surveys(session)
        field_service = session.scalar(sa.select(Department.id).where(Department.code == "field_service"))
        users = _people(session, world, field_service)
        _objects(session, world, users)
        world.values["department_id"] = field_service
    with app.test_request_context():  # the links are signed with the app's secret key
        world.values["opt_out_token"] = opt_out_token(world.values["customer_id"])
        world.values["invitation_token"] = invitation_token(world.values["invitation_public_id"])
    return world


def _people(session, world: World, department_id: int) -> dict[str, User]:
    """One account per role (the owner in field service, whose cases the seeded case is), and their tokens."""
    users = {}
    for role in ROLES[1:]:
        email = f"{role}@example.com"
        user = User(email=email, name=f"{role.title()} Person", role=role)
        user.department_id = department_id if role == Role.OWNER else None
        user.set_password(PASSWORD)
        session.add(user)
        session.flush()
        _token, secret = create_token(session, user, "access", scopes_for(user), now=utcnow())
        users[role], world.emails[role], world.api_tokens[role] = user, email, secret
    member = User(email="member@example.com", name="Mia Member", role=Role.STAFF, department_id=department_id)
    member.set_password(PASSWORD)
    target = User(email="target@example.com", name="Tess Target", role=Role.STAFF)
    target.set_password(PASSWORD)
    session.add_all([member, target])
    session.commit()
    world.values |= {"member_id": member.id, "user_id": target.id}
    return users


def _objects(session, world: World, users: dict[str, User]) -> None:
    """A customer with an invitation, a response with its case, a suggestion owned by the owner, a batch, targets."""
    customer = make_customer(session, name="Carl Customer", representative=users[Role.REPRESENTATIVE].email)
    response = make_response(session, DETRACTOR, customer=customer)
    case = session.scalars(sa.select(FollowUpCase).where(FollowUpCase.response_id == response.id)).one()
    survey_id = session.scalar(sa.select(Survey.id).where(Survey.slug == SLUG))
    batch = InvitationBatch(name="Spring", survey_id=survey_id, segment_filter={}, expires_at=utcnow() + timedelta(30))
    session.add(batch)
    session.commit()
    invitation = make_invitation(session, customer, batch_id=batch.id)
    suggestion = submit_suggestion(session, submitter=users[Role.STAFF], title="Call ahead", description="Before")
    rep = users[Role.REPRESENTATIVE]
    advance_suggestion(session, suggestion.id, "under_review", actor=rep)
    owner_id, due = users[Role.OWNER].id, date.today() + timedelta(days=30)
    advance_suggestion(session, suggestion.id, "accepted", actor=rep, owner_id=owner_id, due_date=due)
    today = date.today()
    target = add_target(session, TargetEntry("nps", 40.0, today, today + timedelta(90)), creator=users[Role.ADMIN])
    level = set_reference_level(session, ReferenceEntry("industry", "nps", 30.0))
    admin = users[Role.ADMIN]
    hooks = "https://crm.example.com/hooks"
    subscription = create_subscription(session, url=hooks, events=["case.opened"], description=None, created_by=admin)
    event = send_test(session, subscription, admin)
    delivery = session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)).one()
    session.commit()
    world.values |= {
        "customer_id": customer.id,
        "response_id": response.id,
        "case_id": case.id,
        "batch_id": batch.id,
        "suggestion_id": suggestion.id,
        "target_id": target.id,
        "level_id": level.id,
        "subscription_id": subscription.id,
        "delivery_id": delivery.id,
        "version_id": current_version(session, SLUG).version_id,
        "token_id": MISSING_ID,  # revoking needs one's own token: every role's own is exercised by its API tests
    }
    world.values["invitation_public_id"] = invitation.public_id


def browser(app: Flask, world: World, role: str):
    """A test client signed in as ``role`` (or anonymous), whose browser prefers English."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if role != ANONYMOUS:
        assert sign_in(client, email=world.emails[role], password=PASSWORD).status_code == 302, role
    return client


def csrf_token(client) -> str:
    """A valid CSRF token of this browser's session (from the sign-in page or, signed in, the inbox)."""
    for page in ("/login", "/inbox"):
        token = hidden_fields(client.get(page).get_data(as_text=True)).get("csrf_token")
        if token:
            return token
    raise AssertionError("no page gave a CSRF token")


def database_digest(app: Flask) -> str:
    """A fingerprint of every row of every table, to show a request changed nothing."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [column for column in table.columns if (table.name, column.name) not in MAY_CHANGE]
            rows = db.session.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            digest.update(table.name.encode())
            for row in rows:
                digest.update(repr(tuple(row)).encode())
        db.session.remove()
    return digest.hexdigest()
