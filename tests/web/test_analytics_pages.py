"""The analytics pages: who may open them, filters read (or refused with a reason), figures as the statistics say."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.analytics import charts
from app.models import Dimension, Role, Touchpoint
from app.services.analytics import Filters
from app.services.targets import ReferenceEntry, TargetEntry, add_target, set_reference_level
from tests.factories import load_surveys, make_response
from tests.web.analytics_seed import PUNCTUALITY, seed_regions
from tests.web.analytics_seed import installation_answers as _answers
from tests.web.test_auth import make_user, sign_in
from touchloop.stats import compare_segments, describe_gap
from touchloop.stats.tables import differences

TOUCHPOINT = "/analytics/touchpoints/installation"


@pytest.fixture
def manager(client, session):
    """A signed-in manager, with the demo surveys loaded."""
    load_surveys(session)
    make_user(session, email="boss@example.com", role=Role.MANAGER)
    sign_in(client, email="boss@example.com")
    return client


@pytest.fixture
def seeded(manager, session):
    """The manager, with installation answers from west, east and south customers."""
    seed_regions(session)
    return manager


def _row(page: str, marker: str) -> str:
    """The text of the table row that carries ``marker`` (e.g. data-segment="West China"), tags removed."""
    found = re.search(rf"<tr {re.escape(marker)}.*?</tr>", page, re.S)
    assert found, marker
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def _convenience(page: str) -> str:
    """The segment table of the convenience dimension (punctuality's)."""
    return page[page.index("<h3>Convenience</h3>") :]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.STAFF, 403), (Role.OWNER, 403), (Role.REPRESENTATIVE, 200), (Role.MANAGER, 200), (Role.ADMIN, 200)],
)
def test_managers_representatives_and_admins_open_the_pages_and_staff_and_owners_get_403(client, session, role, status):
    load_surveys(session)
    make_user(session, email="someone@example.com", role=role)
    sign_in(client, email="someone@example.com")
    assert client.get("/analytics/").status_code == status
    assert client.get(TOUCHPOINT).status_code == status
    assert client.get("/analytics/overview.svg").status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/analytics/overview.svg")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-13-01", "Start date “2026-13-01” is not a date (YYYY-MM-DD)."),
        ("start=2026-03-01&end=2026-02-01", "The period ends (2026-02-01) before it starts (2026-03-01)."),
        ("segment-region=mars", "“mars” is not a value of “region”."),
        ("segment-planet=mars", "There is no segment attribute “planet”."),
        ("channel=pigeon", "There are no responses from channel “pigeon”."),
    ],
)
def test_a_bad_filter_gets_a_400_that_says_what_is_wrong(manager, query, message):
    for url in ("/analytics/", TOUCHPOINT):
        response = manager.get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True).replace("&#34;", '"')
    assert manager.get(f"/analytics/overview.svg?{query}").status_code == 400
    assert manager.get(f"{TOUCHPOINT}/segments.svg?{query}").status_code == 400


def test_comparing_by_an_unknown_attribute_or_an_unknown_touchpoint_or_chart_is_refused(manager):
    page = manager.get(f"{TOUCHPOINT}?compare=planet")
    assert page.status_code == 400 and "There is no segment attribute “planet” to compare by." in page.get_data(
        as_text=True
    )
    assert manager.get(f"{TOUCHPOINT}/segments.svg?dimension=x").status_code == 400
    assert manager.get("/analytics/touchpoints/nowhere").status_code == 404
    assert manager.get(f"{TOUCHPOINT}/pie.svg").status_code == 404


def test_the_touchpoint_page_shows_west_falling_short_significantly_with_the_figures_of_the_statistics(seeded):
    page = seeded.get(f"{TOUCHPOINT}?compare=region").get_data(as_text=True)
    groups = {region: differences({pair: pairs.count(pair) for pair in pairs}) for region, pairs in PUNCTUALITY.items()}
    result = compare_segments(groups)
    west = result.groups["west"]
    row = _row(_convenience(page), 'data-segment="West China"')
    assert f" {west.n} " in row and west.n == 32
    assert f"{west.mean:.2f} [{west.ci.low:.2f}, {west.ci.high:.2f}]" in row
    assert "West China *" in row and "falls short" in row and "East China" in row  # differs from east
    east = result.groups["east"]
    assert f"{east.mean:.2f} [{east.ci.low:.2f}, {east.ci.high:.2f}]" in _row(
        _convenience(page), 'data-segment="East China"'
    )
    south = _row(_convenience(page), 'data-segment="South China"')
    assert " 3 " in south and "too few answers to trust" in south and "*" not in south
    kruskal = result.kruskal.p_value
    assert kruskal < 0.0001 and "H = " + f"{result.kruskal.statistic:.2f}" in _convenience(page)


def test_the_dimension_table_and_the_overview_show_n_and_the_gap_with_its_interval(seeded):
    all_pairs = [pair for pairs in PUNCTUALITY.values() for pair in pairs]
    gap = describe_gap({pair: all_pairs.count(pair) for pair in set(all_pairs)}).gap
    figure = f"{gap.mean:.2f} [{gap.ci.low:.2f}, {gap.ci.high:.2f}]"
    page = seeded.get(TOUCHPOINT).get_data(as_text=True)
    convenience = re.search(r"<th scope=\"row\">Convenience</th>.*?</tr>", page, re.S).group(0)
    assert figure in re.sub(r"<[^>]+>", "", convenience) and "<td data-n>67</td>" in convenience
    overview = seeded.get("/analytics/").get_data(as_text=True)
    row = _row(overview, 'data-touchpoint="installation"')
    words = figure.replace("-", "\N{MINUS SIGN}") + ", n=67"
    assert words in row
    assert 'href="/analytics/touchpoints/installation?lang=en"' in overview


