"""The moderation archive (P2): what was hidden, exactly as it was, with a SHA-256.

The hash covers the canonical JSON of the raw payload, the rendered snapshot and the
archive time, so ``carecase evidence verify`` can show that nothing was altered since.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from carecase.model import Message


def snapshot(msg: Message) -> str:
    """A human-readable rendering of the item as the public saw it."""
    a = msg.author
    who = a.name or a.handle or a.email or a.id or "unknown author"
    return "\n".join([
        f"{msg.channel} · {who} · {msg.created_at.isoformat()}",
        f"url: {msg.url or '-'}",
        "",
        msg.text,
    ])


def digest(raw: dict[str, Any], snap: str, archived_at: datetime) -> str:
    body = json.dumps({"raw": raw, "snapshot": snap, "archived_at": archived_at.isoformat()},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def record(msg: Message, reasons: tuple[str, ...], at: datetime) -> dict[str, Any]:
    """The evidence row for a message about to be hidden."""
    raw = {"channel": msg.channel, "external_id": msg.external_id,
           "author": {k: getattr(msg.author, k) for k in ("id", "name", "handle", "email")},
           "text": msg.text, "created_at": msg.created_at.isoformat(), "url": msg.url,
           "payload": msg.raw}
    snap = snapshot(msg)
    return {"reasons": list(reasons), "raw": raw, "snapshot": snap,
            "sha256": digest(raw, snap, at), "archived_at": at}


def verify(row: dict[str, Any]) -> bool:
    """Does a stored evidence row still match its hash?"""
    return digest(row["raw"], row["snapshot"], row["archived_at"]) == row["sha256"]
