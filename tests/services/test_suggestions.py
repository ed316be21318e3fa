"""Suggestions on the real database: every path through the states, refusals, and two people at once."""

from __future__ import annotations

import itertools
import threading
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Department, Role, Suggestion, SuggestionEvidence, User
from app.services.suggestions import (
    ChangedMeanwhile,
    Evidence,
    TransitionRefused,
    advance_suggestion,
    submit_suggestion,
    timeline,
)
from tests.web.test_auth import make_user
from touchloop.suggestion_flow import State

DUE = date(2030, 3, 31)
_numbers = itertools.count(1)


def make_person(session, role: Role, department: Department | None = None, **overrides):
    """A committed user with ``role``; each call gets its own e-mail."""
    number = next(_numbers)
    return make_user(
        session, email=f"{role}{number}@example.com", role=role, name=f"{role} {number}", department=department
    )


def make_department(session, code: str) -> Department:
    """A committed department."""
    department = Department(code=code, name={"en": code.title()})
    session.add(department)
    session.commit()
    return department


def make_suggestion(session, submitter, **overrides) -> Suggestion:
    """A committed, freshly submitted suggestion."""
    values = {"title": "Call before arriving", "description": "Installers should call an hour ahead."}
    suggestion = submit_suggestion(session, submitter=submitter, **{**values, **overrides})
    session.commit()
    return suggestion


@pytest.fixture
def people(session):
    """A submitter, two representatives, two owners in two departments, and a manager."""
    operations, sales = make_department(session, "operations"), make_department(session, "sales")
    return SimpleNamespace(
        staff=make_person(session, Role.STAFF, operations),
        rep=make_person(session, Role.REPRESENTATIVE),
        other_rep=make_person(session, Role.REPRESENTATIVE),
        owner=make_person(session, Role.OWNER, operations),
        other_owner=make_person(session, Role.OWNER, sales),
        manager=make_person(session, Role.MANAGER, sales),
        operations=operations,
        sales=sales,
    )


def step(session, suggestion, target, actor, **given) -> Suggestion:
    """Advance and commit, as a view would."""
    advance_suggestion(session, suggestion.id, target, actor=actor, **given)
    session.commit()
    return suggestion


def accepted(session, people, owner=None) -> Suggestion:
    """A suggestion reviewed and accepted for ``owner`` (the operations owner by default)."""
    suggestion = make_suggestion(session, people.staff)
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    return step(session, suggestion, State.ACCEPTED, people.rep, owner_id=(owner or people.owner).id, due_date=DUE)


def path(session, suggestion_id) -> list[tuple]:
    """The timeline as (from, to) pairs."""
    return [(event.from_state, event.to_state) for event in timeline(session, suggestion_id)]


def test_a_submitted_suggestion_has_its_evidence_and_a_first_event(session, people):
    suggestion = make_suggestion(
        session, people.staff, evidence=[Evidence("response", "42"), ("gap", "installation/convenience/tier=A")]
    )
    assert suggestion.state == State.SUBMITTED and suggestion.version == 1
    kinds = session.scalars(sa.select(SuggestionEvidence.kind).where(SuggestionEvidence.suggestion_id == suggestion.id))
    assert sorted(kinds) == ["gap", "response"]
    [event] = timeline(session, suggestion.id)
    assert (event.from_state, event.to_state, event.actor_id) == (None, "submitted", people.staff.id)


def test_a_suggestion_without_a_title_is_not_stored(session, people):
    with pytest.raises(ValueError, match="a title is required"):
        submit_suggestion(session, submitter=people.staff, title="  ", description="x")
    assert session.scalar(sa.select(sa.func.count(Suggestion.id))) == 0


def test_the_happy_path_goes_through_every_state_to_closed_and_the_timeline_shows_each_step(session, people):
    suggestion = accepted(session, people)
    assert (suggestion.owner_id, suggestion.due_date) == (people.owner.id, DUE)
    assert suggestion.department_id == people.operations.id
    step(session, suggestion, State.IN_PROGRESS, people.owner, note="on it")
    step(session, suggestion, State.IMPLEMENTED, people.owner)
    step(session, suggestion, State.VERIFIED, people.other_rep, note="checked with three customers")
    step(session, suggestion, State.CLOSED, people.rep)
    assert suggestion.state == State.CLOSED and suggestion.closed_at is not None
    assert path(session, suggestion.id) == [
        (None, "submitted"),
        ("submitted", "under_review"),
        ("under_review", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "implemented"),
        ("implemented", "verified"),
        ("verified", "closed"),
    ]
    events = timeline(session, suggestion.id)
    assert [e.actor_id for e in events[3:]] == [people.owner.id] * 2 + [people.other_rep.id, people.rep.id]
    assert events[2].details == {
        "owner_id": people.owner.id,
        "due_date": "2030-03-31",
        "department_id": people.operations.id,
    }
    assert events[3].note == "on it" and events[5].note == "checked with three customers"


