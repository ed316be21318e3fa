"""The audit log: administrative actions are recorded with who, when and what (never a secret); admins read it."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Role
from app.services import audit
from tests.web.forms import hidden_fields
from tests.web.test_user_pages import admin, client_for, department_id, make_person, post_form  # noqa: F401

SECRET = "Sesame-Open-4242"


def entries(app) -> list[AuditEntry]:
    """Every entry, oldest first, detached from the session."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_creating_changing_and_setting_a_password_are_recorded_without_the_password(app, admin):  # noqa: F811
    post_form(
        admin, "/admin/users/new", "/admin/users/new", {"name": "Nia", "email": "nia@example.com", "role": "staff"}
    )
    nia = entries(app)[0].object_id
    page = f"/admin/users/{nia}"
    post_form(admin, page, page, {"role": "owner", "department": department_id(app, "sales"), "active": "y"})
    post_form(admin, page, f"{page}/password", {"password": SECRET})
    recorded = entries(app)
    assert [entry.action for entry in recorded] == ["user.created", "user.changed", "user.password_set"]
    assert {entry.actor_name for entry in recorded} == {"admin@example.com"}
    assert {entry.object_id for entry in recorded} == {nia}
    assert recorded[1].summary["role"] == ["staff", "owner"]
    assert all(SECRET not in json.dumps(entry.summary) for entry in recorded)


def test_a_refused_change_records_nothing(app, admin):  # noqa: F811
    page = f"/admin/users/{admin.person.id}"
    assert post_form(admin, page, page, {"role": "admin", "department": ""}).status_code == 422
    assert entries(app) == []


def test_a_customer_import_and_api_tokens_are_recorded(app, admin):  # noqa: F811
    csv = "external_id,name\nC-1,Anna\nC-2,Bob\n".encode("utf-8")
    page = "/admin/customers/import"
    token = hidden_fields(admin.get(page).get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "file": (io.BytesIO(csv), "customers.csv")}
    assert admin.post(page, data=data, content_type="multipart/form-data").status_code == 200
    post_form(admin, "/account/tokens", "/account/tokens", {"name": "kiosk", "scopes": ["surveys:read"]})
    made = entries(app)[-1]
    post_form(admin, "/account/tokens", f"/account/tokens/{made.object_id}/revoke", {})
    recorded = entries(app)
    assert [entry.action for entry in recorded] == ["customers.imported", "api_token.created", "api_token.revoked"]
    assert recorded[0].summary == {"file": "customers.csv", "created": 2, "updated": 0, "skipped": 0}
    assert recorded[1].summary["scopes"] == ["surveys:read"] and "secret" not in recorded[1].summary


def test_commands_are_recorded_as_the_command_line(app, runner):
    result = runner.invoke(args=["surveys", "load"])
    assert result.exit_code == 0, result.output
    args = ["users", "create", "--email", "cli@example.com", "--name", "Cli", "--password", SECRET]
    assert runner.invoke(args=args).exit_code == 0
    recorded = entries(app)
    assert {entry.actor_name for entry in recorded} == {audit.COMMAND_LINE}
    assert [entry.action for entry in recorded][-1] == "user.created"
    assert {entry.object_id for entry in recorded if entry.action == "survey.loaded"} >= {"delivery-installation"}


def test_a_summary_naming_a_secret_is_refused(session):
    with pytest.raises(ValueError, match="must not hold secrets"):
        audit.record(session, "user.password_set", None, 1, summary={"password": SECRET})
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(session, "user.teleported", None, 1)


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER, Role.REPRESENTATIVE, Role.MANAGER])
def test_only_admins_read_the_log(app, role):
    browser = client_for(app, make_person(app, role))
    assert browser.get("/admin/audit").status_code == 403


def test_the_page_filters_by_person_and_action_and_pages(app, admin):  # noqa: F811
    other = make_person(app, Role.ADMIN, "Oskar Other")
    with app.app_context():
        for number in range(audit.PAGE_SIZE + 1):
            audit.record(db.session, "target.removed", None, number)
        audit.record(db.session, "target.added", None, 7)
        db.session.commit()
    post_form(admin, "/account/tokens", "/account/tokens", {"name": "mine", "scopes": ["surveys:read"]})
    first = admin.get("/admin/audit").get_data(as_text=True)
    assert first.count("<tr>") == audit.PAGE_SIZE + 1 and 'rel="next"' in first  # a header row and 50 entries
    assert "admin@example.com" in first and "API token made" in first
    second = admin.get("/admin/audit?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 1 + 3 and 'rel="prev"' in second  # 53 entries in all
    mine = admin.get(f"/admin/audit?actor={admin.person.id}").get_data(as_text=True)
    assert mine.count("<tr>") == 1 + 1 and "API token made" in mine
    assert admin.get(f"/admin/audit?actor={other.id}").get_data(as_text=True).count("<tr>") == 0  # nobody: no table
    added = admin.get("/admin/audit?action=target.added").get_data(as_text=True)
    assert added.count("<tr>") == 1 + 1 and "Target added" in added


def test_unknown_filters_are_ignored_rather_than_failing(admin):  # noqa: F811
    for query in ("actor=abc", "action=<script>", "page=-3", "page=99999999999"):
        assert admin.get(f"/admin/audit?{query}").status_code == 200
