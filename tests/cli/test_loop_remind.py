"""flask invitations create|send|export and flask loop remind, against a real SMTP server."""

from __future__ import annotations

import csv
import re
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.models import Customer, Invitation
from app.services.invitations import create_batch, remind, send_batch
from app.services.journey import current_journey
from tests.factories import load_surveys, make_customer, make_response
from tests.smtp import smtp_server_fixture  # noqa: F401

SURVEY = "delivery-installation"
LINK = re.compile(r"https?://\S+/(?:i|o)/[A-Za-z0-9_.-]+(?:\?lang=\w+)?")


def _links(message) -> dict[str, str]:
    """The personal (/i/) and opt-out (/o/) link of an e-mail, as local paths."""
    found = LINK.findall(message.get_body(("plain",)).get_content())
    paths = {urlsplit(url).path[:3]: urlsplit(url).path + "?" + urlsplit(url).query for url in found}
    return {"invitation": paths["/i/"], "opt_out": paths["/o/"]}


def _sent_days_ago(session, days: int, **batch_options) -> int:
    """A batch made and e-mailed ``days`` ago; its id."""
    then = datetime.now(timezone.utc) - timedelta(days=days)
    result = create_batch(
        session,
        survey_slug=SURVEY,
        segment_filter=batch_options.get("segment_filter", {}),
        name="Earlier",
        created_by_id=None,
        now=then,
        journey=current_journey(session),
    )
    session.commit()
    send_batch(session, result.batch_id, now=then)
    return result.batch_id


def test_invitation_email_arrives_with_a_working_personal_link_and_opt_out_link(runner, client, session, smtp_server):
    load_surveys(session)
    make_customer(session, tier="A", email="lin@example.com", name="Lin Wei")
    make_customer(session, tier="C", email="other@example.com")
    created = runner.invoke(args=["invitations", "create", "--survey", SURVEY, "--where", "tier=A", "--name", "Spring"])
    assert created.exit_code == 0, created.output
    batch_id = int(re.search(r"batch (\d+): 1 invitation\(s\) created", created.output).group(1))
    sent = runner.invoke(args=["invitations", "send", str(batch_id)])
    assert sent.exit_code == 0 and f"batch {batch_id}: 1 sent" in sent.output, sent.output
    [message] = smtp_server.messages
    assert smtp_server.recipients == [["lin@example.com"]] and "Lin Wei" in message.get_body(("plain",)).get_content()
    links = _links(message)
    assert "送货安装服务评价" in client.get(links["invitation"]).get_data(as_text=True)
    assert client.get(links["opt_out"]).status_code == 200


