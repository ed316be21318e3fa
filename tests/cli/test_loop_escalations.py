"""flask loop remind: due-soon reminders, escalations, notification e-mails and digests, read off a real SMTP server.

Every run uses a fixed ``--now``; the users read English, so subjects can be compared whole.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Department, FollowUpCase, Notification, NotificationDigest, Role
from app.services.loop_reminders import make_reminders
from app.services.notification_delivery import send_digests, send_immediate
from app.services.notifications import save_settings
from app.services.suggestions import advance_suggestion, submit_suggestion
from tests.factories import load_surveys, make_customer, make_response
from tests.services.test_cases import DETRACTOR
from tests.services.test_suggestions import make_department, make_person
from tests.smtp import smtp_server_fixture  # noqa: F401
from touchloop.suggestion_flow import State

NOW = datetime(2030, 3, 10, 9, 0, tzinfo=timezone.utc)
BASE = "https://touchloop.example"


def remind(runner, now: datetime = NOW, *extra: str):
    """Run ``flask loop remind`` at ``now``; insist it succeeded; its output."""
    result = runner.invoke(args=["loop", "remind", "--now", now.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def received(smtp_server, since: int = 0) -> list[tuple[str, str]]:
    """(recipient, subject) of each message the server received, from message ``since`` on, sorted."""
    pairs = zip(smtp_server.recipients[since:], smtp_server.messages[since:])
    return sorted((recipients[0], message["Subject"]) for recipients, message in pairs)


def suggestion(session, people, title: str, owner, due: date) -> int:
    """Staff's suggestion, reviewed and given to ``owner`` by the representative with ``due``; its id."""
    item = submit_suggestion(session, submitter=people.staff, title=title, description="-")
    advance_suggestion(session, item.id, State.UNDER_REVIEW, actor=people.rep)
    advance_suggestion(session, item.id, State.ACCEPTED, actor=people.rep, owner_id=owner.id, due_date=due)
    session.commit()
    return item.id


@pytest.fixture
def loop(app, session):
    """Two departments with heads and owners, representatives, four suggestions and two open cases.

    The notices their steps left (assigned, state changes) are marked e-mailed, so the runs below send
    only what ``flask loop remind`` itself makes, unless a test says otherwise.
    """
    app.config["EXTERNAL_URL"] = BASE
    load_surveys(session)
    ops = make_department(session, "operations")
    field = session.scalar(sa.select(Department).where(Department.code == "field_service"))
    people = SimpleNamespace(
        staff=make_person(session, Role.STAFF, ops),
        rep=make_person(session, Role.REPRESENTATIVE),
        customer_rep=make_person(session, Role.REPRESENTATIVE),
        head=make_person(session, Role.OWNER, ops),
        owner=make_person(session, Role.OWNER, ops),
        quiet_owner=make_person(session, Role.OWNER, ops),
        field_head=make_person(session, Role.OWNER, field),
        field_owner=make_person(session, Role.OWNER, field),
    )
    ops.head_id, field.head_id = people.head.id, people.field_head.id
    for person in vars(people).values():
        save_settings(session, person.id, {}, "en")
    save_settings(session, people.quiet_owner.id, {"due_soon": "off"}, "en")
    save_settings(session, people.owner.id, {"due_soon": "immediate"}, "en")
    session.commit()
    ids = SimpleNamespace(
        soon=suggestion(session, people, "Call ahead", people.owner, date(2030, 3, 11)),
        quiet=suggestion(session, people, "Quiet one", people.quiet_owner, date(2030, 3, 12)),
        late=suggestion(session, people, "Fix <script>x</script> now", people.owner, date(2030, 3, 5)),
        later=suggestion(session, people, "Much later", people.owner, date(2030, 3, 20)),
    )
    ids.late_case, ids.soon_case = _cases(session, people)
    session.execute(sa.update(Notification).values(emailed_at=NOW - timedelta(days=30)))
    session.commit()
    return SimpleNamespace(people=people, ids=ids)


