"""From messages to cases and queued replies: store -> match -> classify -> case -> decide.

One batch is one transaction: the messages (deduplicated by ``(channel, external_id)``),
the customers and cases they touch, the case events, the outbox rows and the channel's
cursor commit together or not at all. Batches are serialised by an advisory lock, so two
workers ingesting at once never create the same customer or case twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from carecase import classify, policy
from carecase.batch import BatchState
from carecase.config import Settings
from carecase.model import Message
from carecase.report import Report
from carecase.store.queries import Q

log = logging.getLogger(__name__)
ENGINE_LOCK = 0x63617365  # serialises batches across workers
MAX_TEXT = 100_000


def ingest(db: Any, settings: Settings, channel: Any, *, account: str | None = None) -> Report:
    """Poll one channel account through all its batches; each batch commits with its cursor."""
    account = account or channel.name
    report = Report(f"ingest-{account}")
    with db.connection() as conn:
        row = conn.execute(Q["get_cursor"], {"account": account}).fetchone()
    cursor = row["position"] if row else None
    for batch in channel.poll(cursor):
        report.add("polled", len(batch.messages))
        with db.connection() as conn:
            report.merge(process(conn, settings, batch.messages, account=account,
                                 cursor=batch.cursor))
    return report


def import_messages(db: Any, settings: Settings, messages: Iterable[Message], *,
                    batch_size: int = 500, progress: Callable[[int], None] | None = None
                    ) -> Report:
    """Run the engine on messages from an import, one transaction per batch."""
    report = Report("import")
    it = iter(messages)
    while chunk := list(islice(it, batch_size)):
        with db.connection() as conn:
            batch = process(conn, settings, chunk)
        batch.events.clear()  # nobody publishes an import's events: keep memory flat
        del batch.details[100:]
        report.merge(batch)
        if progress:
            progress(len(chunk))
    return report


def process(conn: psycopg.Connection, settings: Settings, messages: list[Message], *,
            account: str | None = None, cursor: dict | None = None,
            now: datetime | None = None) -> Report:
    """Store, match, classify and decide one batch in one transaction."""
    now = now or datetime.now(UTC)
    report = Report("batch")
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (ENGINE_LOCK,))
        new = _insert_messages(conn, [sanitize(m) for m in messages])
        report.add("messages", len(new))
        report.add("duplicates", len(messages) - len(new))
        if new:
            state = BatchState.load(conn, settings, new, now)
            for message_id, msg in new:
                _one(state, settings, message_id, msg, report)
            state.write(conn)
        if account is not None and cursor is not None:
            conn.execute(Q["put_cursor"], {"account": account, "position": Jsonb(cursor)})
    return report


def _one(state: BatchState, settings: Settings, message_id: int, msg: Message,
         report: Report) -> None:
    if msg.quarantine:
        report.add("quarantined")
        report.details.append(f"quarantined {msg.channel}:{msg.external_id}: {msg.quarantine}")
        return
    decision = state.match(message_id, msg)
    customer = state.customer(decision, msg)
    report.add({"merge": "merged", "suggest": "suggested", "new": "new_customers"}
               [decision.action])
    cls = classify.classify(msg, state.rules, prior_language=state.languages.get(customer))
    case, how = state.case_for(customer, msg, cls, decision)
    state.set_message(message_id, customer, case.id if case else None, cls)
    if how:
        report.add(f"cases_{how}")
        if how in ("opened", "reopened"):
            report.events.append((f"carecase.case.{how}", case.id,
                                  {"channel": msg.channel, "message": msg.external_id}))
    if case and decision.action == "merge" and how == "joined":
        state.event(case.id, "merged", {"message": f"{msg.channel}:{msg.external_id}",
                                        "evidence": list(decision.evidence),
                                        "score": round(decision.score, 3)})
        report.events.append(("carecase.case.merged", case.id,
                              {"evidence": list(decision.evidence)}))
    if case and decision.action == "suggest":
        state.event(case.id, "merge_suggested", {"customer": decision.customer_id,
                                                 "evidence": list(decision.evidence),
                                                 "score": round(decision.score, 3)})
    if cls.machine:
        report.add("machine")
    ack_key, acked = state.private_ack(case)
    actions = policy.decide(policy.Situation(
        message=msg, message_id=message_id, customer_id=customer, classification=cls,
        case=case, private_ack_key=ack_key, private_acked=acked,
        customer_name=state.name_of(customer), customer_email=state.email_of(customer),
        now=state.now), settings)
    if actions.archive:
        state.archive(message_id, case.id if case else None, msg, actions.archive)
        report.add("moderated")
    for kind, detail in actions.events:
        if case:
            state.event(case.id, kind, detail)
    for out in actions.outgoing:
        state.queue(out)
    report.add("queued", len(actions.outgoing))


def _insert_messages(conn: psycopg.Connection, messages: list[Message]
                     ) -> list[tuple[int, Message]]:
    """Insert the batch; returns (id, message) for those not stored before."""
    if not messages:
        return []
    conn.execute(Q["incoming_table"])
    with conn.cursor().copy(Q["copy_incoming"]) as copy:
        for pos, m in enumerate(messages):
            copy.write_row((pos, m.channel, m.external_id, m.direction, m.thread_id,
                            m.parent_id, Jsonb(_author(m)), m.text, m.subject, m.created_at,
                            m.public, m.url, m.rating, m.order_ref, m.quarantine, Jsonb(m.raw)))
    rows = conn.execute(Q["insert_incoming"]).fetchall()
    return sorted(((r["id"], messages[r["pos"]]) for r in rows), key=lambda p: p[0])


def _author(m: Message) -> dict[str, str]:
    a = m.author
    return {k: v for k, v in (("id", a.id), ("name", a.name), ("handle", a.handle),
                              ("email", a.email)) if v}


def sanitize(msg: Message) -> Message:
    """Text PostgreSQL can store: no NUL, no lone surrogates (from JSON "\\udcff" escapes
    or undecodable bytes); overlong texts and names are cut (the raw keeps the rest)."""
    msg.text = _clean(msg.text or "")[:MAX_TEXT]
    msg.external_id = _clean(msg.external_id)
    msg.thread_id, msg.parent_id = _clean(msg.thread_id), _clean(msg.parent_id)
    msg.url, msg.order_ref = _clean(msg.url), _clean(msg.order_ref)
    msg.raw = _clean(msg.raw)
    if msg.subject:
        msg.subject = _clean(msg.subject)[:1000]
    a = msg.author
    msg.author = type(a)(**{k: _clean(getattr(a, k)) for k in ("id", "name", "handle",
                                                                "email")})
    if msg.author.name and len(msg.author.name) > 500:
        msg.author = replace(msg.author, name=msg.author.name[:500])
    return msg


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")
        if not value.isascii():
            value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
        return value
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value

