"""The suggestion state machine: one table of steps, who may make each, and what each needs."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from touchloop.suggestion_flow import (
    FINAL_STATES,
    TRANSITIONS,
    Actor,
    ActorRule,
    Given,
    ItemFacts,
    Need,
    State,
    allowed_targets,
    check_transition,
    is_overdue,
)

ROLES = ("staff", "owner", "representative", "manager", "admin")
OWNER_ID, SUBMITTER_ID, SOMEONE_ELSE = 7, 8, 99
ITEM = ItemFacts(owner_id=OWNER_ID, submitter_id=SUBMITTER_ID)
EVERYTHING = Given(owner_id=OWNER_ID, due_date=date(2030, 1, 1), reason="because", merge_into_id=3)
BY_ROLE = [(pair, step) for pair, step in TRANSITIONS.items() if step.actor is not ActorRule.OWNER]
BY_OWNER = [(pair, step) for pair, step in TRANSITIONS.items() if step.actor is ActorRule.OWNER]
UNLISTED = [pair for pair in itertools.product(State, State) if pair not in TRANSITIONS]


def actor(role: str, user_id: int = SOMEONE_ELSE) -> Actor:
    """An actor holding one role."""
    return Actor(user_id=user_id, roles=frozenset({role}))


def test_the_table_holds_exactly_the_steps_of_the_brief():
    s = State
    assert set(TRANSITIONS) == {
        (s.SUBMITTED, s.UNDER_REVIEW),
        (s.UNDER_REVIEW, s.ACCEPTED),
        (s.UNDER_REVIEW, s.REJECTED),
        (s.UNDER_REVIEW, s.DUPLICATE),
        (s.UNDER_REVIEW, s.DEFERRED),
        (s.DEFERRED, s.UNDER_REVIEW),
        (s.ACCEPTED, s.IN_PROGRESS),
        (s.ACCEPTED, s.UNDER_REVIEW),
        (s.IN_PROGRESS, s.IMPLEMENTED),
        (s.IMPLEMENTED, s.VERIFIED),
        (s.IMPLEMENTED, s.IN_PROGRESS),
        (s.VERIFIED, s.CLOSED),
    }


@pytest.mark.parametrize(("pair", "step"), BY_ROLE, ids=[f"{a}->{b}" for (a, b), _ in BY_ROLE])
@pytest.mark.parametrize("role", ROLES)
def test_a_role_step_is_allowed_to_its_roles_and_admins_and_refused_to_every_other_role(pair, step, role):
    reasons = check_transition(*pair, actor=actor(role), item=ITEM, given=EVERYTHING)
    if role in step.roles or role == "admin":
        assert reasons == []
    else:
        assert reasons == [f"only a {' or a '.join(sorted(step.roles))} can {step.action}"]


@pytest.mark.parametrize(("pair", "step"), BY_OWNER, ids=[f"{a}->{b}" for (a, b), _ in BY_OWNER])
@pytest.mark.parametrize("role", ROLES)
def test_an_owner_step_is_allowed_to_the_owner_whatever_their_role_and_refused_to_everyone_else(pair, step, role):
    assert check_transition(*pair, actor=actor(role, OWNER_ID), item=ITEM, given=EVERYTHING) == []
    refused = check_transition(*pair, actor=actor(role), item=ITEM, given=EVERYTHING)
    assert refused == [f"only the owner can {step.action}"]


def test_the_owner_steps_are_accepting_declining_and_implementing():
    assert {pair for pair, _ in BY_OWNER} == {
        (State.ACCEPTED, State.IN_PROGRESS),
        (State.ACCEPTED, State.UNDER_REVIEW),
        (State.IN_PROGRESS, State.IMPLEMENTED),
    }


def test_a_suggestion_without_owner_cannot_be_moved_by_an_owner_step():
    unowned = ItemFacts(owner_id=None, submitter_id=SUBMITTER_ID)
    reasons = check_transition(
        State.IN_PROGRESS, State.IMPLEMENTED, actor=actor("admin"), item=unowned, given=EVERYTHING
    )
    assert reasons == ["only the owner can mark it implemented"]


@pytest.mark.parametrize(("current", "target"), UNLISTED, ids=[f"{a}->{b}" for a, b in UNLISTED])
def test_every_step_not_in_the_table_is_refused_even_to_an_admin_who_owns_it(current, target):
    reasons = check_transition(current, target, actor=actor("admin", OWNER_ID), item=ITEM, given=EVERYTHING)
    assert reasons == [f"cannot go from {current} to {target}"]


def test_closed_cannot_go_back_to_in_progress_with_a_plain_message():
    reasons = check_transition(State.CLOSED, State.IN_PROGRESS, actor=actor("admin"), item=ITEM, given=EVERYTHING)
    assert reasons == ["cannot go from closed to in_progress"]


@pytest.mark.parametrize("target", [State.VERIFIED, State.IN_PROGRESS])
def test_a_representative_who_owns_the_suggestion_cannot_verify_or_fail_it(target):
    own = actor("representative", OWNER_ID)
    reasons = check_transition(State.IMPLEMENTED, target, actor=own, item=ITEM, given=EVERYTHING)
    assert reasons == ["the verifier must not be the owner"]


def test_an_admin_who_owns_the_suggestion_cannot_verify_it_either():
    own = actor("admin", OWNER_ID)
    reasons = check_transition(State.IMPLEMENTED, State.VERIFIED, actor=own, item=ITEM, given=EVERYTHING)
    assert reasons == ["the verifier must not be the owner"]


def test_the_owner_without_the_representative_role_hears_about_the_role():
    reasons = check_transition(
        State.IMPLEMENTED, State.VERIFIED, actor=actor("owner", OWNER_ID), item=ITEM, given=EVERYTHING
    )
    assert reasons == ["only a representative can verify it"]


NEEDING = [(pair, need) for pair, step in TRANSITIONS.items() for need in step.needs]


@pytest.mark.parametrize(("pair", "need"), NEEDING, ids=[f"{a}->{b}:{n.name}" for (a, b), n in NEEDING])
def test_a_step_without_what_it_needs_is_refused_with_that_need(pair, need):
    step = TRANSITIONS[pair]
    who = actor("admin", OWNER_ID if step.actor is ActorRule.OWNER else SOMEONE_ELSE)
    assert check_transition(*pair, actor=who, item=ITEM, given=Given()) == [need.value]


@pytest.mark.parametrize(
    ("given", "reasons"),
    [
        (Given(owner_id=OWNER_ID), ["give an owner and a due date"]),
        (Given(due_date=date(2030, 1, 1)), ["give an owner and a due date"]),
        (Given(owner_id=OWNER_ID, due_date=date(2030, 1, 1)), []),
    ],
)
def test_accepting_needs_both_an_owner_and_a_due_date(given, reasons):
    rep = actor("representative")
    assert check_transition(State.UNDER_REVIEW, State.ACCEPTED, actor=rep, item=ITEM, given=given) == reasons


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_rejecting_without_a_real_reason_is_refused(reason):
    rep = actor("representative")
    given = Given(reason=reason)
    assert check_transition(State.UNDER_REVIEW, State.REJECTED, actor=rep, item=ITEM, given=given) == [
        "a reason is required"
    ]


def test_a_wrong_actor_and_a_missing_reason_are_both_reported():
    reasons = check_transition(State.UNDER_REVIEW, State.REJECTED, actor=actor("staff"), item=ITEM, given=Given())
    assert reasons == ["only a representative can reject it", "a reason is required"]


def test_steps_that_need_nothing_accept_an_empty_given():
    rep = actor("representative")
    assert check_transition(State.SUBMITTED, State.UNDER_REVIEW, actor=rep, item=ITEM, given=Given()) == []


def test_only_declining_clears_the_owner():
    assert [pair for pair, step in TRANSITIONS.items() if step.clears_owner] == [(State.ACCEPTED, State.UNDER_REVIEW)]


def test_the_reason_messages_are_the_need_values():
    assert Need.REASON.value == "a reason is required"
    assert Need.OWNER_AND_DUE_DATE.value == "give an owner and a due date"


def test_every_state_is_reachable_from_submitted():
    reached, frontier = {State.SUBMITTED}, [State.SUBMITTED]
    while frontier:
        current = frontier.pop()
        for source, target in TRANSITIONS:
            if source == current and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(State)


def test_final_states_have_no_way_out_and_every_other_state_can_reach_one():
    assert not [pair for pair in TRANSITIONS if pair[0] in FINAL_STATES]
    for state in set(State) - FINAL_STATES:
        seen, frontier = {state}, [state]
        while frontier:
            current = frontier.pop()
            nexts = {target for source, target in TRANSITIONS if source == current} - seen
            seen |= nexts
            frontier.extend(nexts)
        assert seen & FINAL_STATES, state


@pytest.mark.parametrize(
    ("current", "who", "expected"),
    [
        (
            State.UNDER_REVIEW,
            actor("representative"),
            [State.ACCEPTED, State.REJECTED, State.DUPLICATE, State.DEFERRED],
        ),
        (State.UNDER_REVIEW, actor("manager"), [State.DEFERRED]),
        (State.UNDER_REVIEW, actor("staff"), []),
        (State.ACCEPTED, actor("owner", OWNER_ID), [State.IN_PROGRESS, State.UNDER_REVIEW]),
        (State.ACCEPTED, actor("representative"), []),
        (State.IMPLEMENTED, actor("representative"), [State.VERIFIED, State.IN_PROGRESS]),
        (State.IMPLEMENTED, actor("representative", OWNER_ID), []),
        (State.CLOSED, actor("admin"), []),
    ],
)
def test_allowed_targets_are_the_buttons_this_actor_may_press(current, who, expected):
    assert allowed_targets(current, who, ITEM) == expected


@pytest.mark.parametrize(
    ("state", "due", "overdue"),
    [
        (State.ACCEPTED, date(2024, 5, 31), True),
        (State.IN_PROGRESS, date(2024, 5, 31), True),
        (State.UNDER_REVIEW, date(2024, 5, 31), True),
        (State.IN_PROGRESS, date(2024, 6, 1), False),
        (State.IN_PROGRESS, None, False),
        (State.IMPLEMENTED, date(2024, 5, 1), False),
        (State.VERIFIED, date(2024, 5, 1), False),
        (State.DEFERRED, date(2024, 5, 1), False),
        (State.CLOSED, date(2024, 5, 1), False),
        (State.REJECTED, date(2024, 5, 1), False),
        (State.DUPLICATE, date(2024, 5, 1), False),
    ],
)
def test_overdue_means_the_work_is_still_owed_after_the_due_date(state, due, overdue):
    assert is_overdue(state, due, today=date(2024, 6, 1)) is overdue


def test_states_are_plain_strings():
    assert State("in_progress") is State.IN_PROGRESS and State.IN_PROGRESS == "in_progress"
