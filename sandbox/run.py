"""Run the whole sandbox: the four fake channel APIs plus a local IMAP/SMTP pair.

    with run_sandbox() as sb:
        write_demo_config(home / "carecase.toml", sb)   # also sets the secret variables
        ...                                              # carecase now talks to the fakes

IMAP is pymap (``dict --demo-data``, user ``demouser``) in a subprocess; SMTP is an
aiosmtpd ``Controller`` that records what it receives (``sb.smtp.messages``). Everything
binds loopback; ports are free ones unless ``ports`` names them (facebook, x, trustpilot,
google, imap, smtp). The fakes' tokens are the sandbox's own, passed to carecase through
``*_env`` variables like real secrets (never written into the TOML).
"""

from __future__ import annotations

import email
import email.policy
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sandbox.mail import free_port, imap_server

IMAP_USER, IMAP_PASSWORD = "demouser", "demopass"
SHOP_ADDRESS = "care@carecase-demo.example"


@dataclass
class Mailbox:
    """What the SMTP server received: ``messages`` as parsed e-mails."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


@dataclass
class Sandbox:
    host: str
    facebook: Any
    x: Any
    trustpilot: Any
    google: Any
    imap_port: int
    smtp_port: int
    smtp: Mailbox
    imap_user: str = IMAP_USER
    imap_password: str = IMAP_PASSWORD

    @property
    def fakes(self) -> dict[str, Any]:
        return {"facebook": self.facebook, "x": self.x, "trustpilot": self.trustpilot,
                "google": self.google}

    def urls(self) -> dict[str, str]:
        return {name: fake.url for name, fake in self.fakes.items()} | {
            "imap": f"imap://{self.host}:{self.imap_port}",
            "smtp": f"smtp://{self.host}:{self.smtp_port}"}

    def empty_inbox(self) -> None:
        """Remove pymap's demo mails: the story starts with an empty mailbox."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=30)
        try:
            client.login(self.imap_user, self.imap_password)
            client.select_folder("INBOX")
            uids = client.search("ALL")
            if uids:
                client.delete_messages(uids)
                client.expunge()
        finally:
            client.logout()

    def append_mail(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver one e-mail into the IMAP mailbox (an IMAP APPEND)."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=30)
        try:
            client.login(self.imap_user, self.imap_password)
            client.append(folder, raw)
        finally:
            client.logout()


@contextmanager
def _smtp(host: str, port: int, mailbox: Mailbox) -> Iterator[int]:
    from aiosmtpd.controller import Controller

    controller = Controller(mailbox, hostname=host, port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@contextmanager
def run_sandbox(host: str = "127.0.0.1",
                ports: Mapping[str, int] | None = None) -> Iterator[Sandbox]:
    """Start every fake and the mail pair; stop them all on exit (also on errors)."""
    from sandbox.google import GoogleAPI
    from sandbox.graph import GraphAPI
    from sandbox.trustpilot import TrustpilotAPI
    from sandbox.x_api import XAPI

    ports = dict(ports or {})
    with ExitStack() as stack:
        fakes = {}
        for name, cls in (("facebook", GraphAPI), ("x", XAPI),
                          ("trustpilot", TrustpilotAPI), ("google", GoogleAPI)):
            fakes[name] = cls(host, ports.get(name, 0)).start()
            stack.callback(fakes[name].stop)
        mailbox = Mailbox()
        smtp_port = stack.enter_context(_smtp(host, ports.get("smtp") or free_port(host),
                                              mailbox))
        imap = stack.enter_context(imap_server(host=host, port=ports.get("imap"),
                                               user=IMAP_USER, password=IMAP_PASSWORD,
                                               timeout=30))
        imap_port = imap.port
        sb = Sandbox(host=host, imap_port=imap_port, smtp_port=smtp_port, smtp=mailbox,
                     **fakes)
        sb.empty_inbox()
        yield sb


# -- configuration ---------------------------------------------------------------------

def demo_secrets(sandbox: Sandbox) -> dict[str, str]:
    """The environment variables holding the sandbox's credentials (name -> value)."""
    fb, x, tp, g = sandbox.facebook, sandbox.x, sandbox.trustpilot, sandbox.google
    return {
        "SANDBOX_IMAP_PASSWORD": sandbox.imap_password,
        "SANDBOX_FACEBOOK_TOKEN": fb.token,
        "SANDBOX_X_BEARER": x.bearer_token,
        "SANDBOX_X_CONSUMER_KEY": x.consumer_key,
        "SANDBOX_X_CONSUMER_SECRET": "sandbox-consumer-secret",
        "SANDBOX_X_ACCESS_TOKEN": x.access_token,
        "SANDBOX_X_ACCESS_SECRET": "sandbox-access-secret",
        "SANDBOX_TRUSTPILOT_KEY": _attr(tp, "api_key", "sandbox-trustpilot-key"),
        "SANDBOX_TRUSTPILOT_SECRET": _attr(tp, "api_secret",
                                                 "sandbox-trustpilot-secret"),
        "SANDBOX_GOOGLE_TOKEN": g.token,
    }


def _attr(obj: Any, name: str, default: str) -> str:
    return str(getattr(obj, name, None) or default)


def demo_config(sandbox: Sandbox, *, approval: bool = False) -> str:
    """carecase.toml text pointing every channel at the sandbox (secrets by reference)."""
    fb, x, tp, g = sandbox.facebook, sandbox.x, sandbox.trustpilot, sandbox.google
    return f"""\
# Written by sandbox/run.py: every channel points at the local sandbox.
[business]
name = "Carecase Demo Shop"
signature = "Kundtjänst, Carecase Demo Shop"
email = "{SHOP_ADDRESS}"
timezone = "Europe/Stockholm"
language = "sv"
message_id_domain = "carecase-demo.example"

[care]
approval = {str(approval).lower()}
skip_opened_within_hours = 0

[channels.email]
enabled = true
imap_host = "{sandbox.host}"
imap_port = {sandbox.imap_port}
imap_ssl = false
username = "{sandbox.imap_user}"
password_env = "SANDBOX_IMAP_PASSWORD"
folder = "INBOX"
smtp_host = "{sandbox.host}"
smtp_port = {sandbox.smtp_port}
smtp_ssl = false
from_address = "{SHOP_ADDRESS}"
rate_limit_per_hour = 1000

[channels.facebook]
enabled = true
base_url = "{fb.url}"
page_id = "{fb.page_id}"
token_env = "SANDBOX_FACEBOOK_TOKEN"

[channels.x]
enabled = true
base_url = "{x.url}"
user_id = "{x.brand['id']}"
username = "{x.brand['username']}"
bearer_token_env = "SANDBOX_X_BEARER"
consumer_key_env = "SANDBOX_X_CONSUMER_KEY"
consumer_secret_env = "SANDBOX_X_CONSUMER_SECRET"
access_token_env = "SANDBOX_X_ACCESS_TOKEN"
access_token_secret_env = "SANDBOX_X_ACCESS_SECRET"

[channels.trustpilot]
enabled = true
base_url = "{tp.url}"
business_unit_id = "{_attr(tp, 'business_unit_id', '')}"
business_user_id = "{_attr(tp, 'business_user_id', '')}"
api_key_env = "SANDBOX_TRUSTPILOT_KEY"
api_secret_env = "SANDBOX_TRUSTPILOT_SECRET"

[channels.google]
enabled = true
base_url = "{g.url}"
account_id = "{g.account_id}"
location_id = "{g.location_id}"
token_env = "SANDBOX_GOOGLE_TOKEN"
"""


def write_demo_config(path: str | Path, sandbox: Sandbox, *, approval: bool = False,
                      environ: dict[str, str] | None = None) -> Path:
    """Write carecase.toml for the sandbox and set its secret variables in ``environ``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(demo_config(sandbox, approval=approval), encoding="utf-8")
    (os.environ if environ is None else environ).update(demo_secrets(sandbox))
    return path


def main(host: str = "127.0.0.1") -> None:
    """``carecase sandbox``: run the fakes and the mail pair until Ctrl-C, with a config."""
    import signal

    with run_sandbox(host) as sb:
        path = Path("carecase.sandbox.toml").resolve()
        write_demo_config(path, sb)
        print("The sandbox is running:")
        for name, url in sb.urls().items():
            print(f"  {name:10s} {url}")
        print(f"\nA carecase config pointing at it: {path}. In another shell:")
        # the sandbox's own fixed credentials, not secrets: safe to show
        for name, value in demo_secrets(sb).items():
            print(f"  export {name}={value}")
        print(f"  export CARECASE_CONFIG={path}\n  carecase ingest && carecase dispatch")
        print("Add posts, comments, tweets and reviews through each fake's /_admin API.")
        print("Ctrl-C stops it.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
