"""Trends, segments compared, importance–performance and impact pages: roles, refusals, figures, tables, zh."""

from __future__ import annotations

import html as html_text
import random
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from scipy import stats

from app.models import Role
from tests.factories import load_surveys, make_customer, make_implemented_suggestion
from tests.web.analytics_seed import PUNCTUALITY, installation_answers, respond, seed_regions
from tests.web.test_auth import make_user, sign_in
from touchloop.answers import GapAnswer
from touchloop.stats import compare_segments, csat, describe_gap, nps
from touchloop.stats.tables import differences

PAGES = ["/analytics/trends", "/analytics/segments", "/analytics/importance", "/analytics/impact"]
CHARTS = [
    "/analytics/trends/nps.svg",
    "/analytics/trends/csat.svg",
    "/analytics/trends/gap.svg?touchpoint=installation&dimension=convenience",
    "/analytics/segments/installation.svg?compare=region&metric=gap",
    "/analytics/segments/installation.svg?compare=tier&metric=nps",
    "/analytics/importance.svg",
    "/analytics/importance.svg?touchpoint=installation&outcome=nps",
]
JANUARY = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def manager(client, session):
    """A signed-in manager, with the demo surveys loaded."""
    load_surveys(session)
    make_user(session, email="boss@example.com", role=Role.MANAGER)
    sign_in(client, email="boss@example.com")
    return client


def _text(html: str) -> str:
    """Page text without tags and with single spaces."""
    return html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _row(page: str, marker: str, after: str = "") -> str:
    """The text of the first table row carrying ``marker`` (after the first ``after`` on the page)."""
    page = page[page.index(after) :] if after else page
    found = re.search(rf"<tr {re.escape(marker)}.*?</tr>", page, re.S)
    assert found, marker
    return _text(found.group(0))


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.STAFF, 403), (Role.OWNER, 403), (Role.REPRESENTATIVE, 200), (Role.MANAGER, 200), (Role.ADMIN, 200)],
)
def test_only_representatives_managers_and_admins_open_the_new_pages_and_charts(client, session, role, status):
    load_surveys(session)
    make_user(session, email="someone@example.com", role=role)
    sign_in(client, email="someone@example.com")
    for url in PAGES + CHARTS:
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_sign_in_from_every_new_page(client):
    for url in PAGES + CHARTS:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/analytics/trends?touchpoint=moon", "There is no touchpoint “moon”."),
        ("/analytics/trends?dimension=taste", "There is no dimension “taste”."),
        ("/analytics/trends?start=2026-02-30", "Start date “2026-02-30” is not a date (YYYY-MM-DD)."),
        ("/analytics/segments?metric=mood", "“mood” is not a choice for metric (choose gap, nps, csat)."),
        ("/analytics/segments?compare=planet", "There is no segment attribute “planet” to compare by."),
        ("/analytics/segments?segment-region=mars", "“mars” is not a value of “region”."),
        ("/analytics/importance?outcome=ces", "“ces” is not a choice for outcome (choose csat, nps)."),
        ("/analytics/importance?channel=pigeon", "There are no responses from channel “pigeon”."),
        ("/analytics/impact?days=3", "The window must be 7 to 365 days, not “3”."),
        ("/analytics/impact?metric=mood", "“mood” is not a choice for metric (choose gap, nps, csat)."),
    ],
)
def test_a_bad_choice_gets_a_400_page_that_says_what_is_wrong(manager, url, message):
    response = manager.get(url)
    assert response.status_code == 400
    assert message in _text(response.get_data(as_text=True))


def test_a_bad_choice_for_a_chart_is_refused_and_an_unknown_chart_is_not_found(manager):
    for url in (
        "/analytics/trends/nps.svg?touchpoint=moon",
        "/analytics/segments/installation.svg?metric=mood",
        "/analytics/segments/installation.svg?compare=planet",
        "/analytics/importance.svg?outcome=ces",
        "/analytics/importance.svg?end=tomorrow",
    ):
        assert manager.get(url).status_code == 400, url
    assert manager.get("/analytics/trends/pie.svg").status_code == 404
    assert manager.get("/analytics/segments/nowhere.svg").status_code == 404


def test_every_new_chart_is_valid_svg_in_both_languages_with_and_without_answers(manager, session):
    seed_regions(session)
    for url in CHARTS:
        for extra in ("lang=en", "lang=zh", "lang=zh&start=2001-01-01&end=2001-01-31"):
            response = manager.get(f"{url}{'&' if '?' in url else '?'}{extra}")
            assert response.status_code == 200 and response.mimetype == "image/svg+xml", url
            assert ET.fromstring(response.data).tag == "{http://www.w3.org/2000/svg}svg"


