"""The one protocol every channel implements, and the errors it may raise.

A channel account is polled from a cursor and yields ``Batch``es. Each batch carries the
messages it covers and the cursor to store *in the same transaction* as those messages;
``cursor=None`` on a batch means "do not move the cursor yet" (an API that pages newest
first can only move its high-water mark after its last page). Messages are unique by
``(channel, external_id)`` in the store, so re-reading a page after a crash is harmless.

``send`` performs one ``Outgoing`` and returns the channel's id for what it created
(or None for actions like hide that create nothing). ``find_sent`` looks on the channel
for an earlier send of the same outgoing (a crash between sending and recording it) and
returns its id, so a retry recognises it instead of sending twice.

Errors, all ``ChannelError`` (a ``CarecaseError``)::

    ChannelError
     ├── Transient          timeouts, 5xx, malformed responses: retry with backoff
     ├── RateLimited        429 / throttling: retry at ``retry_at`` (aware datetime)
     ├── AuthFailed         bad or expired credentials: fix the secret, do not retry
     ├── PermissionDenied   the account lacks a permission or the action is refused
     ├── BudgetExceeded     our own monthly API budget is spent (X)
     └── Unsupported        the channel cannot do this action

Messages of these errors never contain a secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from carecase.errors import CarecaseError
from carecase.model import Message, Outgoing

Cursor = dict[str, Any]


# How far a channel's clock may be behind ours: an earlier send found on the channel
# may be stamped this much before its outbox row was queued.
CLOCK_SLACK = timedelta(minutes=2)


def too_old(out: Outgoing, created: datetime | None) -> bool:
    """Whether something the channel stamped ``created`` is older than ``out`` was
    queued, so cannot be an earlier send of it (the same words sent yesterday)."""
    return out.queued_at is not None and created is not None and \
        created < out.queued_at - CLOCK_SLACK


class ChannelError(CarecaseError):
    """A channel API call failed."""

    retryable = False


class Transient(ChannelError):
    """The channel failed temporarily; the call will be retried."""

    retryable = True


class RateLimited(ChannelError):
    """The channel asks us to slow down."""

    retryable = True

    def __init__(self, message: str | None = None, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class AuthFailed(ChannelError):
    """The channel refused our credentials: check the account's secret reference."""


class PermissionDenied(ChannelError):
    """The channel refused the action: the account lacks a permission."""


class BudgetExceeded(ChannelError):
    """This month's API budget for the channel is spent; raise it in the config or wait."""


class Unsupported(ChannelError):
    """The channel cannot perform this action."""


def review_of(external_id: str) -> str:
    """The review id of a message's external id, an edited version's
    (``carecase.model.version_id``) or not."""
    return external_id.split("@", 1)[0]


@dataclass(slots=True)
class Batch:
    messages: list[Message] = field(default_factory=list)
    cursor: Cursor | None = None


@runtime_checkable
class Channel(Protocol):
    """A polled, answerable channel account (see the module docstring)."""

    name: str

    def poll(self, cursor: Cursor | None) -> Iterator[Batch]: ...

    def send(self, out: Outgoing) -> str | None: ...

    def find_sent(self, out: Outgoing) -> str | None: ...

    def close(self) -> None: ...
