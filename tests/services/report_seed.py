"""A small month for the experience report tests: March 2026 at the installation touchpoint, west vs east.

32 answers from a West China customer whose installers run late, 32 from an East China customer who is
content, 16 from the east in February; a target on NPS, one on the west's installation gap; one suggestion
implemented and verified and two follow-up cases resolved (one late) by field service in March. The raw
answers are kept here too, so the tests work the expected figures out with SciPy.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from app.models import CaseEvent, Department, FollowUpCase, Response, Suggestion, SuggestionEvent, Touchpoint
from app.services.analytics import count_responses
from app.services.definitions import current_version
from app.services.journey import current_journey
from app.services.responses import ResponseMeta, record_response
from app.services.segments import snapshot_segments
from app.services.targets import TargetEntry, add_target
from tests.factories import load_surveys, make_customer
from tests.web.test_auth import make_user
from touchloop.answers import GapAnswer
from touchloop.report.model import Month

MONTH = Month(2026, 3)
TODAY = date(2026, 4, 5)
# (expected, experienced) punctuality, overall satisfaction (1–5), likelihood to recommend (0–10)
WEST = [((6, 2), 2, 5), ((6, 3), 3, 6), ((5, 3), 3, 7), ((6, 4), 4, 8)] * 8
EAST = [((5, 5), 4, 9), ((5, 6), 5, 10), ((6, 6), 5, 9), ((4, 5), 5, 8)] * 8
COMMENT = "Late again $x$ <b>bold</b> =cmd|' /C calc'!A0"


@dataclass
class Seeded:
    """What the seed made, for the tests to compare with."""

    answers: list[tuple[str, tuple[int, int], int, int]]  # region, punctuality pair, csat, nps — March only


def _respond(session, customer, pair, satisfied: int, recommend: int, moment: datetime, comment: str = "") -> None:
    """One installation response from ``customer`` at ``moment``, with its segment snapshot, counted in."""
    version = current_version(session, "delivery-installation")
    answers = {
        "recommend": recommend,
        "overall_satisfaction": satisfied,
        "delivery_condition": "intact",
        "punctuality": GapAnswer(*pair),
        "workmanship": GapAnswer(5, 5),
        "contact_me": "no",
    }
    if comment:
        answers["improve"] = comment
    response = record_response(
        session, version, answers, ResponseMeta(uuid.uuid4().hex, "en", "web", customer_id=customer.id)
    )
    response.submitted_at = moment
    snapshot_segments(session, response.id, customer, current_journey(session), moment)
    count_responses(session, [response.id])


def seed_month(session, comment: str = COMMENT) -> Seeded:
    """Load the demo surveys and seed the month described above (with ``comment`` from West); commit."""
    load_surveys(session)
    west, east = make_customer(session, region="west"), make_customer(session, region="east")
    march = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    answers = []
    for number, (pair, satisfied, recommend) in enumerate(WEST):
        text = comment if number == 0 else ""
        _respond(session, west, pair, satisfied, recommend, march + timedelta(hours=number), text)
        answers.append(("west", pair, satisfied, recommend))
    for number, (pair, satisfied, recommend) in enumerate(EAST):
        _respond(session, east, pair, satisfied, recommend, march + timedelta(days=10, hours=number))
        answers.append(("east", pair, satisfied, recommend))
    for number, (pair, satisfied, recommend) in enumerate(EAST[:16]):
        _respond(session, east, pair, satisfied, recommend, datetime(2026, 2, 10, number, tzinfo=timezone.utc))
    installation = session.scalar(sa.select(Touchpoint).where(Touchpoint.code == "installation"))
    period = {"period_start": date(2026, 1, 1), "period_end": date(2026, 6, 30)}
    add_target(session, TargetEntry("nps", 10.0, **period, note="Board goal =1+1"), creator=None)
    west_gap = TargetEntry(
        "gap", -0.5, **period, touchpoint_id=installation.id, segment_attribute="region", segment_value="west"
    )
    add_target(session, west_gap, creator=None)
    _loop(session, installation)
    session.commit()
    return Seeded(answers)


def _loop(session, installation: Touchpoint) -> None:
    """Field service implements and verifies one suggestion and resolves two cases (one late) in March."""
    department = session.scalar(sa.select(Department).where(Department.code == "field_service"))
    department.name = {"en": "Field <i>service</i> $x$", "zh": "交付服务部"}
    staff = make_user(session, email="staff@example.com", role="staff")
    suggestion = Suggestion(
        title="Call ahead", description="-", submitter_id=staff.id, state="verified", department_id=department.id
    )
    session.add(suggestion)
    session.flush()
    steps = [("submitted", 1), ("accepted", 3), ("implemented", 10), ("verified", 12)]
    for (to_state, day), before in zip(steps, [None] + [step for step, _ in steps]):
        at = datetime(2026, 3, day, 12, tzinfo=timezone.utc)
        session.add(SuggestionEvent(suggestion_id=suggestion.id, from_state=before, to_state=to_state, at=at))
    response_id = session.scalar(sa.select(sa.func.min(Response.id)))
    for rule, deadline_day, resolved_day in (("call_back", 20, 18), ("visit", 20, 25)):
        case = FollowUpCase(
            response_id=response_id,
            rule_id=rule,
            title={"en": "Late"},
            touchpoint_id=installation.id,
            department_id=department.id,
            state="resolved",
            deadline_at=datetime(2026, 3, deadline_day, tzinfo=timezone.utc),
        )
        session.add(case)
        session.flush()
        resolved = datetime(2026, 3, resolved_day, tzinfo=timezone.utc)
        session.add(CaseEvent(case_id=case.id, to_state="resolved", at=resolved))
