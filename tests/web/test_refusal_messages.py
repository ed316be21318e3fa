"""Refusals shown on pages: each code has a message that reads as the rules' English, and says it in Chinese."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.cases.states import state_name as case_state_name
from app.models import FollowUpCase
from app.refusals import CASE_ACTIONS, MESSAGES, SUGGESTION_ACTIONS, say_refusal, say_refusals
from app.suggestions.forms import state_name
from tests.factories import load_surveys, make_response
from tests.services.test_cases import DETRACTOR
from tests.web.forms import hidden_fields
from tests.web.test_auth import make_user, sign_in
from touchloop import case_flow, suggestion_flow
from touchloop.case_flow import CaseState, check_case_transition
from touchloop.refusal import Refusal
from touchloop.suggestion_flow import Actor, Given, ItemFacts, State, check_transition

ROLES = ("staff", "owner", "representative", "manager")


def every_refusal() -> list[Refusal]:
    """Every refusal either loop's rules can give, with and without what the steps need."""
    item = ItemFacts(owner_id=7, submitter_id=1)
    givens = (Given(), Given(owner_id=7, due_date=date(2030, 1, 1), reason="r", merge_into_id=2))
    reasons = [
        reason
        for (current, target), role, user_id, given in itertools.product(
            itertools.product(State, State), ROLES, (1, 7), givens
        )
        for reason in check_transition(current, target, actor=Actor(user_id, frozenset({role})), item=item, given=given)
    ]
    return reasons + [
        reason
        for (current, target), role in itertools.product(itertools.product(CaseState, CaseState), ROLES)
        for reason in check_case_transition(current, target, roles={role})
    ]


@pytest.fixture
def request_context(app):
    """A request context, so messages can be translated."""
    with app.test_request_context():
        yield


def test_every_code_the_rules_give_has_a_message_that_reads_as_the_rules_english(request_context):
    reasons = every_refusal()
    assert {reason.code for reason in reasons} <= set(MESSAGES)
    with force_locale("en"):
        for reason in reasons:
            shown = say_refusal(reason, lambda state: state)
            if reason.code.endswith("no_such_step"):  # the page puts the state names in quotes
                assert shown == str(reason).replace(" from ", " from “").replace(" to ", "” to “") + "”"
            else:
                assert shown == str(reason)


def test_every_step_of_both_loops_has_its_action_in_words():
    assert set(SUGGESTION_ACTIONS) == set(suggestion_flow.TRANSITIONS)
    assert set(CASE_ACTIONS) == set(case_flow.TRANSITIONS)


@pytest.mark.parametrize(
    ("refusal", "english"),
    [
        (Refusal("suggestion.no_such_state", "there is no state 'x'", {"state": "x"}), "there is no state “x”"),
        (
            Refusal("suggestion.owner_not_eligible", "the owner must be an active user with the owner role"),
            "the owner must be an active user with the owner role",
        ),
        (Refusal("suggestion.no_such_suggestion", "there is no suggestion #5", {"id": 5}), None),
        (Refusal("suggestion.self_duplicate", "a suggestion cannot duplicate itself"), None),
        (
            Refusal(
                "suggestion.duplicate_of_duplicate", "#4 is itself a duplicate; merge into its original", {"id": 4}
            ),
            None,
        ),
        (
            Refusal("case.no_root_causes", "journey.yaml declares no root-cause codes, so no case can be resolved"),
            None,
        ),
        (
            Refusal(
                "case.unknown_root_cause",
                "unknown root-cause code 'x' (known: late, rude)",
                {"code": "x", "known": "late, rude"},
            ),
            "unknown root-cause code “x” (known: late, rude)",
        ),
    ],
)
def test_the_services_refusals_have_messages_ready(request_context, refusal, english):
    with force_locale("en"):
        assert say_refusal(refusal, state_name) == (english or str(refusal))


def test_plain_text_unknown_codes_and_unfit_parameters_are_shown_in_english(request_context):
    with force_locale("zh"):
        assert say_refusals(["a plain reason", Refusal("no.such.code", "odd")], state_name) == ["a plain reason", "odd"]
        assert say_refusal(Refusal("evidence.no_such_case", "there is no case #x", {"id": "x"}), state_name) == (
            "there is no case #x"
        )


def test_the_states_are_named_in_the_page_language(request_context):
    anyone = Actor(1, frozenset({"staff"}))
    not_a_step = check_transition(State.SUBMITTED, State.CLOSED, actor=anyone, item=ItemFacts(None, 1), given=Given())
    with force_locale("zh"):
        shown = say_refusal(not_a_step[0], state_name)
    assert "“已提交”" in shown and "“已关闭”" in shown and "submitted" not in shown


def test_a_refused_case_step_in_chinese_names_the_case_states_in_chinese(app, client, session):
    load_surveys(session)
    make_response(session, DETRACTOR)
    case = session.scalars(sa.select(FollowUpCase)).one()
    make_user(session, email="rep@example.com", role="representative", name="Rita")
    assert sign_in(client, email="rep@example.com").status_code == 302
    form = hidden_fields(client.get(f"/cases/{case.id}?lang=zh").get_data(as_text=True))
    response = client.post(f"/cases/{case.id}", data={**form, "target": "closed"})
    page = response.get_data(as_text=True)
    with force_locale("zh"):
        expected = str(MESSAGES["case.no_such_step"]) % {"current": case_state_name("new"), "target": "已关闭"}
    assert response.status_code == 422 and expected in page and "“新建”" in page
    session.expire_all()
    assert session.get(FollowUpCase, case.id).state == "new"
