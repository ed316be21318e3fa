"""Mail goes to the SMTP server in SMTP_URL (a real one here), or to the log when it is unset."""

from __future__ import annotations

import logging

import pytest

from app.mail import Mailer, MailError, RecipientRefused, send_mail, smtp_settings
from tests.smtp import password_check, running_smtp_server, smtp_server_fixture  # noqa: F401


def test_without_smtp_url_the_whole_message_is_logged(app, caplog):
    app.config["SMTP_URL"] = None
    with app.app_context(), caplog.at_level(logging.INFO, logger="touchloop.mail"):
        send_mail("ann@example.com", "Hello there", "The body text", "<p>The body</p>")
    record = caplog.records[-1]
    assert record.name == "touchloop.mail" and record.levelno == logging.INFO
    assert "To: ann@example.com" in record.getMessage() and "Hello there" in record.getMessage()
    assert "The body text" in record.getMessage()


def test_message_arrives_with_text_and_html_from_the_configured_sender(app, smtp_server):
    app.config["MAIL_FROM"] = "Huachen <cx@huachen.example>"
    with app.app_context():
        send_mail("ann@example.com", "您好 Hello", "纯文本 body", "<p>网页 body</p>")
    message = smtp_server.messages[0]
    assert smtp_server.recipients == [["ann@example.com"]]
    assert message["From"] == "Huachen <cx@huachen.example>" and message["Subject"] == "您好 Hello"
    assert message.get_body(("plain",)).get_content().strip() == "纯文本 body"
    assert message.get_body(("html",)).get_content().strip() == "<p>网页 body</p>"


def test_one_connection_sends_many_messages(app, smtp_server):
    with app.app_context(), Mailer() as mailer:
        for number in range(3):
            mailer.send(f"c{number}@example.com", "Hi", "text")
    assert [r[0] for r in smtp_server.recipients] == ["c0@example.com", "c1@example.com", "c2@example.com"]


def test_user_and_password_from_the_url_log_in(app):
    options = {"authenticator": password_check("mailer", "s3cret/pw"), "auth_require_tls": False}
    with running_smtp_server(**options) as inbox, app.app_context():
        app.config["SMTP_URL"] = inbox.url.replace("smtp://", "smtp://mailer:s3cret%2Fpw@")
        send_mail("ann@example.com", "Hi", "text")
        assert len(inbox.messages) == 1
        app.config["SMTP_URL"] = inbox.url.replace("smtp://", "smtp://mailer:wrong@")
        with pytest.raises(MailError) as failure:
            send_mail("ann@example.com", "Hi", "text")
        assert "wrong" not in str(failure.value)


def test_unreachable_server_raises_a_clear_error(app):
    app.config["SMTP_URL"] = "smtp://user:topsecret@127.0.0.1:9"
    with app.app_context(), pytest.raises(MailError, match=r"could not send mail through 127\.0\.0\.1:9") as failure:
        send_mail("ann@example.com", "Hi", "text")
    assert "topsecret" not in str(failure.value)


def test_a_line_break_in_an_address_is_refused(app, smtp_server):
    with app.app_context(), pytest.raises(RecipientRefused):
        send_mail("ann@example.com\nBcc: all@example.com", "Hi", "text")
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "url, expected",
    [
        ("smtp://mail.example.com", ("mail.example.com", 25, False, False, None)),
        ("smtp://u:p@mail.example.com:587?starttls=1", ("mail.example.com", 587, False, True, "u")),
        ("smtps://u:p@mail.example.com", ("mail.example.com", 465, True, False, "u")),
    ],
)
def test_smtp_urls_are_understood(url, expected):
    settings = smtp_settings(url)
    assert (settings.host, settings.port, settings.ssl, settings.starttls, settings.username) == expected


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "smtp://host:notaport"])
def test_bad_smtp_urls_are_refused_clearly(url):
    with pytest.raises(MailError, match="SMTP_URL"):
        smtp_settings(url)


def test_international_addresses_go_as_ascii_or_are_refused_one_by_one(app):
    """A server without SMTPUTF8 gets punycode domains; a non-ASCII mailbox fails alone, not the run."""
    with running_smtp_server(enable_SMTPUTF8=False) as inbox, app.app_context():
        app.config["SMTP_URL"] = inbox.url
        with Mailer() as mailer:
            mailer.send("li@例子.中国", "Hello", "Body")
            with pytest.raises(RecipientRefused):
                mailer.send("josé@example.com", "Hello", "Body")
            mailer.send("last@example.com", "Hello", "Body")
    assert inbox.recipients == [["li@xn--fsqu00a.xn--fiqs8s"], ["last@example.com"]]
