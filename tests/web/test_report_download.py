"""Downloading the experience report from the analytics overview: the PDF, refusals by role and of bad input."""

from __future__ import annotations

import re

import pytest

from app.models import Role
from tests.factories import load_surveys
from tests.pdf_text import needs_poppler, pdf_text
from tests.services.report_seed import seed_month
from tests.web.test_auth import make_user, sign_in


def _signed_in(client, session, role: str):
    """The client signed in as a user with ``role``."""
    make_user(session, email=f"{role}@example.com", role=role)
    sign_in(client, email=f"{role}@example.com")
    return client


@needs_poppler
def test_a_manager_downloads_the_months_report_as_a_named_pdf(client, session):
    seed_month(session)
    manager = _signed_in(client, session, Role.MANAGER)
    response = manager.get("/analytics/report.pdf?month=2026-03&report_lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="experience-report-2026-03-en.pdf"'
    assert response.data.startswith(b"%PDF-")
    text = " ".join(pdf_text(response.data).split())
    assert "Customer experience report" in text and "March 2026" in text and "Installation and setup" in text


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.ADMIN])
def test_representatives_and_admins_may_download_it_too(client, session, role):
    load_surveys(session)
    response = _signed_in(client, session, role).get("/analytics/report.pdf?month=2030-01&report_lang=zh")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "experience-report-2030-01-zh.pdf" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER])
def test_staff_and_owners_are_refused(client, session, role):
    load_surveys(session)
    assert _signed_in(client, session, role).get("/analytics/report.pdf?month=2026-03").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/analytics/report.pdf?month=2026-03")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("month", ["2026-13", "foo", "", "2026-3"])
def test_a_bad_month_gets_the_overview_with_a_400_that_says_what_is_wrong(client, session, month):
    load_surveys(session)
    response = _signed_in(client, session, Role.MANAGER).get(f"/analytics/report.pdf?month={month}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert f"“{month}” is not a month: choose one, or write it as YYYY-MM (e.g. 2026-03)." in page
    assert 'id="report-month"' in page and 'aria-invalid="true"' in page


def test_an_unknown_report_language_gets_a_400(client, session):
    load_surveys(session)
    response = _signed_in(client, session, Role.MANAGER).get("/analytics/report.pdf?month=2026-03&report_lang=fr")
    assert response.status_code == 400
    assert "The report is written in Chinese or English" in response.get_data(as_text=True)


def test_the_overview_offers_last_month_in_the_pages_language(client, session):
    load_surveys(session)
    page = _signed_in(client, session, Role.MANAGER).get("/analytics/?lang=en").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/analytics/report.pdf".*?</form>', page, re.S).group(0)
    assert re.search(r'name="month" value="\d{4}-\d{2}"', form)
    assert '<option value="en" selected>English</option>' in form
