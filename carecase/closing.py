"""Closing a case (P8-P10): a personal follow-up, a public note where it began, closed.

The follow-up is written in the customer's language from ``followup_close``, names what
happened and what was done, mentions a goodwill gesture when there is one, and is signed
by the agent. Never a survey. ``draft_close`` renders it without changing anything, so
an agent can approve or edit it (the close-case flow's approval step).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from psycopg.types.json import Jsonb

from carecase import cases, policy, render
from carecase.batch import outbox_row
from carecase.config import Settings
from carecase.errors import InputError
from carecase.model import Case, Outgoing
from carecase.report import Report
from carecase.store.queries import Q


@dataclass(frozen=True)
class Draft:
    case_id: int
    language: str
    subject: str
    text: str
    recipient: str | None


def private_message(settings: Settings, case: Case, template: str, lang: str,
                    ctx: dict[str, Any], *, key: str, email: str | None,
                    x_id: str | None, text: str | None = None) -> Outgoing | None:
    """A message on the customer's private channel: e-mail, else an X direct message."""
    route = policy.private_route(settings, email, x_id)
    if route == "email":
        rendered = render.render(template, lang, html=text is None, **{**ctx, "emailed": True})
        return Outgoing(key=key, channel="email", action="send", body=text or rendered.text,
                        html=rendered.html if text is None else None,
                        subject=rendered.subject, recipient=email, case_id=case.id,
                        template=template, language=lang)
    if route == "x":
        body = text or render.render(template, lang, **{**ctx, "via": "dm"}).text
        return Outgoing(key=key, channel="x", action="send", body=body, recipient=x_id,
                        case_id=case.id, template=template, language=lang)
    return None


def _load(conn: Any, case_id: int) -> tuple[Case, dict[str, Any]]:
    row = conn.execute(Q["update_candidates_one"], {"id": case_id}).fetchone()
    if row is None:
        raise InputError(f"there is no case {case_id}")
    case = Case(**{k: row[k] for k in Case.__dataclass_fields__ if k in row})
    return case, row


def _prepare(conn: Any, settings: Settings, case_id: int, *, agent: str, happened: str,
             done: str, fault: str | None, gesture: str | None, note: str | None
             ) -> tuple[Case, dict[str, Any], str, dict[str, Any]]:
    case, row = _load(conn, case_id)
    if case.status == "closed":
        raise InputError(f"case {case_id} is already closed")
    case = replace(case, agent=agent, fault=fault or case.fault,
                   gesture=gesture if gesture is not None else case.gesture)
    lang = case.language if case.language in render.LANGUAGES else settings.business.language
    ctx = policy.context(settings, case=case, customer_name=row["name"], channel="email",
                         now=datetime.now(UTC), happened=happened, done=done, note=note)
    return case, row, lang, ctx


def _require_story(*, happened: str, done: str) -> None:
    """P8: the follow-up refers to what happened and what was done; blank says neither."""
    for what, value in (("what happened", happened), ("what was done", done)):
        if not value.strip():
            raise InputError(f"say {what}: the follow-up tells the customer")


def _refuse_numbers(*, happened: str, done: str, note: str | None,
                    text: str | None = None) -> None:
    for what, value in (("'what happened'", happened), ("'what was done'", done),
                        ("note", note), ("edited follow-up", text)):
        cases.refuse_card_and_id_numbers(what, value)


def draft_close(db: Any, settings: Settings, case_id: int, *, agent: str, happened: str,
                done: str, fault: str | None = None, gesture: str | None = None,
                note: str | None = None) -> Draft:
    """The personal follow-up as it would be sent, changing nothing."""
    _require_story(happened=happened, done=done)
    _refuse_numbers(happened=happened, done=done, note=note)
    with db.connection() as conn:
        case, row, lang, ctx = _prepare(conn, settings, case_id, agent=agent,
                                        happened=happened, done=done, fault=fault,
                                        gesture=gesture, note=note)
    # as close_case will send it: by e-mail, else as an X direct message ("reply to this
    # message", not "to this e-mail")
    out = private_message(settings, case, "followup_close", lang, ctx, key="draft",
                          email=row["email"], x_id=row["x_id"])
    if out is None:  # no private channel: the words, for an agent to pass on
        rendered = render.render("followup_close", lang, **{**ctx, "emailed": True})
        return Draft(case_id, lang, rendered.subject or "", rendered.text, None)
    return Draft(case_id, lang, out.subject or "", out.body, out.recipient)


def close_case(db: Any, settings: Settings, case_id: int, *, agent: str, happened: str,
               done: str, fault: str | None = None, gesture: str | None = None,
               note: str | None = None, text: str | None = None) -> Report:
    """Queue the follow-up and the public notes, then close the case (one transaction)."""
    if not agent.strip():
        raise InputError("the agent's name is needed: the follow-up is signed by them")
    _require_story(happened=happened, done=done)
    _refuse_numbers(happened=happened, done=done, note=note, text=text)
    with db.connection() as conn:  # refused before anything is changed
        if _load(conn, case_id)[0].status == "closed":
            raise InputError(f"case {case_id} is already closed")
    cases.set_case(db, case_id, fault=fault, agent=agent, gesture=gesture, actor=agent)
    report = Report(f"close-case-{case_id}")
    now = datetime.now(UTC)
    with db.connection() as conn, conn.transaction():
        case, row, lang, ctx = _prepare(conn, settings, case_id, agent=agent,
                                        happened=happened, done=done, fault=fault,
                                        gesture=gesture, note=note)
        round_ = conn.execute(Q["count_events"], {"case": case_id, "kind": "closed"}
                              ).fetchone()["n"]
        out = private_message(settings, case, "followup_close", lang, ctx,
                              key=f"followup:{case_id}:{round_}", email=row["email"],
                              x_id=row["x_id"], text=text)
        queued = [out] if out else []
        if out is None:
            report.details.append("no private channel: the follow-up could not be sent")
        public = render.render("public_resolution", lang, **ctx).text
        for t in conn.execute(Q["case_public_threads"], {"case": case_id}).fetchall():
            if t["channel"] in policy.REPLYABLE:
                # on X to the author's @handle and within 280 characters, like every reply
                # (two people's identical notes would be refused as a duplicate post)
                body = policy.fit_for_x(public, t["handle"]) if t["channel"] == "x" else public
                queued.append(Outgoing(
                    key=f"resolution:{case_id}:{round_}:{t['channel']}:{t['thread']}",
                    channel=t["channel"], action="reply", body=body, case_id=case_id,
                    template="public_resolution", language=lang, target=t["external_id"]))
        for item in queued:
            conn.execute(Q["insert_outbox"], outbox_row(item, now))
        # daily updates and an acknowledgment not sent yet would arrive after the follow-up
        cancelled = conn.execute(Q["cancel_on_close"], {"case": case_id}).fetchall()
        conn.execute(Q["close_case"], {"id": case_id, "now": now})
        conn.execute(Q["insert_event"], {
            "case": case_id, "kind": "closed", "actor": agent, "at": now,
            "detail": Jsonb({"happened": happened, "done": done, "fault": case.fault,
                             "gesture": case.gesture, "followup": bool(out),
                             "public_notes": len(queued) - bool(out),
                             "cancelled": [r["key"] for r in cancelled]})})
    report.add("followups", int(out is not None))
    report.add("public_notes", len(queued) - int(out is not None))
    if cancelled:
        report.add("cancelled", len(cancelled))
    report.events.append(("carecase.case.closed", case_id, {"agent": agent}))
    return report
