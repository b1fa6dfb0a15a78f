"""The reliability rig: every fake channel, a real IMAP/SMTP pair, canary secrets.

``rig`` starts the four fake APIs (in this process), pymap and aiosmtpd on loopback, and
writes a carecase.toml that points every channel at them with its secrets referenced by
``*_env`` variables holding *canary* values (long, unique strings that must never show up
anywhere but in the requests that carry them). ``rig.channels()`` builds the real
connectors with small timeouts and quick backoff, so fault injection stays fast.

Heavier variants run with ``CARECASE_SOAK=1`` (``make soak``).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from carecase import config
from carecase.bootstrap import make_channel
from carecase.store.db import Database, open_database
from sandbox.mail import ImapServer, SmtpServer, imap_server, smtp_server

SOAK = os.environ.get("CARECASE_SOAK") == "1"
# The fakes draw their faults from a seeded generator: a new seed each session, printed
# in the report header so a failure can be replayed with CARECASE_REL_SEED=<seed>.
SEED = int(os.environ.get("CARECASE_REL_SEED") or random.SystemRandom().randrange(10**6))


def pytest_report_header() -> str:
    return f"reliability fault seed: CARECASE_REL_SEED={SEED}"

CANARIES = {
    "REL_FACEBOOK_TOKEN": "CANARYfbTok3n9f1a7c2e5d8b0",
    "REL_X_BEARER": "CANARYxBear3r4c6e8a0b2d4f6",
    "REL_X_CONSUMER_KEY": "CANARYxCKey7e9b1d3f5a7c9e1",
    "REL_X_CONSUMER_SECRET": "CANARYxCSecr2a4c6e8b0d2f4a",
    "REL_X_ACCESS_TOKEN": "CANARYxATok5b7d9f1a3c5e7b9",
    "REL_X_ACCESS_SECRET": "CANARYxASecr8c0e2a4b6d8f0c",
    "REL_TRUSTPILOT_KEY": "CANARYtpKey1d3f5b7a9c1e3d5",
    "REL_TRUSTPILOT_SECRET": "CANARYtpSecr6e8a0c2b4d6f8e",
    "REL_GOOGLE_TOKEN": "CANARYgTok3n0f2b4d6a8c0e2f",
    "REL_IMAP_PASSWORD": "CANARYimapPw4a6c8e0b2d4f6a",
    "REL_SMTP_PASSWORD": "CANARYsmtpPw9d1f3b5a7c9e1b",
}
SHOP = "care@nordhem.example"
ROOT = Path(__file__).resolve().parents[2]

CONFIG = """\
[business]
name = "Nordhem"
signature = "Nordhem kundtjänst"
email = "{shop}"
timezone = "Europe/Stockholm"
language = "sv"
message_id_domain = "nordhem.example"

[care]
skip_opened_within_hours = 0
max_attempts = 50

[channels.email]
enabled = true
imap_host = "127.0.0.1"
imap_port = {imap_port}
imap_ssl = false
username = "{imap_user}"
password_env = "REL_IMAP_PASSWORD"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
smtp_ssl = false
smtp_username = "shop"
smtp_password_env = "REL_SMTP_PASSWORD"
from_address = "{shop}"
rate_limit_per_hour = 1000

[channels.facebook]
enabled = true
base_url = "{fb_url}"
page_id = "{fb_page}"
token_env = "REL_FACEBOOK_TOKEN"

[channels.x]
enabled = true
base_url = "{x_url}"
user_id = "{x_id}"
username = "{x_user}"
bearer_token_env = "REL_X_BEARER"
consumer_key_env = "REL_X_CONSUMER_KEY"
consumer_secret_env = "REL_X_CONSUMER_SECRET"
access_token_env = "REL_X_ACCESS_TOKEN"
access_token_secret_env = "REL_X_ACCESS_SECRET"

