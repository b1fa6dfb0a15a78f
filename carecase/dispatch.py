"""Send what is due in the outbox, once.

A worker claims due rows in one statement (``FOR UPDATE SKIP LOCKED``), commits the claim,
then sends each row and records the outcome. Any number of workers can run. A row whose
earlier attempt may have reached the channel (a retry, or a claim left by a crashed
worker) is first looked for on the channel (``find_sent``: e-mail by Message-ID, public
replies on the thread), so a crash between a send and its record never sends twice.
Retryable failures back off exponentially up to ``care.max_attempts``; then the row
stays ``failed``, visible on its case. A daily status update is not sent once its case is
closed or its day is over ("today's update" a day late): it is cancelled instead, after
an earlier attempt is looked for on the channel as for any retry.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from carecase.config import Settings
from carecase.errors import CarecaseError
from carecase.model import Outgoing
from carecase.report import Report
from carecase.store.queries import Q
from carecase.updates import day_of

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
ANSWERS = ("reply", "send", "private_reply")  # what counts as responding to the customer


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min… capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def to_outgoing(row: dict[str, Any]) -> Outgoing:
    return Outgoing(key=row["key"], channel=row["channel"], action=row["action"],
                    body=row["body"], case_id=row["case_id"], template=row["template"],
                    language=row["language"], target=row["target"],
                    recipient=row["recipient"], subject=row["subject"], html=row["html"],
                    headers=dict(row["headers"] or {}), after=row["after_key"],
                    queued_at=row["created_at"], id=row["id"], attempts=row["attempts"])


def dispatch(db: Any, settings: Settings, channels: Mapping[str, Any], *, worker: str,
             limit: int = 200, now: datetime | None = None) -> Report:
    """Claim and send up to ``limit`` due rows for the given channels: claimed again
    while rows come, so a row due once another is sent (a hidden comment's notice) goes
    in the same run."""
    report = Report("dispatch")
    now = now or datetime.now(UTC)
    blocked: dict[str, datetime] = {}  # channel -> rate limited until
    seen: list[int] = []  # claimed in this run: a retry waits for the next run
    while len(seen) < limit:
        with db.connection() as conn, conn.transaction():
            rows = conn.execute(Q["claim_due"], {
                "now": now, "lease": now - LEASE, "limit": limit - len(seen), "seen": seen,
                "worker": worker, "channels": sorted(channels)}).fetchall()
        if rows or not seen:
            report.add("claimed", len(rows))
        if not rows:
            break
        seen += [r["id"] for r in rows]
        sent = report.counts.get("sent", 0)
        _send_claimed(db, settings, channels, rows, blocked, report, now)
        if report.counts.get("sent", 0) == sent:
            break  # nothing sent, so nothing waited on it
    with db.connection() as conn:  # due, but for a channel not enabled (or not opened)
        for r in conn.execute(Q["due_elsewhere"], {"now": now, "channels": sorted(channels)}):
            report.details.append(f"{r['n']} due for {r['channel']}, which is not enabled "
                                  "or could not be opened here: they wait")
    return report


def _send_claimed(db: Any, settings: Settings, channels: Mapping[str, Any],
                  rows: list[dict[str, Any]], blocked: dict[str, datetime], report: Report,
                  now: datetime) -> None:
    for row in rows:
        out = to_outgoing(row)
        if out.channel in blocked:
            _retry(db, out, blocked[out.channel], "rate limited", report, count=False)
            continue
        stale = _stale(out, row.get("case_status"), settings, now)
        if not stale and (until := _budget_guard(db, out, settings)):
            _retry(db, out, until, "the X post budget for this month is spent "
                   "(channels.x.monthly_post_budget)", report, count=False)
            report.details.append(f"{out.key}: held until {until:%Y-%m-%d}, the X post "
                                  "budget for this month is spent")
            continue
        if not stale and (until := _loop_guard(db, out, settings)):
            _retry(db, out, until, f"{settings.channels.email.rate_limit_per_hour} e-mails "
                   f"to {out.recipient} in the last hour (a mail loop?)", report, count=False)
            report.details.append(f"{out.key}: held until {until:%Y-%m-%d %H:%M}Z, "
                                  f"e-mail rate limit for {out.recipient}")
            continue
        try:
            if stale:
                _cancel(db, out, channels[out.channel], stale, retry=row["retry"],
                        report=report)
                continue
            external_id = _send(channels[out.channel], out, retry=row["retry"], report=report)
        except CarecaseError as exc:
            if row["retry"] and getattr(exc, "already_sent", False):
                report.add("recognised")  # the channel says our earlier attempt got through
                _record(db, out, None, report)
                continue
            retry_at = getattr(exc, "retry_at", None)
            if getattr(exc, "retryable", False) and out.attempts < settings.care.max_attempts:
                until = retry_at or datetime.now(UTC) + backoff(out.attempts)
                if retry_at:
                    blocked[out.channel] = retry_at
                _retry(db, out, until, str(exc), report)
            else:
                _fail(db, out, str(exc), report)
            continue
        except Exception as exc:  # a bug or an unmapped library error: retry, visibly
            log.exception("sending %s failed", out.key)
            if out.attempts < settings.care.max_attempts:
                _retry(db, out, datetime.now(UTC) + backoff(out.attempts),
                       f"{type(exc).__name__}: {exc}", report)
            else:
                _fail(db, out, f"{type(exc).__name__}: {exc}", report)
            continue
        _record(db, out, external_id, report)


def _loop_guard(db: Any, out: Outgoing, settings: Settings) -> datetime | None:
    """When an e-mail to ``out.recipient`` may go, if ``channels.email.rate_limit_per_hour``
    were sent to it in the last hour: the backstop against a mail loop, counted in the
    outbox, so it holds across runs and workers (the connector's own count lasts one run).
    None: it may go now."""
    limit = settings.channels.email.rate_limit_per_hour
    if out.channel != "email" or not out.recipient or limit <= 0:
        return None
    now = datetime.now(UTC)
    with db.connection() as conn:
        row = conn.execute(Q["recipient_sent"], {"recipient": out.recipient,
                                                 "since": now - timedelta(hours=1)}).fetchone()
    return row["first"] + timedelta(hours=1) if row["n"] >= limit else None


def _budget_guard(db: Any, out: Outgoing, settings: Settings) -> datetime | None:
    """The start of next month (UTC, as X counts), if this month's X post budget is
    spent: counted in the outbox, so it holds across runs and workers (the connector's
    own count lasts one run). None: it may go now."""
    budget = settings.channels.x.monthly_post_budget
    if out.channel != "x" or budget is None or out.action not in (
            "reply", "post", "send", "private_reply"):
        return None
    month = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    with db.connection() as conn:
        n = conn.execute(Q["channel_sent"], {"channel": "x", "since": month}).fetchone()["n"]
    if n < budget:
        return None
    return (month + timedelta(days=32)).replace(day=1)


def _stale(out: Outgoing, case_status: str | None, settings: Settings,
           now: datetime) -> str | None:
    """Why a daily status update is no longer to be sent, if it is not."""
    day = day_of(out.key) if out.template == "status_update" else None
    if day is None:
        return None
    if case_status == "closed":
        return "the case was closed"
    if day < now.astimezone(settings.business.tz).date():
        return f"the update of {day.isoformat()} was not sent that day"
    return None


def _cancel(db: Any, out: Outgoing, channel: Any, why: str, *, retry: bool,
            report: Report) -> None:
    """Cancel a row instead of sending it; an earlier attempt that got through is
    recorded as sent."""
    if retry and (found := channel.find_sent(out)) is not None:
        report.add("recognised")
        _record(db, out, found, report)
        return
    with db.connection() as conn:
        conn.execute(Q["mark_cancelled"], {"id": out.id, "error": why})
    report.add("cancelled")
    report.details.append(f"{out.key}: cancelled, {why}")


def _send(channel: Any, out: Outgoing, *, retry: bool, report: Report) -> str | None:
    if retry:
        found = channel.find_sent(out)
        if found is not None:
            report.add("recognised")  # sent before a crash: record it, don't send again
            return found
    return channel.send(out)


def _record(db: Any, out: Outgoing, external_id: str | None, report: Report) -> None:
    now = datetime.now(UTC)
    with db.connection() as conn, conn.transaction():
        done = conn.execute(Q["mark_sent"], {"id": out.id, "external_id": external_id,
                                             "now": now}).rowcount
        if not done:
            return  # our lease expired and another worker took over
        report.add("sent")
        if out.case_id is None:
            return
        if out.action in ANSWERS:
            conn.execute(Q["first_response"], {"case": out.case_id, "now": now})
        if external_id and out.action in (*ANSWERS, "post"):
            conn.execute(Q["insert_sent_message"], {
                "channel": out.channel, "external_id": external_id, "case": out.case_id,
                "thread_id": out.target, "parent_id": out.target, "text": out.body,
                "subject": out.subject, "now": now,
                "public": out.action in ("reply", "post"),
                "raw": Jsonb({"outbox_key": out.key, "template": out.template})})
        conn.execute(Q["insert_event"], {
            "case": out.case_id, "kind": "sent", "actor": "carecase", "at": now,
            "detail": Jsonb({"key": out.key, "channel": out.channel, "action": out.action,
                             "template": out.template, "external_id": external_id})})


def _retry(db: Any, out: Outgoing, until: datetime, error: str, report: Report,
           count: bool = True) -> None:
    with db.connection() as conn:
        conn.execute(Q["mark_retry" if count else "mark_deferred"],
                     {"id": out.id, "not_before": until, "error": error})
    report.add("retrying" if count else "deferred")


def _fail(db: Any, out: Outgoing, error: str, report: Report) -> None:
    now = datetime.now(UTC)
    with db.connection() as conn, conn.transaction():
        conn.execute(Q["mark_failed"], {"id": out.id, "error": error})
        # what was to follow it goes neither: "we have hidden your comment" when it is not
        cancelled = [r["key"] for r in conn.execute(Q["cancel_after"], {
            "key": out.key, "error": f"{out.key} failed"})]
        if out.case_id is not None:
            conn.execute(Q["insert_event"], {
                "case": out.case_id, "kind": "send_failed", "actor": "carecase", "at": now,
                "detail": Jsonb({"key": out.key, "channel": out.channel, "error": error,
                                 "attempts": out.attempts, "cancelled": cancelled})})
    report.add("failed")
    report.details.append(f"{out.key}: failed after {out.attempts} attempts: {error}")
    if cancelled:
        report.add("cancelled", len(cancelled))
        report.details.append(f"{', '.join(cancelled)}: cancelled, {out.key} failed")
