"""The department scorecards page: who may open it, the period form, and the figures it shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.models import Role
from app.models.types import utcnow
from tests.services.test_scorecards import seed
from tests.web.test_auth import make_user, sign_in

JANUARY = "/suggestions/scorecards?start=2026-01-01&end=2026-01-31"


def _figure(page: str, department: str, figure: str) -> str:
    """The text of one figure's row in one department's table, tags stripped, spaces collapsed."""
    table = re.search(rf'<table class="data" id="scorecard-{department}">(.*?)</table>', page, re.S).group(1)
    row = re.search(rf'<tr data-figure="{figure}">(.*?)</tr>', table, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


@pytest.mark.parametrize(("role", "status"), [(Role.STAFF, 403), (Role.OWNER, 403), (Role.MANAGER, 200)])
def test_only_representatives_managers_and_admins_open_it(client, session, role, status):
    make_user(session, email="someone@example.com", role=role)
    sign_in(client, email="someone@example.com")
    assert client.get("/suggestions/scorecards").status_code == status


def test_anonymous_people_are_sent_to_sign_in(client):
    assert client.get("/suggestions/scorecards").status_code == 302


def test_the_page_shows_each_departments_figures_for_the_chosen_period(client, session):
    seed(session)
    make_user(session, email="rep@example.com", role=Role.REPRESENTATIVE)
    sign_in(client, email="rep@example.com")
    page = client.get(JANUARY).get_data(as_text=True)
    # The figures worked out by hand in tests/services/test_scorecards.py; today is after 5 Feb 2026, so
    # A3 and B2 are overdue.
    assert _figure(page, "field_service", "open") == "Open suggestions 3 now"
    assert _figure(page, "field_service", "overdue") == "Overdue 1 now"
    assert _figure(page, "field_service", "closure-rate") == "Closure rate 67% 2 closed / 3 assigned"
    assert _figure(page, "field_service", "median-days") == "Median time to close 23.0 days 2 suggestions"
    assert _figure(page, "field_service", "cases-within") == "Cases resolved within deadline 67% 2 of 3 cases"
    assert _figure(page, "field_service", "state-in_progress") == "Average time in “In progress” 25.0 days 3 stays"
    assert _figure(page, "sales", "closure-rate") == "Closure rate 200% 2 closed / 1 assigned"
    assert _figure(page, "sales", "median-days") == "Median time to close 35.0 days 2 suggestions"
    assert _figure(page, "product", "closure-rate") == "Closure rate — 0 closed / 0 assigned"
    assert 'value="2026-01-01"' in page and 'value="2026-01-31"' in page


def test_the_period_defaults_to_the_last_90_days_and_sits_in_the_menu(client, session):
    make_user(session)
    sign_in(client)
    page = client.get("/suggestions/scorecards?start=nonsense").get_data(as_text=True)
    start, end = re.findall(r'type="date" id="period-\w+" name="\w+" value="([\d-]+)"', page)
    today = utcnow().date()
    assert (start, end) == ((today - timedelta(days=89)).isoformat(), today.isoformat())
    assert 'href="/suggestions/scorecards"' in page and "Department scorecards" in page