def test_a_rejection_keeps_the_reason_for_the_submitter(session, people):
    suggestion = make_suggestion(session, people.staff)
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    step(session, suggestion, State.REJECTED, people.rep, note="We already call ahead since May.")
    assert suggestion.state == State.REJECTED and suggestion.reason == "We already call ahead since May."
    assert suggestion.closed_at is not None
    assert timeline(session, suggestion.id)[-1].note == "We already call ahead since May."


def test_an_owner_can_decline_and_the_representative_reassigns_to_another_department(session, people):
    suggestion = accepted(session, people)
    step(session, suggestion, State.UNDER_REVIEW, people.owner, note="Sales sets the appointment times.")
    assert (suggestion.state, suggestion.owner_id, suggestion.due_date, suggestion.department_id) == (
        State.UNDER_REVIEW,
        None,
        None,
        None,
    )
    assert suggestion.reason == "Sales sets the appointment times."
    declined = timeline(session, suggestion.id)[-1]
    assert declined.details == {"previous_owner_id": people.owner.id, "previous_department_id": people.operations.id}
    step(session, suggestion, State.ACCEPTED, people.rep, owner_id=people.other_owner.id, due_date=DUE)
    with pytest.raises(TransitionRefused, match="only the owner can accept the assignment"):
        advance_suggestion(session, suggestion.id, State.IN_PROGRESS, actor=people.owner)
    step(session, suggestion, State.IN_PROGRESS, people.other_owner)
    assert suggestion.department_id == people.sales.id and suggestion.reason is None


def test_a_failed_verification_sends_it_back_to_in_progress_with_the_reason(session, people):
    suggestion = accepted(session, people)
    step(session, suggestion, State.IN_PROGRESS, people.owner)
    step(session, suggestion, State.IMPLEMENTED, people.owner)
    step(session, suggestion, State.IN_PROGRESS, people.rep, note="Two customers were not called.")
    assert suggestion.state == State.IN_PROGRESS and suggestion.reason == "Two customers were not called."
    step(session, suggestion, State.IMPLEMENTED, people.owner)
    step(session, suggestion, State.VERIFIED, people.rep)
    assert path(session, suggestion.id)[-4:] == [
        ("in_progress", "implemented"),
        ("implemented", "in_progress"),
        ("in_progress", "implemented"),
        ("implemented", "verified"),
    ]


def test_a_duplicate_is_merged_into_its_original(session, people):
    original = make_suggestion(session, people.staff)
    suggestion = make_suggestion(session, people.staff, title="Phone customers first")
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    step(session, suggestion, State.DUPLICATE, people.rep, merge_into_id=original.id)
    assert suggestion.state == State.DUPLICATE and suggestion.merged_into_id == original.id
    assert timeline(session, suggestion.id)[-1].details == {"merged_into_id": original.id}


def test_a_deferred_suggestion_comes_back_into_review(session, people):
    suggestion = make_suggestion(session, people.staff)
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    step(session, suggestion, State.DEFERRED, people.manager, note="After the busy season.")
    assert suggestion.reason == "After the busy season."
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    assert suggestion.state == State.UNDER_REVIEW and suggestion.reason is None


FORBIDDEN = {  # from, to, who, what they give, part of the message
    "staff starts the review": ("submitted", "under_review", "staff", {}, "only a representative can start the review"),
    "rejection without reason": ("under_review", "rejected", "rep", {}, "a reason is required"),
    "acceptance without due date": ("under_review", "accepted", "rep", {"owner_id": "owner"}, "give an owner and a"),
    "owner without owner role": ("under_review", "accepted", "rep", {"owner_id": "staff", "due_date": DUE}, "role"),
    "merge into itself": ("under_review", "duplicate", "rep", {"merge_into_id": "self"}, "cannot duplicate itself"),
    "merge into nothing": ("under_review", "duplicate", "rep", {"merge_into_id": 999}, "no suggestion #999"),
    "manager accepts": ("under_review", "accepted", "manager", {"owner_id": "owner", "due_date": DUE}, "only a"),
    "skipping the review": ("submitted", "accepted", "rep", {"owner_id": "owner", "due_date": DUE}, "cannot go"),
    "unknown state": ("submitted", "approved", "rep", {}, "there is no state 'approved'"),
}


