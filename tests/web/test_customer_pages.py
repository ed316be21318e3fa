"""The customer list (search, segment filters, pages) and the customer's 360° page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Role
from app.services.segments import years_ago
from tests.factories import load_surveys, make_customer, make_invitation, make_response
from tests.web.test_auth import make_user, sign_in
from touchloop.answers import GapAnswer

ROW_LINK = re.compile(r'<td><a href="/admin/customers/(\d+)[^"]*">([^<]*)</a></td>')


def listed(page) -> list[str]:
    """The customer names a list page shows, in order."""
    return [name for _id, name in ROW_LINK.findall(page.get_data(as_text=True))]


@pytest.fixture
def admin(client, session):
    """A client signed in as an admin, with the demo journey and surveys loaded."""
    load_surveys(session)
    make_user(session)
    sign_in(client)
    return client


@pytest.mark.parametrize("path", ["/admin/customers", "/admin/customers/1"])
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER])
def test_staff_and_owners_cannot_see_customers(client, session, role):
    customer = make_customer(session)
    make_user(session, email="someone@example.com", role=role)
    sign_in(client, email="someone@example.com")
    assert client.get("/admin/customers").status_code == 403
    assert client.get(f"/admin/customers/{customer.id}").status_code == 403


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.MANAGER])
def test_representatives_and_managers_see_customers_in_the_menu(client, session, role):
    load_surveys(session)
    customer = make_customer(session, name="Lin Wei")
    make_user(session, email="rep@example.com", role=role)
    sign_in(client, email="rep@example.com")
    page = client.get("/admin/customers")
    assert page.status_code == 200 and listed(page) == ["Lin Wei"]
    assert 'href="/admin/customers" aria-current="page">Customers' in page.get_data(as_text=True)
    assert client.get(f"/admin/customers/{customer.id}").status_code == 200


def test_search_matches_id_and_email_prefixes_and_name_parts_ignoring_case(admin, session):
    make_customer(session, external_id="ACME-001", name="Zhang Wei", email="zw@example.com")
    make_customer(session, external_id="BETA-002", name="Wang Fang", email="fang@shop.example")
    make_customer(session, external_id="GAMMA-3", name="李娜", email="lina@example.com")
    assert listed(admin.get("/admin/customers?q=acme")) == ["Zhang Wei"]
    assert listed(admin.get("/admin/customers?q=FANG@")) == ["Wang Fang"]
    assert listed(admin.get("/admin/customers?q=ang")) == ["Wang Fang", "Zhang Wei"]
    assert listed(admin.get("/admin/customers?q=李")) == ["李娜"]
    assert listed(admin.get("/admin/customers?q=example.com")) == []  # e-mail matches from its start only
    assert listed(admin.get("/admin/customers?q=%25")) == []  # % is a character, not a wildcard
    assert listed(admin.get("/admin/customers?q=_")) == []


def test_segment_filters_and_search_combine(admin, session):
    make_customer(session, name="Alpha East A", region="east", tier="A")
    make_customer(session, name="Alpha West A", region="west", tier="A")
    make_customer(session, name="Beta East A", region="east", tier="A")
    make_customer(session, name="Alpha East C", region="east", tier="C")
    assert listed(admin.get("/admin/customers?tier=A")) == ["Alpha East A", "Alpha West A", "Beta East A"]
    assert listed(admin.get("/admin/customers?tier=A&region=east&q=alpha")) == ["Alpha East A"]
    assert listed(admin.get("/admin/customers?lifecycle=lost")) == []


def test_years_as_customer_bands_filter_on_whole_years(admin, session):
    today = datetime.now(timezone.utc).date()
    make_customer(session, name="Almost one year", customer_since=years_ago(today, 1) + timedelta(days=1))
    make_customer(session, name="One year today", customer_since=years_ago(today, 1))
    make_customer(session, name="Six years", customer_since=years_ago(today, 6))
    make_customer(session, name="Since unknown", customer_since=None)
    assert listed(admin.get("/admin/customers?years_as_customer=under_1")) == ["Almost one year"]
    assert listed(admin.get("/admin/customers?years_as_customer=from_1_to_3")) == ["One year today"]
    assert listed(admin.get("/admin/customers?years_as_customer=over_5")) == ["Six years"]


def test_filters_and_values_are_named_in_the_page_language(admin, session):
    make_customer(session, region="south", tier="A", lifecycle="mature", industry="retail")
    english = admin.get("/admin/customers?lang=en").get_data(as_text=True)
    chinese = admin.get("/admin/customers?lang=zh").get_data(as_text=True)
    assert '<label for="filter-region">Region</label>' in english
    assert '<option value="south">South China</option>' in english and "<td>South China</td>" in english
    assert '<label for="filter-region">地区</label>' in chinese
    assert "<td>华南</td>" in chinese and "<td>零售门店</td>" in chinese and "<td>成熟期</td>" in chinese
    assert '<option value="over_5">5年以上</option>' in chinese


def test_an_unknown_filter_value_is_left_out_with_a_message(admin, session):
    make_customer(session, name="Kept")
    page = admin.get("/admin/customers?lang=en&region=<b>mars</b>")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and listed(page) == ["Kept"]
    assert "is not one of the values of Region, so that filter was left out" in text
    assert "&lt;b&gt;mars&lt;/b&gt;" in text and "<b>mars</b>" not in text


def test_pages_of_fifty_follow_name_order_and_keep_the_filters(admin, session):
    for number in range(120):
        make_customer(session, name=f"Kunde {number:03d}", tier="A" if number < 110 else "C")
    make_customer(session, name="Kunde 999 other region", tier="A", region="west")
    first = admin.get("/admin/customers?tier=A&region=east&q=kunde")
    text = first.get_data(as_text=True)
    assert "110 customers found" in text
    assert listed(first) == [f"Kunde {n:03d}" for n in range(50)]
    following = re.search(r'href="([^"]*after=\d+[^"]*)" rel="next"', text).group(1).replace("&amp;", "&")
    assert "tier=A" in following and "region=east" in following and "q=kunde" in following
    second = admin.get(following)
    assert listed(second) == [f"Kunde {n:03d}" for n in range(50, 100)]
    third_link = re.search(r'href="([^"]*)" rel="next"', second.get_data(as_text=True)).group(1)
    third = admin.get(third_link.replace("&amp;", "&"))
    assert listed(third) == [f"Kunde {n:03d}" for n in range(100, 110)]
    assert 'rel="next"' not in third.get_data(as_text=True)
    back_link = re.search(r'href="([^"]*)" rel="prev"', third.get_data(as_text=True)).group(1)
    assert listed(admin.get(back_link.replace("&amp;", "&"))) == [f"Kunde {n:03d}" for n in range(50, 100)]


def test_a_stale_or_junk_cursor_shows_the_first_page(admin, session):
    make_customer(session, name="Only one")
    assert listed(admin.get("/admin/customers?after=999999")) == ["Only one"]
    assert listed(admin.get("/admin/customers?before=abc")) == ["Only one"]


def _history(session, customer):
    """An answered and an unanswered invitation, and two responses, for ``customer``."""
    answered = make_invitation(session, customer, sent_at=datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc))
    make_invitation(session, customer, "purchase")
    unhappy = {
        "recommend": 3,
        "overall_satisfaction": 2,
        "delivery_condition": "intact",
        "punctuality": GapAnswer(expected=6, actual=3),
        "workmanship": GapAnswer(expected=5, actual=5),
        "improve": "<script>alert('x')</script> come on time",
        "contact_me": "no",
    }
    make_response(session, unhappy, customer=customer, invitation=answered, channel="email")
    make_response(session, {"recommend": 10}, customer=customer, submitted_at=datetime(2025, 1, 2, tzinfo=timezone.utc))


def test_customer_page_shows_facts_invitations_and_responses(admin, session):
    customer = make_customer(session, name="<script>alert(1)</script>", region="north", tier="A", tier_given="A")
    _history(session, customer)
    page = admin.get(f"/admin/customers/{customer.id}?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in text and "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in text
    assert "<dt>Region</dt>" in text and "North China" in text
    assert 'A (most valuable) <span class="muted">(A)</span> <span class="badge">given in' in text
    invitations = text.split('id="invitations-title"')[1].split('id="responses-title"')[0]
    assert invitations.count("<tr>") == 3  # a header and two invitations
    assert "<td>How was your purchase?</td>" in invitations and "<td>No</td>" in invitations
    assert "<td>2026-03-01 09:00</td>" in invitations and "<td>Yes, " in invitations
    responses = text.split('id="responses-title"')[1]
    assert (
        "<script>alert(" not in responses
        and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; come on time" in responses
    )
    assert 'agreed time window: 6 → 3 <span class="muted">(-3)</span>' in responses
    assert '5 → 5 <span class="muted">(0)</span>' in responses
    assert '<td class="num">3</td>' in responses and '<td class="num">2</td>' in responses
    assert "<td>email</td>" in responses and "<td>2025-01-02 00:00</td>" in responses
    assert responses.index("<td>email</td>") < responses.index("2025-01-02")  # newest first


def test_customer_page_says_when_a_customer_opted_out(admin, session):
    customer = make_customer(session, opted_out_at=datetime(2026, 5, 4, tzinfo=timezone.utc))
    text = admin.get(f"/admin/customers/{customer.id}?lang=en").get_data(as_text=True)
    assert "Opted out</span> since 2026-05-04" in text
    assert "No invitations yet." in text and "No responses yet." in text


@pytest.mark.parametrize("path", ["/admin/customers/999999", "/admin/customers/99999999999999999999"])
def test_unknown_customer_is_a_404(admin, path):
    assert admin.get(path).status_code == 404


def test_customer_page_queries_do_not_grow_with_its_responses(admin, session):
    customer = make_customer(session)
    make_invitation(session, customer)
    make_response(session, {"recommend": 9, "improve": "fine"}, customer=customer)
    admin.get(f"/admin/customers/{customer.id}")  # warm the survey-version cache
    few = _count_queries(admin, session, f"/admin/customers/{customer.id}")
    for _ in range(15):
        make_response(session, {"recommend": 9, "punctuality": GapAnswer(4, 5), "improve": "ok"}, customer=customer)
        make_invitation(session, customer, "purchase")
    assert _count_queries(admin, session, f"/admin/customers/{customer.id}") == few


def test_customer_list_queries_do_not_grow_with_its_rows(admin, session):
    make_customer(session)
    one = _count_queries(admin, session, "/admin/customers")
    for _ in range(30):
        make_response(session, {"recommend": 7}, customer=make_customer(session))
    assert _count_queries(admin, session, "/admin/customers") == one


def _count_queries(client, session, path: str) -> int:
    """How many SQL statements serving ``path`` runs (with nothing already loaded in the session)."""
    statements = []
    session.expire_all()

    def count(*_args):
        statements.append(1)

    with client.application.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)
