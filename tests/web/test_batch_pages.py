"""Admin invitation pages: who may do what, CSRF, creating, sending, CSV links, response rates."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.models import Invitation, InvitationBatch, Role
from tests.factories import load_surveys, make_customer, make_response
from tests.smtp import smtp_server_fixture  # noqa: F401
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in

SURVEY = "delivery-installation"


def _signed_in(client, session, role):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the texts asserted below are the English ones
    make_user(session, email=f"{role}@example.com", role=role)
    sign_in(client, email=f"{role}@example.com")
    return client


def _create(client, **fields):
    """Post the create form with a fresh CSRF token."""
    token = hidden_fields(client.get("/admin/batches/new").get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "survey": SURVEY, "name": "Spring check", **fields}
    return client.post("/admin/batches/new", data=data)


def _batch_id(session) -> int:
    return session.scalar(sa.select(InvitationBatch.id))


@pytest.fixture
def manager(client, session):
    """A manager's browser, surveys loaded."""
    load_surveys(session)
    return _signed_in(client, session, Role.MANAGER)


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/admin/batches")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER])
def test_staff_and_owners_cannot_see_invitations(client, session, role):
    _signed_in(client, session, role)
    assert client.get("/admin/batches").status_code == 403


def test_representatives_see_batches_but_cannot_create_send_or_download(client, session, manager):
    make_customer(session)
    _create(manager)
    batch_id = _batch_id(session)
    manager.post(
        "/logout", data={"csrf_token": hidden_fields(manager.get("/admin/").get_data(as_text=True))["csrf_token"]}
    )
    rep = _signed_in(client, session, Role.REPRESENTATIVE)
    listing = rep.get("/admin/batches").get_data(as_text=True)
    assert "Spring check" in listing and 'href="/admin/batches" aria-current="page">Invitations' in listing
    page = rep.get(f"/admin/batches/{batch_id}")
    assert page.status_code == 200 and "Send e-mails" not in page.get_data(as_text=True)
    token = hidden_fields(rep.get("/admin/").get_data(as_text=True))["csrf_token"]
    assert rep.get("/admin/batches/new").status_code == 403
    assert rep.post(f"/admin/batches/{batch_id}/send", data={"csrf_token": token}).status_code == 403
    assert rep.get(f"/admin/batches/{batch_id}/links.csv").status_code == 403


def test_creating_a_batch_shows_created_and_skipped_counts(session, manager):
    for tier in "AAB":
        make_customer(session, tier=tier)
    make_customer(session, tier="A", email=None)
    response = _create(manager, segment_tier=["A"])
    assert response.status_code == 303
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 invitation(s) created. Skipped: 0 opted out, 1 without an e-mail address" in page
    assert session.scalar(sa.select(sa.func.count(Invitation.id))) == 2
    assert session.get(InvitationBatch, _batch_id(session)).segment_filter == {"tier": ["A"]}


def test_nobody_to_invite_says_so_and_makes_no_batch(session, manager):
    make_customer(session, tier="C")
    response = _create(manager, segment_tier=["A"])
    assert response.status_code == 200 and "Nobody could be invited" in response.get_data(as_text=True)
    assert _batch_id(session) is None


def test_create_without_csrf_token_is_refused(session, manager):
    make_customer(session)
    response = manager.post("/admin/batches/new", data={"survey": SURVEY, "name": "No token"})
    assert response.status_code == 400 and _batch_id(session) is None


def test_unknown_survey_or_segment_value_is_refused_by_the_form(session, manager):
    make_customer(session)
    assert _create(manager, survey="nope").status_code == 400
    assert _create(manager, segment_tier=["Z"]).status_code == 400
    assert _batch_id(session) is None


def test_sending_from_the_batch_page_mails_everyone_once(session, manager, smtp_server):
    make_customer(session, email="a@example.com")
    make_customer(session, email="b@example.com")
    _create(manager)
    batch_id = _batch_id(session)
    page = manager.get(f"/admin/batches/{batch_id}").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    assert manager.post(f"/admin/batches/{batch_id}/send", data={}).status_code == 400
    assert smtp_server.messages == []
    response = manager.post(f"/admin/batches/{batch_id}/send", data={"csrf_token": token})
    assert response.status_code == 303
    assert "2 e-mail(s) sent" in manager.get(response.headers["Location"]).get_data(as_text=True)
    manager.post(f"/admin/batches/{batch_id}/send", data={"csrf_token": token})
    assert sorted(r[0] for r in smtp_server.recipients) == ["a@example.com", "b@example.com"]


def test_links_csv_has_every_link_and_no_formula(session, manager):
    make_customer(session, external_id="@cmd", name="=cmd|' /C calc'!A0", email="-x@example.com")
    _create(manager)
    response = manager.get(f"/admin/batches/{_batch_id(session)}/links.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][:3] == ["'@cmd", "'=cmd|' /C calc'!A0", "'-x@example.com"]
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/i/[A-Za-z0-9_.-]+", rows[1][3])


def test_batch_page_shows_response_rates_by_segment_and_channel(session, manager):
    customers = [make_customer(session, tier=tier, region="east") for tier in "AAB"]
    _create(manager)
    batch_id = _batch_id(session)
    invitations = dict(session.execute(sa.select(Invitation.customer_id, Invitation)).all())
    answering = customers[0]
    make_response(session, {"recommend": 9}, customer=answering, invitation=invitations[answering.id], channel="email")
    listing = manager.get("/admin/batches").get_data(as_text=True)
    assert re.search(
        r'<td class="num">3</td>\s*<td class="num">0</td>\s*<td class="num">1</td>\s*<td class="num">33\.3%', listing
    )
    page = manager.get(f"/admin/batches/{batch_id}").get_data(as_text=True)
    assert "33.3%" in page and "Response rate by segment" in page
    assert re.search(
        r"A \(most valuable\)</td>\s*<td class=\"num\">2</td>\s*<td class=\"num\">1</td>\s*<td class=\"num\">50\.0%",
        page,
    )
    assert re.search(r"B \(growth potential\)</td>\s*<td class=\"num\">1</td>\s*<td class=\"num\">0</td>", page)
    assert re.search(r"<td>email</td><td class=\"num\">1</td>", page)


def test_unknown_batch_is_a_404(manager):
    assert manager.get("/admin/batches/999").status_code == 404
    assert manager.get("/admin/batches/999/links.csv").status_code == 404


def test_creating_before_any_survey_is_loaded_says_what_to_do(client, session):
    _signed_in(client, session, Role.MANAGER)
    response = client.get("/admin/batches/new")
    assert response.status_code == 302
    assert "Load the journey and surveys first" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_control_characters_in_the_batch_name_are_dropped(session, manager):
    make_customer(session, tier="A")
    response = _create(manager, segment_tier=["A"], name="Spring\x00 check")
    assert response.status_code == 303
    assert session.get(InvitationBatch, _batch_id(session)).name == "Spring check"


def test_customer_search_with_control_characters_is_not_an_error(session, manager):
    make_customer(session, name="Spring Garden")
    for query in ("%00", "Spring%00", "a%00b"):
        assert manager.get(f"/admin/customers?q={query}").status_code == 200, query
