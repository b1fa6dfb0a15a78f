"""Plain data: what the connectors produce, the engine decides on and the store keeps.

No I/O here. ``Message`` is the normalised shape of design.md ("Message import"), the
same for every channel and for ``carecase import``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

CHANNELS = ("email", "facebook", "x", "trustpilot", "google")
IDENTITY_KINDS = ("email", "phone", "facebook", "x", "trustpilot", "google", "order_ref")
CASE_STATUSES = ("open", "waiting", "resolved", "closed")
FAULTS = ("ours", "third_party", "none", "unknown")
KINDS = ("complaint", "question", "praise", "other")
# How the local part of an address no one reads starts (a courier's notice, a web
# shop's contact form; "ikke-svar@", "svara-inte@" in Scandinavia): never answered
# there (P16)
NO_REPLY = ("noreply", "no-reply", "no_reply", "no.reply", "donotreply", "do-not-reply",
            "do_not_reply", "do.not.reply", "ikke-svar", "ikkesvar", "ikke_svar",
            "ikke-besvar", "svara-inte", "svarainte", "svara_inte", "svaraej", "svara-ej")

Fault = Literal["ours", "third_party", "none", "unknown"]
Direction = Literal["in", "out"]


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a message, as far as the channel tells."""

    id: str | None = None
    name: str | None = None
    handle: str | None = None
    email: str | None = None


@dataclass(slots=True)
class Message:
    """One inbound (or outbound) item on a channel, normalised.

    ``thread_id`` groups a conversation (a Facebook post, an X conversation, an e-mail
    thread's first Message-ID); ``parent_id`` is what it answers. ``order_ref`` is an
    order number *given by the channel* (an invited Trustpilot review), else None.
    ``raw`` keeps the channel's payload; e-mail puts its headers under ``raw["headers"]``.
    ``quarantine`` is a reason when the item is kept but not processed (too large,
    unparseable).
    """

    channel: str
    external_id: str
    text: str
    created_at: datetime
    author: Author = field(default_factory=Author)
    thread_id: str | None = None
    parent_id: str | None = None
    public: bool = True
    url: str | None = None
    rating: int | None = None
    order_ref: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    direction: Direction = "in"
    quarantine: str | None = None
    subject: str | None = None


def version_id(item_id: str, version: str) -> str:
    """The external id of an edited version of an item (a review its author edits):
    ``<item id>@<version time>``, on the item's thread. Each version is a message."""
    return f"{item_id}@{version}"


def is_version(msg: Message) -> bool:
    """Whether ``msg`` is an edited version of the item its thread names (``version_id``)."""
    return bool(msg.thread_id) and msg.external_id.startswith(f"{msg.thread_id}@")


@dataclass(frozen=True, slots=True)
class Classification:
    """What classify.py found in a message."""

    language: str | None  # None only before classify.with_language
    kind: str
    moderation: tuple[str, ...] = ()  # reasons to hide, e.g. ("profanity", "card_number")
    machine: str | None = None  # why it must never be answered (P16), else None
    sentiment: str = "neutral"  # negative | neutral | positive
    # praise (by its rating) whose words complain too: "Lovely, but delivery was slow"
    reservations: bool = False
    # where language is None: the two of ours lingua found the text to be one of, its
    # likelier first (Danish or Bokmål, most often); with_language picks between them
    between: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Identity:
    kind: str
    value: str


@dataclass(slots=True)
class Customer:
    id: int
    name: str | None
    language: str | None = None
    identities: list[Identity] = field(default_factory=list)


@dataclass(slots=True)
class Case:
    id: int
    customer_id: int
    status: str = "open"
    fault: str = "unknown"
    third_party: str | None = None
    language: str | None = None
    # an agent chose ``language``: what the customer writes no longer changes it (P15)
    language_by_agent: bool = False
    incident: str | None = None
    agent: str | None = None
    gesture: str | None = None
    opened_at: datetime | None = None
    first_response_at: datetime | None = None
    last_update_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One line of a case's audit log; ``kind`` is past tense (merged, acknowledged…)."""

    case_id: int
    kind: str
    actor: str = "carecase"
    detail: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None


@dataclass(slots=True)
class Outgoing:
    """One thing to do on a channel: a reply, a private message, a hide or a delete.

    ``key`` is the idempotency key: the outbox holds it once, and e-mail derives its
    Message-ID from it so a retried send is recognised. ``target`` is the external id
    the action applies to (the comment answered or hidden, the review replied to);
    ``recipient`` is an address or user id for private messages.
    """

    key: str
    channel: str
    action: str  # reply | private_reply | send | hide | unhide | delete | post
    body: str = ""
    case_id: int | None = None
    template: str | None = None
    language: str | None = None
    target: str | None = None
    recipient: str | None = None
    subject: str | None = None
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    not_before: datetime | None = None
    after: str | None = None  # the key of a row this one is sent after (never if it fails)
    # when the row was queued: an earlier send of it (``find_sent``) cannot be older, so
    # yesterday's identical "no news" update is never taken for today's
    queued_at: datetime | None = None
    id: int | None = None
    attempts: int = 0
    # The wording still to render: policy.decide(defer=True) leaves it to the caller,
    # which renders it with policy.finish (the engine, while the database writes the
    # batch's blocking keys).
    wording: Callable[[], dict[str, Any]] | None = field(default=None, repr=False,
                                                         compare=False)
