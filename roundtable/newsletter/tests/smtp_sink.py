"""A real SMTP server (aiosmtpd) on a free local port, keeping what it receives, for tests and the bench."""

from __future__ import annotations

import asyncio
import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import Message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collect:
    """Keeps each message as it arrives; with `delay`, takes that long to say it was accepted, so a
    sender killed meanwhile has an email the server holds but it never heard was accepted."""

    def __init__(self, delay: float = 0.0):
        self.messages: list[tuple[list[str], Message]] = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"


@contextmanager
def smtp_server(delay: float = 0.0):
    from aiosmtpd.controller import Controller

    handler = Collect(delay)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()
