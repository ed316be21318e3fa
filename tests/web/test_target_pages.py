"""The targets page: who may see and change it, adding with CSRF, and problems shown next to their fields."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.models import Role
from app.models.targets import ReferenceLevel, Target
from tests.factories import load_surveys, make_response
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

JAN_15 = datetime(2026, 1, 15, 12, tzinfo=timezone.utc)


@pytest.fixture
def manager(client, session):
    """A signed-in manager, with the demo journey loaded."""
    load_surveys(session)
    make_user(session, email="boss@example.com", role=Role.MANAGER)
    sign_in(client, email="boss@example.com")
    return client


def _token(client) -> str:
    """A CSRF token from the targets page."""
    return hidden_fields(client.get("/admin/targets").get_data(as_text=True))["csrf_token"]


@pytest.mark.parametrize(("role", "status"), [(Role.STAFF, 403), (Role.OWNER, 403), (Role.REPRESENTATIVE, 200)])
def test_staff_and_owners_cannot_open_it_and_representatives_only_read(client, session, role, status):
    make_user(session, email="someone@example.com", role=role)
    sign_in(client, email="someone@example.com")
    page = client.get("/admin/targets")
    assert page.status_code == status
    if status == 200:
        assert "Add a target" not in page.get_data(as_text=True)
        assert client.post("/admin/targets", data={"csrf_token": _token(client)}).status_code == 403


def test_a_manager_adds_a_segment_target_and_sees_it_listed(manager):
    response = manager.post(
        "/admin/targets",
        data={
            "csrf_token": _token(manager),
            "metric": "nps",
            "value": "35",
            "touchpoint_id": "None",
            "dimension_id": "None",
            "segment": "region=west",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "note": "<b>west</b>",
        },
    )
    assert response.status_code == 302
    page = manager.get("/admin/targets").get_data(as_text=True)
    assert "Region: West China" in page and "2026-01-01 – 2026-03-31" in page and ">35<" in page


def test_a_bad_target_shows_the_problem_at_its_field_and_stores_nothing(manager, session):
    response = manager.post(
        "/admin/targets",
        data={
            "csrf_token": _token(manager),
            "metric": "nps",
            "value": "-400",
            "touchpoint_id": "None",
            "dimension_id": "None",
            "segment": "",
            "period_start": "2026-02-01",
            "period_end": "2026-01-01",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="value-error">Give a number from -100 to 100.', page)
    assert 'id="period_end-error">The period ends before it starts.' in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Target)) == 0


def test_posting_without_a_csrf_token_is_refused(manager, session):
    response = manager.post(
        "/admin/targets/levels",
        data={"kind": "ideal", "metric": "nps", "value": "80", "touchpoint_id": "None", "dimension_id": "None"},
    )
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(ReferenceLevel)) == 0


def test_a_manager_sets_and_removes_an_industry_level(manager, session):
    manager.post(
        "/admin/targets/levels",
        data={
            "csrf_token": _token(manager),
            "kind": "industry",
            "metric": "csat",
            "value": "82.5",
            "touchpoint_id": "None",
            "dimension_id": "None",
            "source": "Trade association 2026",
        },
    )
    level_id = session.scalar(sa.select(ReferenceLevel.id))
    assert "Trade association 2026" in manager.get("/admin/targets").get_data(as_text=True)
    manager.post(f"/admin/targets/levels/{level_id}/remove", data={"csrf_token": _token(manager)})
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(ReferenceLevel)) == 0


def test_each_target_shows_whether_it_is_met_from_the_ci_of_its_period(manager, session):
    # 35 promoters and 5 passives in January: NPS 87.5, CI 87.5 ± 1.96·100·√((0.875 − 0.875²)/40) = [77.3, 97.7].
    for value in [10] * 35 + [7] * 5:
        make_response(session, {"recommend": value}, "pre-purchase-consultation", submitted_at=JAN_15)
    make_response(session, {"recommend": 0}, "pre-purchase-consultation", submitted_at=JAN_15.replace(month=2))
    for goal in ("30", "95", "99"):
        manager.post(
            "/admin/targets",
            data={
                "csrf_token": _token(manager),
                "metric": "nps",
                "value": goal,
                "touchpoint_id": "None",
                "dimension_id": "None",
                "segment": "",
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
            },
        )
    page = manager.get("/admin/targets").get_data(as_text=True)
    statuses = re.findall(
        r'data-status="(\w+)">\s*<strong>([^<]+)</strong><br>\s*<small class="muted">([^<]+)</small>', page
    )
    assert statuses == [
        ("met", "Met", "87.5 [77.3, 97.7], n = 40"),
        ("not_yet_clear", "Not yet clear", "87.5 [77.3, 97.7], n = 40"),
        ("not_met", "Not met", "87.5 [77.3, 97.7], n = 40"),
    ]


def test_a_target_over_too_few_answers_is_not_yet_clear_and_says_why(manager, session):
    for value in (10, 10, 9):
        make_response(session, {"recommend": value}, "pre-purchase-consultation", submitted_at=JAN_15)
    manager.post(
        "/admin/targets",
        data={
            "csrf_token": _token(manager),
            "metric": "nps",
            "value": "0",
            "touchpoint_id": "None",
            "dimension_id": "None",
            "segment": "",
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
        },
    )
    page = manager.get("/admin/targets").get_data(as_text=True)
    assert 'data-status="not_yet_clear"' in page and "n = 3 · too few answers to trust" in page
