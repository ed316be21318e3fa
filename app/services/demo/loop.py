"""The demo's closed loop: department heads, follow-up cases worked by the demo people, and suggestions.

Cases are opened with the real service (``open_cases``) for a few hundred recent responses that trip a
follow-up rule, and moved with ``advance_case`` as the demo representatives and owners would, at believable
times. Everything draws on the demo's seeded ``random.Random``, so the same seed gives the same loop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Answer, Customer, Department, FollowUpCase, Response, User
from app.services.cases import advance_case, open_cases
from app.services.definitions import LoadedVersion, loaded_version
from app.services.demo.ideas import CONTACT_NOTES, RESOLVE_NOTES
from app.services.demo.notices import settle_demo_notices
from app.services.demo.suggestions import make_demo_suggestions
from app.services.journey import current_journey
from touchloop.answers import GapAnswer
from touchloop.case_flow import CaseState, matching_rules

LOOKBACK_DAYS = 60
MAX_CASE_RESPONSES = 300
PATH = (CaseState.ACKNOWLEDGED, CaseState.CONTACTED, CaseState.RESOLVED, CaseState.CLOSED)
# The root cause a rule's cases are most often filed under; other rules spread over every code.
RULE_CAUSES = {
    "late_arrival": "late_arrival",
    "poor_workmanship": "poor_workmanship",
    "delivery_problem": "damaged_or_missing",
    "poor_advice": "poor_advice",
    "poor_store_service": "staff_attitude",
    "unclear_pricing": "unclear_pricing",
    "high_effort": "long_wait",
    "unresolved": "long_wait",
}


@dataclass(frozen=True)
class DemoPeople:
    """The demo accounts that work the loop."""

    representatives: list[User]
    owners: dict[int, User]  # department id -> its owner
    staff: list[User]


@dataclass(frozen=True)
class LoopSummary:
    """How much of the loop the demo filled."""

    cases: int
    suggestions: int


def fill_loop(session: Session, *, rng: random.Random, now: datetime) -> LoopSummary:
    """Make each department's owner its head, open and work recent cases, and add suggestions."""
    people = demo_people(session)
    if not people.representatives:
        return LoopSummary(0, 0)
    for department_id, owner in people.owners.items():
        session.get(Department, department_id).head_id = owner.id
    cases = open_demo_cases(session, rng, now)
    causes = [cause.code for cause in current_journey(session).root_causes]
    for case in cases:
        _work_case(session, case, people, causes, rng, now)
    suggestions = make_demo_suggestions(session, people, cases, rng, now)
    settle_demo_notices(session, now)
    return LoopSummary(len(cases), len(suggestions))


def demo_people(session: Session) -> DemoPeople:
    """The demo representatives, department owners and other staff, by their demo e-mails."""
    users = {user.email: user for user in session.scalars(sa.select(User).where(User.email.like("%@huachen.example")))}
    representatives = [
        users[email] for email in ("rep.li@huachen.example", "rep.zhao@huachen.example") if email in users
    ]
    owners = {}
    for department in session.scalars(sa.select(Department).order_by(Department.id)):
        owner = users.get(f"owner.{department.code}@huachen.example")
        if owner is not None:
            owners[department.id] = owner
    staff = [users[email] for email in ("staff.wu@huachen.example", "manager@huachen.example") if email in users]
    return DemoPeople(representatives, owners, staff)


def open_demo_cases(session: Session, rng: random.Random, now: datetime) -> list[FollowUpCase]:
    """Open cases, as answering would have, for a sample of the recent responses that trip a follow-up rule."""
    since = now - timedelta(days=LOOKBACK_DAYS)
    has_case = sa.exists().where(FollowUpCase.response_id == Response.id)
    responses = session.scalars(
        sa.select(Response).where(Response.submitted_at >= since, ~has_case).order_by(Response.id)
    ).all()
    answers = _answers_by_response(session, since)
    matched = []
    for response in responses:
        version = loaded_version(session, response.survey_version_id)
        given = _answers_of(answers.get(response.id, []), version)
        if matching_rules(version.definition.followups, given):
            matched.append((response, version, given))
    chosen = sorted(rng.sample(matched, min(len(matched), MAX_CASE_RESPONSES)), key=lambda item: item[0].id)
    customers = {
        c.id: c
        for c in session.scalars(
            sa.select(Customer).where(
                Customer.id.in_([response.customer_id for response, _, _ in chosen if response.customer_id])
            )
        )
    }
    cases = []
    for response, version, given in chosen:
        customer = customers.get(response.customer_id)
        cases += open_cases(
            session,
            response=response,
            definition=version.definition,
            answers=given,
            customer=customer,
            now=_aware(response.submitted_at, now),
        )
    return cases


