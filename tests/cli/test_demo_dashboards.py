"""What flask demo plants shows on the dashboards: West China's late installers, changes that did and did not work.

One small demo company serves both checks (filling it is the slow part).
"""

from __future__ import annotations

from app.analytics.segments import compare_by
from app.models.types import utcnow
from app.services.analytics import Filters
from app.services.demo.changes import PLANTED
from app.services.demo.ideas import IDEAS
from app.services.impact import impacts
from app.services.journey import current_journey
from touchloop.stats import GapClass, Verdict


def test_the_demo_plants_west_chinas_late_installers_and_a_change_that_worked_and_one_that_did_not(
    runner, session, app
):
    result = runner.invoke(args=["demo", "--customers", "300", "--responses", "4000", "--seed", "7"])
    assert result.exit_code == 0, result.output
    with app.test_request_context("/?lang=en"):
        blocks = compare_by(session, Filters(), "region", "gap", current_journey(session), "en")
    (punctuality,) = [b for b in blocks if (b.touchpoint_code, b.dimension) == ("installation", "Convenience")]
    lines = {line.label: line for line in punctuality.lines}
    west = lines.pop("West China")
    trusted = {name for name, line in lines.items() if not line.summary.too_small and name != "Not known"}
    assert not west.summary.too_small and west.classification == GapClass.NEGATIVE
    assert west.summary.ci.high < min(lines[name].summary.ci.low for name in trusted)
    assert {other for other, _p, _delta in west.differs_from} == trusted  # Holm-adjusted p < 0.05 against each
    assert punctuality.result.kruskal.p_value < 0.001

    found = {item.title: item for item in impacts(session, "gap", today=utcnow().date())}
    worked, backfired = (IDEAS[change.idea][1] for change in PLANTED)
    assert found[worked].impact.verdict == Verdict.WORKED
    assert found[backfired].impact.verdict == Verdict.DID_NOT_WORK
    assert any(item.impact.verdict == Verdict.TOO_EARLY for item in found.values())
