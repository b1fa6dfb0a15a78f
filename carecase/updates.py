"""The daily status update (P7): every open case's customer hears from us, news or not.

Idempotent per case per local day: the outbox key is ``status:<case>:<YYYY-MM-DD>`` in
the business's time zone, so a second run the same day (or a re-run after a crash)
queues nothing more, and a daylight-saving change does not shift the day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from carecase import closing, policy, render
from carecase.batch import outbox_row
from carecase.config import Settings
from carecase.model import Case
from carecase.report import Report
from carecase.store.queries import Q


def status_updates(db: Any, settings: Settings, *, on: date | None = None,
                   now: datetime | None = None) -> Report:
    """Queue one update per open case for the local day ``on`` (default: today)."""
    now = now or datetime.now(UTC)
    day = on or now.astimezone(settings.business.tz).date()
    report = Report(f"status-updates-{day.isoformat()}")
    if settings.care.weekdays_only and day.weekday() >= 5:
        report.add("skipped_weekend")
        return report
    cutoff = now - timedelta(hours=settings.care.skip_opened_within_hours)
    with db.connection() as conn, conn.transaction():
        for row in conn.execute(Q["update_candidates"], {"day": str(day)}).fetchall():
            case = Case(**{k: row[k] for k in Case.__dataclass_fields__ if k in row})
            if row["opened_at"] > cutoff:
                report.add("skipped_recent")
                continue
            key = f"status:{case.id}:{day.isoformat()}"
            lang = case.language if case.language in render.LANGUAGES \
                else settings.business.language
            news = [n["text"] for n in row["news"] or []]
            ctx = policy.context(settings, case=case, customer_name=row["name"],
                                 channel="email", now=now, update_day=day, news=news,
                                 prevention=row["prevention"])
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
                conn.execute(Q["mark_updated"], {"id": case.id, "now": now})
                conn.execute(Q["insert_event"], {
                    "case": case.id, "kind": "updated", "actor": "carecase", "at": now,
                    "detail": Jsonb({"day": str(day), "news": len(news), "key": key})})
                report.add("queued")
            else:
                report.add("already_sent_today")
    return report