def test_the_segment_page_shows_west_falling_short_at_installation_with_holm_pairs_and_effect_sizes(manager, session):
    seed_regions(session)
    page = manager.get("/analytics/segments?compare=region&metric=gap").get_data(as_text=True)
    declared = ("east", "south", "west")  # the journey's order, which the page keeps
    groups = {
        region: differences({pair: PUNCTUALITY[region].count(pair) for pair in PUNCTUALITY[region]})
        for region in declared
    }
    result = compare_segments(groups)
    convenience = 'data-dimension="Convenience" data-touchpoint="installation"'
    west = result.groups["west"]
    row = _row(page, 'data-segment="West China"', convenience)
    assert f" {west.n} " in row and f"{west.mean:.2f} [{west.ci.low:.2f}, {west.ci.high:.2f}]" in row
    assert "West China *" in row and "falls short" in row and "East China" in row
    south = _row(page, 'data-segment="South China"', convenience)
    assert " 3 " in south and "left out of the tests: too few answers" in south and "*" not in south
    (pair,) = result.pairs  # east and west: the only two with enough answers
    pairs = _row(page, 'data-pair="East China – West China"', convenience)
    assert f"δ = {-pair.cliffs_delta:.2f}" in _row(page, 'data-segment="West China"', convenience)  # west's view
    assert "p < 0.0001" in pairs and f"{pair.cliffs_delta:.2f}" in pairs and f"{pair.hedges_g:.2f}" in pairs
    estimate, ci = pair.difference.estimate, pair.difference.ci
    assert f"{estimate:+.2f} [{ci.low:+.2f}, {ci.high:+.2f}]" in pairs
    kruskal = page[: page.index(convenience)].rsplit("<p data-kruskal>", 1)[1]
    assert f"H = {result.kruskal.statistic:.2f}, df = 1" in _text(kruskal)


