"""The notification rules without an app: defaults, dedup keys, windows, recipients, the digest cutoff."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from touchloop.notifications import (
    DEFAULT_DELIVERY,
    Delivery,
    Kind,
    deadline_soon_window,
    delivery_for,
    digest_cutoff,
    due_marker,
    due_soon_window,
    recipients,
    reminder_key,
    step_key,
    step_of_key,
)

CHINA = timezone(timedelta(hours=8))


def test_without_a_choice_what_needs_acting_on_is_mailed_at_once_and_the_rest_daily():
    assert DEFAULT_DELIVERY == {
        Kind.ASSIGNED: Delivery.IMMEDIATE,
        Kind.OVERDUE: Delivery.IMMEDIATE,
        Kind.DUE_SOON: Delivery.DIGEST,
        Kind.STATE_CHANGED: Delivery.DIGEST,
    }
    assert delivery_for("due_soon", None) is Delivery.DIGEST
    assert delivery_for("due_soon", "off") is Delivery.OFF
    assert delivery_for("overdue", "sometimes") is Delivery.IMMEDIATE  # an unknown stored value means the default


def test_a_reminder_key_names_the_item_its_due_date_and_the_recipient():
    key = reminder_key(Kind.OVERDUE, "suggestion", 7, date(2030, 3, 5), 12)
    assert key == "overdue:suggestion7:due20300305:user12"
    assert key != reminder_key(Kind.OVERDUE, "suggestion", 7, date(2030, 3, 6), 12)  # a new due date: a new reminder
    assert key != reminder_key(Kind.OVERDUE, "suggestion", 7, date(2030, 3, 5), 13)
    assert step_key(Kind.STATE_CHANGED, "suggestion", 99, 12) == "state_changed:suggestion:event99:user12"
    assert step_of_key(step_key(Kind.ASSIGNED, "case", 5, 12)) == ("case", 5)
    assert step_of_key(key) is None


def test_deadlines_give_the_same_key_whether_stored_naive_utc_or_aware_in_any_zone():
    aware = datetime(2030, 3, 10, 15, 30, tzinfo=CHINA)
    naive_utc = datetime(2030, 3, 10, 7, 30)
    assert due_marker(aware) == due_marker(naive_utc) == "20300310T0730"


def test_due_soon_windows_include_both_ends():
    assert due_soon_window(date(2030, 3, 10), 2) == (date(2030, 3, 10), date(2030, 3, 12))
    now = datetime(2030, 3, 10, 9, tzinfo=timezone.utc)
    assert deadline_soon_window(now, 12) == (now, datetime(2030, 3, 10, 21, tzinfo=timezone.utc))


def test_recipients_are_distinct_in_order_without_nobody_and_without_those_left_out():
    assert recipients(3, None, 5, 3, 8, leave_out=(8, None)) == [3, 5]
    assert recipients(None, None) == []


def test_the_digest_covers_what_came_before_the_digest_hour_and_waits_until_then():
    morning = datetime(2030, 3, 10, 9, 15, tzinfo=timezone.utc)
    assert digest_cutoff(morning, 0) == datetime(2030, 3, 10, tzinfo=timezone.utc)
    assert digest_cutoff(morning, 9) == datetime(2030, 3, 10, 9, tzinfo=timezone.utc)
    assert digest_cutoff(morning, 10) is None
    assert digest_cutoff(datetime(2030, 3, 10, 17, tzinfo=CHINA), 9) == datetime(2030, 3, 10, 9, tzinfo=timezone.utc)
