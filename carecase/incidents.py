"""Group complaints about one cause into an incident (P6), by topic and local day.

A deliberately plain keyword map: a courier, a billing error or an outage named in a
complaint puts its case under ``<topic>-<YYYY-MM-DD>``, so the team sees one incident
with many cases and updates can say what is done to stop it happening again.
"""

from __future__ import annotations

import re
from datetime import datetime

from carecase.config import Settings

TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "courier": ("Delivery problems", (
        "postnord", "dhl", "bring", "gls", "dao", "budbee", "instabox", "schenker",
        "courier", "kurér", "kurer", "bud", "budet", "leverans", "levering", "delivery",
        "pakke", "paket", "parcel", "package")),
    "billing": ("Billing errors", (
        "charged twice", "double charged", "dobbelt", "dubbel", "debiteret", "debiterad",
        "trukket", "dragit", "faktura", "invoice", "klarna", "refusion", "återbetalning",
        "refund", "overcharged")),
    "outage": ("Site or app outage", (
        "site is down", "nede", "ligger nere", "can't log in", "kan ikke logge", "kan inte logga",
        "outage", "checkout", "kassen", "kassan")),
}
_PATTERNS = {topic: re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.I)
             for topic, (_, words) in TOPICS.items()}


def incident_for(text: str, at: datetime, settings: Settings) -> tuple[str, str] | None:
    """(key, title) of the incident a complaint belongs to, or None."""
    day = at.astimezone(settings.business.tz).date().isoformat()
    for topic, pattern in _PATTERNS.items():
        if pattern.search(text or ""):
            title = TOPICS[topic][0]
            return f"{topic}-{day}", f"{title} {day}"
    return None
