"""The daily status update (P7): every open case's customer hears from us, news or not.

Idempotent per case per local day: the outbox key is ``status:<case>:<YYYY-MM-DD>`` in
the business's time zone, so a second run the same day (or a re-run after a crash)
queues nothing more, and a daylight-saving change does not shift the day. A day's update
not sent by the next day's run is superseded by it (cancelled), and its news go with the
new one: an update carries the customer-facing notes written since the last update the
customer got, not the last one written. A case opened or reopened by us within
``care.skip_opened_within_hours`` is skipped: its acknowledgment has just gone out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from carecase import closing, policy, render
from carecase.batch import outbox_row
from carecase.config import Settings
from carecase.errors import InputError
from carecase.model import Case
from carecase.report import Report
from carecase.store.queries import Q


def status_updates(db: Any, settings: Settings, *, on: date | None = None,
                   now: datetime | None = None) -> Report:
    """Queue one update per open case for today in the business's time zone (``on``, if
    given, must be that day)."""
    now = now or datetime.now(UTC)
    today = now.astimezone(settings.business.tz).date()
    day = on or today
    if day != today:
        # "today's update" a day late, or ahead of a day that has not come: neither is
        # sent (dispatch cancels a day-old one); a missed day's news go with the next
        raise InputError(f"an update goes out on its own day: {day.isoformat()} is not today "
                         f"({today.isoformat()} in {settings.business.timezone}); a missed "
                         "day's news go with the next day's update")
    report = Report(f"status-updates-{day.isoformat()}")
    if settings.care.weekdays_only and day.weekday() >= 5:
        report.add("skipped_weekend")
        return report
    cutoff = now - timedelta(hours=settings.care.skip_opened_within_hours)
    with db.connection() as conn, conn.transaction():
        for row in conn.execute(Q["update_candidates"], {"day": str(day)}).fetchall():
            case = Case(**{k: row[k] for k in Case.__dataclass_fields__ if k in row})
            if _opened(row, now) > cutoff:
                report.add("skipped_recent")
                continue
            key = status_key(case.id, day)
            lang = case.language if case.language in render.LANGUAGES \
                else settings.business.language
            news = [n["text"] for n in row["news"] or []]
            ctx = policy.context(settings, case=case, customer_name=row["name"],
                                 channel="email", now=now, update_day=day, news=news,
                                 prevention=row["prevention"], asking=row["asking"])
            out = closing.private_message(settings, case, "status_update", lang, ctx,
                                          key=key, email=row["email"], x_id=row["x_id"])
            if out is None:
                conn.execute(Q["insert_event_once"], {
                    "case": case.id, "kind": "update_skipped", "actor": "carecase", "at": now,
                    "detail": Jsonb({"day": str(day), "why": "the customer has no private "
                                     "channel (no e-mail, no direct message)"})})
                report.add("no_private_channel")
                continue
            if conn.execute(Q["insert_outbox_returning"], outbox_row(out, now)).fetchone():
                superseded = conn.execute(Q["cancel_status_updates"], {
                    "case": case.id, "keep": key,
                    "why": f"superseded by the update of {day.isoformat()}"}).fetchall()
                if superseded:
                    report.add("superseded", len(superseded))
                conn.execute(Q["mark_updated"], {"id": case.id, "now": now})
                conn.execute(Q["insert_event"], {
                    "case": case.id, "kind": "updated", "actor": "carecase", "at": now,
                    "detail": Jsonb({"day": str(day), "news": len(news), "key": key})})
                report.add("queued")
            else:
                report.add("already_sent_today")
    return report


def _opened(row: dict[str, Any], now: datetime) -> datetime:
    """When we last opened or reopened the case, not when its customer wrote (a message
    read hours late, a case reopened today): its acknowledgment went out then. A run
    dated before that (``now`` given) goes by when the customer wrote."""
    ours = row["opened_by_us_at"]
    return max(row["opened_at"], ours) if ours is not None and ours <= now \
        else row["opened_at"]


def status_key(case_id: int, day: date) -> str:
    """The outbox key of a case's update for a local day."""
    return f"status:{case_id}:{day.isoformat()}"


def day_of(key: str) -> date | None:
    """The local day a status update's key names (``status_key``); None for another key."""
    kind, _, day = key.rpartition(":")
    if not kind.startswith("status:"):
        return None
    try:
        return date.fromisoformat(day)
    except ValueError:
        return None
