"""The customer import page: managers and admins upload a CSV file and see what happened to each row."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app.models import Customer, Role
from tests.factories import load_surveys
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

PAGE = "/admin/customers/import"


def signed_in(client, session, role=Role.ADMIN):
    """Load the surveys and sign in a user with ``role``."""
    load_surveys(session)
    email = f"{role}@example.com"
    make_user(session, email=email, role=role)
    sign_in(client, email=email)


def upload(client, text: str, *, skip_invalid: bool = False, encoding: str = "utf-8-sig", token: str | None = None):
    """Post ``text`` as a CSV file through the form, CSRF token included unless one is given."""
    if token is None:
        token = hidden_fields(client.get(PAGE).get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode(encoding)), "客户.csv")}
    if skip_invalid:
        data["skip_invalid"] = "y"
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def count(session) -> int:
    """How many customers there are."""
    session.expire_all()
    return session.scalar(sa.select(sa.func.count(Customer.id)))


def test_admin_sees_the_form_and_the_menu_entry(client, session):
    signed_in(client, session)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert PAGE in client.get("/admin/").get_data(as_text=True)


def test_a_manager_imports_a_file_and_sees_the_report(client, session):
    signed_in(client, session, Role.MANAGER)
    response = upload(client, "客户编号,客户名称,地区\r\nC-1,王伟,华东\r\nC-2,<b>Bob</b>,south\r\n")
    assert response.status_code == 200
    assert "2 new customer(s), 0 updated" in response.get_data(as_text=True)
    assert count(session) == 2


def test_bad_rows_are_listed_with_line_numbers_and_nothing_is_written(client, session):
    signed_in(client, session)
    response = upload(client, "external_id,name,region\r\nC-1,Anna,east\r\nC-2,Bob,<script>x</script>\r\n")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "1 row(s) have problems, so nothing was imported" in html
    assert "<td>3</td><td>region</td>" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert count(session) == 0


def test_skipping_bad_rows_imports_the_good_ones(client, session):
    signed_in(client, session)
    response = upload(client, "external_id,name,region\r\nC-1,Anna,east\r\nC-2,Bob,Mars\r\n", skip_invalid=True)
    assert response.status_code == 200
    assert "1 bad row(s) were skipped" in response.get_data(as_text=True)
    assert count(session) == 1


def test_a_file_refused_as_a_whole_says_why(client, session):
    signed_in(client, session)
    response = upload(client, "external_id,name,colour\r\nC-1,Anna,red\r\n")
    assert response.status_code == 400
    assert "unknown column(s) &#39;colour&#39;" in response.get_data(as_text=True)


def test_posting_without_a_file_asks_for_one(client, session):
    signed_in(client, session)
    token = hidden_fields(client.get(PAGE).get_data(as_text=True))["csrf_token"]
    response = client.post(PAGE, data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file." in response.get_data(as_text=True)


def test_the_csrf_token_is_required(client, session):
    signed_in(client, session)
    response = upload(client, "external_id,name\r\nC-1,Anna\r\n", token="forged")
    assert response.status_code == 400
    assert count(session) == 0


def test_staff_may_not_import(client, session):
    signed_in(client, session, Role.STAFF)
    assert client.get(PAGE).status_code == 403


def test_representatives_may_not_import_nor_see_the_menu_entry(client, session):
    signed_in(client, session, Role.REPRESENTATIVE)
    assert client.get(PAGE).status_code == 403
    assert PAGE not in client.get("/admin/").get_data(as_text=True)


def test_an_upload_over_the_size_limit_gets_the_413_page(app, client, session):
    signed_in(client, session)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(client, "external_id,name\r\n" + "C-1,Anna\r\n" * 500)
    assert response.status_code == 413 and "413" in response.get_data(as_text=True)
    assert count(session) == 0
