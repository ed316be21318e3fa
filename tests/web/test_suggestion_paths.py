"""One suggestion walked through every path of the loop on the web pages, each step by the right role.

At every state a path reaches, the test also tries every step that is not allowed there, and every allowed step
as each person who may not take it: each is refused with a message, and nothing changes (state, version,
timeline, owner, due date, reason).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.models import Department, Role, Suggestion, SuggestionEvent
from app.refusals import MESSAGES
from tests.web.forms import hidden_fields
from tests.web.test_suggestion_pages import DUE, client_for, make_person, people, step, submit  # noqa: F401
from touchloop.suggestion_flow import State

S = State
STATES_IN_ENGLISH = (
    "Submitted|Under review|Accepted|In progress|Implemented|Verified|Closed|Rejected|Duplicate|Deferred"
)
NAMES = dict(zip(State, STATES_IN_ENGLISH.split("|")))  # as an English page names the states
REPS = frozenset({"rep", "verifier"})
# Who may take each step, among the people of ``cast``, and what everyone else is told.
MAY = {
    (S.SUBMITTED, S.UNDER_REVIEW): (REPS, "only a representative can start the review"),
    (S.UNDER_REVIEW, S.ACCEPTED): (REPS, "only a representative can accept it and assign an owner"),
    (S.UNDER_REVIEW, S.REJECTED): (REPS, "only a representative can reject it"),
    (S.UNDER_REVIEW, S.DUPLICATE): (REPS, "only a representative can merge it as a duplicate"),
    (S.UNDER_REVIEW, S.DEFERRED): (REPS | {"manager"}, "only a manager or a representative can defer it"),
    (S.DEFERRED, S.UNDER_REVIEW): (REPS, "only a representative can take it back into review"),
    (S.ACCEPTED, S.IN_PROGRESS): ({"owner"}, "only the owner can accept the assignment"),
    (S.ACCEPTED, S.UNDER_REVIEW): ({"owner"}, "only the owner can decline the assignment"),
    (S.IN_PROGRESS, S.IMPLEMENTED): ({"owner"}, "only the owner can mark it implemented"),
    (S.IMPLEMENTED, S.VERIFIED): (REPS, "only a representative can verify it"),
    (S.IMPLEMENTED, S.IN_PROGRESS): (REPS, "only a representative can send it back after a failed verification"),
    (S.VERIFIED, S.CLOSED): (REPS, "only a representative can close it"),
}


@pytest.fixture
def cast(app, people):  # noqa: F811  (the fixture imported above)
    """The people of ``people`` signed in, plus a second owner in another department."""
    with app.app_context():
        logistics = Department(code="logistics", name={"en": "Logistics"})
        db.session.add(logistics)
        db.session.commit()
        logistics_id = logistics.id
    second_owner = make_person(app, Role.OWNER, "Lena Logistics", logistics_id)
    users = {
        "submitter": people.staff,
        "rep": people.rep,
        "verifier": people.other_rep,
        "owner": people.owner,
        "second_owner": second_owner,
        "manager": people.manager,
        "outsider": people.other_staff,
    }
    browsers = {name: client_for(app, user) for name, user in users.items()}
    return SimpleNamespace(users=users, browsers=browsers, logistics_id=logistics_id, **browsers)


def snapshot(app, suggestion_id: int) -> tuple:
    """Everything a refused step must leave as it was."""
    with app.app_context():
        found = db.session.get(Suggestion, suggestion_id)
        events = db.session.query(SuggestionEvent).filter_by(suggestion_id=suggestion_id).count()
        return (found.state, found.version, events, found.owner_id, found.due_date, found.reason, found.merged_into_id)


def offered(page: str) -> set[str]:
    """The steps a suggestion page offers (one form per target)."""
    return set(re.findall(r'name="target" value="([a-z_]+)"', page))


def alert(page: str) -> str:
    """The text of the page's error notice."""
    found = re.search(r'<div class="notice notice-error" role="alert">(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""


def post_step(browser, suggestion_id: int, target: str, version: int, page: str | None = None, **fields):
    """Post ``target`` at ``version`` with the CSRF token of ``page`` (fetched if not given), offered there or not."""
    token = hidden_fields(page or browser.get(f"/suggestions/{suggestion_id}").get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "expected_version": str(version), "target": target}
    return browser.post(f"/suggestions/{suggestion_id}", data={**data, **fields})


def refused(app, browser, suggestion_id: int, target: str, message: str, page: str | None = None, **fields) -> None:
    """Post a step that must be refused (422) with ``message`` and change nothing."""
    before = snapshot(app, suggestion_id)
    response = post_step(browser, suggestion_id, target, before[1], page, **fields)
    shown = alert(response.get_data(as_text=True))
    assert response.status_code == 422 and message in shown, (target, response.status_code, shown)
    assert snapshot(app, suggestion_id) == before


def everything_else_is_refused(app, cast, suggestion_id: int) -> None:
    """At the current state: each person is offered exactly their steps, and every other step is refused.

    People who may not see the suggestion (another employee; an owner it is not assigned to) get 403 for the
    page and for any step.
    """
    state = S(snapshot(app, suggestion_id)[0])
    everything = {"note": "Because", "owner_id": str(cast.users["owner"].id), "due_date": DUE.isoformat()}
    everything["merge_into_id"] = str(suggestion_id)
    responses = {who: cast.browsers[who].get(f"/suggestions/{suggestion_id}") for who in cast.browsers}
    pages = {who: page.get_data(as_text=True) for who, page in responses.items() if page.status_code != 403}
    persons = [who for who in ("submitter", "rep", "verifier", "owner", "manager") if who in pages]
    for number, target in enumerate(S):
        allowed, message = MAY.get((state, target), (frozenset(), None))
        if message is None:  # not a step of the loop: refused to anyone, tried by one person after another
            who = persons[number % len(persons)]
            text = f"cannot go from “{NAMES[state]}” to “{NAMES[target]}”"
            refused(app, cast.browsers[who], suggestion_id, target, text, pages[who], **everything)
            continue
        for who in persons:
            assert (target in offered(pages[who])) == (who in allowed), (state, target, who)
            if who not in allowed:
                refused(app, cast.browsers[who], suggestion_id, target, message, pages[who], **everything)
    assert "outsider" not in pages
    for stranger in set(cast.browsers) - set(pages):
        shut_out(app, cast.browsers[stranger], suggestion_id, **everything)


def shut_out(app, browser, suggestion_id: int, **fields) -> None:
    """Someone who may not see the suggestion gets 403 for its page and for a step, which changes nothing."""
    before = snapshot(app, suggestion_id)
    assert browser.get(f"/suggestions/{suggestion_id}").status_code == 403
    token = hidden_fields(browser.get("/suggestions/new").get_data(as_text=True))["csrf_token"]
    data = {"csrf_token": token, "expected_version": str(before[1]), "target": "in_progress", **fields}
    assert browser.post(f"/suggestions/{suggestion_id}", data=data).status_code == 403
    assert snapshot(app, suggestion_id) == before


class _Timeline(HTMLParser):
    """The cells of the timeline table, row by row, as plain text."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, ...]] = []
        self._inside = self._cell = False
        self._cells: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == "timeline":
            self._inside = True
        elif self._inside and tag == "td":
            self._cell = True
            self._cells.append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = False
        elif self._inside and tag == "tr" and self._cells:
            self.rows.append(tuple(" ".join(cell.split()) for cell in self._cells))
            self._cells = []
        elif tag == "table":
            self._inside = False

    def handle_data(self, data):
        if self._cell:
            self._cells[-1] += data


def timeline(browser, suggestion_id: int) -> list[tuple[str, str, str, str]]:
    """The timeline as the page shows it: (who, from, to, note) per step, oldest first."""
    parser = _Timeline()
    parser.feed(browser.get(f"/suggestions/{suggestion_id}").get_data(as_text=True))
    return [row[1:] for row in parser.rows]


def ok(response) -> None:
    """A step that was taken (the page redirects back to the suggestion)."""
    assert response.status_code == 302, alert(response.get_data(as_text=True))


def test_the_happy_path_records_who_from_to_and_note_and_refuses_every_other_step_on_the_way(app, cast):
    suggestion_id = submit(app, cast.users["submitter"])
    everything_else_is_refused(app, cast, suggestion_id)
    owner = str(cast.users["owner"].id)
    walk = [
        ("rep", S.UNDER_REVIEW, {"note": "Looking into it"}),
        ("rep", S.ACCEPTED, {"owner_id": owner, "due_date": DUE.isoformat(), "note": "Field service owns this"}),
        ("owner", S.IN_PROGRESS, {"note": "Starting with the north team"}),
        ("owner", S.IMPLEMENTED, {"note": "All teams call ahead now"}),
        ("verifier", S.VERIFIED, {"note": "Checked ten visits"}),
        ("verifier", S.CLOSED, {"note": "Done"}),
    ]
    for who, target, fields in walk:
        ok(step(cast.browsers[who], suggestion_id, target, **fields))
        everything_else_is_refused(app, cast, suggestion_id)
    assert timeline(cast.submitter, suggestion_id) == [
        ("Sam Staff", "—", "Submitted", ""),
        ("Rita Rep", "Submitted", "Under review", "Looking into it"),
        ("Rita Rep", "Under review", "Accepted", "Field service owns this due 2030-03-31"),
        ("Otto Owner", "Accepted", "In progress", "Starting with the north team"),
        ("Otto Owner", "In progress", "Implemented", "All teams call ahead now"),
        ("Vera Verifier", "Implemented", "Verified", "Checked ten visits"),
        ("Vera Verifier", "Verified", "Closed", "Done"),
    ]
    assert snapshot(app, suggestion_id)[:3] == ("closed", 7, 7)


def test_a_rejection_needs_a_reason_and_the_submitter_sees_it_on_the_suggestion(app, cast):
    suggestion_id = submit(app, cast.users["submitter"])
    ok(step(cast.rep, suggestion_id, S.UNDER_REVIEW))
    refused(app, cast.rep, suggestion_id, S.REJECTED, "a reason is required", note=" ")
    ok(step(cast.rep, suggestion_id, S.REJECTED, note="Customers asked us not to call"))
    everything_else_is_refused(app, cast, suggestion_id)
    page = cast.submitter.get(f"/suggestions/{suggestion_id}").get_data(as_text=True)
    assert '<dd id="state">Rejected</dd>' in page and "<dd>Customers asked us not to call</dd>" in page
    assert timeline(cast.submitter, suggestion_id)[-1] == (
        "Rita Rep",
        "Under review",
        "Rejected",
        "Customers asked us not to call",
    )


def test_a_declined_assignment_goes_back_to_the_representative_and_is_given_to_another_owner(app, cast):
    suggestion_id = submit(app, cast.users["submitter"], title="Label the parcels")
    ok(step(cast.rep, suggestion_id, S.UNDER_REVIEW))
    ok(step(cast.rep, suggestion_id, S.ACCEPTED, owner_id=str(cast.users["owner"].id), due_date=DUE.isoformat()))
    everything_else_is_refused(app, cast, suggestion_id)
    refused(app, cast.owner, suggestion_id, S.UNDER_REVIEW, "a reason is required", note="")
    ok(step(cast.owner, suggestion_id, S.UNDER_REVIEW, note="Parcels are Logistics' work"))
    state, _version, _events, owner_id, due_date, reason, _merged = snapshot(app, suggestion_id)
    assert (state, owner_id, due_date, reason) == ("under_review", None, None, "Parcels are Logistics' work")
    assert "Label the parcels" not in cast.owner.get("/suggestions/queue").get_data(as_text=True)
    assert "Label the parcels" in cast.rep.get("/suggestions/board?state=under_review").get_data(as_text=True)
    assert "Parcels are Logistics&#39; work" in cast.submitter.get(f"/suggestions/{suggestion_id}").get_data(
        as_text=True
    )
    second = str(cast.users["second_owner"].id)
    ok(step(cast.rep, suggestion_id, S.ACCEPTED, owner_id=second, due_date=DUE.isoformat(), note="To Logistics"))
    shut_out(app, cast.owner, suggestion_id)
    ok(step(cast.browsers["second_owner"], suggestion_id, S.IN_PROGRESS))
    with app.app_context():
        assert db.session.get(Suggestion, suggestion_id).department_id == cast.logistics_id
    assert timeline(cast.submitter, suggestion_id)[1:] == [
        ("Rita Rep", "Submitted", "Under review", ""),
        ("Rita Rep", "Under review", "Accepted", "due 2030-03-31"),
        ("Otto Owner", "Accepted", "Under review", "Parcels are Logistics' work"),
        ("Rita Rep", "Under review", "Accepted", "To Logistics due 2030-03-31"),
        ("Lena Logistics", "Accepted", "In progress", ""),
    ]


def test_a_failed_verification_sends_it_back_to_in_progress_with_the_reason_until_it_passes(app, cast):
    suggestion_id = submit(app, cast.users["submitter"])
    ok(step(cast.rep, suggestion_id, S.UNDER_REVIEW))
    ok(step(cast.rep, suggestion_id, S.ACCEPTED, owner_id=str(cast.users["owner"].id), due_date=DUE.isoformat()))
    ok(step(cast.owner, suggestion_id, S.IN_PROGRESS))
    ok(step(cast.owner, suggestion_id, S.IMPLEMENTED))
    refused(app, cast.verifier, suggestion_id, S.IN_PROGRESS, "a reason is required")
    ok(step(cast.verifier, suggestion_id, S.IN_PROGRESS, note="Two of ten visits had no call"))
    page = cast.owner.get(f"/suggestions/{suggestion_id}").get_data(as_text=True)
    assert '<dd id="state">In progress</dd>' in page and "<dd>Two of ten visits had no call</dd>" in page
    ok(step(cast.owner, suggestion_id, S.IMPLEMENTED, note="Added a reminder to the app"))
    ok(step(cast.verifier, suggestion_id, S.VERIFIED, note="Ten of ten"))
    assert timeline(cast.submitter, suggestion_id)[4:] == [
        ("Otto Owner", "In progress", "Implemented", ""),
        ("Vera Verifier", "Implemented", "In progress", "Two of ten visits had no call"),
        ("Otto Owner", "In progress", "Implemented", "Added a reminder to the app"),
        ("Vera Verifier", "Implemented", "Verified", "Ten of ten"),
    ]
    assert snapshot(app, suggestion_id)[:3] == ("verified", 8, 8)


def test_a_duplicate_is_merged_into_its_original_and_bad_merge_targets_are_refused(app, cast):
    original = submit(app, cast.users["submitter"], title="Call before arriving")
    copy = submit(app, cast.users["submitter"], title="Phone customers first")
    ok(step(cast.rep, copy, S.UNDER_REVIEW))
    refused(app, cast.rep, copy, S.DUPLICATE, "say which suggestion it duplicates")
    refused(app, cast.rep, copy, S.DUPLICATE, "a suggestion cannot duplicate itself", merge_into_id=str(copy))
    refused(app, cast.rep, copy, S.DUPLICATE, "there is no suggestion #999999", merge_into_id="999999")
    ok(step(cast.rep, copy, S.DUPLICATE, merge_into_id=str(original), note="Same idea as the first"))
    everything_else_is_refused(app, cast, copy)
    page = cast.submitter.get(f"/suggestions/{copy}").get_data(as_text=True)
    assert '<dd id="state">Duplicate</dd>' in page and f'href="/suggestions/{original}">#{original}</a>' in page
    assert timeline(cast.submitter, copy)[-1] == ("Rita Rep", "Under review", "Duplicate", "Same idea as the first")
    third = submit(app, cast.users["submitter"], title="Ring ahead")
    ok(step(cast.rep, third, S.UNDER_REVIEW))
    refused(app, cast.rep, third, S.DUPLICATE, f"#{copy} is itself a duplicate", merge_into_id=str(copy))
    assert snapshot(app, original)[:3] == ("submitted", 1, 1)


def test_a_deferred_suggestion_can_be_taken_back_into_review(app, cast):
    suggestion_id = submit(app, cast.users["submitter"])
    ok(step(cast.rep, suggestion_id, S.UNDER_REVIEW))
    ok(step(cast.manager, suggestion_id, S.DEFERRED, note="After the busy season"))
    everything_else_is_refused(app, cast, suggestion_id)
    ok(step(cast.rep, suggestion_id, S.UNDER_REVIEW, note="Season is over"))
    assert timeline(cast.submitter, suggestion_id)[2:] == [
        ("Mia Manager", "Under review", "Deferred", "After the busy season"),
        ("Rita Rep", "Deferred", "Under review", "Season is over"),
    ]


def test_a_refused_step_in_chinese_names_the_states_and_the_rule_in_chinese(app, people):  # noqa: F811
    suggestion_id = submit(app, people.staff)
    before = snapshot(app, suggestion_id)
    rep = client_for(app, people.rep)
    page = rep.get(f"/suggestions/{suggestion_id}?lang=zh").get_data(as_text=True)  # the session keeps zh
    response = post_step(rep, suggestion_id, S.CLOSED, before[1], page)
    shown = alert(response.get_data(as_text=True))
    with app.test_request_context(), force_locale("zh"):
        expected = str(MESSAGES["suggestion.no_such_step"]) % {"current": "已提交", "target": "已关闭"}
    assert response.status_code == 422 and expected in shown
    assert "“已提交”" in shown and "Submitted" not in shown
    assert snapshot(app, suggestion_id) == before