def _answers_by_response(session: Session, since: datetime) -> dict[int, list[Answer]]:
    """The answers of the responses submitted since ``since``, grouped by response."""
    grouped: dict[int, list[Answer]] = {}
    rows = session.scalars(
        sa.select(Answer).join(Response, Response.id == Answer.response_id).where(Response.submitted_at >= since)
    )
    for answer in rows:
        grouped.setdefault(answer.response_id, []).append(answer)
    return grouped


def _answers_of(rows: list[Answer], version: LoadedVersion) -> dict[str, object]:
    """The checked answers (question id -> value) that these answer rows were stored from."""
    questions = {version.question_ids[q.id]: q for q in version.definition.questions if q.id in version.question_ids}
    answers: dict[str, object] = {}
    for row in rows:
        question = questions.get(row.question_id)
        if question is None:
            continue
        if question.type == "gap":
            answers[question.id] = GapAnswer(row.expected, row.value)
        elif question.is_numeric:
            answers[question.id] = row.value
        elif question.type == "choice" and question.multiple:
            answers.setdefault(question.id, []).append(row.choice)
        else:
            answers[question.id] = row.choice if question.type == "choice" else row.text
    return answers


def _work_case(session, case: FollowUpCase, people: DemoPeople, causes, rng: random.Random, now: datetime) -> None:
    """Move the case along new → acknowledged → contacted → resolved → closed as far as its age allows."""
    opened = _aware(case.created_at, now)
    worker = people.owners.get(case.department_id) if rng.random() < 0.6 else None
    worker = worker or rng.choice(people.representatives)
    checker = next((rep for rep in people.representatives if rep is not worker), people.representatives[0])
    at = opened
    for target in PATH[: _planned_steps(rng, (now - opened).total_seconds() / 86400)]:
        at += timedelta(hours=rng.uniform(24, 96) if target == CaseState.CLOSED else rng.uniform(1, 20))
        if at >= now:
            return
        note = {CaseState.CONTACTED: CONTACT_NOTES, CaseState.RESOLVED: RESOLVE_NOTES}.get(target)
        cause = RULE_CAUSES.get(case.rule_id) if rng.random() < 0.8 else None
        actor = checker if target == CaseState.CLOSED else worker
        advance_case(
            session,
            case.id,
            target,
            actor=actor,
            note=rng.choice(note) if note else None,
            root_cause=cause or rng.choice(causes),
            now=at,
        )
    if case.state == CaseState.CLOSED and rng.random() < 0.05 and at + timedelta(days=2) < now:
        advance_case(
            session,
            case.id,
            CaseState.REOPENED,
            actor=checker,
            note="客户再次反映问题，重新处理。",
            now=at + timedelta(days=2),
        )


def _planned_steps(rng: random.Random, age_days: float) -> int:
    """How many steps a case of this age has been moved: old ones mostly closed, new ones mostly waiting."""
    if age_days > 10:
        return rng.choices([4, 3, 2, 1], weights=[85, 7, 4, 4])[0]
    if age_days > 3:
        return rng.choices([4, 3, 2, 1, 0], weights=[40, 25, 15, 10, 10])[0]
    return rng.choices([3, 2, 1, 0], weights=[10, 25, 30, 35])[0]


def _aware(moment: datetime, now: datetime) -> datetime:
    """``moment`` with ``now``'s time zone if the database handed it back naive (SQLite)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
