"""Re-run a case: current rules and templates over its messages, failed sends re-queued.

Re-classifies every inbound message, looks again for who wrote it (a better match
elsewhere is recorded as a suggestion, never merged silently), decides again — the
idempotency keys make that queue only what is missing and refresh the text of what has
not been sent yet — and re-queues failed sends. Nothing already sent is sent again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from psycopg.types.json import Jsonb

from carecase import classify, identity, policy
from carecase.batch import (
    BatchState,
    incident_shared,
    message_from_row,
    outbox_row,
    rules_for,
)
from carecase.config import Settings
from carecase.engine import lock
from carecase.errors import NotFound
from carecase.model import Case, Classification, Message
from carecase.report import Report
from carecase.store.queries import Q


def standing(conn: Any, case: Case) -> tuple[str, str | None, bool]:
    """What deciding on a case's messages again needs to know of it: the key of its
    private acknowledgment for its current opening, the channel that went by (None: not
    yet), and whether its incident holds other customers' cases."""
    opening = conn.execute(Q["count_openings"], {"case": case.id}).fetchone()["n"] or 1
    ack_key = policy.private_ack_key(case.id, opening)
    acked = conn.execute(Q["outbox_channel"], {"key": ack_key}).fetchone()
    if acked and acked["channel"] != "email" and conn.execute(
            Q["outbox_channel"], {"key": policy.email_ack_key(ack_key)}).fetchone():
        acked = {"channel": "email"}  # an e-mail of theirs was answered since
    others_affected = False
    if case.incident:
        stored = conn.execute(Q["incident_cases"], {"key": case.incident}).fetchone()
        others_affected = incident_shared((stored["n"], stored["one"]), case.id)
    return ack_key, acked["channel"] if acked else None, others_affected


def decide_again(conn: Any, settings: Settings, report: Report, *, case: Case,
                 row: dict[str, Any], message_id: int, msg: Message, cls: Classification,
                 ack_key: str, acked_by: str | None, others_affected: bool, now: datetime
                 ) -> str | None:
    """Decide on one of a case's inbound messages again, by hand, and queue what is
    missing (refreshing the wording of what is not sent yet). ``row``: the case's
    ``update_candidates_one`` row. Returns the channel the case's private acknowledgment
    went by, if it has gone or is queued now."""
    actions = policy.decide(policy.Situation(
        message=msg, message_id=message_id, customer_id=case.customer_id,
        classification=cls, case=case if case.status != "closed" else None,
        private_ack_key=ack_key, private_acked_by=acked_by, customer_name=row["name"],
        customer_email=identity.email_of(msg) or row["email"], now=now,
        others_affected=others_affected), settings)
    for out in actions.outgoing:
        result = conn.execute(Q["refresh_outbox"], outbox_row(out, now)).fetchone()
        if result is not None:
            report.add("queued" if result["inserted"] else "refreshed")
    return acked_by or next((o.channel for o in actions.outgoing if o.key == ack_key), None)


def rerun_case(db: Any, settings: Settings, case_id: int) -> Report:
    report = Report(f"rerun-case-{case_id}")
    now = datetime.now(UTC)
    rules = rules_for(settings)
    with db.connection() as conn, conn.transaction():
        lock(conn)  # the engine's batches and this decide the same cases
        row = conn.execute(Q["update_candidates_one"], {"id": case_id}).fetchone()
        if row is None:
            raise NotFound(f"there is no case {case_id}")
        case = Case(**{k: row[k] for k in Case.__dataclass_fields__ if k in row})
        inbound = [m for m in conn.execute(Q["case_messages"], {"id": case_id}).fetchall()
                   if m["direction"] == "in"]
        ack_key, acked_by, others_affected = standing(conn, case)
        # what an agent said a message is (``cases open``) outranks a new reading of it
        told = {r["message"]: r["kind"]
                for r in conn.execute(Q["agent_kinds"], {"id": case_id})}
        for m in inbound:
            msg = message_from_row(m)
            cls = classify.classify(msg, rules, prior_language=case.language)
            if (kind := told.get(f"{msg.channel}:{msg.external_id}")) is not None:
                cls = replace(cls, kind=kind, machine=None, sentiment="negative"
                              if kind == "complaint" else cls.sentiment)
            conn.execute(Q["update_message"], {
                "id": m["id"], "customer": case.customer_id, "case": case_id,
                "language": cls.language, "kind": cls.kind, "sentiment": cls.sentiment,
                "moderation": list(cls.moderation), "machine": cls.machine})
            report.add("reclassified")
            state = BatchState.load(conn, settings, [(m["id"], msg)], now)
            decision = state.match(m["id"], msg)
            if decision.customer_id not in (None, case.customer_id) \
                    and decision.action in ("merge", "suggest"):
                conn.execute(Q["insert_event_once"], {
                    "case": case_id, "kind": "merge_suggested", "actor": "rerun", "at": now,
                    "detail": Jsonb({"customer": decision.customer_id,
                                     "message": f"{msg.channel}:{msg.external_id}",
                                     "evidence": list(decision.evidence)})})
                report.add("suggested")
            acked_by = decide_again(conn, settings, report, case=case, row=row,
                                    message_id=m["id"], msg=msg, cls=cls, ack_key=ack_key,
                                    acked_by=acked_by, others_affected=others_affected,
                                    now=now)
        requeued = conn.execute(Q["requeue_failed"], {"case": case_id, "now": now}).fetchall()
        report.add("requeued", len(requeued))
        conn.execute(Q["insert_event"], {"case": case_id, "kind": "rerun", "actor": "rerun",
                                         "at": now, "detail": Jsonb(dict(report.counts))})
    return report
