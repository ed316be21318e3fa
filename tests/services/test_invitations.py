"""Invitation batches: who is invited, who is skipped and why, links, CSV export and e-mails."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.models import Customer, Invitation, InvitationBatch
from app.services.invitations import BatchError, create_batch, csv_safe, export_links_csv, send_batch
from app.services.journey import current_journey
from app.services.links import public_id_from_token
from tests.factories import load_surveys, make_customer, make_invitation
from tests.smtp import smtp_server_fixture  # noqa: F401
from touchloop.journey import ContactRules, Named, SegmentAttribute

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
SURVEY = "delivery-installation"
LINK_RE = re.compile(r"http://[^\s\"<>]+/i/[A-Za-z0-9_.-]+(?:\?lang=\w+)?")


def _batch(session, segment_filter=None, *, journey=None, now=NOW, **options):
    journey = journey or current_journey(session)
    result = create_batch(
        session,
        survey_slug=options.pop("survey_slug", SURVEY),
        segment_filter=segment_filter or {},
        name=options.pop("name", "Test batch"),
        created_by_id=None,
        now=now,
        journey=journey,
    )
    session.commit()
    return result


def _invited(session, batch_id):
    rows = session.scalars(sa.select(Invitation.customer_id).where(Invitation.batch_id == batch_id))
    return set(rows.all())


def test_batch_selects_customers_by_segment_in_sql(session):
    load_surveys(session)
    wanted = make_customer(session, tier="A", region="east", customer_since=date(2024, 6, 1))
    make_customer(session, tier="A", region="north", customer_since=date(2024, 6, 1))
    make_customer(session, tier="B", region="east", customer_since=date(2024, 6, 1))
    make_customer(session, tier="A", region="east", customer_since=date(2015, 1, 1))  # over 5 years
    result = _batch(session, {"tier": ["A"], "region": ["east"], "years_as_customer": ["from_1_to_3"]})
    assert result.created == 1 and _invited(session, result.batch_id) == {wanted.id}
    batch = session.get(InvitationBatch, result.batch_id)
    assert batch.segment_filter == {"tier": ["A"], "region": ["east"], "years_as_customer": ["from_1_to_3"]}


def test_several_values_of_one_attribute_are_alternatives(session):
    load_surveys(session)
    a = make_customer(session, tier="A")
    b = make_customer(session, tier="B")
    make_customer(session, tier="C")
    result = _batch(session, {"tier": ["A", "B"]})
    assert _invited(session, result.batch_id) == {a.id, b.id}


def test_invitations_live_as_long_as_the_contact_rules_say(session):
    load_surveys(session)
    make_customer(session)
    journey = replace(
        current_journey(session), contact=ContactRules(30, reminder_after_days=7, invitation_valid_days=14)
    )
    result = _batch(session, journey=journey)
    batch = session.get(InvitationBatch, result.batch_id)
    invitation = session.scalars(sa.select(Invitation)).one()
    assert batch.reminder_after_days == 7
    assert invitation.expires_at.replace(tzinfo=timezone.utc) == NOW + timedelta(days=14)
    assert re.fullmatch(r"[0-9a-f]{32}", invitation.public_id) and invitation.sent_at is None


def test_opted_out_customers_without_email_and_recently_invited_are_skipped_and_counted(session):
    load_surveys(session)
    invited = make_customer(session)
    make_customer(session, opted_out_at=NOW - timedelta(days=100))
    make_customer(session, email=None)
    make_customer(session, email="  ")
    recent = make_customer(session)
    make_invitation(session, recent, "purchase", created_at=NOW - timedelta(days=10))  # any survey counts
    old = make_customer(session)
    make_invitation(session, old, created_at=NOW - timedelta(days=31))
    result = _batch(session)
    assert result.skipped == {"opted_out": 1, "no_email": 2, "recently_invited": 1}
    assert _invited(session, result.batch_id) == {invited.id, old.id}


def test_contact_frequency_follows_the_journey_rule(session):
    load_surveys(session)
    customer = make_customer(session)
    make_invitation(session, customer, created_at=NOW - timedelta(days=10))
    journey = current_journey(session)
    strict = replace(journey, contact=ContactRules(min_days_between_invitations=30))
    assert _batch(session, journey=strict).skipped["recently_invited"] == 1
    relaxed = replace(journey, contact=ContactRules(min_days_between_invitations=7))
    assert _batch(session, journey=relaxed).created == 1
    never = replace(journey, contact=ContactRules(min_days_between_invitations=0))
    assert _batch(session, journey=never).created == 1


def test_nobody_to_invite_makes_no_batch(session):
    load_surveys(session)
    make_customer(session, tier="A", opted_out_at=NOW)
    result = _batch(session, {"tier": ["A"]})
    assert (result.batch_id, result.created, result.skipped["opted_out"]) == (None, 0, 1)
    assert session.scalar(sa.select(sa.func.count(InvitationBatch.id))) == 0


def test_extra_attributes_are_matched_from_the_customer_extra(session):
    load_surveys(session)
    household = SegmentAttribute("household", {"en": "Household"}, (Named("family", {}), Named("single", {})), ())
    journey = replace(current_journey(session), segments=current_journey(session).segments + (household,))
    family = make_customer(session, extra={"household": "family"})
    make_customer(session, extra={"household": "single"})
    make_customer(session, extra=None)
    result = _batch(session, {"household": ["family"]}, journey=journey)
    assert _invited(session, result.batch_id) == {family.id}


@pytest.mark.parametrize(
    "segment_filter, message",
    [({"colour": ["red"]}, "unknown segment attribute 'colour'"), ({"tier": ["Z"]}, "unknown value(s) 'Z' for 'tier'")],
)
def test_unknown_attributes_and_values_are_refused(session, segment_filter, message):
    load_surveys(session)
    make_customer(session)
    with pytest.raises(BatchError, match=re.escape(message)):
        _batch(session, segment_filter)


def test_unknown_survey_is_refused(session):
    load_surveys(session)
    with pytest.raises(BatchError, match="no survey 'nope'"):
        _batch(session, survey_slug="nope")


def test_thousands_of_customers_are_invited_in_bulk(session):
    load_surveys(session)
    rows = [
        {"external_id": f"BULK-{n}", "name": f"Bulk {n}", "email": f"bulk{n}@example.com", "tier": "AB"[n % 2]}
        for n in range(3000)
    ]
    session.execute(sa.insert(Customer), rows)
    session.commit()
    result = _batch(session, {"tier": ["A"]})
    assert result.created == 1500
    assert session.scalar(sa.select(sa.func.count(sa.distinct(Invitation.public_id)))) == 1500


def test_csv_export_has_links_and_no_formulas(session):
    load_surveys(session)
    make_customer(session, external_id="=1+1", name="@SUM(A1)", email="+x@example.com")
    make_customer(session, external_id="-2", name="\tTab", email="ok@example.com")
    make_customer(session, external_id="ok", name="\rReturn", email="a@example.com")
    result = _batch(session)
    rows = list(csv.reader(io.StringIO(export_links_csv(session, result.batch_id, "https://cx.example.com/"))))
    assert rows[0] == ["external_id", "name", "email", "link"]
    assert [row[:3] for row in rows[1:]] == [
        ["'=1+1", "'@SUM(A1)", "'+x@example.com"],
        ["'-2", "'\tTab", "ok@example.com"],
        ["ok", "'\rReturn", "a@example.com"],
    ]
    public_ids = set(session.scalars(sa.select(Invitation.public_id)).all())
    for row in rows[1:]:
        assert row[3].startswith("https://cx.example.com/i/")
        assert public_id_from_token(row[3].rsplit("/", 1)[1]) in public_ids


def test_csv_safe_leaves_ordinary_values_alone():
    assert [csv_safe(v) for v in ("Lin", "a=b", None, 5, "-")] == ["Lin", "a=b", "", "5", "'-"]


def test_send_batch_mails_each_customer_once_in_their_language(session, smtp_server):
    load_surveys(session)
    chinese = make_customer(session, name="王芳", email="wang@example.com")
    english = make_customer(session, name="Ann Lee", email="ann@example.com", extra={"language": "en"})
    result = _batch(session)
    report = send_batch(session, result.batch_id, now=NOW + timedelta(minutes=1))
    assert (report.sent, report.failed, report.error) == (2, 0, None)
    zh = smtp_server.to(chinese.email)[0]
    en = smtp_server.to(english.email)[0]
    assert "送货安装服务评价" in zh["Subject"] and "华辰智能家居" in zh["Subject"]  # the zh title and company
    assert "王芳" in zh.get_body(("plain",)).get_content()
    assert en["Subject"].strip() == "Huachen Smart Home would like your opinion: How did your installation go?"
    text = en.get_body(("plain",)).get_content()
    html = en.get_body(("html",)).get_content()
    assert "Dear Ann Lee," in text and LINK_RE.search(text).group(0).endswith("?lang=en")
    assert "/o/" in text and "/o/" in html and LINK_RE.search(html)
    assert send_batch(session, result.batch_id, now=NOW + timedelta(minutes=2)).sent == 0
    assert len(smtp_server.messages) == 2
    sent = session.scalars(sa.select(Invitation.sent_at)).all()
    assert all(moment is not None for moment in sent)


def test_send_batch_skips_customers_who_opted_out_after_it_was_made(session, smtp_server):
    load_surveys(session)
    make_customer(session, email="stays@example.com")
    leaver = make_customer(session, email="leaves@example.com")
    result = _batch(session)
    session.get(Customer, leaver.id).opted_out_at = NOW
    session.commit()
    assert send_batch(session, result.batch_id, now=NOW).sent == 1
    assert smtp_server.to("leaves@example.com") == [] and len(smtp_server.to("stays@example.com")) == 1


def test_mail_server_down_leaves_invitations_unsent_for_a_later_run(app, session):
    load_surveys(session)
    make_customer(session)
    make_customer(session)
    result = _batch(session)
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens on the discard port
    report = send_batch(session, result.batch_id, now=NOW)
    assert report.sent == 0 and report.remaining == 2 and "could not send mail through 127.0.0.1:9" in report.error
    assert session.scalars(sa.select(Invitation.sent_at)).all() == [None, None]


def test_send_batch_stops_when_its_time_is_up(session, smtp_server):
    load_surveys(session)
    for _ in range(3):
        make_customer(session)
    result = _batch(session)
    report = send_batch(session, result.batch_id, now=NOW, seconds=0)
    assert (report.sent, report.remaining) == (1, 2)
    assert send_batch(session, result.batch_id, now=NOW).sent == 2


def test_customer_names_are_escaped_in_the_html_mail(session, smtp_server):
    load_surveys(session)
    make_customer(session, name="Ann <script>x</script> & Co", email="ann@example.com")
    send_batch(session, _batch(session).batch_id, now=NOW)
    html = smtp_server.messages[0].get_body(("html",)).get_content()
    assert "Ann &lt;script&gt;x&lt;/script&gt; &amp; Co" in html and "<script>" not in html
