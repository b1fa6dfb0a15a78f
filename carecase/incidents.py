"""Incidents (P6) and announcements before an expected surge (P13).

Complaints about one cause are grouped into an incident by topic and local day.

A deliberately plain keyword map: a courier, a billing error or an outage named in a
complaint puts its case under ``<topic>-<YYYY-MM-DD>``, so the team sees one incident
with many cases and updates can say what is done to stop it happening again.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, tzinfo
from typing import Any

from psycopg.types.json import Jsonb

from carecase.config import Settings
from carecase.errors import InputError, NotFound
from carecase.store.queries import Q

TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "courier": ("Delivery problems", (
        "postnord", "dhl", "bring", "gls", "dao", "budbee", "instabox", "schenker",
        "courier", "kurér", "kurer", "bud", "budet", "leverans", "levering", "delivery",
        "pakke", "paket", "parcel", "package")),
    "billing": ("Billing errors", (
        "charged twice", "double charged", "dobbelt", "dubbel", "debiteret", "debiterad",
        "trukket", "dragit", "faktura", "invoice", "klarna", "refusion", "återbetalning",
        "refund", "overcharged",
        # the compounds and phrasings a double charge is told in
        "charged me twice", "charged me double", "double charge", "billed twice",
        "paid twice", "two payments", "dubbeldebiterad", "dubbeldebiterade",
        "dubbeldebitering", "dubbeldragning", "dubbeldragen", "två dragningar",
        "dragits två gånger", "debiterat två gånger", "betalat två gånger",
        "dobbeltbetaling", "dobbelttrukket", "betalt to gange", "betalt to ganger",
        "hævet to gange", "belastet to ganger", "opkrævet to gange")),
    "outage": ("Site or app outage", (
        "site is down", "nede", "ligger nere", "can't log in", "kan ikke logge", "kan inte logga",
        "outage", "checkout", "kassen", "kassan")),
}
_PATTERNS = {topic: re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.I)
             for topic, (_, words) in TOPICS.items()}


_KEY = re.compile(r"(?P<topic>[a-z]+)-\d{4}-\d{2}-\d{2}")


def topic_of(key: str | None) -> str | None:
    """The topic of an incident ``incident_for`` named (``courier-2026-11-30``), for the
    templates to say in the customer's words; None for one an agent named."""
    match = _KEY.fullmatch(key or "")
    return match["topic"] if match and match["topic"] in TOPICS else None


def incident_for(text: str, at: datetime, settings: Settings) -> tuple[str, str] | None:
    """(key, title) of the incident a complaint belongs to, or None."""
    day = at.astimezone(settings.business.tz).date().isoformat()
    for topic, pattern in _PATTERNS.items():
        if pattern.search(text or ""):
            title = TOPICS[topic][0]
            return f"{topic}-{day}", f"{title} {day}"
    return None


def list_incidents(db: Any) -> list[dict[str, Any]]:
    """Incidents with how many cases (open and all) each groups (P6); times in ISO 8601,
    as ``cases.list_cases`` gives them (the ``--json`` read-out)."""
    with db.connection() as conn:
        rows = conn.execute(Q["list_incidents"]).fetchall()
    return [{**r, "created_at": r["created_at"].isoformat()} for r in rows]


def set_prevention(db: Any, key: str, prevention: str) -> None:
    """What is being done so it does not happen again; status updates quote it."""
    with db.connection() as conn:
        if not conn.execute(Q["set_prevention"], {"key": key, "prevention": prevention}
                            ).rowcount:
            raise NotFound(f"there is no incident {key!r} (see `carecase incidents list`)")


def zoned(at: datetime, tz: tzinfo) -> datetime:
    """``at`` as it is, or read in ``tz`` when it has no zone of its own."""
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)


def announce(db: Any, channel: str, text: str, at: datetime, *,
             tz: tzinfo | None = None) -> str:
    """Schedule a public post before an expected surge (P13); returns its outbox key.

    It is an ordinary outbox row with ``not_before``: dispatch posts it at its time,
    and the replies it draws are ingested like any others. A time without a zone is read
    in ``tz`` (the business's, ``settings.business.tz``); with no ``tz`` it is refused.
    """
    if channel not in ("facebook", "x"):
        raise InputError(f"announcements can be posted on facebook or x, not {channel!r}")
    if not text.strip():
        raise InputError("the announcement is empty")
    if at.tzinfo is None:
        if tz is None:
            raise InputError("give the time with its zone, e.g. 2026-11-27T19:30+01:00")
        at = zoned(at, tz)
    digest = hashlib.sha256(f"{channel}\n{at.isoformat()}\n{text}".encode()).hexdigest()
    key = f"announce:{channel}:{digest[:16]}"
    with db.connection() as conn:
        conn.execute(Q["insert_outbox"], {
            "key": key, "case": None, "channel": channel, "action": "post",
            "template": "announcement", "language": None, "target": None, "recipient": None,
            "subject": None, "body": text, "html": None, "headers": Jsonb({}),
            "not_before": at, "after": None})
    return key


def announcements(db: Any) -> list[dict[str, Any]]:
    with db.connection() as conn:
        return conn.execute(Q["list_announcements"]).fetchall()
