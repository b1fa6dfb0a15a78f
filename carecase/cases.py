"""Agents' operations on cases: read-outs (of messages too), notes, settings, link and
split, the board.

``show`` and ``list_cases`` return plain dicts: the ``--json`` contract of design.md.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parseaddr
from typing import Any

from psycopg.types.json import Jsonb

from carecase import clues, engine, identity, moderation, policy, render
from carecase.batch import rebuild_customer
from carecase.errors import InputError, NotFound
from carecase.model import CASE_STATUSES, CHANNELS, FAULTS
from carecase.store.queries import Q


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def list_cases(db: Any, *, status: str | None = None, limit: int = 1000) -> list[dict]:
    """The first ``limit`` cases by id (the oldest first), optionally of one status."""
    _check_status(status)
    with db.connection() as conn:
        rows = conn.execute(Q["list_cases"], {"status": status, "limit": limit}).fetchall()
    return [{**r, "opened_at": _iso(r["opened_at"]), "closed_at": _iso(r["closed_at"]),
             "first_response_at": _iso(r["first_response_at"])} for r in rows]


def count_cases(db: Any, *, status: str | None = None) -> int:
    """How many cases there are (of one status)."""
    _check_status(status)
    with db.connection() as conn:
        return conn.execute(Q["count_cases"], {"status": status}).fetchone()["n"]


def _check_status(status: str | None) -> None:
    if status is not None and status not in CASE_STATUSES:
        raise InputError(f"status {status!r} is not one of {', '.join(CASE_STATUSES)}")


def list_messages(db: Any, *, without_case: bool = False, channel: str | None = None,
                  kind: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """What customers wrote, newest first; ``without_case``: only what carecase left
    without a case (read as praise, as neither complaint nor question, or as a machine's),
    which an agent may give one with ``carecase cases open``."""
    if channel is not None and channel not in CHANNELS:
        raise InputError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    with db.connection() as conn:
        rows = conn.execute(Q["list_messages"], {
            "without_case": without_case, "channel": channel, "kind": kind, "limit": limit,
        }).fetchall()
    return [{**r, "created_at": _iso(r["created_at"])} for r in rows]


def show(db: Any, case_id: int) -> dict[str, Any]:
    with db.connection() as conn:
        case = conn.execute(Q["get_case"], {"id": case_id}).fetchone()
        if case is None:
            raise NotFound(f"there is no case {case_id}")
        customer = conn.execute(Q["get_customer"], {"id": case["customer_id"]}).fetchone()
        idents = conn.execute(Q["customer_identities"], {"id": case["customer_id"]}).fetchall()
        messages = conn.execute(Q["case_messages"], {"id": case_id}).fetchall()
        events = conn.execute(Q["case_events"], {"id": case_id}).fetchall()
        outbox = conn.execute(Q["case_outbox"], {"id": case_id}).fetchall()
    return {
        "id": case["id"], "status": case["status"], "fault": case["fault"],
        "third_party": case["third_party"], "incident": case["incident"],
        "agent": case["agent"], "gesture": case["gesture"], "language": case["language"],
        "customer": {"id": customer["id"], "name": customer["name"],
                     "identities": [{"kind": i["kind"], "value": i["value"]} for i in idents]},
        "messages": [{"channel": m["channel"], "external_id": m["external_id"],
                      "created_at": _iso(m["created_at"]), "public": m["public"],
                      "text": m["text"], "direction": m["direction"], "kind": m["kind"],
                      "language": m["language"], "moderation": m["moderation"],
                      "machine": m["machine"]} for m in messages],
        "events": [{"kind": e["kind"], "actor": e["actor"], "at": _iso(e["at"]),
                    "detail": e["detail"]} for e in events],
        "outbox": [{"key": o["key"], "channel": o["channel"], "action": o["action"],
                    "status": o["status"], "attempts": o["attempts"],
                    "last_error": o["last_error"]} for o in outbox],
        "opened_at": _iso(case["opened_at"]),
        "first_response_at": _iso(case["first_response_at"]),
        "last_update_at": _iso(case["last_update_at"]),
        "closed_at": _iso(case["closed_at"]),
    }


def refuse_card_and_id_numbers(what: str, text: str | None) -> None:
    """Raise InputError if an agent's text for the customer holds a card number or a
    personal ID number: it goes out by e-mail or a private message, where such a number
    does not belong, and the customer has it already."""
    found = moderation.sensitive_numbers(text or "") & {"card_number", "personal_id"}
    if found:
        kinds = " and a ".join(sorted(found)).replace("_", " ")
        raise InputError(f"the {what} holds a {kinds}: write it without the number")


def add_note(db: Any, case_id: int, text: str, *, for_customer: bool = False,
             author: str = "agent") -> None:
    """A note on the case; customer-facing notes go into the next status update (P7)."""
    if not text.strip():
        raise InputError("the note is empty")
    if for_customer:
        refuse_card_and_id_numbers("note for the customer", text)
    with db.connection() as conn, conn.transaction():
        _require(conn, case_id)
        conn.execute(Q["insert_event"], {"case": case_id, "kind": "noted", "actor": author,
                                         "detail": Jsonb({"text": text,
                                                          "for_customer": for_customer}),
                                         "at": datetime.now(UTC)})


def unreachable(db: Any, settings: Any, case_id: int) -> str | None:
    """Why the case's customer cannot hear from us in private (no address, no direct
    message), so a note for them would wait for nothing; None when they can."""
    with db.connection() as conn:
        _require(conn, case_id)
        found = conn.execute(Q["update_candidates_one"], {"id": case_id}).fetchone()
    if policy.private_route(settings, found["email"], found["x_id"]):
        return None
    return (f"case {case_id}'s customer has no private channel (no e-mail address, no "
            f"direct message): the daily update cannot reach them; "
            f"{policy.contact_hint(case_id)}")


_LANGUAGE_NAMES = {"da": "Danish", "sv": "Swedish", "nb": "Norwegian", "en": "English"}


def set_case(db: Any, case_id: int, *, fault: str | None = None, agent: str | None = None,
             incident: str | None = None, gesture: str | None = None,
             third_party: str | None = None, language: str | None = None,
             actor: str = "agent") -> None:
    """Set what the templates need: fault (P5), agent, incident (P6), gesture (P10), the
    language the customer is written to in (P15: the updates, the follow-up). None keeps
    a field; an empty (or blank) text clears it (not the language: one of
    ``render.LANGUAGES``, which then stays whatever the customer writes after)."""
    if fault is not None and fault not in FAULTS:
        raise InputError(f"fault {fault!r} is not one of {', '.join(FAULTS)}")
    if language is not None and language.strip() not in render.LANGUAGES:
        known = ", ".join(f"{c} ({_LANGUAGE_NAMES.get(c, c)})" for c in render.LANGUAGES)
        raise InputError(f"language {language!r} is not one carecase writes in: give one "
                         f"of {known}")
    changes = {k: v.strip() for k, v in (("fault", fault), ("agent", agent),
                                         ("incident", incident), ("gesture", gesture),
                                         ("third_party", third_party),
                                         ("language", language)) if v is not None}
    incident = changes.get("incident")
    if not changes:
        raise InputError("nothing to set: give --fault, --agent, --incident, --gesture, "
                         "--third-party or --language")
    with db.connection() as conn, conn.transaction():
        if language is not None:
            # a batch in progress loaded the case, and would write the language of the
            # customer's message back over the agent's choice: wait for it
            engine.lock(conn)
        _require(conn, case_id)
        if incident:  # a new key is a new incident, named by its key until renamed
            conn.execute(Q["insert_incident"], {"key": incident, "title": incident})
        conn.execute(Q["set_case"], {"id": case_id, **{k: changes.get(k) for k in (
            "fault", "agent", "incident", "gesture", "third_party", "language")}})
        conn.execute(Q["insert_event"], {"case": case_id, "kind": "updated", "actor": actor,
                                         "detail": Jsonb(changes), "at": datetime.now(UTC)})


# The order to read a phone number written without a country code in, by the business's
# language (a leading 0 is Swedish): Danish and Norwegian numbers both have eight digits.
_PHONE_REGIONS = {"da": ["DK", "NO"], "nb": ["NO", "DK"]}


def add_contact(db: Any, case_id: int, *, email: str | None = None,
                phone: str | None = None, language: str = "sv",
                actor: str = "agent") -> list[tuple[str, str]]:
    """Record an e-mail address or phone number the customer gave us (on the phone, in a
    private message carecase does not read) as theirs. The daily updates and the
    follow-up then go to the newest address, and what the customer writes from it
    joins their case. Returns what was added, as (kind, value)."""
    adds: list[tuple[str, str]] = []
    if email is not None:  # "Anna <anna@example.se>", as copied from a mail, is welcome
        address = (parseaddr(email)[1] if "<" in email else email).strip().lower()
        local, at, domain = address.rpartition("@")
        if not (local and at and "." in domain.strip(".")) or any(c.isspace() for c in address):
            raise InputError(f"{email!r} is not an e-mail address")
        adds.append(("email", address))
    if phone is not None:
        number = clues.phone_number(phone, lambda: _PHONE_REGIONS.get(language, ["DK", "NO"]))
        if number is None:
            raise InputError(f"{phone!r} is not a phone number (write it with its country "
                             "code, e.g. +46 70 123 45 67)")
        adds.append(("phone", number))
    if not adds:
        raise InputError("nothing to add: give --email or --phone")
    with db.connection() as conn, conn.transaction():
        # a batch in progress loaded this customer's profile and keys, and would write
        # them back over this change: wait for it
        engine.lock(conn)
        customer = _require(conn, case_id)["customer_id"]
        for kind, value in adds:
            owner = conn.execute(Q["identity_owner"], {"kind": kind, "value": value}).fetchone()
            if owner and owner["customer_id"] != customer:
                where = f"case {owner['case_id']}" if owner["case_id"] else \
                    f"customer {owner['customer_id']}"
                raise InputError(f"{value} is already another customer's ({where}): if they "
                                 f"are one, link the cases (carecase cases link {case_id} "
                                 f"{owner['case_id'] or 'OTHER_CASE'})")
            conn.execute(Q["insert_identity"], {"customer": customer, "kind": kind,
                                                "value": value})
        rebuild_customer(conn, customer, identity.ORDER_PATTERN)
        conn.execute(Q["insert_event"], {"case": case_id, "kind": "contact_added",
                                         "actor": actor, "detail": Jsonb(dict(adds)),
                                         "at": datetime.now(UTC)})
    return adds


def link(db: Any, case_id: int, other_id: int, *, actor: str = "agent") -> None:
    """Merge case ``other_id`` (and its customer) into ``case_id``; undone by ``split``."""
    if case_id == other_id:
        raise InputError("a case cannot be linked to itself")
    with db.connection() as conn, conn.transaction():
        # a batch in progress loaded these customers' profiles and keys, and would write
        # them back over this change: wait for it
        engine.lock(conn)
        keep, gone = _require(conn, case_id), _require(conn, other_id)
        if keep["status"] == "closed" and gone["status"] != "closed":
            # its messages, and the answers queued for them, would go into a case that
            # is over: the customer would get an acknowledgment for a closed case
            raise InputError(f"case {case_id} is closed and case {other_id} is not: link "
                             f"the closed one into the open one (`carecase cases link "
                             f"{other_id} {case_id}`), or reopen it first")
        if (into := conn.execute(Q["linked_into"], {"id": other_id}).fetchone()) is not None:
            raise InputError(f"case {other_id} was linked into case {into['case']} already")
        conn.execute(Q["move_messages"], {"from": other_id, "to": case_id,
                                          "customer": keep["customer_id"]})
        conn.execute(Q["move_outbox"], {"from": other_id, "to": case_id})
        conn.execute(Q["close_linked"], {"id": other_id})
        if keep["customer_id"] != gone["customer_id"]:
            conn.execute(Q["move_identities"], {"from": gone["customer_id"],
                                                "to": keep["customer_id"]})
            for customer in (keep["customer_id"], gone["customer_id"]):
                rebuild_customer(conn, customer, identity.ORDER_PATTERN)
        now = datetime.now(UTC)
        detail = {"from_case": other_id, "from_customer": gone["customer_id"]}
        conn.execute(Q["insert_event"], {"case": case_id, "kind": "linked", "actor": actor,
                                         "detail": Jsonb(detail), "at": now})
        conn.execute(Q["insert_event"], {"case": other_id, "kind": "linked_into",
                                         "actor": actor, "detail": Jsonb({"case": case_id}),
                                         "at": now})


def split(db: Any, case_id: int, message: str, *, actor: str = "agent") -> int:
    """Move a message (``channel:external_id`` or its id) and its author out into a new
    customer and case; the two customers are never merged automatically again."""
    with db.connection() as conn, conn.transaction():
        # a batch in progress loaded these customers' profiles and keys, and would write
        # them back over this change: wait for it
        engine.lock(conn)
        case = _require(conn, case_id)
        row = conn.execute(Q["find_case_message"], {"case": case_id, "ref": message}).fetchone()
        if row is None:
            raise NotFound(f"case {case_id} has no message {message!r}")
        author = row["author"] or {}
        new_customer = conn.execute(Q["new_customer"], {"name": author.get("name")}
                                    ).fetchone()["id"]
        new_case = conn.execute(Q["new_case"], {"customer": new_customer,
                                                "language": row["language"],
                                                "opened_at": row["created_at"]}
                                ).fetchone()["id"]
        conn.execute(Q["move_author_messages"], {"case": case_id, "to_case": new_case,
                                                 "customer": new_customer,
                                                 "channel": row["channel"],
                                                 "author": Jsonb(author), "id": row["id"]})
        conn.execute(Q["move_author_identities"], {"from": case["customer_id"],
                                                   "to": new_customer, "case": new_case})
        a, b = sorted((case["customer_id"], new_customer))
        conn.execute(Q["never_merge"], {"a": a, "b": b})
        for customer in (case["customer_id"], new_customer):
            rebuild_customer(conn, customer, identity.ORDER_PATTERN)
        now = datetime.now(UTC)
        for cid, kind, detail in ((case_id, "split", {"message": message, "to_case": new_case}),
                                  (new_case, "split_from", {"case": case_id})):
            conn.execute(Q["insert_event"], {"case": cid, "kind": kind, "actor": actor,
                                             "detail": Jsonb(detail), "at": now})
    return new_case


def board(db: Any, settings: Any, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """The open-case board: case, customer, channels, age, SLA, incident, what it holds
    that we could not hide (``flagged``: an insult in a review, a card number sent by
    e-mail), last update."""
    now = now or datetime.now(UTC)
    target = timedelta(minutes=settings.care.first_response_minutes)
    with db.connection() as conn:
        rows = conn.execute(Q["board"]).fetchall()
    out = []
    for r in rows:
        answered = r["first_response_at"]
        waited = (answered or now) - r["opened_at"]
        sla = ("breached" if waited > target else "met") if answered or waited > target \
            else "pending"
        out.append({"case": r["id"], "customer": r["name"] or f"customer {r['customer_id']}",
                    "channels": ", ".join(r["channels"] or []), "status": r["status"],
                    "age": _age(now - r["opened_at"]), "sla": sla,
                    "incident": r["incident"] or "",
                    "flagged": ", ".join(r["flagged"] or []),
                    "last_update": local_minute(r["last_update_at"], settings.business.tz)
                    if r["last_update_at"] else "never"})
    return out


def local_minute(at: datetime, tz: tzinfo) -> str:
    """A time as the care team reads it: to the minute, in the business's zone."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 24:
        return f"{hours // 24}d {hours % 24}h"
    return f"{hours}h {delta.seconds // 60 % 60}m"


def _require(conn: Any, case_id: int) -> dict[str, Any]:
    row = conn.execute(Q["get_case"], {"id": case_id}).fetchone()
    if row is None:
        raise NotFound(f"there is no case {case_id}")
    return row


def sla_watch(db: Any, settings: Any, *, now: datetime | None = None) -> Any:
    """Flag open cases past the first-response target (P3), once each."""
    from carecase.report import Report

    now = now or datetime.now(UTC)
    report = Report("sla-watch")
    deadline = now - timedelta(minutes=settings.care.first_response_minutes)
    with db.connection() as conn, conn.transaction():
        for row in conn.execute(Q["sla_breaches"], {"now": now, "deadline": deadline}):
            waited = int((now - row["opened_at"]).total_seconds() // 60)
            conn.execute(Q["insert_event"], {"case": row["id"], "kind": "sla_breached",
                                             "actor": "carecase", "at": now,
                                             "detail": Jsonb({"waited_minutes": waited})})
            report.events.append(("carecase.case.sla-breached", row["id"],
                                  {"waited_minutes": waited}))
            report.add("breached")
    report.add("open", len(board(db, settings, now=now)))
    return report
