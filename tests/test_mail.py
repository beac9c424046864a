"""The SMTP backend (privacyportal/mail.py) in a real SMTP conversation, and its settings."""

from __future__ import annotations

import runpy
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection

from requests_app import outbox
from requests_app.models import OutboxEmail
from tests.helpers import file_request

SMTPUTF8_SERVER = ["8BITMIME", "SMTPUTF8"]
PLAIN_SERVER = ["8BITMIME"]


@dataclass
class Transcript:
    extensions: list[str]
    commands: list[str] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)

    def command(self, verb: str) -> list[str]:
        return [line for line in self.commands if line.startswith(verb)]


class Conversation(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server (RFC 5321) to receive mail, keeping what it was told."""

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())

    def handle(self) -> None:
        transcript: Transcript = self.server.transcript
        self.reply("220 test.example ESMTP")
        while line := self.rfile.readline():
            command = line.decode("utf-8").rstrip("\r\n")
            verb = command[:4].upper()
            transcript.commands.append(verb + command[4:])
            if verb == "EHLO":
                names = ["test.example", *transcript.extensions]
                self.reply(*(f"250-{name}" for name in names[:-1]), f"250 {names[-1]}")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                transcript.messages.append(data)
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


@pytest.fixture
def smtp_server(settings) -> Iterator[Transcript]:
    """A server on a free local port with SMTPUTF8; the portal's backend sends to it."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Conversation)
    server.daemon_threads = True
    server.transcript = Transcript(extensions=list(SMTPUTF8_SERVER))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "core.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield server.transcript
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_mail_to_an_internationalised_address_goes_out_with_smtputf8_and_the_address_as_is(
    smtp_server,
):
    request = file_request(email="josé@例子.广告")

    assert outbox.send(OutboxEmail.objects.get(request=request).pk)

    assert smtp_server.command("MAIL") == ["MAIL FROM:<privacy@localhost> SMTPUTF8"]
    assert smtp_server.command("RCPT") == ["RCPT TO:<josé@例子.广告>"]
    (message,) = smtp_server.messages
    assert "\r\nTo: josé@例子.广告\r\n".encode() in message
    assert request.reference.encode() in message


def ascii_mail() -> EmailMessage:
    """Headers Django encodes (a UTF-8 name and subject, an internationalised domain)."""
    return EmailMessage(
        subject="Ihre Anfrage – bitte bestätigen",
        body="Grüße\n",
        from_email="Datenschutz Müller <privacy@example.com>",
        to=["Jürgen Groß <juergen@bücher.de>"],
        headers={"Date": "Mon, 02 Mar 2026 10:00:00 -0000", "Message-ID": "<1@example.com>"},
    )


def test_mail_with_ascii_addresses_goes_out_byte_for_byte_as_djangos_backend_sends_it(
    smtp_server,
):
    get_connection("django.core.mail.backends.smtp.EmailBackend").send_messages([ascii_mail()])
    django_commands = list(smtp_server.commands)
    smtp_server.commands.clear()

    get_connection().send_messages([ascii_mail()])

    assert smtp_server.commands == django_commands
    assert "MAIL FROM:<privacy@example.com>" in smtp_server.commands
    assert "RCPT TO:<juergen@xn--bcher-kva.de>" in smtp_server.commands
    assert smtp_server.messages[0] == smtp_server.messages[1]


@pytest.mark.django_db
def test_a_server_without_smtputf8_gets_no_mangled_address_and_the_outbox_tries_again(
    smtp_server,
):
    smtp_server.extensions = list(PLAIN_SERVER)
    request = file_request(email="josé@example.com")
    email = OutboxEmail.objects.get(request=request)

    assert not outbox.send(email.pk)

    email.refresh_from_db()
    assert email.state == OutboxEmail.State.PENDING
    assert "SMTPUTF8" in email.last_error
    assert smtp_server.command("RCPT") == []
    assert smtp_server.messages == []


def test_an_address_with_a_line_break_is_refused_as_django_refuses_it(smtp_server):
    mail = EmailMessage("Hi", "Hi", "privacy@example.com", ["josé@example.com\r\nBcc: x@y.z"])

    with pytest.raises(ValueError, match="Invalid address"):
        get_connection().send_messages([mail])

    assert smtp_server.messages == []


def settings_with(monkeypatch, **environment: str) -> dict:
    """The settings module as it reads this environment."""
    for name in ["EMAIL_URL", "EMAIL_SMTPUTF8"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(django_settings.BASE_DIR / "privacyportal" / "settings.py"))


@pytest.mark.parametrize(
    "url", ["smtp://smtp.example.com:25", "smtp+tls://user:secret@smtp.example.com:587"]
)
def test_smtp_urls_send_through_the_portals_backend(monkeypatch, url):
    assert settings_with(monkeypatch, EMAIL_URL=url)["EMAIL_BACKEND"] == "core.mail.EmailBackend"


@pytest.mark.parametrize(
    ("environment", "smtputf8"),
    [
        ({"EMAIL_URL": "smtp+tls://user:secret@smtp.example.com:587"}, False),
        ({"EMAIL_URL": "smtp://smtp.example.com:25", "EMAIL_SMTPUTF8": "true"}, True),
        ({}, True),
        ({"EMAIL_URL": "filemail:////var/mail/portal"}, True),
        ({"EMAIL_URL": "memorymail://"}, True),
        ({"EMAIL_URL": "consolemail://", "EMAIL_SMTPUTF8": "false"}, False),
    ],
)
def test_internationalised_addresses_are_taken_where_the_mail_transport_can_deliver_them(
    monkeypatch, environment, smtputf8
):
    assert settings_with(monkeypatch, **environment)["EMAIL_SMTPUTF8"] is smtputf8