@pytest.mark.parametrize(("state", "target", "who", "given", "message"), FORBIDDEN.values(), ids=FORBIDDEN)
def test_a_forbidden_step_is_refused_with_a_message_and_changes_nothing(
    session, people, state, target, who, given, message
):
    suggestion = make_suggestion(session, people.staff)
    if state == State.UNDER_REVIEW:
        step(session, suggestion, State.UNDER_REVIEW, people.rep)
    values = {key: _resolve(people, suggestion, value) for key, value in given.items()}
    with pytest.raises(TransitionRefused) as refused:
        advance_suggestion(session, suggestion.id, target, actor=getattr(people, who), **values)
    assert any(message in reason for reason in refused.value.reasons), refused.value.reasons
    session.commit()
    session.expire_all()
    assert session.get(Suggestion, suggestion.id).state == state
    assert len(timeline(session, suggestion.id)) == (2 if state == State.UNDER_REVIEW else 1)


def _resolve(people, suggestion, value):
    """Turn a person's name or "self" in a FORBIDDEN row into an id."""
    if value == "self":
        return suggestion.id
    return getattr(people, value).id if isinstance(value, str) else value


def test_the_owner_cannot_verify_their_own_work_even_as_an_admin(session, people):
    owning_admin = make_person(session, Role.ADMIN, people.operations)
    suggestion = accepted(session, people, owner=owning_admin)
    step(session, suggestion, State.IN_PROGRESS, owning_admin)
    step(session, suggestion, State.IMPLEMENTED, owning_admin)
    with pytest.raises(TransitionRefused, match="the verifier must not be the owner"):
        advance_suggestion(session, suggestion.id, State.VERIFIED, actor=owning_admin)
    assert suggestion.state == State.IMPLEMENTED


def test_a_stale_expected_version_is_refused_with_the_new_state(session, people):
    suggestion = make_suggestion(session, people.staff)
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    with pytest.raises(ChangedMeanwhile) as changed:
        advance_suggestion(session, suggestion.id, State.DEFERRED, actor=people.rep, note="later", expected_version=1)
    assert changed.value.state == "under_review" and "changed by someone else" in str(changed.value)
    assert len(timeline(session, suggestion.id)) == 2


def test_a_change_committed_by_another_session_after_loading_is_caught_at_flush(app, session, people):
    suggestion = make_suggestion(session, people.staff)
    with Session(db.engine) as mine, Session(db.engine) as theirs:
        loaded = mine.get(Suggestion, suggestion.id)  # loaded, then someone else moves it
        assert loaded.version == 1
        advance_suggestion(theirs, suggestion.id, State.UNDER_REVIEW, actor=theirs.get(User, people.rep.id))
        theirs.commit()
        with pytest.raises(ChangedMeanwhile) as changed:
            advance_suggestion(mine, suggestion.id, State.UNDER_REVIEW, actor=mine.get(User, people.rep.id))
        assert changed.value.state == "under_review"
    assert path(session, suggestion.id) == [(None, "submitted"), ("submitted", "under_review")]


RACES = {
    "both start the review": ((State.UNDER_REVIEW, {}), (State.UNDER_REVIEW, {})),
    "one rejects, one accepts": ((State.REJECTED, {"note": "no"}), (State.ACCEPTED, {"due_date": DUE})),
}


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize("moves", RACES.values(), ids=RACES)
def test_two_people_advancing_at_the_same_moment_one_wins_and_nothing_is_lost(app, session, people, moves, attempt):
    suggestion = make_suggestion(session, people.staff)
    if moves[0][0] != State.UNDER_REVIEW:
        step(session, suggestion, State.UNDER_REVIEW, people.rep)
    before = len(timeline(session, suggestion.id))
    ids = {"suggestion": suggestion.id, "actors": (people.rep.id, people.other_rep.id), "owner": people.owner.id}
    outcomes = _race(db.engine, ids, moves)
    winners = [index for index, outcome in enumerate(outcomes) if outcome == "committed"]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ChangedMeanwhile)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    session.expire_all()
    won = moves[winners[0]][0]
    assert session.get(Suggestion, suggestion.id).state == won and losers[0].state == won
    started = "submitted" if before == 1 else "under_review"
    assert path(session, suggestion.id)[before:] == [(started, won)]


def _race(engine, ids: dict, moves) -> list:
    """Two sessions load the suggestion, wait for each other, then advance and commit at once."""
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list = [None, None]

    def attempt(index: int) -> None:
        """One person's request: load, wait, advance, commit."""
        target, given = moves[index]
        if target == State.ACCEPTED:
            given = {**given, "owner_id": ids["owner"]}
        with Session(engine) as own:
            loaded = own.get(Suggestion, ids["suggestion"])  # held, so both sessions act on what they loaded
            actor = own.get(User, ids["actors"][index])
            barrier.wait()
            try:
                advance_suggestion(
                    own, ids["suggestion"], target, actor=actor, expected_version=loaded.version, **given
                )
                own.commit()
                outcomes[index] = "committed"
            except Exception as error:  # the test reports whatever happened
                outcomes[index] = error

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
