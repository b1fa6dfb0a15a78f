"""From messages to cases and queued replies: store -> match -> classify -> case -> decide.

One batch is one transaction: the messages (deduplicated by ``(channel, external_id)``),
the customers and cases they touch, the case events, the outbox rows and the channel's
cursor commit together or not at all. Batches are serialised by an advisory lock, so two
workers ingesting at once never create the same customer or case twice. What depends on
a message alone (``carecase.prepare``) is done before the lock; an import does it in a
worker process, a batch ahead.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from carecase import classify, identity, policy
from carecase.batch import BatchState, profile_of, replace_keys, rules_for, wants_case
from carecase.clues import utc
from carecase.config import Settings
from carecase.model import Message, is_version
from carecase.prepare import Prefetch, Prepared, prepare
from carecase.report import Report
from carecase.store.queries import Q

log = logging.getLogger(__name__)
ENGINE_LOCK = 0x63617365  # serialises batches across workers
PARALLEL_FROM = 2  # batches: an import this long prepares in a worker process
FULL_COLLECTION_EVERY = 100  # young collections per full one during an import (default 10)


def lock(conn: psycopg.Connection) -> None:
    """Hold the engine lock until the transaction ends: one batch, or an agent's change to
    the customers and cases a batch loads, at a time."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (ENGINE_LOCK,))


def reindex_keys(db: Any, batch_size: int = 2000) -> int:
    """Write anew the blocking keys of every customer written by an older profile_keys
    (``identity.KEYS_VERSION``), a batch of customers per transaction under the engine
    lock; returns how many. Cheap when the database is up to date (one row read), and
    safe to run from two processes at once or to interrupt: a batch done stays done."""
    with db.connection() as conn:
        row = conn.execute(Q["key_index_version"]).fetchone()
    if row is None or row["version"] >= identity.KEYS_VERSION:
        return 0
    done, after = 0, 0
    while True:
        with db.connection() as conn, conn.transaction():
            lock(conn)
            ids = [r["id"] for r in conn.execute(Q["stale_key_customers"], {
                "version": identity.KEYS_VERSION, "after": after, "n": batch_size})]
            if not ids:
                conn.execute(Q["set_key_index_version"], {"version": identity.KEYS_VERSION})
                break
            replace_keys(conn, [profile_of(r) for r in conn.execute(Q["load_customers"],
                                                                   {"ids": ids})])
            conn.execute(Q["set_keys_version"], {"version": identity.KEYS_VERSION,
                                                 "ids": ids})
        done, after = done + len(ids), ids[-1]
        log.info("blocking keys written anew for %d customers", done)
    return done


def ingest(db: Any, settings: Settings, channel: Any, *, account: str | None = None) -> Report:
    """Poll one channel account through all its batches; each batch commits with its cursor."""
    account = account or channel.name
    report = Report(f"ingest-{account}")
    with db.connection() as conn:
        row = conn.execute(Q["get_cursor"], {"account": account}).fetchone()
    cursor = row["position"] if row else None
    # the account's first poll reads its history: stored and matched, never answered
    before = datetime.now(UTC) - timedelta(days=settings.care.first_poll_days) \
        if cursor is None and settings.care.first_poll_days else None
    for batch in channel.poll(cursor):
        report.add("polled", len(batch.messages))
        items: Sequence[Message] | list[Prepared] = batch.messages
        if before is not None:
            items = _as_history(prepare(batch.messages, rules_for(settings),
                                        _pattern(settings)), before, report)
        with db.connection() as conn:
            report.merge(process(conn, settings, items, account=account,
                                 cursor=batch.cursor))
    return report


HISTORY = "history"  # the machine reason of what an account's first poll found old


def _as_history(prepared: list[Prepared], before: datetime, report: Report
                ) -> list[Prepared]:
    """Mark what was written before ``before`` as history: kept, never answered (the way
    machines' messages are, P16), counted in the report."""
    for p in prepared:
        if p.cls is not None and p.cls.machine is None and p.msg.created_at < before:
            p.cls = replace(p.cls, machine=HISTORY)
            report.add("history")
    return prepared


def import_messages(db: Any, settings: Settings, messages: Iterable[Message], *,
                    batch_size: int = 500, progress: Callable[[int], None] | None = None,
                    parallel: bool = True) -> Report:
    """Run the engine on messages from an import, one transaction per batch.

    With ``parallel`` (and at least two batches), each batch is prepared in a worker
    process while the batch before it runs the serialised section here."""
    report = Report("import")
    it = iter(messages)
    first = list(islice(it, batch_size * PARALLEL_FROM))
    chunks = _chunks(first, it, batch_size)
    rules, pattern = rules_for(settings), _pattern(settings)
    with _rare_full_collections():
        if parallel and len(first) > batch_size * (PARALLEL_FROM - 1):
            with Prefetch(chunks, rules, pattern) as ahead:
                _import(db, settings, ahead, report, progress)
        else:
            _import(db, settings, (prepare(c, rules, pattern) for c in chunks), report,
                    progress)
    return report


