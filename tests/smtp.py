"""A real SMTP server for the mail tests (aiosmtpd on loopback), stoppable mid-test."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+/i/([A-Za-z0-9_-]{20,})")


class Inbox:
    """Collects every message the server accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def config(self) -> dict:
        """App configuration that sends to this server."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_SECURITY": "none",
                "SMTP_FROM": "uppfoljning@region.example", "SMTP_TIMEOUT": 5}

    def environ(self) -> dict[str, str]:
        return {"KEDJEKOLL_SMTP_HOST": "127.0.0.1", "KEDJEKOLL_SMTP_PORT": str(self.port),
                "KEDJEKOLL_SMTP_SECURITY": "none",
                "KEDJEKOLL_SMTP_FROM": "uppfoljning@region.example",
                "KEDJEKOLL_BASE_URL": "https://kedjekoll.region.example"}


def body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def link_token(message: EmailMessage) -> str:
    return LINK.search(body(message)).group(1)


@pytest.fixture(scope="module")
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The module's SMTP server, started and with an empty inbox."""
    if smtp_server.controller is None:
        smtp_server.start()
    smtp_server.messages.clear()
    return smtp_server
