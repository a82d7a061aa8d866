"""Real local receivers for notifications: an SMTP server (aiosmtpd: STARTTLS, implicit TLS, AUTH) and an
HTTP server that takes webhooks, answering with scripted statuses."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the openssl command line)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    stall: threading.Event = field(default_factory=threading.Event)  # set: recipients are held, not taken
    refuse: int | None = None  # answer every message's data with this code

    def wait(self, n: int, timeout: float) -> list[EmailMessage]:
        ends = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < ends:
            time.sleep(0.05)
        return list(self.messages)


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        while self.inbox.stall.is_set():
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.inbox.refuse:
            return f"{self.inbox.refuse} refused by the test server"
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.inbox.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox
    url: str


@contextmanager
def smtp_server(port: int, *, cert: tuple[Path, Path] | None = None, login: tuple[str, str] | None = None,
                implicit_tls: bool = False) -> Iterator[SmtpServer]:
    """SMTP on 127.0.0.1:``port``; ``cert``: STARTTLS offered (or TLS from the start with ``implicit_tls``);
    ``login``: AUTH required (over TLS)."""
    inbox = Inbox()
    context = None
    if cert is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert[0]), str(cert[1]))
    kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": port}
    if implicit_tls:
        kwargs["ssl_context"] = context
    elif context is not None:
        kwargs["tls_context"] = context
    if login is not None:
        kwargs.update(authenticator=_authenticator(inbox, login), auth_required=True, auth_require_tls=True)
    controller = Controller(_Handler(inbox), **kwargs)
    controller.start()
    scheme = "smtps" if implicit_tls else "smtp"
    auth = f"{login[0]}:{login[1]}@" if login else ""
    try:
        yield SmtpServer(port, inbox, f"{scheme}://{auth}127.0.0.1:{port}")
    finally:
        controller.stop()


def _authenticator(inbox: Inbox, login: tuple[str, str]) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
        if ok:
            inbox.logins.append(data.login.decode())
        return AuthResult(success=ok)
    return check


@dataclass
class Hook:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _HookHandler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.received.append(Hook({k.lower(): v for k, v in self.headers.items()}, body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@contextmanager
def hook_server(statuses: list[int] | None = None) -> Iterator[Any]:
    """Takes webhooks on 127.0.0.1; answers each with the next of ``statuses`` (then 200)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HookHandler)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    server.statuses = list(statuses or [])  # type: ignore[attr-defined]
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
