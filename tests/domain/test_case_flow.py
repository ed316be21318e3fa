"""The follow-up case rules, without Flask or a database: the table, who may move a case, what each step needs."""

from __future__ import annotations

import pytest

from tests.factories import DEMO_SURVEYS, make_survey_dir
from touchloop.answers import GapAnswer
from touchloop.case_flow import TRANSITIONS, CaseState, allowed_targets, check_case_transition, matching_rules
from touchloop.catalog import read_catalog

S = CaseState
REP = {"representative"}
OWNER = {"owner"}


def _check(current, target, roles=REP, **given):
    return check_case_transition(current, target, roles=roles, **given)


def test_every_state_but_new_can_be_reached_and_closed_only_from_resolved():
    targets = {target for (_source, target) in TRANSITIONS}
    assert targets == set(S) - {S.NEW}
    assert [source for (source, target) in TRANSITIONS if target == S.CLOSED] == [S.RESOLVED]


@pytest.mark.parametrize(
    "current, target, given",
    [
        (S.NEW, S.ACKNOWLEDGED, {}),
        (S.ACKNOWLEDGED, S.CONTACTED, {}),
        (S.CONTACTED, S.RESOLVED, {"root_cause": "late_arrival", "note": "Apologised, fitted a new bracket"}),
        (S.RESOLVED, S.CLOSED, {}),
        (S.CLOSED, S.REOPENED, {"note": "Customer called again"}),
        (S.REOPENED, S.RESOLVED, {"root_cause": "other", "note": "Replaced the hub"}),
    ],
)
def test_the_happy_path_and_reopening_are_allowed_to_a_representative(current, target, given):
    assert _check(current, target, **given) == []


@pytest.mark.parametrize("current", [S.NEW, S.ACKNOWLEDGED, S.CONTACTED, S.REOPENED, S.CLOSED])
def test_a_case_is_closed_only_from_resolved(current):
    assert _check(current, S.CLOSED) == [f"a case cannot go from {current} to closed"]


@pytest.mark.parametrize("current, target", [(S.NEW, S.RESOLVED), (S.NEW, S.NEW), (S.CLOSED, S.NEW), ("x", "y")])
def test_steps_not_in_the_table_are_refused(current, target):
    assert _check(current, target) == [f"a case cannot go from {current} to {target}"]


def test_resolving_needs_a_root_cause_and_a_note():
    assert _check(S.CONTACTED, S.RESOLVED) == ["give a root-cause code", "say in a note what was done for the customer"]
    assert _check(S.CONTACTED, S.RESOLVED, root_cause="other", note="   ") == [
        "say in a note what was done for the customer"
    ]


def test_reopening_needs_a_reason():
    assert _check(S.RESOLVED, S.REOPENED) == ["give the reason for reopening it"]


def test_an_owner_works_the_case_but_does_not_close_or_reopen_it():
    assert _check(S.NEW, S.ACKNOWLEDGED, OWNER) == []
    assert _check(S.CONTACTED, S.RESOLVED, OWNER, root_cause="other", note="Fixed") == []
    assert _check(S.RESOLVED, S.CLOSED, OWNER) == ["only a manager or a representative can close it"]
    assert _check(S.CLOSED, S.REOPENED, OWNER, note="why") == ["only a manager or a representative can reopen it"]


def test_staff_and_people_without_a_role_for_the_case_are_refused_with_every_reason():
    assert _check(S.CONTACTED, S.RESOLVED, {"staff"}) == [
        "only an owner or a representative can resolve it",
        "give a root-cause code",
        "say in a note what was done for the customer",
    ]
    assert _check(S.NEW, S.ACKNOWLEDGED, set()) == ["only an owner or a representative can acknowledge it"]


def test_an_admin_holds_every_role():
    assert _check(S.NEW, S.ACKNOWLEDGED, {"admin"}) == []
    assert _check(S.RESOLVED, S.CLOSED, {"admin"}) == []


def test_allowed_targets_follow_the_table():
    assert allowed_targets(S.NEW) == [S.ACKNOWLEDGED, S.CONTACTED]
    assert allowed_targets(S.RESOLVED) == [S.CLOSED, S.REOPENED]
    assert allowed_targets("nonsense") == []


def _installation_rules():
    catalog = read_catalog(DEMO_SURVEYS)
    survey = next(s for s in catalog.surveys if s.slug == "delivery-installation")
    return survey.followups


def _answers(**changes):
    answers = {
        "recommend": 9,
        "overall_satisfaction": 4,
        "delivery_condition": "intact",
        "punctuality": GapAnswer(6, 5),
        "workmanship": GapAnswer(6, 6),
        "contact_me": "no",
    }
    return {**answers, **changes}


def test_a_happy_customer_matches_no_rule():
    assert matching_rules(_installation_rules(), _answers()) == []


def test_each_tripped_rule_matches_in_the_survey_order():
    answers = _answers(recommend=3, punctuality=GapAnswer(6, 3), contact_me="yes")
    assert [r.id for r in matching_rules(_installation_rules(), answers)] == [
        "detractor",
        "late_arrival",
        "contact_request",
    ]


def test_a_rule_on_an_unanswered_question_does_not_match():
    answers = _answers()
    del answers["punctuality"]
    assert matching_rules(_installation_rules(), dict(answers, workmanship=GapAnswer(6, None))) == []


def test_the_demo_journey_declares_root_causes_in_every_language():
    journey = read_catalog(DEMO_SURVEYS).journey
    codes = [cause.code for cause in journey.root_causes]
    assert {"late_arrival", "poor_workmanship", "product_defect", "unclear_pricing", "other"} <= set(codes)
    assert all(set(cause.name) == {"zh", "en"} for cause in journey.root_causes)


def test_a_journey_without_root_causes_has_none(tmp_path):
    folder = make_survey_dir(tmp_path)
    text = (folder / "journey.yaml").read_text(encoding="utf-8")
    (folder / "journey.yaml").write_text(text.split("\nroot_causes:")[0] + "\n", encoding="utf-8")
    catalog = read_catalog(folder)
    assert not catalog.problems and catalog.journey.root_causes == ()


@pytest.mark.parametrize(
    "entries, message",
    [
        ("  - {code: late, name: {zh: 迟到, en: Late}}\n  - {code: late, name: {zh: 迟, en: Late}}", "root cause"),
        ("  - {code: Late, name: {zh: 迟到, en: Late}}", "root_causes[0].code"),
        ("  - {code: late, name: {zh: 迟到}}", "root_causes[0].name"),
        ("  - {code: late, name: {zh: 迟到, en: Late}, weight: 2}", "root_causes[0].weight: unknown key"),
    ],
)
def test_bad_root_causes_are_refused_with_their_place(tmp_path, entries, message):
    folder = make_survey_dir(tmp_path)
    text = (folder / "journey.yaml").read_text(encoding="utf-8")
    (folder / "journey.yaml").write_text(
        text.split("\nroot_causes:")[0] + "\nroot_causes:\n" + entries + "\n", encoding="utf-8"
    )
    problems = [str(p) for p in read_catalog(folder).problems]
    assert len(problems) == 1 and "journey.yaml" in problems[0] and message in problems[0], problems
