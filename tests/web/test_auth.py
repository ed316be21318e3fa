"""Signing in and out, and role checks on staff pages."""

from __future__ import annotations

from app.extensions import db
from app.models import Role, User
from tests.web.forms import hidden_fields


def make_user(session, *, email="admin@example.com", role=Role.ADMIN, password="correct horse battery", **overrides):
    """A user with a known password."""
    user = User(email=email, name=overrides.pop("name", "Ada Admin"), role=role, **overrides)
    user.set_password(password)
    session.add(user)
    session.commit()
    return user


def sign_in(client, email="admin@example.com", password="correct horse battery"):
    """Sign in through the real form, CSRF token and all."""
    token = hidden_fields(client.get("/login").get_data(as_text=True))["csrf_token"]
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


def test_admin_pages_send_anonymous_people_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_sign_in_with_the_right_password_reaches_the_admin_pages(client, session):
    make_user(session)
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, session):
    make_user(session)
    response = sign_in(client, password="wrong password!")
    assert response.status_code == 400
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_deactivated_user_cannot_sign_in(client, session):
    make_user(session, active=False)
    assert sign_in(client).status_code == 400


def test_staff_cannot_open_admin_pages(client, session):
    make_user(session, email="staff@example.com", role=Role.STAFF)
    sign_in(client, email="staff@example.com")
    assert client.get("/admin/").status_code == 403


def test_sign_in_without_csrf_token_is_refused(client, session):
    make_user(session)
    response = client.post("/login", data={"email": "admin@example.com", "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_next_cannot_send_people_to_another_site(client, session):
    make_user(session)
    token = hidden_fields(client.get("/login").get_data(as_text=True))["csrf_token"]
    response = client.post(
        "/login?next=//evil.example/x",
        data={"csrf_token": token, "email": "admin@example.com", "password": "correct horse battery"},
    )
    assert response.headers["Location"] == "/home"


def test_sign_out_is_a_post(client, session):
    make_user(session)
    sign_in(client)
    token = hidden_fields(client.get("/admin/").get_data(as_text=True))["csrf_token"]
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_users_create_command(runner, session):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Rep@Example.com",
            "--name",
            "Rita",
            "--role",
            "representative",
            "--password",
            "a long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).one()
    assert (user.email, user.role) == ("rep@example.com", "representative") and user.check_password("a long enough pw")
    again = runner.invoke(
        args=["users", "create", "--email", "rep@example.com", "--name", "R", "--password", "a long enough pw"]
    )
    assert again.exit_code != 0 and "already has an account" in again.output


def test_language_chosen_with_the_switcher_is_kept_on_the_next_pages(client, session):
    make_user(session)
    sign_in(client)
    assert 'lang="zh-CN"' in client.get("/admin/?lang=zh").get_data(as_text=True)
    page = client.get("/admin/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "退出登录" in page
    assert '<html lang="en">' in client.get("/admin/?lang=en").get_data(as_text=True)


def test_language_links_survive_odd_query_strings(client, session):
    make_user(session)
    sign_in(client)
    for query in ("endpoint=x", "_method=POST", "_anchor=a&_external=1", "lang=<b>"):
        page = client.get(f"/admin/?{query}")
        assert page.status_code == 200, query
        assert "<b>" not in page.get_data(as_text=True)


def test_each_role_lands_on_its_own_start_page(app):
    people = {"s@example.com": Role.STAFF, "o@example.com": Role.OWNER, "r@example.com": Role.REPRESENTATIVE}
    with app.app_context():  # a short context: one held open would share Flask-Login's user between clients
        for email, role in people.items():
            make_user(db.session, email=email, role=role)
    landing = {}
    for email in people:
        browser = app.test_client()
        sign_in(browser, email=email)
        landing[email] = browser.get("/home").headers["Location"]
    assert landing == {
        "s@example.com": "/suggestions/mine",
        "o@example.com": "/suggestions/queue",
        "r@example.com": "/admin/",
    }
