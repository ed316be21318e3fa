"""XSS payloads typed into every free-text field come out harmless on every page, e-mail, chart and export."""

from __future__ import annotations

import pytest

from app.models import Role
from tests.smtp import running_smtp_server
from tests.web import xss_world
from tests.xss import (
    FORMULA,
    LINK,
    PAYLOAD,
    assert_csv_defused,
    assert_html_safe,
    assert_svg_safe,
    assert_xlsx_defused,
)

SLUG = xss_world.SLUG
ADMIN, MANAGER, REP, OWNER, STAFF = Role.ADMIN, Role.MANAGER, Role.REPRESENTATIVE, Role.OWNER, Role.STAFF


@pytest.fixture
def world(app, tmp_path):
    """The poisoned company, its e-mail delivered to a real SMTP server."""
    with running_smtp_server() as inbox:
        app.config["SMTP_URL"] = inbox.url
        yield xss_world.build(app, tmp_path, inbox)


def pages(ids: dict[str, int]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(role, path, texts that must be shown as typed) for every page that shows what was typed."""
    shown = (PAYLOAD,)
    return [
        (ADMIN, "/admin/users", shown),
        (ADMIN, f"/admin/users/{ids['user']}", shown),
        (ADMIN, f"/admin/users?q={PAYLOAD}", ()),
        (ADMIN, "/admin/departments", shown),
        (ADMIN, f"/admin/departments/{ids['department']}", shown),
        (ADMIN, "/admin/customers", (PAYLOAD, FORMULA)),
        (ADMIN, f"/admin/customers/{ids['customer']}", shown),
        (ADMIN, f"/admin/customers/{ids['customer']}/erase", shown),
        (ADMIN, f"/admin/customers?q={PAYLOAD}", ()),
        (ADMIN, f"/admin/customers?tier={PAYLOAD}", ()),
        (ADMIN, "/admin/batches", shown),
        (ADMIN, f"/admin/batches/{ids['batch']}", shown),
        (ADMIN, "/admin/targets", (PAYLOAD, LINK)),
        (ADMIN, "/admin/audit", shown),
        (ADMIN, "/admin/surveys", shown),
        (ADMIN, "/admin/links", shown),
        (ADMIN, f"/admin/links/{SLUG}/print", shown),
        (ADMIN, "/account/tokens", shown),
        (MANAGER, "/analytics/", shown),
        (MANAGER, "/analytics/touchpoints/installation", shown),
        (MANAGER, "/admin/exports", ()),
        (REP, "/cases/", shown),
        (REP, f"/cases/{ids['case']}", shown),
        (REP, f"/cases/responses/{ids['response']}", shown),
        (REP, "/suggestions/board", shown),
        (REP, f"/suggestions/{ids['suggestion']}", shown),
        (REP, "/suggestions/scorecards", shown),
        (OWNER, "/suggestions/queue", shown),
        (OWNER, "/inbox", shown),
        (STAFF, "/suggestions/mine", shown),
        (STAFF, f"/suggestions/{ids['rejected']}", shown),
        (STAFF, "/suggestions/recognition", shown),
        (STAFF, "/inbox", shown),
        (None, f"/s/{SLUG}?lang=en", shown),
        (None, f"/s/{SLUG}/thanks?lang=en", shown),
    ]


def test_every_page_shows_the_payloads_as_text(world):
    anonymous = world.browsers[ADMIN].application.test_client()
    for role, path, shown in pages(world.ids):
        client = world.browsers[role] if role else anonymous
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code == 200, (path, response.status_code)
        assert_html_safe(response.get_data(as_text=True), path, shown=shown)


def test_a_refused_form_shows_what_was_typed_harmlessly(world):
    staff = world.browsers[STAFF]
    refused = xss_world.post(staff, "/suggestions/new", title="x", description="y", evidence=PAYLOAD)
    assert refused.status_code == 400
    assert_html_safe(refused.get_data(as_text=True), "suggestion with bad evidence", shown=(PAYLOAD,))


def test_every_e_mail_shows_the_payloads_as_text(world, runner):
    assert runner.invoke(args=["loop", "remind"]).exit_code == 0  # the owner's assignment goes out at once
    kinds = set()
    for message in world.inbox.messages:
        html = message.get_body(("html",)).get_content()
        plain = message.get_body(("plain",)).get_content()
        typed = tuple(payload for payload in (PAYLOAD, FORMULA) if payload in plain)  # as typed: nothing to escape
        assert typed and "&lt;" not in plain, message["Subject"]
        assert_html_safe(html, message["Subject"], shown=typed)
        kinds.add("/i/" in plain)
    assert kinds == {True, False}  # invitations and a notification


def test_every_chart_is_well_formed_svg_that_runs_nothing(world):
    manager = world.browsers[MANAGER]
    base = "/analytics/touchpoints/installation"
    charts = ["/analytics/overview.svg", f"{base}/dimensions.svg", f"{base}/distribution.svg", f"{base}/segments.svg"]
    for path in (f"{chart}?lang=en" for chart in charts):
        response = manager.get(path)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml", path
        svg = response.get_data()
        assert_svg_safe(svg, path)
        # No mathtext: "$\\alpha$" is drawn as typed in the chart font, never as an α from the math fonts.
        assert b"DejaVu" not in svg and b"Italic" not in svg, path


def test_exports_defuse_formulas_and_keep_the_text(world):
    manager = world.browsers[MANAGER]
    query = f"/admin/exports/download?survey={SLUG}&personal=1"
    csv_export = manager.get(query + "&format=csv")
    assert csv_export.status_code == 200 and csv_export.mimetype == "text/csv"
    assert csv_export.headers["X-Content-Type-Options"] == "nosniff"
    assert_csv_defused(csv_export.get_data(as_text=True), "responses CSV", shown=(PAYLOAD, FORMULA))
    xlsx_export = manager.get(query + "&format=xlsx")
    assert xlsx_export.status_code == 200
    assert_xlsx_defused(xlsx_export.get_data(), "responses XLSX", shown=(PAYLOAD, FORMULA))
    links = manager.get(f"/admin/batches/{world.ids['batch']}/links.csv")
    assert_csv_defused(links.get_data(as_text=True).lstrip("\ufeff"), "links CSV", shown=(PAYLOAD, FORMULA))