def test_remind_run_twice_sends_exactly_one_reminder(runner, session, smtp_server):
    load_surveys(session)
    make_customer(session, email="due@example.com", extra={"language": "en"})
    _sent_days_ago(session, 6)
    first = runner.invoke(args=["loop", "remind"])
    second = runner.invoke(args=["loop", "remind"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "invitation reminders sent: 1" in first.output and "invitation reminders sent: 0" in second.output
    reminders = [m for m in smtp_server.to("due@example.com") if m["Subject"].strip().startswith("Reminder:")]
    assert len(smtp_server.to("due@example.com")) == 2 and len(reminders) == 1
    assert "/i/" in _links(reminders[0])["invitation"]


def test_reminders_skip_opted_out_answered_expired_and_not_yet_due(runner, session, smtp_server):
    load_surveys(session)
    due = make_customer(session, email="due@example.com")
    leaver = make_customer(session, email="leaver@example.com")
    answered = make_customer(session, email="answered@example.com")
    _sent_days_ago(session, 6)
    make_customer(session, email="recent@example.com")
    _sent_days_ago(session, 2)  # not due yet: reminders come after 5 days
    make_customer(session, email="expired@example.com")
    _sent_days_ago(session, 31)  # links work for 30 days
    session.get(Customer, leaver.id).opted_out_at = datetime.now(timezone.utc)
    invitation = session.scalar(sa.select(Invitation).where(Invitation.customer_id == answered.id))
    make_response(session, {"recommend": 9}, customer=answered, invitation=invitation)
    before = len(smtp_server.messages)
    result = runner.invoke(args=["loop", "remind"])
    assert "invitation reminders sent: 1" in result.output, result.output
    assert [r for r in smtp_server.recipients[before:]] == [[due.email]]


def test_concurrent_remind_runs_send_each_reminder_once(app, session, smtp_server):
    load_surveys(session)
    for number in range(6):
        make_customer(session, email=f"c{number}@example.com")
    _sent_days_ago(session, 6)
    before = len(smtp_server.messages)
    counts: list[int] = []
    barrier = threading.Barrier(2, timeout=30)

    def run():
        with app.app_context():
            barrier.wait()
            counts.append(remind(db.session, now=datetime.now(timezone.utc)))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 6 and len(smtp_server.messages) - before == 6
    assert sorted(r[0] for r in smtp_server.recipients[before:]) == [f"c{n}@example.com" for n in range(6)]


def test_failed_reminder_is_sent_by_a_later_run(app, runner, session, smtp_server):
    load_surveys(session)
    make_customer(session)
    _sent_days_ago(session, 6)
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"
    failed = runner.invoke(args=["loop", "remind"])
    assert failed.exit_code != 0 and "could not send mail through 127.0.0.1:9" in failed.output
    assert session.scalar(sa.select(Invitation.reminded_at)) is None
    app.config["SMTP_URL"] = working
    assert "invitation reminders sent: 1" in runner.invoke(args=["loop", "remind"]).output


def test_customers_asked_recently_are_skipped_by_the_next_batch(runner, session, smtp_server):
    load_surveys(session)
    make_customer(session)
    args = ["invitations", "create", "--survey", SURVEY, "--name", "Again"]
    assert "1 invitation(s) created" in runner.invoke(args=args).output
    again = runner.invoke(args=args)
    assert again.exit_code == 0 and "nobody to invite" in again.output and "recently invited 1" in again.output


def test_opted_out_customers_get_no_invitation_at_all(runner, session, smtp_server):
    load_surveys(session)
    make_customer(session, opted_out_at=datetime.now(timezone.utc))
    result = runner.invoke(args=["invitations", "create", "--survey", SURVEY, "--name", "X"])
    assert "nobody to invite" in result.output and "opted out 1" in result.output
    assert smtp_server.messages == []


def test_create_refuses_unknown_surveys_and_conditions(runner, session):
    load_surveys(session)
    make_customer(session)
    unknown = runner.invoke(args=["invitations", "create", "--survey", "nope", "--name", "X"])
    assert unknown.exit_code != 0 and "no survey 'nope'" in unknown.output
    bad = runner.invoke(args=["invitations", "create", "--survey", SURVEY, "--where", "tier", "--name", "X"])
    assert bad.exit_code != 0 and "is not ATTRIBUTE=VALUE" in bad.output
    value = runner.invoke(args=["invitations", "create", "--survey", SURVEY, "--where", "tier=Q", "--name", "X"])
    assert value.exit_code != 0 and "unknown value(s) 'Q' for 'tier'" in value.output


def test_export_writes_guarded_links_csv(runner, session, tmp_path):
    load_surveys(session)
    make_customer(session, name='=HYPERLINK("http://evil")', tier="A")
    make_customer(session, tier="B")
    created = runner.invoke(args=["invitations", "create", "--survey", SURVEY, "--where", "tier=A,B", "--name", "X"])
    batch_id = re.search(r"batch (\d+)", created.output).group(1)
    out = tmp_path / "links.csv"
    result = runner.invoke(args=["invitations", "export", batch_id, "--out", str(out)])
    assert result.exit_code == 0 and "2 link(s) written" in result.output, result.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["external_id", "name", "email", "link"] and rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert all("/i/" in row[3] for row in rows[1:])
    missing = runner.invoke(args=["invitations", "send", "999"])
    assert missing.exit_code != 0 and "no invitation batch 999" in missing.output