@contextmanager
def _rare_full_collections() -> Iterator[None]:
    """Fewer full runs of the cyclic garbage collector while an import runs.

    A batch keeps its working set (thousands of candidate profiles and their index) alive
    long enough to be promoted to the oldest generation, so with the default thresholds
    a full collection ran every few hundred messages and scanned all of it, and the
    caller's objects too (about 17 % of the serialised section's time at 10k messages).
    Almost none of it is cyclic garbage: reference counting frees a batch's state."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)


def _import(db: Any, settings: Settings, batches: Iterable[list[Prepared]], report: Report,
            progress: Callable[[int], None] | None) -> None:
    for prepared in batches:
        with db.connection() as conn:
            batch = process(conn, settings, prepared)
        batch.events.clear()  # nobody publishes an import's events: keep memory flat
        del batch.details[100:]
        report.merge(batch)
        if progress:
            progress(len(prepared))


def _chunks(first: list[Message], rest: Iterator[Message], size: int
            ) -> Iterator[list[Message]]:
    for start in range(0, len(first), size):
        yield first[start:start + size]
    while chunk := list(islice(rest, size)):
        yield chunk


def _pattern(settings: Settings) -> str:
    return settings.care.order_pattern or identity.ORDER_PATTERN


def process(conn: psycopg.Connection, settings: Settings,
            messages: Sequence[Message] | Sequence[Prepared], *,
            account: str | None = None, cursor: dict | None = None,
            now: datetime | None = None) -> Report:
    """Store, match, classify and decide one batch in one transaction. ``messages`` may
    come already prepared (``carecase.prepare``); if not, they are prepared here, before
    the engine lock is taken."""
    now = now or datetime.now(UTC)
    report = Report("batch")
    items = [m for m in messages if isinstance(m, Prepared)]
    if len(items) < len(messages):
        items = prepare(messages, rules_for(settings), _pattern(settings))  # type: ignore[arg-type]
    with conn.transaction():
        lock(conn)
        new = _insert_messages(conn, items)
        report.add("messages", len(new))
        report.add("duplicates", len(messages) - len(new))
        if new:
            state = BatchState.load(conn, settings, [(mid, p.msg) for mid, p in new], now,
                                    keys={mid: p.keys for mid, p in new},
                                    traits={mid: p.traits for mid, p in new})
            # Matched first, all of them: the cases to load are those of the customers
            # they went to.
            matched = [_match(state, message_id, p, report) for message_id, p in new]
            state.load_cases(conn)
            unchanged = _unchanged(conn, new)
            state.reserve_case_ids(f.customer for f, (mid, p) in zip(matched, new, strict=True)
                                   if f and p.cls and wants_case(p.msg, p.cls)
                                   and mid not in unchanged)
            for (message_id, p), found in zip(new, matched, strict=True):
                if message_id in unchanged and found is not None:
                    # kept, on the case of the version before it, and not decided again
                    state.set_message(message_id, found.customer, unchanged[message_id],
                                      p.cls)
                    report.add("unchanged")
                    continue
                _one(state, message_id, p, found, report)
            state.write(conn)
            _flag_bounces(conn, [p for _, p in new], now, report)
        if account is not None and cursor is not None:
            conn.execute(Q["put_cursor"], {"account": account, "position": Jsonb(cursor)})
    return report


def _unchanged(conn: psycopg.Connection, new: Sequence[tuple[int, Prepared]]
               ) -> dict[int, int | None]:
    """The edited versions in ``new`` (``model.is_version``) whose text and rating are
    those of the thread's latest earlier message, with that message's case: a channel
    that moves a review's time without its author changing a word (a moderation pass,
    a verification) must not reopen a case or send an acknowledgment again."""
    versions = {mid: p.msg for mid, p in new if p.cls and is_version(p.msg)}
    if not versions:
        return {}
    threads = sorted({(m.channel, m.thread_id) for m in versions.values()})
    rows = conn.execute(Q["latest_versions"], {
        "channels": [c for c, _ in threads], "threads": [t for _, t in threads],
        "ids": list(versions)}).fetchall()
    latest = {(r["channel"], r["thread_id"]): r for r in rows}
    return {mid: row["case_id"] for mid, m in versions.items()
            if (row := latest.get((m.channel, m.thread_id))) is not None
            and row["text"] == m.text and row["rating"] == m.rating}


def _flag_bounces(conn: psycopg.Connection, prepared: Sequence[Prepared], now: datetime,
                  report: Report) -> None:
    """A bounce of one of our e-mails flags its case (the board shows "bounced"), so an
    agent puts a working address on it before the next daily update bounces too."""
    failed = {b["message_id"]: b for p in prepared
              if p.cls and p.cls.machine and isinstance(b := p.msg.raw.get("bounce"), dict)
              and isinstance(b.get("message_id"), str)}
    if not failed:
        return
    for row in conn.execute(Q["sent_mails"], {"ids": list(failed)}).fetchall():
        bounce = failed[row["external_id"]]
        why = bounce.get("diagnostic") or bounce.get("status") or "no reason given"
        conn.execute(Q["insert_event"], {
            "case": row["case_id"], "kind": "flagged", "actor": "carecase", "at": now,
            "detail": Jsonb({"reasons": ["bounced"], "message": row["key"], "why": (
                f"the e-mail to {bounce.get('recipient')} could not be delivered ({why}): "
                f"{policy.contact_hint(row['case_id'])}")})})
        report.add("bounced")


@dataclass(frozen=True, slots=True)
class _Matched:
    """Who a message's author is, and the name and address to answer them by as known
    when it was matched (the batch's later messages may add to them)."""

    decision: identity.Decision
    customer: int
    name: str | None
    email: str | None


def _match(state: BatchState, message_id: int, prepared: Prepared, report: Report
           ) -> _Matched | None:
    """The customer a message belongs to (created or updated); None if quarantined."""
    if prepared.cls is None:
        return None
    msg = prepared.msg
    decision = state.match(message_id, msg)
    customer = state.customer(message_id, msg, decision)
    report.add({"merge": "merged", "suggest": "suggested", "new": "new_customers"}
               [decision.action])
    # a private answer goes where the message came from (an e-mail is answered to its
    # sender), else to an address the customer wrote from before
    return _Matched(decision, customer, state.name_of(customer),
                    identity.email_of(msg) or state.email_of(customer))


def _one(state: BatchState, message_id: int, prepared: Prepared, found: _Matched | None,
         report: Report) -> None:
    msg, settings = prepared.msg, state.settings
    if prepared.cls is None or found is None:  # found is None for these alone
        report.add("quarantined")
        report.details.append(f"quarantined {msg.channel}:{msg.external_id}: {msg.quarantine}")
        return
    decision, customer = found.decision, found.customer
    cls = classify.with_language(prepared.cls, state.rules, state.languages.get(customer))
    # the case (language included: P15) as this message leaves it, before deciding on it
    case, how = state.case_for(customer, msg, cls, decision, read=prepared.cls)
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
    ack_key, acked_by = state.private_ack(case)
    actions = policy.decide(policy.Situation(
        message=msg, message_id=message_id, customer_id=customer, classification=cls,
        case=case, private_ack_key=ack_key, private_acked_by=acked_by,
        customer_name=found.name, customer_email=found.email,
        others_affected=state.others_affected(case),
        now=state.now), settings, defer=True)  # rendered while the batch is written
    if actions.archive:
        state.archive(message_id, case.id if case else None, msg, actions.archive)
        report.add("moderated")
    for kind, detail in actions.events:
        if case:
            state.event(case.id, kind, detail)
    for out in actions.outgoing:
        state.queue(out)
    report.add("queued", len(actions.outgoing))
    if case is None and not actions.outgoing and cls.machine is None and cls.kind == "other":
        # Nobody will answer it: the run's report says so, and how to, should it need one
        report.add("unanswered")
        ref = f"{msg.channel}:{msg.external_id}"
        report.details.append(f"unanswered {ref} (`carecase messages list --without-case`): "
                              f"`carecase cases open {ref}` if it needs an answer")


def _insert_messages(conn: psycopg.Connection, items: list[Prepared]
                     ) -> list[tuple[int, Prepared]]:
    """Insert the batch; returns (id, item) for the messages not stored before, oldest
    first."""
    if not items:
        return []
    conn.execute(Q["incoming_table"])
    with conn.cursor().copy(Q["copy_incoming"]) as copy:
        for pos, m in enumerate(p.msg for p in items):
            copy.write_row((pos, m.channel, m.external_id, m.direction, m.thread_id,
                            m.parent_id, Jsonb(_author(m)), m.text, m.subject, m.created_at,
                            m.public, m.url, m.rating, m.order_ref, m.quarantine, Jsonb(m.raw)))
    rows = conn.execute(Q["insert_incoming"]).fetchall()
    # Decided in the order they were written (then as given): who wrote first, and when
    # a customer was last seen, are evidence; the ids follow (channel, external_id).
    order = sorted(rows, key=lambda r: (utc(items[r["pos"]].msg.created_at), r["pos"]))
    return [(r["id"], items[r["pos"]]) for r in order]


def _author(m: Message) -> dict[str, str]:
    a = m.author
    return {k: v for k, v in (("id", a.id), ("name", a.name), ("handle", a.handle),
                              ("email", a.email)) if v}