def _cases(session, people) -> tuple[int, int]:
    """Two detractor cases of customers of ``customer_rep``: one past its deadline, given to the field owner,
    and one due in six hours. Their ids."""
    found = []
    for deadline in (NOW - timedelta(hours=2), NOW + timedelta(hours=6)):
        customer = make_customer(session, representative=people.customer_rep.email)
        make_response(session, DETRACTOR, customer=customer)
        case = session.scalars(sa.select(FollowUpCase).order_by(FollowUpCase.id.desc())).first()
        case.deadline_at = deadline
        found.append(case)
    found[0].assignee_id = people.field_owner.id
    session.commit()
    return found[0].id, found[1].id


def test_reminders_and_escalations_reach_the_right_people_exactly_once(runner, loop, smtp_server):
    people, ids = loop.people, loop.ids
    first = remind(runner)
    assert "due-soon reminders: 2" in first and "overdue escalations: 6" in first
    assert "notification e-mails sent: assigned 0, due_soon 1, overdue 6, state_changed 0" in first
    late_suggestion = f"Overdue: suggestion #{ids.late} “Fix <script>x</script> now” was due on 2030-03-05."
    late_case = (
        f"Overdue: follow-up case #{ids.late_case} “Detractor: unlikely to recommend” was due by 2030-03-10 07:00."
    )
    assert received(smtp_server) == sorted(
        [
            (people.owner.email, f"Suggestion #{ids.soon} “Call ahead” is due on 2030-03-11."),
            (people.owner.email, late_suggestion),  # the owner
            (people.head.email, late_suggestion),  # the department head
            (people.rep.email, late_suggestion),  # the representative who assigned it
            (people.field_owner.email, late_case),  # the assignee
            (people.field_head.email, late_case),  # the department head
            (people.customer_rep.email, late_case),  # the customer's representative
        ]
    )
    second = remind(runner)
    assert "due-soon reminders: 0" in second and "overdue escalations: 0" in second
    assert len(smtp_server.messages) == 7


def test_escalation_mails_are_escaped_and_link_to_the_item_from_external_url(runner, loop, smtp_server):
    remind(runner)
    [mail] = [m for m in smtp_server.to(loop.people.head.email)]
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert "Fix &lt;script&gt;x&lt;/script&gt; now" in html and "<script>" not in html
    assert f'href="{BASE}/suggestions/{loop.ids.late}"' in html and f"{BASE}/suggestions/{loop.ids.late}" in text
    assert "Responsible: " in text and f"{BASE}/inbox/settings" in text
    [case_mail] = smtp_server.to(loop.people.customer_rep.email)
    assert f"{BASE}/cases/{loop.ids.late_case}" in case_mail.get_body(("plain",)).get_content()


def test_mail_is_written_in_each_readers_language(runner, loop, smtp_server, session):
    save_settings(session, loop.people.customer_rep.id, {}, "zh")
    session.commit()
    remind(runner)
    [mail] = smtp_server.to(loop.people.customer_rep.email)
    assert "推荐意愿低（贬损者）" in mail["Subject"] and 'lang="zh-CN"' in mail.get_body(("html",)).get_content()
    [english] = smtp_server.to(loop.people.field_head.email)
    assert "Detractor: unlikely to recommend" in english["Subject"]


def test_switched_off_kinds_are_neither_stored_nor_sent(runner, loop, smtp_server, session):
    remind(runner)
    quiet = loop.people.quiet_owner
    assert smtp_server.to(quiet.email) == []
    count = sa.select(sa.func.count()).where(Notification.user_id == quiet.id, Notification.kind == "due_soon")
    assert session.scalar(count) == 0


