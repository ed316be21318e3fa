"""GET /api/v1/stats/…: the dashboards' figures under the dashboards' filters, with n, CI and too-small flags."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.analytics import figures
from app.extensions import db
from app.models import Role
from app.services.analytics import Filters
from app.services.dashboards import touchpoint_by_code
from tests.api.conftest import assert_problem, bearer, make_token
from tests.factories import load_surveys
from tests.web.analytics_seed import PUNCTUALITY, seed_regions
from tests.web.test_auth import make_user
from touchloop.stats import describe_gap, nps

INSTALLATION = "/api/v1/stats/touchpoints/installation"


@pytest.fixture
def token(session):
    """The demo journey loaded, no responses; a manager's token with stats:read."""
    load_surveys(session)
    manager = make_user(session, email="boss@example.com", role=Role.MANAGER)
    return make_token(session, manager, ["stats:read"])


@pytest.fixture
def seeded(session):
    """Installation answers from west, east and south customers; a manager's token with stats:read."""
    load_surveys(session)
    seed_regions(session)
    manager = make_user(session, email="boss@example.com", role=Role.MANAGER)
    return make_token(session, manager, ["stats:read"])


def _gap(body: dict, dimension: str) -> dict:
    """The gap entry of ``dimension``."""
    return next(item for item in body["gaps"] if item["dimension"] == dimension)


def test_a_touchpoint_gives_nps_with_its_distribution_and_each_dimension_gap_as_the_textbook_says(client, seeded):
    body = client.get(INSTALLATION, headers=bearer(seeded)).get_json()

    answers = sum(len(pairs) for pairs in PUNCTUALITY.values())
    expected_nps = nps({9: answers})
    assert body["nps"]["n"] == answers and body["nps"]["value"] == pytest.approx(expected_nps.score)
    assert body["nps_distribution"]["9"] == answers and sum(body["nps_distribution"].values()) == answers
    assert body["csat"]["value"] == pytest.approx(100.0) and body["min_n"] == 30
    pairs: dict = {}
    for region_pairs in PUNCTUALITY.values():
        for pair in region_pairs:
            pairs[pair] = pairs.get(pair, 0) + 1
    textbook = describe_gap(pairs)
    convenience = _gap(body, "convenience")
    assert convenience["gap"]["n"] == answers and convenience["gap"]["value"] == pytest.approx(textbook.gap.mean)
    assert (convenience["gap"]["ci_low"], convenience["gap"]["ci_high"]) == pytest.approx(
        (textbook.gap.ci.low, textbook.gap.ci.high)
    )
    assert convenience["classification"] == "negative" and convenience["p_value"] < 0.05


def test_the_figures_are_the_dashboards_figures_under_the_same_segment_filter(app, client, seeded):
    body = client.get(f"{INSTALLATION}?segment=region:south", headers=bearer(seeded)).get_json()

    with app.app_context():
        found = touchpoint_by_code(db.session, "installation")
        page = figures.dimension_figures(db.session, found, Filters(segments={"region": ["south"]}), "en")
    convenience = _gap(body, "convenience")
    shown = next(figure for figure in page if figure.label == "Convenience")
    assert convenience["gap"]["n"] == shown.gap.gap.n == len(PUNCTUALITY["south"])
    assert convenience["gap"]["value"] == pytest.approx(shown.gap.gap.mean)
    assert convenience["gap"]["too_small"] is True and convenience["classification"] is None  # n = 3 < 30
    assert body["nps"]["too_small"] is True


def test_the_overview_lists_every_touchpoint_in_journey_order_with_empty_ones_marked(client, seeded):
    body = client.get("/api/v1/stats/overview", headers=bearer(seeded)).get_json()

    codes = [row["touchpoint"] for row in body["touchpoints"]]
    assert codes[0] == "consultation" and "installation" in codes
    installation = body["touchpoints"][codes.index("installation")]
    assert installation["nps"]["n"] == 67 and installation["stage"] and installation["name"]["en"]
    empty = body["touchpoints"][0]
    assert empty["nps"] == {"value": None, "ci_low": None, "ci_high": None, "n": 0, "too_small": True}


def test_a_period_and_a_channel_narrow_the_count(client, seeded):
    today = datetime.now(timezone.utc).date().isoformat()
    inside = client.get(f"{INSTALLATION}?start={today}&end={today}&channel=web", headers=bearer(seeded)).get_json()
    before = client.get(f"{INSTALLATION}?end=2020-01-01", headers=bearer(seeded)).get_json()
    assert inside["nps"]["n"] == 67 and before["nps"]["n"] == 0 and before["gaps"] == []


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("start=2026-03-01&end=2026-02-01", "end", "The period ends (2026-02-01) before it starts (2026-03-01)."),
        ("channel=pigeon", "channel", "There are no responses from channel “pigeon”."),
        ("segment=region:mars", "segment", "“mars” is not a value of “region”."),
        ("segment=planet:mars", "segment", "There is no segment attribute “planet”."),
        ("segment=region:west&segment=region:east", "segment", "Give one value per segment attribute."),
    ],
)
def test_a_filter_the_dashboards_refuse_is_a_422_naming_the_parameter(client, token, query, parameter, message):
    for url in (INSTALLATION, "/api/v1/stats/overview"):
        body = assert_problem(client.get(f"{url}?{query}", headers=bearer(token)), 422)
        assert {"parameter": parameter, "message": message} in body["errors"]


@pytest.mark.parametrize("query", ["segment=region", "start=yesterday", "tier=A", "segment=a:b%20c"])
def test_malformed_parameters_are_a_422(client, token, query):
    body = assert_problem(client.get(f"/api/v1/stats/overview?{query}", headers=bearer(token)), 422)
    assert body["errors"]


def test_an_unknown_touchpoint_is_a_404(client, token):
    assert_problem(client.get("/api/v1/stats/touchpoints/teleport", headers=bearer(token)), 404)


def test_staff_and_owners_cannot_read_statistics(client, session):
    load_surveys(session)
    for role in (Role.STAFF, Role.OWNER):
        user = make_user(session, email=f"{role}@example.com", role=role)
        secret = make_token(session, user, ["surveys:read"], name=str(role))
        assert_problem(client.get("/api/v1/stats/overview", headers=bearer(secret)), 403)