def test_the_segment_page_compares_nps_and_csat_with_the_dashboards_usual_intervals(manager, session):
    seed_regions(session)
    customer = make_customer(session, tier="A", region="north")
    for score in [2, 3, 6, 7, 10] * 7:
        respond(session, installation_answers(5, 5, recommend=score, overall_satisfaction=1 + score // 3), customer)
    page = manager.get("/analytics/segments?compare=tier&metric=nps").get_data(as_text=True)
    tier_a = nps({score: 7 for score in [2, 3, 6, 7, 10]})
    row = _row(page, 'data-segment="A (most valuable)"', 'data-touchpoint="installation"')
    assert f"{tier_a.score:.1f} [{tier_a.ci.low:.1f}, {tier_a.ci.high:.1f}]" in row and " 35 " in row
    page = manager.get("/analytics/segments?compare=tier&metric=csat").get_data(as_text=True)
    share = csat({1: 7, 2: 7, 3: 14, 4: 7})
    row = _row(page, 'data-segment="A (most valuable)"', 'data-touchpoint="installation"')
    assert f"{share.share * 100:.1f} [{share.ci.low * 100:.1f}, {share.ci.high * 100:.1f}]" in row


def test_several_segment_attributes_filter_together(manager, session):
    seed_regions(session, tier="B")
    a_west = make_customer(session, region="west", tier="A")
    for expected, experienced in PUNCTUALITY["west"]:
        respond(session, installation_answers(expected, experienced), a_west)
    page = manager.get("/analytics/segments?compare=region&segment-region=west&segment-tier=A").get_data(as_text=True)
    row = _row(page, 'data-segment="West China"', 'data-dimension="Convenience"')
    assert " 32 " in row and "East China" not in page.split('data-dimension="Convenience"')[1]
    everyone = manager.get("/analytics/segments?compare=region&segment-region=west").get_data(as_text=True)
    assert " 64 " in _row(everyone, 'data-segment="West China"', 'data-dimension="Convenience"')


def test_the_trend_table_gives_each_months_figures_with_ci_and_n_and_marks_a_small_month(manager, session):
    customer = make_customer(session, region="east")
    rng = random.Random(4)
    given = {"2026-01": [], "2026-02": []}
    for month, count, start in (("2026-01", 40, JANUARY), ("2026-02", 3, JANUARY + timedelta(days=31))):
        for number in range(count):
            answers = installation_answers(rng.randint(3, 6), rng.randint(2, 7), recommend=rng.randint(0, 10))
            respond(session, answers, customer, submitted_at=start + timedelta(hours=number))
            given[month].append(answers)
    page = manager.get("/analytics/trends?touchpoint=installation").get_data(as_text=True)
    january = given["2026-01"]
    score = nps({value: [a["recommend"] for a in january].count(value) for value in range(11)})
    pairs = [(a[q].expected, a[q].actual) for a in january for q in ("punctuality", "workmanship")]
    gap = describe_gap({pair: pairs.count(pair) for pair in set(pairs)}).gap
    row = _row(page, 'data-month="2026-01"')
    minus = "\N{MINUS SIGN}"
    assert f"{score.score:.1f} [{score.ci.low:.1f}, {score.ci.high:.1f}], n=40".replace("-", minus) in row
    assert f"{gap.mean:.2f} [{gap.ci.low:.2f}, {gap.ci.high:.2f}], n=80".replace("-", minus) in row
    february = _row(page, 'data-month="2026-02"')
    assert "n=3 (too few answers to trust)" in february and 'data-too-small="true"' in page
    assert 'src="/analytics/trends/gap.svg?touchpoint=installation&amp;lang=en"' in page


def test_the_importance_table_gives_each_questions_correlation_with_overall_satisfaction_as_scipy_does(
    manager, session
):
    customer = make_customer(session, region="east")
    rng = random.Random(9)
    given = []
    for _number in range(45):
        overall = rng.randint(1, 5)
        answers = installation_answers(5, max(1, min(7, overall + rng.randint(0, 2))), overall_satisfaction=overall)
        answers["workmanship"] = GapAnswer(5, rng.randint(1, 7))
        respond(session, answers, customer)
        given.append(answers)
    page = manager.get("/analytics/importance?touchpoint=installation").get_data(as_text=True)
    found = stats.pearsonr([a["punctuality"].actual for a in given], [a["overall_satisfaction"] for a in given])
    low, high = found.confidence_interval(0.95)
    row = _row(page, 'data-question="The installer arriving within the agreed time window"')
    assert f"{found.statistic:.2f} [{low:.2f}, {high:.2f}]" in row and " 45 " in row
    quadrants = re.findall(r'data-quadrant="(\w*)"', page)
    assert len(quadrants) == 2 and all(quadrants) and 'id="crosshairs"' in page
    numbers = re.findall(r"<td class=\"num\" data-key>(\d+)</td>", page)
    assert numbers == ["1", "2"]  # punctuality and workmanship; the optional handover rating was not answered


def test_the_impact_page_files_each_change_under_its_verdict_and_links_the_suggestion(manager, session):
    customer = make_customer(session, region="east")
    change = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    for day in range(1, 36):
        for offset, lift in ((-day, 0), (day, 2)):
            answers = installation_answers(5, 3 + lift + day % 2)
            respond(session, answers, customer, submitted_at=change + timedelta(days=offset))
        for offset in (-day, day):
            respond(
                session, _hotline(day), customer, slug="after-sales-service", submitted_at=change + timedelta(offset)
            )
    worked = make_implemented_suggestion(session, "installation", change, title="Call ahead")
    early = make_implemented_suggestion(session, "delivery", change, title="Two-hour windows")
    page = manager.get("/analytics/impact").get_data(as_text=True)
    worked_section = page[page.index('data-verdict-group="worked"') : page.index('data-verdict-group="did_not_work"')]
    assert f"#{worked.id} Call ahead" in worked_section and f'href="/suggestions/{worked.id}"' in worked_section
    early_row = _row(page, f'data-suggestion="{early.id}"', 'data-verdict-group="too_early_to_tell"')
    assert "no answers at this touchpoint in either window" in early_row
    assert "change +1.00" in _row(page, f'data-suggestion="{worked.id}"')  # punctuality +2, workmanship 0


def _hotline(day: int) -> dict:
    """Hotline answers that do not change over time."""
    return {
        "recommend": 5 + day % 5,
        "overall_satisfaction": 3 + day % 3,
        "resolution": GapAnswer(5, 4 + day % 3),
        "agent_care": GapAnswer(4, 4),
        "effort": 5,
        "contact_me": "no",
    }


def test_the_suggestion_page_shows_representatives_the_impact_on_each_metric(client, session):
    load_surveys(session)
    suggestion = make_implemented_suggestion(session, "installation", datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc))
    make_user(session, email="rep@example.com", role=Role.REPRESENTATIVE)
    sign_in(client, email="rep@example.com")
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "Did it work?" in page and 'id="impact-verdict"' in page and 'id="impact"' in page
    assert re.findall(r'data-metric="(\w+)"', page) == ["gap", "nps", "csat"]


def test_the_suggestion_page_tells_its_submitter_the_verdict_without_the_figures(client, session):
    load_surveys(session)
    suggestion = make_implemented_suggestion(session, "installation", datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc))
    sign_in(client, email="submitter@example.com")  # the factory's submitter, a staff member
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "Too early to tell" in _text(page.split('id="impact-verdict"')[1]) and 'id="impact"' not in page


def test_in_chinese_the_new_pages_and_their_navigation_are_chinese(manager, session):
    seed_regions(session)
    trends = manager.get("/analytics/trends?lang=zh").get_data(as_text=True)
    assert "按月趋势" in trends and "细分群体比较" in trends and "改进成效" in trends
    segments = manager.get("/analytics/segments?lang=zh&compare=region").get_data(as_text=True)
    assert 'data-segment="西部"' in segments and "便利性" in segments and "未达期望" in segments
    importance = manager.get("/analytics/importance?lang=zh").get_data(as_text=True)
    assert "重要性与表现" in importance and "安装师傅按约定时间段上门" in importance
    impact = manager.get("/analytics/impact?lang=zh").get_data(as_text=True)
    assert "有效的改进" in impact and "尚难判断" in impact
