"""Hand-written fakes (no mock.patch): a channel that records what it was asked to send.

Used where the channel itself is not what a test is about (the engine, dispatch
bookkeeping). The real connectors are tested against the sandbox servers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from carecase.model import Message, Outgoing
from connectors.base import Batch, RateLimited, Transient


@dataclass
class RecordingChannel:
    """Sends succeed (recorded in ``sent``) unless told to fail the next N sends.

    ``lose_records`` simulates a crash between a send reaching the channel and the
    worker recording it: the send happens, then the worker dies (an exception that
    is not a channel error).
    """

    name: str
    inbox: list[Message] = field(default_factory=list)
    sent: list[Outgoing] = field(default_factory=list)
    fail_next: int = 0
    rate_limit_until: datetime | None = None
    lose_records: int = 0

    def poll(self, cursor: dict | None) -> Iterator[Batch]:
        start = (cursor or {}).get("offset", 0)
        for i in range(start, len(self.inbox), 2):
            yield Batch(self.inbox[i:i + 2], {"offset": min(i + 2, len(self.inbox))})

    def send(self, out: Outgoing) -> str | None:
        if self.rate_limit_until is not None:
            raise RateLimited("slow down", retry_at=self.rate_limit_until)
        if self.fail_next:
            self.fail_next -= 1
            raise Transient(f"{self.name} is down")
        self.sent.append(out)
        if self.lose_records:
            self.lose_records -= 1
            raise SystemExit("worker killed after sending")
        return f"{self.name}-{len(self.sent)}"

    def find_sent(self, out: Outgoing) -> str | None:
        for i, earlier in enumerate(self.sent, 1):
            if earlier.key == out.key:
                return f"{self.name}-{i}"
        return None

    def close(self) -> None:
        pass