[channels.trustpilot]
enabled = true
base_url = "{tp_url}"
business_unit_id = "{tp_bu}"
business_user_id = "{tp_user}"
api_key_env = "REL_TRUSTPILOT_KEY"
api_secret_env = "REL_TRUSTPILOT_SECRET"

[channels.google]
enabled = true
base_url = "{g_url}"
account_id = "{g_account}"
location_id = "{g_location}"
token_env = "REL_GOOGLE_TOKEN"
"""


@dataclass
class Rig:
    """The fakes, the mail servers, the settings and what the test posted."""

    facebook: Any
    x: Any
    trustpilot: Any
    google: Any
    imap: ImapServer
    smtp: SmtpServer
    settings: config.Settings
    env: dict[str, str]  # for a carecase child process
    posted: dict[str, set[str]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    _n: int = 0
    _post: str | None = None

    @property
    def fakes(self) -> dict[str, Any]:
        return {"facebook": self.facebook, "x": self.x, "trustpilot": self.trustpilot,
                "google": self.google}

    def channels(self, names: tuple[str, ...] = config.CHANNEL_NAMES, *,
                 timeout: float = 0.5) -> dict[str, Any]:
        """The real connectors, with short timeouts and a quick backoff."""
        return {name: fast_channel(self.settings, name, timeout) for name in names}

    def db(self, max_size: int = 4) -> Database:
        return open_database(self.settings.database_url, self.settings.home, max_size=max_size)

    # -- posting items as customers would ------------------------------------------
    def post(self, channels: tuple[str, ...] = ("facebook", "x", "trustpilot", "google",
                                                "email"), text: str | None = None) -> None:
        """One new complaint on each of ``channels``, from a new person each."""
        for ch in channels:
            self._n += 1
            n = self._n
            body = text or (f"Mitt paket {400000 + n} har inte kommit och ingen svarar, "
                            f"det är nu {2 + n % 7} dagar sedan. Vad händer?")
            # unique first names: X refuses two identical replies (see test_x_duplicates)
            person = {"id": str(5550000 + n), "name": f"{poster_first_name(n)} Svensson"}
            if ch == "facebook":
                if self._post is None:
                    self._post = self.facebook.add_post("Veckans erbjudanden")["id"]
                item = self.facebook.add_comment(self._post, body, person)["id"]
            elif ch == "x":
                item = self.x.add_tweet(f"@{self.x.brand['username']} {body}",
                                        {"id": str(9990000 + n), "name": person["name"],
                                         "username": f"kund{n}"})["id"]
            elif ch == "trustpilot":
                item = self.trustpilot.add_review({
                    "stars": 1, "title": "Inget paket", "text": body, "language": "sv",
                    "consumer": {"displayName": person["name"]}})["id"]
            elif ch == "google":
                item = self.google.add_review(person["name"], 1, body)["reviewId"]
            else:
                item = f"<rel{n}.{self.rng.getrandbits(32):x}@kund.example>"
                self.imap.append("INBOX", mail(item, f"kund{n}@kund.example", person["name"],
                                               body))
            self.posted.setdefault(ch, set()).add(item.strip("<>"))

    def fault(self, mode: str, rate: float = 0.2, seconds: float = 0.8) -> None:
        """``rate`` of every fake's API calls fail with ``mode`` (its admin API)."""
        for fake in self.fakes.values():
            httpx.post(f"{fake.url}/_admin/faults", json={
                "endpoint": "*", "mode": mode, "rate": rate, "seconds": seconds},
                timeout=5).raise_for_status()

    def quiet(self) -> None:
        for fake in self.fakes.values():
            httpx.delete(f"{fake.url}/_admin/faults", timeout=5).raise_for_status()


_SYLLABLES = "ka lo mi ne su ta ro vi be do fa gu ha ji pe to".split()


