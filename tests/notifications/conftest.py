"""A real SMTP server for the mail tests: aiosmtpd on a free local port, keeping every message it receives."""

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest


class Inbox:
    """The messages the test SMTP server received (parsed), and a switch to refuse the next ones."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        """Keep the message (or refuse it with 451 when `refuse` is set)."""
        if self.refuse:
            return "451 try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to `address`."""
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    """An SMTP server the app is configured to use for this test; yields its Inbox."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_BASE_URL", "MAIL_DEFAULT_SENDER")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://revenue.example.go.th",
                      MAIL_DEFAULT_SENDER="no-reply@revenue.example.go.th")
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()
