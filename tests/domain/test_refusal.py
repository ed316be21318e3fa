"""Refusals: the English text the rules always gave, plus a code and parameters a page can translate."""

from __future__ import annotations

import copy
import itertools
import pickle
from datetime import date

import pytest

from touchloop.case_flow import CaseState, check_case_transition
from touchloop.refusal import Refusal
from touchloop.suggestion_flow import Actor, Given, ItemFacts, State, check_transition


def test_a_refusal_reads_joins_and_compares_as_its_english_text():
    refusal = Refusal("suggestion.need.reason", "a reason is required")
    assert refusal == "a reason is required" and str(refusal) == "a reason is required"
    assert "; ".join([refusal, Refusal("x", "more")]) == "a reason is required; more"
    assert refusal.startswith("a reason") and "reason" in refusal
    assert (refusal.code, dict(refusal.params)) == ("suggestion.need.reason", {})


def test_a_refusal_cannot_be_changed_and_survives_copying_and_pickling():
    refusal = Refusal(
        "case.no_such_step", "a case cannot go from new to closed", {"current": "new", "target": "closed"}
    )
    with pytest.raises(AttributeError):
        refusal.code = "other"
    with pytest.raises(TypeError):
        refusal.params["current"] = "closed"
    for twin in (copy.deepcopy(refusal), pickle.loads(pickle.dumps(refusal))):
        assert (twin, twin.code, dict(twin.params)) == (refusal, refusal.code, dict(refusal.params))
        assert isinstance(twin, Refusal)


def test_the_suggestion_rules_refuse_with_codes_and_the_states_roles_and_doer_as_parameters():
    staff = Actor(user_id=1, roles=frozenset({"staff"}))
    owner = Actor(user_id=7, roles=frozenset({"representative"}))
    item = ItemFacts(owner_id=7, submitter_id=1)
    not_a_step = check_transition(State.CLOSED, State.SUBMITTED, actor=staff, item=item, given=Given())
    assert [(r.code, dict(r.params)) for r in not_a_step] == [
        ("suggestion.no_such_step", {"current": "closed", "target": "submitted"})
    ]
    wrong_role = check_transition(State.UNDER_REVIEW, State.DEFERRED, actor=staff, item=item, given=Given())
    assert [(r.code, dict(r.params)) for r in wrong_role] == [
        (
            "suggestion.only_roles",
            {"current": "under_review", "target": "deferred", "roles": ("manager", "representative")},
        ),
        ("suggestion.need.reason", {}),
    ]
    own_work = check_transition(State.IMPLEMENTED, State.VERIFIED, actor=owner, item=item, given=Given())
    assert [(r.code, r.params["doer"]) for r in own_work] == [("suggestion.not_owner", "verifier")]
    not_the_owner = check_transition(State.ACCEPTED, State.IN_PROGRESS, actor=staff, item=item, given=Given())
    assert [r.code for r in not_the_owner] == ["suggestion.only_owner"]
    accepting = check_transition(
        State.UNDER_REVIEW, State.ACCEPTED, actor=owner, item=item, given=Given(due_date=date(2030, 1, 1))
    )
    assert [r.code for r in accepting] == ["suggestion.need.owner_and_due_date"]


def test_every_refusal_of_either_loop_is_a_refusal_with_a_code():
    actors = [Actor(user_id=uid, roles=frozenset({role})) for role in ("staff", "owner", "manager") for uid in (1, 7)]
    item = ItemFacts(owner_id=7, submitter_id=1)
    reasons = [
        reason
        for current, target in itertools.product(State, State)
        for actor in actors
        for reason in check_transition(current, target, actor=actor, item=item, given=Given())
    ]
    reasons += [
        reason
        for current, target in itertools.product(CaseState, CaseState)
        for roles in ({"staff"}, {"owner"}, set())
        for reason in check_case_transition(current, target, roles=roles)
    ]
    assert reasons and all(isinstance(reason, Refusal) and reason.code for reason in reasons)
    case_roles = check_case_transition(CaseState.RESOLVED, CaseState.CLOSED, roles={"owner"})
    assert [(r.code, r.params["roles"]) for r in case_roles] == [("case.only_roles", ("manager", "representative"))]
