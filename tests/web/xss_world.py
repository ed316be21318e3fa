"""A company whose every free-text field holds an XSS payload, each typed through the page a person would use.

Accounts (names), customers (imported from a CSV), the journey and survey files (department, touchpoint and
survey names), survey answers (a personal invitation e-mailed through a real SMTP server), suggestions (title,
description, benefit, notes, a rejection reason), case notes, a batch, an API token, a target and a level.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import Department, FollowUpCase, InvitationBatch, Role, Suggestion, Touchpoint, User
from tests.factories import DEMO_SURVEYS, load_surveys
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in
from tests.web.test_survey_pages import GOOD
from tests.xss import FORMULA, LINK, PAYLOAD, page_text

PASSWORD = "correct horse battery"
SLUG = "delivery-installation"
DETRACTOR = {**GOOD, "q_recommend": "2"}
MATH = "$\\alpha$ {{7*7}}"  # a chart label that mathtext would turn into a Greek letter


@dataclass
class XssWorld:
    """Browsers per role and the ids of what was made."""

    inbox: object  # tests.smtp.Inbox: every e-mail the app sent
    browsers: dict[str, object] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


def poisoned_surveys(tmp_path: Path) -> Path:
    """The demo surveys, with the payload in a department's, a touchpoint's and a survey's English name."""
    folder = tmp_path / "surveys"
    shutil.copytree(DEMO_SURVEYS, folder)
    quoted = "'" + PAYLOAD.replace("'", "''") + "'"
    journey = (folder / "journey.yaml").read_text(encoding="utf-8")
    journey = journey.replace("en: Delivery & Field Service}", f"en: {quoted}}}")
    journey = journey.replace("en: Installation and setup}", f"en: {quoted}}}")
    journey = journey.replace("en: Delivery}", f"en: '{MATH}'}}")  # short enough to be drawn whole
    (folder / "journey.yaml").write_text(journey, encoding="utf-8")
    survey = (folder / "installation.yaml").read_text(encoding="utf-8")
    (folder / "installation.yaml").write_text(survey.replace("en: How did your installation go?", f"en: {quoted}"))
    return folder


def build(app: Flask, tmp_path: Path, inbox) -> XssWorld:
    """Fill the app through its pages (e-mail going to ``inbox``); every browser left signed in for the checks."""
    world = XssWorld(inbox)
    app.config["SURVEYS_DIR"] = str(poisoned_surveys(tmp_path))
    with app.app_context():
        load_surveys(db.session, Path(app.config["SURVEYS_DIR"]))
        make_user(db.session, email="admin@example.com", role=Role.ADMIN, name=PAYLOAD, password=PASSWORD)
    world.browsers[Role.ADMIN] = _signed_in(app, "admin@example.com")
    _accounts(app, world)
    _customers_and_answers(app, world)
    _suggestions(app, world)
    _case_note(app, world)
    _settings(world)
    return world


def post(client, page: str, action: str | None = None, **data):
    """Post ``data`` to ``action`` (default: ``page``) with the CSRF token of ``page``."""
    token = hidden_fields(client.get(page).get_data(as_text=True))["csrf_token"]
    return client.post(action or page, data={"csrf_token": token, **data})


def _signed_in(app: Flask, email: str):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(client, email=email, password=PASSWORD).status_code == 302, email
    return client


def _accounts(app: Flask, world: XssWorld) -> None:
    """Manager, representative, owner (field service) and staff, made by the admin on the new-account page."""
    admin = world.browsers[Role.ADMIN]
    with app.app_context():
        field_service = db.session.scalar(sa.select(Department.id).where(Department.code == "field_service"))
    for role in (Role.MANAGER, Role.REPRESENTATIVE, Role.OWNER, Role.STAFF):
        department = field_service if role == Role.OWNER else ""
        data = {"name": PAYLOAD, "email": f"{role}@example.com", "role": role, "department": department}
        assert post(admin, "/admin/users/new", password=PASSWORD, **data).status_code == 201, role
        world.browsers[role] = _signed_in(app, f"{role}@example.com")
    with app.app_context():
        world.ids["user"] = db.session.scalar(sa.select(User.id).where(User.email == "staff@example.com"))
        world.ids["department"] = field_service


