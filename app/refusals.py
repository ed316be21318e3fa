"""Refusals in the reader's language: each code the rules and services refuse with, as a translatable message.

The Flask-free rules answer with ``touchloop.refusal.Refusal`` values (English text, a code, parameters).
A page turns them into sentences here; state names come from the page's own table of names, the actions
and roles from the tables below. A plain string, or a code without a message, is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from touchloop.case_flow import CaseState
from touchloop.refusal import Refusal
from touchloop.suggestion_flow import State

MESSAGES = {
    "suggestion.no_such_step": _l("cannot go from “%(current)s” to “%(target)s”"),
    "suggestion.only_roles": _l("only %(roles)s can %(action)s"),
    "suggestion.only_owner": _l("only the owner can %(action)s"),
    "suggestion.not_owner": _l("%(doer)s must not be the owner"),
    "suggestion.need.owner_and_due_date": _l("give an owner and a due date"),
    "suggestion.need.reason": _l("a reason is required"),
    "suggestion.need.merge_target": _l("say which suggestion it duplicates"),
    "suggestion.no_such_state": _l("there is no state “%(state)s”"),
    "suggestion.owner_not_eligible": _l("the owner must be an active user with the owner role"),
    "suggestion.no_such_suggestion": _l("there is no suggestion #%(id)d"),
    "suggestion.self_duplicate": _l("a suggestion cannot duplicate itself"),
    "suggestion.duplicate_of_duplicate": _l("#%(id)d is itself a duplicate; merge into its original"),
    "case.no_such_step": _l("a case cannot go from “%(current)s” to “%(target)s”"),
    "case.only_roles": _l("only %(roles)s can %(action)s"),
    "case.need.root_cause": _l("give a root-cause code"),
    "case.need.note": _l("say in a note what was done for the customer"),
    "case.need.reason": _l("give the reason for reopening it"),
    "case.no_root_causes": _l("journey.yaml declares no root-cause codes, so no case can be resolved"),
    "case.unknown_root_cause": _l("unknown root-cause code “%(code)s” (known: %(known)s)"),
    "evidence.too_many": _l("give at most %(most)d references"),
    "evidence.unreadable": _l("“%(reference)s”: write case, response or gap followed by its number or codes"),
    "evidence.no_such_case": _l("there is no case #%(id)d"),
    "evidence.hidden_case": _l("you may not see case #%(id)d"),
    "evidence.no_such_response": _l("there is no response #%(id)d"),
    "evidence.hidden_response": _l("you may not see response #%(id)d"),
    "evidence.no_such_touchpoint": _l("there is no touchpoint “%(code)s”"),
    "evidence.no_such_dimension": _l("there is no dimension “%(code)s”"),
    "webhook.url_empty": _l("give the address that should receive the events"),
    "webhook.url_too_long": _l("at most %(most)d characters"),
    "webhook.url_spaces": _l("an address has no spaces or line breaks"),
    "webhook.url_unreadable": _l("this is not a web address, e.g. https://example.com/hooks"),
    "webhook.url_scheme": _l("the address must start with https:// or http://"),
    "webhook.url_host": _l("the address must name a host, e.g. https://example.com/hooks"),
    "webhook.url_credentials": _l("put no user name or password in the address; the signature proves who sends"),
    "webhook.unknown_event": _l("unknown event type “%(event)s”"),
    "webhook.no_events": _l("choose at least one event"),
}

SUGGESTION_ACTIONS = {
    (State.SUBMITTED, State.UNDER_REVIEW): _l("start the review"),
    (State.UNDER_REVIEW, State.ACCEPTED): _l("accept it and assign an owner"),
    (State.UNDER_REVIEW, State.REJECTED): _l("reject it"),
    (State.UNDER_REVIEW, State.DUPLICATE): _l("merge it as a duplicate"),
    (State.UNDER_REVIEW, State.DEFERRED): _l("defer it"),
    (State.DEFERRED, State.UNDER_REVIEW): _l("take it back into review"),
    (State.ACCEPTED, State.IN_PROGRESS): _l("accept the assignment"),
    (State.ACCEPTED, State.UNDER_REVIEW): _l("decline the assignment"),
    (State.IN_PROGRESS, State.IMPLEMENTED): _l("mark it implemented"),
    (State.IMPLEMENTED, State.VERIFIED): _l("verify it"),
    (State.IMPLEMENTED, State.IN_PROGRESS): _l("send it back after a failed verification"),
    (State.VERIFIED, State.CLOSED): _l("close it"),
}
CASE_ACTIONS = {
    (CaseState.NEW, CaseState.ACKNOWLEDGED): _l("acknowledge it"),
    (CaseState.NEW, CaseState.CONTACTED): _l("record contacting the customer"),
    (CaseState.ACKNOWLEDGED, CaseState.CONTACTED): _l("record contacting the customer"),
    (CaseState.CONTACTED, CaseState.RESOLVED): _l("resolve it"),
    (CaseState.RESOLVED, CaseState.CLOSED): _l("close it"),
    (CaseState.RESOLVED, CaseState.REOPENED): _l("reopen it"),
    (CaseState.CLOSED, CaseState.REOPENED): _l("reopen it"),
    (CaseState.REOPENED, CaseState.CONTACTED): _l("record contacting the customer"),
    (CaseState.REOPENED, CaseState.RESOLVED): _l("resolve it"),
}
ROLES = {
    "staff": _l("a staff member"),
    "owner": _l("an owner"),
    "representative": _l("a representative"),
    "manager": _l("a manager"),
    "admin": _l("an admin"),
}
DOERS = {"verifier": _l("the verifier"), "person doing this": _l("the person doing this")}


def say_refusals(reasons: Iterable[object], state_name: Callable[[str], str]) -> list[str]:
    """``reasons`` as sentences in the page language, naming states with ``state_name``."""
    return [say_refusal(reason, state_name) for reason in reasons]


def say_refusal(reason: object, state_name: Callable[[str], str]) -> str:
    """One reason in the page language (its own text if it is no Refusal or has no message here)."""
    message = MESSAGES.get(reason.code) if isinstance(reason, Refusal) else None
    if message is None:
        return str(reason)
    try:
        return str(message) % _params(reason, state_name)
    except (KeyError, TypeError, ValueError):  # parameters that do not fit the message: the English still says why
        return str(reason)


def _params(reason: Refusal, state_name: Callable[[str], str]) -> dict[str, object]:
    """The refusal's parameters with states, roles, the action and the doer put into words."""
    params: dict[str, object] = dict(reason.params)
    step = (params.get("current"), params.get("target"))
    actions: Mapping = CASE_ACTIONS if reason.code.startswith("case.") else SUGGESTION_ACTIONS
    if "roles" in params:
        params["roles"] = _either(str(ROLES.get(role, role)) for role in params["roles"])
    if "doer" in params:
        params["doer"] = str(DOERS.get(params["doer"], params["doer"]))
    params["action"] = str(actions.get(step, ""))
    for key in ("current", "target"):
        if key in params:
            params[key] = state_name(str(params[key]))
    return params


def _either(names: Iterable[str]) -> str:
    """``a``, ``a or b``, ``a or b or c`` in the page language."""
    joined = ""
    for name in names:
        joined = _("%(first)s or %(second)s", first=joined, second=name) if joined else name
    return joined
