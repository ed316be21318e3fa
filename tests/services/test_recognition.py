"""Recognition rankings: counts and ranks for a seeded set of suggestions, computed by hand."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from app.models import Department, Role, Suggestion, SuggestionEvent, User
from app.services.recognition import Standing, recognition

MARCH = {"start": date(2024, 3, 1), "end": date(2024, 3, 31)}


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment of 2024 in UTC."""
    return datetime(2024, month, day, hour, minute, tzinfo=timezone.utc)


def make_suggestion(session, submitter: User, department: Department | None, steps: list[tuple[str, datetime]]):
    """A suggestion assigned to ``department`` whose timeline is ``steps`` (state, when), the first one submitted."""
    suggestion = Suggestion(
        title="Idea",
        description="An idea",
        state=steps[-1][0],
        submitter_id=submitter.id,
        department_id=department.id if department else None,
    )
    session.add(suggestion)
    session.flush()
    previous = None
    for state, when in steps:
        session.add(SuggestionEvent(suggestion_id=suggestion.id, from_state=previous, to_state=state, at=when))
        previous = state
    session.flush()


@pytest.fixture
def seeded(session):
    """Five employees in three departments (one in none) and eight suggestions around March 2024."""
    field, sales, marketing = (
        Department(code=code, name={"en": name, "zh": zh})
        for code, name, zh in (
            ("field", "Field service", "交付服务部"),
            ("sales", "Sales", "销售部"),
            ("marketing", "Marketing", "市场部"),
        )
    )
    session.add_all([field, sales, marketing])
    session.flush()
    people = {}
    for name, department in (("Ann", field), ("Bob", sales), ("Cid", sales), ("Dee", None), ("Eve", marketing)):
        people[name] = User(
            email=f"{name}@example.com",
            name=name,
            role=Role.STAFF,
            password_hash="-",
            department_id=department.id if department else None,
        )
    session.add_all(people.values())
    session.flush()
    ann, bob, cid, dee, eve = (people[name] for name in ("Ann", "Bob", "Cid", "Dee", "Eve"))
    make_suggestion(
        session,
        ann,
        field,
        [("submitted", at(3, 2)), ("implemented", at(3, 10)), ("verified", at(3, 12)), ("closed", at(3, 15))],
    )
    make_suggestion(session, ann, sales, [("submitted", at(2, 20)), ("implemented", at(3, 5)), ("verified", at(4, 2))])
    make_suggestion(
        session,
        bob,
        sales,
        [
            ("submitted", at(3, 3)),
            ("implemented", at(3, 4)),
            ("in_progress", at(3, 6)),
            ("implemented", at(3, 8)),
            ("verified", at(3, 9)),
        ],
    )
    make_suggestion(
        session,
        cid,
        field,
        [("submitted", at(3, 1, 0, 0)), ("implemented", at(3, 20)), ("verified", at(3, 31, 23, 59))],
    )
    make_suggestion(
        session, dee, None, [("submitted", at(3, 10)), ("under_review", at(3, 11)), ("rejected", at(3, 12))]
    )
    make_suggestion(
        session, bob, field, [("submitted", at(1, 1)), ("implemented", at(1, 10)), ("verified", at(4, 1, 0, 0))]
    )
    make_suggestion(
        session, eve, marketing, [("submitted", at(3, 5)), ("implemented", at(3, 6)), ("verified", at(3, 7))]
    )
    make_suggestion(
        session, eve, marketing, [("submitted", at(2, 1)), ("implemented", at(3, 10)), ("verified", at(3, 11))]
    )
    session.commit()
    return {name: user.id for name, user in people.items()} | {
        "field": field.id,
        "sales": sales.id,
        "marketing": marketing.id,
    }


def test_employees_are_ranked_by_their_suggestions_verified_then_implemented_with_ties_sharing_a_rank(session, seeded):
    # By hand, March 2024 (submitted, implemented, verified):
    # Ann: her 2 Mar idea (1, 1, 1) + her February idea implemented 5 Mar, verified in April (0, 1, 0) = (1, 2, 1)
    # Bob: his 3 Mar idea implemented twice but counted once (1, 1, 1); his January idea verified 1 Apr: nothing
    # Cid: submitted at the first minute, verified at the last minute of March (1, 1, 1)
    # Dee: submitted, then rejected (1, 0, 0);  Eve: (1, 1, 1) + a February idea done in March (0, 1, 1) = (1, 2, 2)
    ranking = recognition(session, **MARCH)
    assert ranking.employees == [
        Standing(1, seeded["Eve"], "Eve", 1, 2, 2),
        Standing(2, seeded["Ann"], "Ann", 1, 2, 1),
        Standing(3, seeded["Bob"], "Bob", 1, 1, 1),
        Standing(3, seeded["Cid"], "Cid", 1, 1, 1),
        Standing(5, seeded["Dee"], "Dee", 1, 0, 0),
    ]


def test_departments_are_ranked_by_what_they_implemented_and_verified(session, seeded):
    # Implemented / verified by the department the suggestion was assigned to; submitted by its people:
    # Field service: Ann's and Cid's ideas (2 implemented, 2 verified); its people submitted Ann's 2 Mar idea (1)
    # Sales: Ann's February idea and Bob's idea implemented (2), Bob's verified (1); Bob and Cid submitted 2
    # Marketing: Eve's two ideas (2, 2); Eve submitted 1.  Field service and Marketing tie; by name after that.
    assert recognition(session, **MARCH).departments == [
        Standing(1, seeded["field"], "Field service", 1, 2, 2),
        Standing(1, seeded["marketing"], "Marketing", 1, 2, 2),
        Standing(3, seeded["sales"], "Sales", 2, 2, 1),
    ]
    in_chinese = recognition(session, **MARCH, lang="zh").departments
    assert {standing.name for standing in in_chinese} == {"交付服务部", "市场部", "销售部"}


def test_a_period_without_steps_ranks_no_one_and_one_day_counts_whole(session, seeded):
    assert recognition(session, start=date(2023, 1, 1), end=date(2023, 12, 31)).employees == []
    last_day = recognition(session, start=date(2024, 3, 31), end=date(2024, 3, 31))
    assert last_day.employees == [Standing(1, seeded["Cid"], "Cid", 0, 0, 1)]
    assert last_day.departments == [Standing(1, seeded["field"], "Field service", 0, 0, 1)]