def test_filtering_on_a_segment_leaves_the_other_segments_out(seeded):
    page = seeded.get(f"{TOUCHPOINT}?segment-region=east").get_data(as_text=True)
    assert 'data-segment="East China"' in page and 'data-segment="West China"' not in page
    assert "<td data-n>32</td>" in page


def test_a_period_without_answers_shows_that_nothing_matches(seeded):
    page = seeded.get(f"{TOUCHPOINT}?start=2001-01-01&end=2001-12-31").get_data(as_text=True)
    assert "No gap answers match these filters." in page and 'data-segment="West China"' not in page


def test_every_chart_route_returns_valid_svg(seeded):
    urls = ["/analytics/overview.svg", f"{TOUCHPOINT}/dimensions.svg", f"{TOUCHPOINT}/distribution.svg"]
    urls += [f"{TOUCHPOINT}/segments.svg?dimension=0", f"{TOUCHPOINT}/segments.svg?dimension=1&lang=zh"]
    empty = "start=2001-01-01&end=2001-01-31"  # no answers: each chart says so instead of failing
    urls += [f"{url}{'&' if '?' in url else '?'}{empty}" for url in urls]
    for url in urls:
        response = seeded.get(url)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert ET.fromstring(response.data).tag == "{http://www.w3.org/2000/svg}svg"


def test_a_new_answer_changes_the_cached_chart_and_the_page(seeded, session):
    before = seeded.get("/analytics/overview.svg").data
    assert seeded.get("/analytics/overview.svg").data == before  # the same data draw the same bytes
    make_response(session, _answers(6, 1))
    assert seeded.get("/analytics/overview.svg").data != before
    assert "n=68" in _row(seeded.get("/analytics/").get_data(as_text=True), 'data-touchpoint="installation"')


def test_customer_comments_are_shown_escaped(manager, session):
    make_response(session, _answers(5, 5, recommend=2, improve="<script>alert('late')</script>"))
    page = manager.get(TOUCHPOINT).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;late&#39;)&lt;/script&gt;" in page


def test_in_chinese_the_journey_names_are_chinese_and_the_chart_urls_keep_the_language(seeded):
    page = seeded.get(f"{TOUCHPOINT}?lang=zh").get_data(as_text=True)
    assert 'data-dimension="便利性"' in page and 'data-segment="西部"' in page
    assert f'src="{TOUCHPOINT}/dimensions.svg?lang=zh"' in page


def test_the_overview_marks_a_touchpoint_with_few_answers_as_too_small_and_shows_its_n(manager, session):
    make_response(session, _answers(5, 4))
    row = _row(manager.get("/analytics/").get_data(as_text=True), 'data-touchpoint="installation"')
    assert "n=1 (too few answers to trust)" in row


def _entered_levels_and_targets(session) -> None:
    """An industry level for installation convenience, and two targets for the answers' period."""
    touchpoint = session.scalar(sa.select(Touchpoint.id).where(Touchpoint.code == "installation"))
    convenience = session.scalar(sa.select(Dimension.id).where(Dimension.code == "convenience"))
    place = {"touchpoint_id": touchpoint, "dimension_id": convenience}
    set_reference_level(session, ReferenceEntry(kind="industry", metric="mean", value=5.0, **place))
    today = date.today()
    period = {"period_start": today - timedelta(days=30), "period_end": today + timedelta(days=30)}
    add_target(session, TargetEntry(metric="gap", value=0.0, **place, **period), creator=None)
    add_target(session, TargetEntry(metric="nps", value=30.0, **period), creator=None)
    session.commit()


def test_the_touchpoint_page_lists_its_targets_with_their_status_and_the_comparison_levels(seeded, session):
    _entered_levels_and_targets(session)
    page = seeded.get(TOUCHPOINT).get_data(as_text=True)
    all_pairs = [pair for pairs in PUNCTUALITY.values() for pair in pairs]
    gap = describe_gap({pair: all_pairs.count(pair) for pair in set(all_pairs)}).gap
    row = _row(page, 'data-status="not_met"')
    assert "Installation and setup · Convenience" in row and f"{gap.mean:.2f} [{gap.ci.low:.2f}" in row
    assert "Not met" in row and " 67 " in row
    assert "Whole journey" not in page.split('id="targets-heading"')[1]  # journey-wide targets: on the overview
    levels = _row(page, 'data-dimension="Convenience"')
    assert "5.00" in levels and "gap +0.00" in levels  # the industry's mean, the target gap


def test_the_overview_lists_every_target_of_the_period_with_its_status(seeded, session):
    _entered_levels_and_targets(session)
    page = seeded.get("/analytics/").get_data(as_text=True)
    statuses = re.findall(r'<tr data-status="(\w+)">', page)
    assert sorted(statuses) == ["met", "not_met"]  # NPS: every answer a 9, so 100 [100, 100] ≥ 30
    assert "Whole journey" in page and "Installation and setup · Convenience" in page


def test_the_dimension_chart_draws_the_entered_levels_and_a_satisfied_customers_line(seeded, session, app):
    _entered_levels_and_targets(session)
    with app.test_request_context("/?lang=en"):
        drawn = charts.chart("dimensions", "installation", Filters(), "en")
    header = drawn.alternative.header
    assert set(header[4:]) == {"Industry level", "Satisfied customers", "Satisfied customers (Gap)", "Target"}
    convenience = dict(zip(header, next(row for row in drawn.alternative.rows if row[0] == "Convenience")))
    all_pairs = [pair for pairs in PUNCTUALITY.values() for pair in pairs]  # everyone recommended with a 9
    experience = sum(pair[1] for pair in all_pairs) / len(all_pairs)
    assert convenience["Industry level"] == "5.00" and convenience["Satisfied customers"] == f"{experience:.2f}"
