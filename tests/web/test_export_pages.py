"""The export page: who may use it, what the downloads hold, and what bad choices are told."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.admin import exports as export_views  # (also registers the routes until app/admin/__init__.py imports it)
from app.models import Role
from app.services.export import ExportCriteria
from tests.services.test_exports import HEADERS, HYPERLINK, export_csv, read_csv, seed
from tests.web.test_auth import make_user, sign_in

JANUARY = "/admin/exports/download?survey=mini&start=2026-01-01&end=2026-01-31"


@pytest.fixture
def manager(client, session, tmp_path):
    """A client signed in as a manager, with the seeded mini survey."""
    seed(session, tmp_path)
    make_user(session, email="manager@example.com", role=Role.MANAGER)
    sign_in(client, email="manager@example.com")
    return client


def problems(page) -> list[str]:
    """The problems listed above the form."""
    summary = re.search(r'<div class="error-summary".*?<ul>(.*?)</ul>', page.get_data(as_text=True), re.S)
    return re.findall(r"<li>(.*?)</li>", summary.group(1)) if summary else []


@pytest.mark.parametrize("path", ["/admin/exports", JANUARY])
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.STAFF, 403), (Role.OWNER, 403), (Role.REPRESENTATIVE, 200), (Role.MANAGER, 200), (Role.ADMIN, 200)],
)
def test_only_representatives_managers_and_admins_export(client, session, tmp_path, role, status):
    seed(session, tmp_path)
    make_user(session, email="someone@example.com", role=role)
    sign_in(client, email="someone@example.com")
    assert client.get("/admin/exports").status_code == status
    download = client.get(JANUARY)
    assert download.status_code == status
    if status == 403:
        assert b"response_id" not in download.data


def test_the_page_offers_each_survey_with_its_count_and_sits_in_the_menu(manager):
    page = manager.get("/admin/exports").get_data(as_text=True)
    assert re.search(r'<option value="mini">Installation follow-up \(mini\) · 4 responses</option>', page)
    assert 'href="/admin/exports" aria-current="page">Export responses' in page
    assert "customer_external_id" in page and "punctuality.expected" in page  # the columns are explained


def test_csv_download_streams_the_export_with_a_file_name(manager, session):
    response = manager.get(JANUARY)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="responses-mini-2026-01-01-to-2026-01-31.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == export_csv(session, ExportCriteria("mini", date(2026, 1, 1), date(2026, 1, 31)))
    rows = read_csv(response.data)
    assert len(rows) == 2 and rows[1]["why"] == "'" + HYPERLINK


def test_xlsx_download_is_a_workbook_of_the_same_rows(manager):
    response = manager.get(JANUARY + "&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="responses-mini-2026-01-01-to-2026-01-31.xlsx"' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 3
    assert rows[2][HEADERS.index("why")] == HYPERLINK


def test_personal_data_comes_only_with_the_box_ticked(manager):
    assert "customer_name" not in read_csv(manager.get("/admin/exports/download?survey=mini").data)[0]
    rows = read_csv(manager.get("/admin/exports/download?survey=mini&personal=1").data)
    assert rows[0]["customer_name"] == "王芳" and rows[0]["customer_email"] == "wang@example.com"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose a survey."),
        ("survey=nope", "There is no survey “nope”."),
        ("survey=mini&start=2026-13-01", "The first day “2026-13-01” is not a date: write it as YYYY-MM-DD."),
        ("survey=mini&end=yesterday", "The last day “yesterday” is not a date: write it as YYYY-MM-DD."),
        ("survey=mini&start=2026-02-01&end=2026-01-01", "The first day is after the last day."),
        ("survey=mini&format=pdf", "Choose CSV or XLSX as the format."),
    ],
)
def test_bad_choices_get_the_form_again_with_a_message(manager, query, message):
    page = manager.get(f"/admin/exports/download?{query}")
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert problems(page) == [message]


def test_the_form_keeps_what_was_chosen_when_it_comes_back(manager):
    page = manager.get("/admin/exports/download?survey=mini&start=2026-01-01&end=nonsense&format=xlsx&personal=1")
    text = page.get_data(as_text=True)
    assert '<option value="mini" selected>' in text
    assert 'name="start" value="2026-01-01"' in text and 'name="end" value="nonsense"' in text
    assert 'value="xlsx" checked' in text and 'name="personal" value="1" checked' in text


def test_markup_typed_in_the_address_is_escaped(manager):
    page = manager.get("/admin/exports/download?survey=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_xlsx_above_the_web_limit_is_refused_with_a_pointer_to_csv(manager, monkeypatch):
    monkeypatch.setattr(export_views, "XLSX_WEB_MAX_ROWS", 1)
    page = manager.get(JANUARY + "&format=xlsx")
    assert page.status_code == 400
    assert problems(page) == [
        "XLSX files are made here for at most 1 responses and this choice has 2: "
        "download CSV, or choose a shorter period."
    ]
    assert manager.get(JANUARY + "&format=csv").status_code == 200