def poster_first_name(n: int) -> str:
    """A first name of its own for each n below 4096: three syllables ("Kalomi"), so
    any two differ in at least two letters of six and neither starts the other. Names
    one letter apart ("Kundb", "Kundba") are one person's spellings to the matcher (a
    variant, as Mikael and Michael), and the customers the tests count would merge."""
    syllables = []
    for _ in range(3):
        n, r = divmod(n, len(_SYLLABLES))
        syllables.append(_SYLLABLES[r])
    if n:
        raise ValueError("only 4096 names: a test posting more needs longer ones")
    return "".join(reversed(syllables)).capitalize()


def fast_channel(settings: config.Settings, name: str, timeout: float = 0.5) -> Any:
    """``bootstrap.make_channel`` with short timeouts and backoff (same secrets path)."""
    ch = make_channel(settings, name)
    if name == "email":
        ch.timeout = 10.0
        return ch
    if name == "x":
        ch.backoff = 0.01
        ch._client.session._timeout = timeout  # connectors.x._Session's default timeout
        return ch
    http = ch._http
    http.backoff, http.max_wait = 0.01, 0.0
    http._client.timeout = httpx.Timeout(timeout)
    return ch


def mail(message_id: str, sender: str, name: str, body: str, **headers: str) -> bytes:
    from email.message import EmailMessage
    from email.utils import format_datetime

    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = SHOP
    msg["Subject"] = headers.pop("subject", "Mitt paket")
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(datetime.now(UTC) - timedelta(minutes=1))
    for k, v in headers.items():
        msg[k.replace("_", "-")] = v
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
def rig(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    from sandbox.google import GoogleAPI
    from sandbox.graph import GraphAPI
    from sandbox.trustpilot import TrustpilotAPI
    from sandbox.x_api import XAPI

    c = CANARIES
    for name, value in c.items():
        monkeypatch.setenv(name, value)
    with GraphAPI(seed=SEED, token=c["REL_FACEBOOK_TOKEN"]) as fb, \
            XAPI(seed=SEED + 1, bearer_token=c["REL_X_BEARER"],
                 consumer_key=c["REL_X_CONSUMER_KEY"], access_token=c["REL_X_ACCESS_TOKEN"],
                 user_token=None) as x, \
            TrustpilotAPI(seed=SEED + 2, api_key=c["REL_TRUSTPILOT_KEY"],
                          api_secret=c["REL_TRUSTPILOT_SECRET"]) as tp, \
            GoogleAPI(seed=SEED + 3, token=c["REL_GOOGLE_TOKEN"]) as g, \
            imap_server(password=c["REL_IMAP_PASSWORD"]) as imap, \
            smtp_server(user="shop", password=c["REL_SMTP_PASSWORD"]) as smtp:
        home = tmp_path / "home"
        home.mkdir()
        path = home / "carecase.toml"
        path.write_text(CONFIG.format(
            shop=SHOP, imap_port=imap.port, imap_user=imap.user, smtp_port=smtp.port,
            fb_url=fb.url, fb_page=fb.page_id, x_url=x.url, x_id=x.brand["id"],
            x_user=x.brand["username"], tp_url=tp.url, tp_bu=tp.business_unit_id,
            tp_user=tp.business_user_id, g_url=g.url, g_account=g.account_id,
            g_location=g.location_id), encoding="utf-8")
        env = {"CARECASE_DATABASE_URL": database_url, "CARECASE_HOME": str(home),
               "CARECASE_CONFIG": str(path)}
        settings = config.load(env=env)
        child_env = {**{k: v for k, v in os.environ.items() if not k.startswith("CARECASE_")},
                     **c, **env}
        _drain_demo_mail(imap)
        yield Rig(fb, x, tp, g, imap, smtp, settings, child_env)


def _drain_demo_mail(imap: ImapServer) -> None:
    """pymap's demo data has 4 mails in INBOX: delete them, the tests post their own."""
    client = imap.client()
    try:
        client.select_folder("INBOX")
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
    finally:
        client.logout()
