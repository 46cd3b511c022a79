"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), and a port where nothing answers."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """Keeps every message it accepts; refuses the recipients in ``refuse`` with a 550."""

    def __init__(self, port: int | None = None, refuse: tuple[str, ...] = ()) -> None:
        self.port = port or free_port()
        self.refuse = set(refuse)
        self.received: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self.received.append(message_from_bytes(envelope.original_content or envelope.content,
                                                    policy=policy.default))
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def start(self) -> MailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 120.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return True
            time.sleep(0.02)
        return len(self.received) >= count


def configure_smtp(app, port: int, **config) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SENDER="portal@example.cn", **config)


class Blackhole:
    """A port that takes the TCP connection and then says nothing: an SMTP server that hangs."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]

    def close(self) -> None:
        self.socket.close()  # connections waiting in the backlog are reset


def wait_until(condition, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())