def test_digests_go_out_once_a_day_with_what_came_before_the_digest_hour(runner, loop, smtp_server, session):
    people, ids = loop.people, loop.ids
    session.execute(sa.update(Notification).where(Notification.kind == "state_changed").values(emailed_at=None))
    session.commit()
    first = remind(runner)
    assert "daily digests sent: 1" in first  # the staff member's state changes; the case reminder came after 00:00
    [digest] = [m for m in smtp_server.to(people.staff.email)]
    assert digest["Subject"] == "Your daily Touchloop digest (8)"
    assert digest.get_body(("plain",)).get_content().count(f"{BASE}/suggestions/") == 8
    assert "daily digests sent: 0" in remind(runner)
    before = len(smtp_server.messages)
    tomorrow = remind(runner, NOW + timedelta(days=1))
    assert "daily digests sent: 1" in tomorrow and "overdue escalations: 2" in tomorrow  # the soon case is late now
    [case_digest] = [m for m in smtp_server.messages[before:] if m["Subject"].startswith("Your daily Touchloop digest")]
    assert f"{BASE}/cases/{ids.soon_case}" in case_digest.get_body(("plain",)).get_content()
    assert smtp_server.recipients[smtp_server.messages.index(case_digest)] == [people.customer_rep.email]
    assert "daily digests sent: 0" in remind(runner, NOW + timedelta(days=1, hours=3))
    days = session.execute(
        sa.select(NotificationDigest.user_id, NotificationDigest.day).order_by(NotificationDigest.id)
    )
    assert [tuple(row) for row in days] == [(people.staff.id, NOW.date()), (people.customer_rep.id, date(2030, 3, 11))]


def test_no_digest_goes_out_before_the_digest_hour(runner, loop, smtp_server, session):
    session.execute(sa.update(Notification).where(Notification.kind == "state_changed").values(emailed_at=None))
    session.commit()
    assert "daily digests sent: 0" in remind(runner, NOW, "--digest-hour", "10")
    # Both the state changes and the case reminder the 09:00 run made came before 10:00.
    assert "daily digests sent: 2" in remind(runner, NOW + timedelta(hours=1), "--digest-hour", "10")


def test_assignment_mails_go_out_at_once_with_the_next_run(runner, loop, smtp_server, session):
    session.execute(sa.update(Notification).where(Notification.kind == "assigned").values(emailed_at=None))
    session.commit()
    output = remind(runner)
    assert "notification e-mails sent: assigned 6," in output
    assert len(smtp_server.to(loop.people.owner.email)) == 3 + 2  # three assignments, one reminder, one escalation


def test_two_runs_at_once_send_each_escalation_once(app, loop, smtp_server):
    counts: list[int] = []
    barrier = threading.Barrier(2, timeout=30)

    def run():
        with app.app_context():
            barrier.wait()
            made = make_reminders(db.session, now=NOW)
            db.session.commit()
            counts.append(sum(made.values()) + sum(send_immediate(db.session, now=NOW).sent.values()))
            send_digests(db.session, now=NOW)
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(counts) == 2 and sum(counts) == 8 + 7  # 8 notices made, 7 e-mailed, between the two runs
    assert len(smtp_server.messages) == 7 and len(set(map(tuple, smtp_server.recipients))) == 6


def test_mail_that_could_not_be_sent_is_sent_by_a_later_run(app, runner, loop, smtp_server, session):
    working, app.config["SMTP_URL"] = app.config["SMTP_URL"], "smtp://127.0.0.1:9"
    failed = runner.invoke(args=["loop", "remind", "--now", NOW.isoformat()])
    assert failed.exit_code != 0 and "could not send mail through 127.0.0.1:9" in failed.output
    assert "overdue escalations: 6" in failed.output  # made and kept in the inboxes even so
    pending = sa.select(sa.func.count()).where(Notification.delivery == "immediate", Notification.emailed_at.is_(None))
    assert session.scalar(pending) == 7
    app.config["SMTP_URL"] = working
    assert "overdue 6" in remind(runner) and len(smtp_server.messages) == 7
