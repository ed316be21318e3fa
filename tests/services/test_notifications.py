"""Who is told of what: the notices each step of a suggestion or a case leaves, and the inbox they land in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.models import Notification, NotificationSetting, Role, SuggestionFollower
from app.services.notification_texts import describe
from app.services.notifications import followers, inbox_page, mark_all_read, save_settings, unread_count
from app.services.suggestion_details import can_view
from tests.factories import load_surveys, make_customer, make_response
from tests.services import test_suggestions
from tests.services.test_cases import DETRACTOR
from tests.services.test_suggestions import DUE, accepted, make_person, make_suggestion, step
from touchloop.suggestion_flow import State

people = test_suggestions.people  # the same fixture: a submitter, two representatives, two owners, a manager


def notices(session, kind: str | None = None) -> list[tuple[int, str, str | None]]:
    """Every notice as (user id, kind, the state it announces), oldest first."""
    query = sa.select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return [(n.user_id, n.kind, n.params.get("to")) for n in session.scalars(query)]


def test_the_submitter_follows_and_hears_of_each_step_others_make(session, people):
    suggestion = make_suggestion(session, people.staff)
    assert followers(session, suggestion.id) == [people.staff.id]
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    assert notices(session) == [(people.staff.id, "state_changed", "under_review")]


def test_nobody_is_told_of_their_own_step(session, people):
    suggestion = make_suggestion(session, people.rep)
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    assert notices(session) == []


def test_the_new_owner_hears_assigned_and_the_submitter_hears_the_state_change(session, people):
    accepted(session, people)
    assert notices(session, "assigned") == [(people.owner.id, "assigned", "accepted")]
    assert notices(session, "state_changed") == [
        (people.staff.id, "state_changed", "under_review"),
        (people.staff.id, "state_changed", "accepted"),
    ]
    [assigned] = session.scalars(sa.select(Notification).where(Notification.kind == "assigned"))
    assert assigned.delivery == "immediate" and assigned.params["due"] == DUE.isoformat()


def test_a_declined_assignment_is_told_to_the_representative_who_assigned_it(session, people):
    suggestion = accepted(session, people)
    before = len(notices(session))
    step(session, suggestion, State.UNDER_REVIEW, people.owner, note="not our department")
    assert sorted(notices(session)[before:]) == sorted(
        [(people.staff.id, "state_changed", "under_review"), (people.rep.id, "state_changed", "under_review")]
    )


def test_a_failed_verification_is_told_to_the_owner(session, people):
    suggestion = accepted(session, people)
    step(session, suggestion, State.IN_PROGRESS, people.owner)
    step(session, suggestion, State.IMPLEMENTED, people.owner)
    before = len(notices(session))
    step(session, suggestion, State.IN_PROGRESS, people.other_rep, note="two customers still complain")
    assert sorted(notices(session)[before:]) == sorted(
        [(people.staff.id, "state_changed", "in_progress"), (people.owner.id, "state_changed", "in_progress")]
    )
    latest = session.scalars(sa.select(Notification).order_by(Notification.id.desc())).first()
    assert latest.params["note"] == "two customers still complain"


def test_a_merged_duplicates_submitter_follows_the_original_and_hears_its_state_changes(session, people):
    original = make_suggestion(session, people.manager, title="Call ahead")
    duplicate = make_suggestion(session, people.staff, title="Phone before coming")
    step(session, duplicate, State.UNDER_REVIEW, people.rep)
    step(session, duplicate, State.DUPLICATE, people.rep, merge_into_id=original.id)
    assert followers(session, original.id) == [people.manager.id, people.staff.id]
    assert can_view(people.staff, original)
    before = len(notices(session))
    step(session, original, State.UNDER_REVIEW, people.rep)
    assert sorted(notices(session)[before:]) == sorted(
        [(people.manager.id, "state_changed", "under_review"), (people.staff.id, "state_changed", "under_review")]
    )
    [merged] = [
        n
        for n in session.scalars(sa.select(Notification).where(Notification.suggestion_id == duplicate.id))
        if n.params["to"] == "duplicate"
    ]
    with force_locale("en"):
        assert "which you now follow" in describe(merged).detail


def test_a_stranger_cannot_view_a_suggestion_they_do_not_follow(session, people):
    suggestion = make_suggestion(session, people.manager)
    assert not can_view(people.other_owner, suggestion)


def test_switched_off_kinds_leave_nothing_and_in_app_kinds_are_not_mailed(session, people):
    save_settings(session, people.staff.id, {"state_changed": "off"}, None)
    save_settings(session, people.owner.id, {"assigned": "in_app"}, None)
    session.commit()
    accepted(session, people)
    assert notices(session) == [(people.owner.id, "assigned", "accepted")]
    assert session.scalar(sa.select(Notification.delivery)) == "in_app"


def test_deactivated_users_get_no_notices(session, people):
    people.staff.active = False
    session.commit()
    suggestion = make_suggestion(session, people.staff)
    step(session, suggestion, State.UNDER_REVIEW, people.rep)
    assert notices(session) == []


def test_unknown_settings_are_refused_and_nothing_is_stored(session, people):
    with pytest.raises(ValueError, match="state_changed=sometimes"):
        save_settings(session, people.staff.id, {"state_changed": "sometimes"}, None)
    with pytest.raises(ValueError, match="language=fr"):
        save_settings(session, people.staff.id, {}, "fr")
    assert session.scalar(sa.select(sa.func.count()).select_from(NotificationSetting)) == 0


def test_a_detractor_case_tells_the_customers_representative_in_the_same_transaction(session):
    load_surveys(session)
    representative = make_person(session, Role.REPRESENTATIVE)
    customer = make_customer(session, representative=representative.email.upper())
    make_response(session, DETRACTOR, customer=customer)
    [notice] = session.scalars(sa.select(Notification)).all()
    assert (notice.user_id, notice.kind, notice.case_id is not None) == (representative.id, "assigned", True)
    with force_locale("zh"):
        assert "推荐意愿低" in describe(notice).headline


def test_the_inbox_pages_newest_first_and_marks_only_its_owners_notices_read(session, people):
    suggestion = make_suggestion(session, people.staff)
    for target in (State.UNDER_REVIEW, State.DEFERRED, State.UNDER_REVIEW):
        step(session, suggestion, target, people.rep, note="later" if target == State.DEFERRED else None)
    accepted(session, people)
    page = inbox_page(session, people.staff.id, page=1, per_page=2)
    assert (page.total, page.pages, [n.params["to"] for n in page.items]) == (5, 3, ["accepted", "under_review"])
    assert inbox_page(session, people.staff.id, page=99, per_page=2).page == 3
    assert mark_all_read(session, people.staff.id) == 5
    session.commit()
    assert unread_count(session, people.staff.id) == 0 and unread_count(session, people.owner.id) == 1


def test_followers_are_kept_once_even_when_merged_twice(session, people):
    original = make_suggestion(session, people.manager)
    for _ in range(2):
        duplicate = make_suggestion(session, people.staff)
        step(session, duplicate, State.UNDER_REVIEW, people.rep)
        step(session, duplicate, State.DUPLICATE, people.rep, merge_into_id=original.id)
    count = sa.select(sa.func.count()).where(
        SuggestionFollower.suggestion_id == original.id, SuggestionFollower.user_id == people.staff.id
    )
    assert session.scalar(count) == 1
