"""Open a case, by hand, for a message carecase left without one.

A public comment whose words carecase reads as neither a complaint nor a question
("Wow. Bara wow. 3 veckor.") is stored with no case, and nobody answers it. An agent who
reads it says what it is; the message then goes where a complaint or a question would
have gone: into the customer's open case, or a recently closed one reopened, or a new
case; and it is answered as one (public acknowledgment where it was posted, private
acknowledgment, daily updates from then on: P3-P5, P7). Nothing is sent twice: the
outbox keys are those the engine would have used.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from carecase import classify, incidents
from carecase.batch import case_language, language_moved, message_from_row, rules_for
from carecase.config import Settings
from carecase.engine import lock
from carecase.errors import InputError, NotFound
from carecase.model import CHANNELS, Case, Message
from carecase.report import Report
from carecase.rerun import decide_again, standing
from carecase.store.queries import Q

KINDS = ("complaint", "question")


def open_case(db: Any, settings: Settings, message: str, *, kind: str = "complaint",
              agent: str | None = None, now: datetime | None = None) -> tuple[int, Report]:
    """Give ``message`` (``channel:external_id``, or its id) a case as a ``kind``
    ("complaint" or "question"), and queue its answers; returns the case and the report.
    ``agent``, if given, is recorded as who did it and as the agent of a case that has
    none (the acknowledgment is signed by them)."""
    if kind not in KINDS:
        raise InputError(f"kind {kind!r} is not one of: {', '.join(KINDS)}")
    now = now or datetime.now(UTC)
    report = Report(f"open-case-{message}")
    rules = rules_for(settings)
    with db.connection() as conn, conn.transaction():
        lock(conn)  # the engine's batches decide the same customers' cases
        m = _find(conn, message)
        msg = message_from_row(m)
        ref = f"{msg.channel}:{msg.external_id}"
        if m["direction"] != "in":
            raise InputError(f"{ref} is one of our own messages")
        if m["case_id"] is not None:
            raise InputError(f"{ref} is already in case {m['case_id']}: "
                             f"`carecase cases show {m['case_id']}`")
        if m["customer_id"] is None:
            raise InputError(f"{ref} was quarantined ({m['quarantine']}): it has no author "
                             "to answer")
        # read once; its language settled by the case's (P15) once the case is known
        read = classify.content(msg, rules, classify.read_languages([msg.text or ""])[0])
        case, how = _case_for(conn, settings, m["customer_id"], msg,
                              classify.with_language(read, rules, None).language, now)
        actor = agent or "agent"
        read_as = f"written by a machine ({m['machine']})" if m["machine"] else m["kind"]
        conn.execute(Q["insert_event"], {
            "case": case.id, "kind": how, "actor": actor, "at": now,
            "detail": Jsonb({"message": ref, "kind": kind, "read_as": read_as})})
        # the case joined or reopened follows the language the customer now writes in,
        # as in the engine (P15), unless they wrote to it since (a comment left behind
        # is often older than the case it joins); an agent's choice of it stays
        language = case_language(case, read, classify.with_language(read, rules,
                                                                    case.language), msg)
        if language and not conn.execute(Q["written_since"], {
                "case": case.id, "at": msg.created_at}).fetchone()["written"]:
            conn.execute(Q["set_language_read"], {"id": case.id, "language": language})
            conn.execute(Q["insert_event"], {
                "case": case.id, "kind": "updated", "actor": "carecase", "at": now,
                "detail": Jsonb(language_moved(case, language, msg))})
            case = replace(case, language=language)
        if kind == "complaint" and case.incident is None and how != "joined":
            topic = incidents.incident_for(msg.text, msg.created_at, settings)
            if topic:
                conn.execute(Q["insert_incident"], {"key": topic[0], "title": topic[1]})
                case = replace(case, incident=topic[0])
        if agent and not case.agent:
            case = replace(case, agent=agent)
        conn.execute(Q["set_case"], {"id": case.id, "fault": None, "agent": case.agent,
                                     "incident": case.incident, "gesture": None,
                                     "third_party": None, "language": None})
        # what the agent says it is; the rest (language, moderation) as read now
        cls = replace(classify.with_language(read, rules, case.language), kind=kind,
                      machine=None)
        if kind == "complaint":
            cls = replace(cls, sentiment="negative")
        conn.execute(Q["update_message"], {
            "id": m["id"], "customer": case.customer_id, "case": case.id,
            "language": cls.language, "kind": cls.kind, "sentiment": cls.sentiment,
            "moderation": list(cls.moderation), "machine": None})
        ack_key, acked_by, others_affected = standing(conn, case)
        row = conn.execute(Q["update_candidates_one"], {"id": case.id}).fetchone()
        decide_again(conn, settings, report, case=case, row=row, message_id=m["id"],
                     msg=msg, cls=cls, ack_key=ack_key, acked_by=acked_by,
                     others_affected=others_affected, now=now)
    report.add(f"cases_{how}")
    report.details.append(f"{ref} {how} case {case.id} as a {kind}")
    report.events.append((f"carecase.case.{how}", case.id,
                          {"channel": msg.channel, "message": msg.external_id, "by": actor}))
    return case.id, report


def _find(conn: Any, message: str) -> dict[str, Any]:
    channel, sep, external_id = message.partition(":")
    if sep and channel in CHANNELS:
        row = conn.execute(Q["find_message"], {"channel": channel, "external_id": external_id,
                                               "id": None}).fetchone()
    elif message.isdigit():
        row = conn.execute(Q["find_message"], {"channel": None, "external_id": None,
                                               "id": int(message)}).fetchone()
    else:
        raise InputError(f"{message!r} names no message: give CHANNEL:EXTERNAL_ID "
                         f"(channels: {', '.join(CHANNELS)}) or the message's id")
    if row is None:
        raise NotFound(f"there is no message {message!r}")
    return row


def _case_for(conn: Any, settings: Settings, customer: int, msg: Message,
              language: str | None, now: datetime) -> tuple[Case, str]:
    """The customer's open case; else their case closed within ``reopen_within_days``,
    reopened; else a new one (as the engine would have chosen)."""
    since = now - timedelta(days=settings.care.reopen_within_days)
    rows = conn.execute(Q["load_cases"], {"customers": [customer], "since": since}).fetchall()
    fields = Case.__dataclass_fields__
    cases = [Case(**{k: r[k] for k in fields if k in r}) for r in rows]
    current = next((c for c in cases if c.status in ("open", "waiting")), None)
    if current:
        return current, "joined"
    if cases:
        conn.execute(Q["reopen_case"], {"id": cases[0].id})
        return replace(cases[0], status="open", closed_at=None), "reopened"
    new = conn.execute(Q["new_case"], {"customer": customer, "language": language,
                                       "opened_at": msg.created_at}).fetchone()["id"]
    return Case(id=new, customer_id=customer, language=language,
                opened_at=msg.created_at), "opened"
