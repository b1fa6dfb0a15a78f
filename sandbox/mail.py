"""Real mail servers on loopback: pymap (IMAP) and aiosmtpd (SMTP), for the sandbox and tests.

Plain context managers, not fixtures, so the demo's sandbox and any test can wrap them
in whatever scope it needs::

    with imap_server() as imap, smtp_server(user="shop", password="pw") as smtp:
        imap.append("INBOX", raw_bytes)
        ...
        smtp.messages[0].message["Subject"]

Both pick a free port each time: a fixed port may be held by another service here.
"""

from __future__ import annotations

import email
import email.policy
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from imapclient import IMAPClient

HOST = "127.0.0.1"


class _DropDeprecationNoise(logging.Filter):
    """aiosmtpd 1.4 logs a deprecation warning of its own on every AUTH: not ours to fix."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


logging.getLogger("mail.log").addFilter(_DropDeprecationNoise())
DEMO_USER = "demouser"
DEMO_PASSWORD = "demopass"


def free_port(host: str = HOST) -> int:
    """A port that was free a moment ago (the server binds it right after)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _wait_for_port(host: str, port: int, proc: subprocess.Popen[bytes], log: Path,
                   timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = log.read_text(errors="replace")
            raise RuntimeError(f"pymap exited with {proc.returncode}: {out[-2000:]}")
        try:
            with socket.create_connection((host, port), timeout=0.5) as sock:
                # pymap accepts before it is ready to talk: wait for the greeting too.
                sock.settimeout(2)
                if sock.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"pymap did not answer on {host}:{port} within {timeout}s")


@dataclass
class ImapServer:
    """A running pymap (dict backend, demo data: INBOX with 4 mails, Sent, Trash)."""

    host: str
    port: int
    user: str
    password: str
    process: subprocess.Popen[bytes]

    def client(self) -> IMAPClient:
        """A logged-in IMAPClient; the caller logs out."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, folder: str, raw: bytes, flags: tuple[bytes, ...] = ()) -> None:
        """APPEND one message, as a delivery agent would."""
        client = self.client()
        try:
            client.append(folder, raw, flags=flags)
        finally:
            client.logout()


@contextmanager
def imap_server(
    *, host: str = HOST, port: int | None = None, user: str = DEMO_USER,
    password: str = DEMO_PASSWORD, timeout: float = 20.0,
    tls: tuple[str, str] | None = None,
) -> Iterator[ImapServer]:
    """Start ``pymap ... dict --demo-data`` in a subprocess (on a free port unless one is
    given); stop it after."""
    exe = Path(sys.executable).with_name("pymap")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "pymap"]
    port = port or free_port(host)
    cmd += ["--host", host, "--port", str(port)]
    # with (cert, key) pymap offers STARTTLS; without, plain text on loopback
    cmd += ["--cert", tls[0], "--key", tls[1]] if tls else ["--no-tls"]
    cmd += ["dict", "--demo-data",
            "--demo-user", user, "--demo-password", password]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    # Output goes to a file, not a pipe: a pipe nobody reads would block pymap when full.
    with tempfile.TemporaryDirectory(prefix="pymap-") as tmp:
        log = Path(tmp) / "pymap.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_for_port(host, port, proc, log, timeout)
            yield ImapServer(host, port, user, password, proc)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@dataclass
class ReceivedMail:
    """One message as the SMTP server received it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage
    login: str | None = None


@dataclass
class SmtpServer:
    """A running aiosmtpd server that records what it receives.

    ``rcpt_responses`` maps a recipient address to the reply the server gives at RCPT TO
    (e.g. ``"550 5.1.1 No such user"``, ``"451 4.3.0 Try later"``), to test refusals.
    """

    host: str
    port: int
    user: str | None
    password: str | None
    messages: list[ReceivedMail] = field(default_factory=list)
    rcpt_responses: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _RecordingHandler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.server.user is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.server.rcpt_responses.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        login = session.auth_data.login.decode() if session.auth_data else None
        with self.server.lock:
            self.server.messages.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), raw, msg, login)
            )
        return "250 Message accepted"


def _authenticator(user: str, password: str):
    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


@contextmanager
def smtp_server(*, user: str | None = None, password: str | None = None) -> Iterator[SmtpServer]:
    """Start an aiosmtpd Controller on a free loopback port.

    With ``user``/``password`` the server offers AUTH PLAIN/LOGIN without TLS (loopback
    only) and refuses MAIL FROM until the client has logged in, so bad credentials show.
    """
    state = SmtpServer(HOST, 0, user, password)
    kwargs: dict = {}
    if user is not None:
        # auth_required=True without TLS makes aiosmtpd warn (an error under our
        # filterwarnings); the handler refuses unauthenticated MAIL FROM instead.
        kwargs = {"authenticator": _authenticator(user, password or ""),
                  "auth_require_tls": False}
    last_error: Exception | None = None
    for _ in range(5):  # the free port may be taken between probe and bind
        state.port = free_port()
        controller = Controller(_RecordingHandler(state), hostname=HOST, port=state.port,
                                **kwargs)
        try:
            controller.start()
            break
        except Exception as exc:  # a port race: try another
            last_error = exc
    else:
        raise RuntimeError(f"aiosmtpd did not start: {last_error!r}")
    try:
        yield state
    finally:
        controller.stop()