def _customers_and_answers(app: Flask, world: XssWorld) -> None:
    """Import two customers, invite them, and answer: a detractor with a comment, a formula as a comment."""
    manager = world.browsers[Role.MANAGER]
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["external_id", "name", "email", "representative"])
    writer.writerow(["X-1", PAYLOAD, "x1@example.com", "representative@example.com"])
    writer.writerow(["X-2", FORMULA, "x2@example.com", "representative@example.com"])
    token = hidden_fields(manager.get("/admin/customers/import").get_data(as_text=True))["csrf_token"]
    upload = {"csrf_token": token, "file": (io.BytesIO(rows.getvalue().encode("utf-8")), "customers.csv")}
    imported = manager.post("/admin/customers/import", data=upload, content_type="multipart/form-data")
    assert imported.status_code == 200 and "2 new customer(s)" in page_text(imported.get_data(as_text=True))
    made = post(manager, "/admin/batches/new", name=PAYLOAD, survey=SLUG)
    assert made.status_code == 303, made.get_data(as_text=True)
    with app.app_context():
        world.ids["batch"] = db.session.scalar(sa.select(sa.func.max(InvitationBatch.id)))
    batch = f"/admin/batches/{world.ids['batch']}"
    assert post(manager, batch, f"{batch}/send").status_code == 303
    for link, comment in zip(_invitation_links(world.inbox), (PAYLOAD, FORMULA)):
        customer = app.test_client()
        form = hidden_fields(customer.get(link).get_data(as_text=True))
        answered = customer.post(link, data={**form, **DETRACTOR, "q_improve": comment})
        assert answered.status_code == 303, answered.get_data(as_text=True)[:2000]
    with app.app_context():
        case = db.session.scalars(sa.select(FollowUpCase).order_by(FollowUpCase.id)).first()
        world.ids |= {"case": case.id, "response": case.response_id, "customer": case.customer_id}
        world.ids["touchpoint"] = db.session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == "installation"))


def _invitation_links(inbox) -> list[str]:
    """The personal links of the e-mails the SMTP server received, oldest first, as local paths."""
    links = []
    for message in inbox.messages:
        found = re.search(r"https?://[^/\s]+(/i/[^\s?\"<]+\?lang=\w+)", message.get_body(("plain",)).get_content())
        if found:
            links.append(found.group(1))
    assert len(links) == 2, [m["Subject"] for m in inbox.messages]
    return links


def _suggestions(app: Flask, world: XssWorld) -> None:
    """Staff submit two; the representative reviews both, accepts one for the owner and rejects the other."""
    staff, rep = world.browsers[Role.STAFF], world.browsers[Role.REPRESENTATIVE]
    fields = {"title": PAYLOAD, "description": PAYLOAD, "expected_benefit": PAYLOAD, "touchpoint": "", "dimension": ""}
    for _ in range(2):
        assert post(staff, "/suggestions/new", **fields).status_code == 302
    with app.app_context():
        first, second = db.session.scalars(sa.select(Suggestion.id).order_by(Suggestion.id)).all()
        owner = db.session.scalar(sa.select(User.id).where(User.email == "owner@example.com"))
    due = (date.today() + timedelta(days=20)).isoformat()
    for suggestion_id in (first, second):
        _step(rep, suggestion_id, "under_review", note=PAYLOAD)
    _step(rep, first, "accepted", note=PAYLOAD, owner_id=str(owner), due_date=due)
    _step(rep, second, "rejected", note=PAYLOAD)
    world.ids |= {"suggestion": first, "rejected": second}


def _step(client, suggestion_id: int, target: str, **fields) -> None:
    page = f"/suggestions/{suggestion_id}"
    form = hidden_fields(client.get(page).get_data(as_text=True))
    data = {"csrf_token": form["csrf_token"], "expected_version": form.get("expected_version", ""), "target": target}
    response = client.post(page, data={**data, **fields})
    assert response.status_code == 302, (target, response.get_data(as_text=True)[:3000])


def _case_note(app: Flask, world: XssWorld) -> None:
    """The owner of field service acknowledges the case and notes the call."""
    owner, case = world.browsers[Role.OWNER], world.ids["case"]
    for target in ("acknowledged", "contacted"):
        response = post(owner, f"/cases/{case}", target=target, note=PAYLOAD)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _settings(world: XssWorld) -> None:
    """A token named with the payload, and a target and a reference level whose note and source hold it."""
    admin, manager = world.browsers[Role.ADMIN], world.browsers[Role.MANAGER]
    assert post(admin, "/account/tokens", name=PAYLOAD, scopes=["surveys:read"]).status_code == 201
    today = date.today()
    target = {
        "metric": "nps",
        "value": "40",
        "period_start": today.isoformat(),
        "touchpoint_id": "",
        "dimension_id": "",
    }
    target |= {"period_end": (today + timedelta(days=60)).isoformat(), "segment": "", "note": PAYLOAD}
    assert post(manager, "/admin/targets", **target).status_code == 302
    level = {
        "kind": "industry",
        "metric": "nps",
        "value": "30",
        "touchpoint_id": "",
        "dimension_id": "",
        "source": LINK,
    }
    assert post(manager, "/admin/targets", "/admin/targets/levels", **level).status_code == 302
