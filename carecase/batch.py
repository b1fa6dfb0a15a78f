"""One engine batch's working set: loaded in a few queries, decided in memory, written once.

``load`` fetches, for all the batch's new messages at once, the candidate customers
(through the ``customer_keys`` blocking index) and e-mail thread hits. Messages are then
matched one by one against that in-memory view (so a customer created by the batch's
first message is found by its third); ``load_cases`` then fetches the open or recently
closed cases of the customers they went to, and each message joins or opens its case.
``write`` stores everything with one statement per table, pipelined: one round trip a
batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from carecase import classify, clues, evidence, identity, incidents, policy, render
from carecase.config import Settings
from carecase.model import Author, Case, Classification, Message, Outgoing
from carecase.store import jsonb
from carecase.store.queries import Q

MAX_KEY_FANOUT = 50  # a blocking key shared by more customers is too common to load
# characters: a shorter message ("ok", "Order 40512 ???") says nothing of its author's
# language, nor of their case's
READABLE_FROM = 20


def rules_for(settings: Settings) -> classify.Rules:
    chans = settings.channels
    own = {chans.facebook.page_id, chans.x.user_id, chans.x.username,
           f"@{chans.x.username}" if chans.x.username else ""}
    emails = {settings.business.email.lower(), chans.email.from_address.lower()}
    domains = {e.rpartition("@")[2] for e in emails} | {
        (settings.business.message_id_domain or "").lower()}
    return classify.Rules(
        default_language=settings.business.language,
        own_ids=frozenset(i for i in own if i),
        own_emails=frozenset(emails),
        own_domains=frozenset(d for d in domains if d),
        account_patterns=tuple(settings.care.account_patterns),
        brand=classify.brand_key(settings.business.name),
    )


def _refs(msg: Message) -> list[str]:
    """The e-mail ids a message answers (In-Reply-To, References)."""
    if msg.channel != "email":
        return []
    refs = [r for r in msg.raw.get("references", []) if isinstance(r, str)]
    return [r for r in (msg.parent_id, *reversed(refs)) if r]


class BatchState:
    def __init__(self, settings: Settings, now: datetime) -> None:
        self.settings, self.now = settings, now
        self.rules = rules_for(settings)
        self.pattern = settings.care.order_pattern or identity.ORDER_PATTERN
        self.thresholds = identity.Thresholds(settings.matching.merge_threshold,
                                              settings.matching.suggest_threshold)
        self.directory: identity.Directory  # load() builds it for the batch's keys
        self.key_counts: dict[str, int] = {}
        self.keys: dict[int, list[str]] = {}
        self.traits: dict[int, identity.Traits] = {}
        self.threads: dict[str, tuple[int, int | None]] = {}  # e-mail id -> customer, case
        self._thread_customers: set[int] = set()  # whose stored e-mails the batch answers
        self.names: dict[int, str | None] = {}
        self.languages: dict[int, str | None] = {}
        # customer -> the e-mail address added last, which private messages go to (as
        # the status updates do: queries.sql update_candidates)
        self.emails: dict[int, str] = {}
        self.open: dict[int, Case] = {}  # customer -> open case
        self.recent: dict[int, Case] = {}  # customer -> recently closed case
        self.cases: dict[int, Case] = {}
        self.openings: dict[int, int] = {}  # case -> how many times it was (re)opened
        # private-acknowledgment keys already queued -> the channel each went by
        self.acked: dict[str, str] = {}
        self.dirty_customers: set[int] = set()
        # loaded customer -> whether the current profile_keys wrote its keys
        self.loaded: dict[int, bool] = {}
        # keys in customer_keys for each loaded customer the batch changes; None: written
        # by an older profile_keys, so all of the customer's keys are written again
        self.stored_keys: dict[int, tuple[str, ...] | None] = {}
        self.key_delta: Counter[str] = Counter()  # this batch's change to key_counts
        self.new_cases: set[int] = set()
        # incident -> its cases the batch put there; and (how many, one) in the database
        self.incident_cases: dict[str, set[int]] = {}
        self._incident_stored: dict[str, tuple[int, int | None]] = {}
        self.dirty_cases: set[int] = set()
        self.rows: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("identities", "messages", "events", "evidence", "incidents")}
        self.queued: list[Outgoing] = []
        self._ids: dict[str, list[int]] = {"customers": [], "cases": []}
        self._conn: psycopg.Connection | None = None

    @classmethod
    def load(cls, conn: psycopg.Connection, settings: Settings,
             new: list[tuple[int, Message]], now: datetime,
             keys: dict[int, list[str]] | None = None,
             traits: dict[int, identity.Traits] | None = None) -> BatchState:
        """``keys`` and ``traits``: the messages' blocking keys and traits, when already
        worked out."""
        state = cls(settings, now)
        state._conn = conn
        for mid, msg in new:
            known = state.traits[mid] = (traits[mid] if traits is not None
                                         else identity.traits(msg, state.pattern))
            state.keys[mid] = (keys[mid] if keys is not None
                               else identity.blocking_keys(msg, state.pattern, known))
        # Every key is counted; only the keys that will find candidates (lookup_limit)
        # bring their customers, and only while they are selective: loading a crowd
        # would cost more than it finds. A key one message only counts (#key) may be
        # another's to look up by.
        looked_up = {k for ks in state.keys.values() for k in ks}
        # The directory answers these messages' lookups only (and those of the customers
        # they create or change, by the same keys): it need not index the rest.
        state.directory = identity.Directory(counts=False, only=looked_up)
        wanted: dict[str, int] = {}
        for key in looked_up:
            own = identity.counted_key(key)
            limit = min(MAX_KEY_FANOUT, identity.lookup_limit(key, MAX_KEY_FANOUT))
            wanted[own] = max(limit, wanted.get(own, 0))
        keys = sorted(wanted)
        limits = [wanted[k] for k in keys]
        customers: set[int] = set()
        for r in conn.execute(Q["key_lookup"], {"keys": keys, "limits": limits}):
            state.key_counts[r["key"]] = r["n"]
            customers.update(r["customers"] or ())
        refs = sorted({r for _, m in new for r in _refs(m)})
        for r in conn.execute(Q["thread_hits"], {"ids": refs}) if refs else ():
            state.threads[r["external_id"]] = (r["customer_id"], r["case_id"])
            customers.add(r["customer_id"])
            state._thread_customers.add(r["customer_id"])
        for r in conn.execute(Q["load_customers"], {"ids": sorted(customers)}):
            profile = profile_of(r)
            state.directory.add(profile, stored_lookups(r, profile))
            state.loaded[r["id"]] = (r["profile"] or {}).get("keys") == identity.KEYS_VERSION
            state.names[r["id"]], state.languages[r["id"]] = r["name"], r["language"]
            email = next((v for k, v in r["identities"] or () if k == "email"), None)
            if email:
                state.emails[r["id"]] = email
        return state

    def load_cases(self, conn: psycopg.Connection) -> None:
        """Fetch the open and recently closed cases of the customers the batch's messages
        went to (``customer``), and of the e-mail threads they answer: once all of them
        are matched, since a batch's candidates are many more (seven times at 30k
        messages, when fetching all their cases was the longest query of a batch)."""
        customers = {c for c in self.dirty_customers if c in self.loaded}
        customers |= self._thread_customers
        if not customers:
            return
        since = self.now - timedelta(days=self.settings.care.reopen_within_days)
        for r in conn.execute(Q["load_cases"], {"customers": sorted(customers),
                                                "since": since}):
            self.openings[r["id"]] = r.pop("openings")
            self.acked.update(r.pop("private_acks") or ())
            case = Case(**r)
            self.cases[case.id] = case
            target = self.open if case.status in ("open", "waiting") else self.recent
            target.setdefault(case.customer_id, case)

    def reserve_case_ids(self, wanting: Iterable[int]) -> None:
        """Fetch, in one query, a case number for each of the customers in ``wanting``
        (those with a message that ``wants_case``) who has no open or recently closed
        case to join or reopen: as many as the batch can open, and a few more only
        where a message joins the case of the e-mail thread it answers. Once
        ``load_cases`` has run."""
        if n := len({c for c in wanting if c not in self.open and c not in self.recent}):
            self._ids["cases"] += self._fetch_ids("cases", n)

    # -- deciding --------------------------------------------------------------
    def match(self, message_id: int, msg: Message) -> identity.Decision:
        for ref in _refs(msg):
            if ref in self.threads:
                return identity.Decision("merge", self.threads[ref][0], 1.0,
                                         (f"reply in the e-mail thread of <{ref}>",))
        candidates = self.directory.candidates(self.keys[message_id])
        return identity.decide(msg, candidates, self.thresholds,
                               name_frequency=self.key_count, known=self.traits[message_id])

    def key_count(self, key: str) -> int:
        """How many customers share a key now: the count stored when the batch began,
        plus what the batch's earlier messages changed (a surge within one batch)."""
        return self.key_counts.get(key, 0) + self.key_delta[key]

    def customer(self, message_id: int, msg: Message, decision: identity.Decision) -> int:
        """The customer id the message belongs to (created if new), profile updated."""
        known = self.traits[message_id]
        if decision.action == "merge" and decision.customer_id is not None:
            cid = decision.customer_id
        else:
            cid = self._next_id("customers")
            self.names[cid] = msg.author.name
        base = self.directory.get(cid) or identity.Profile(customer_id=cid)
        keys = self.directory.keys_of(cid)
        if cid in self.loaded and cid not in self.stored_keys:  # its first change
            self.stored_keys[cid] = keys if self.loaded[cid] else None
        before = set(keys)
        self.directory.add(identity.profile_with(base, msg, self.pattern, known))
        after = set(self.directory.keys_of(cid))
        self.key_delta.update(after - before)
        self.key_delta.subtract(before - after)
        self.dirty_customers.add(cid)
        if not self.names.get(cid) and msg.author.name:
            self.names[cid] = msg.author.name
        for kind, value in known.ids:
            self.rows["identities"].append({"customer": cid, "kind": kind, "value": value})
            if kind == "email" and (kind, value) not in base.identities:
                self.emails[cid] = value
        if msg.channel == "email":
            self.threads[msg.external_id] = (cid, None)
        return cid

    def case_for(self, customer: int, msg: Message, cls: Classification,
                 decision: identity.Decision, read: Classification | None = None
                 ) -> tuple[Case | None, str | None]:
        """The case the message joins, reopens or opens (or none: praise, machines).
        ``read``: the message's classification before ``classify.with_language`` (what
        its text told of its language), with which an open case moves to the language
        the customer now writes in (``case_language``); None: it does not move."""
        if cls.machine is None and len(msg.text) >= READABLE_FROM:
            self.languages[customer] = cls.language
        thread_case = next((self.threads[r][1] for r in _refs(msg)
                            if r in self.threads and self.threads[r][1]), None)
        case = self.open.get(customer)
        how = "joined" if case else None
        if case is None and thread_case in self.cases:
            case, how = self.cases[thread_case], "joined"
        thanks = not msg.public and cls.machine is None and cls.kind == "praise"
        if case is None and (wants_case(msg, cls) or (thanks and customer in self.recent)):
            if customer in self.recent and not raises_matter(msg, cls):
                # "Ok", "Tack för hjälpen!" or a thumbs-up after the follow-up: kept with
                # the case, not reopened
                case, how = self.recent[customer], "joined"
            else:
                case, how = self._open(customer, msg, cls)
        if case is not None and msg.channel == "email":
            self.threads[msg.external_id] = (customer, case.id)
        if case is not None and case.incident is None and how in ("opened", "reopened") \
                and cls.kind == "complaint":  # a question about delivery is no incident
            topic = incidents.incident_for(msg.text, msg.created_at, self.settings)
            if topic:
                key, title = topic
                case = replace(case, incident=key)
                self.open[customer] = self.cases[case.id] = case
                self.rows["incidents"].append({"key": key, "title": title})
                self.incident_cases.setdefault(key, set()).add(case.id)
                self.dirty_cases.add(case.id)
        if case is not None and read is not None and \
                (language := case_language(case, read, cls, msg)):
            self.event(case.id, "updated", language_moved(case, language, msg))
            case = replace(case, language=language)
            self.open[case.customer_id] = self.cases[case.id] = case  # an open case
            self.dirty_cases.add(case.id)
        return case, how

    def _open(self, customer: int, msg: Message, cls: Classification) -> tuple[Case, str]:
        """Reopen the customer's recently closed case, else open a new one."""
        case = self.recent.pop(customer, None)
        if case is not None:
            case = replace(case, status="open", closed_at=None)
            self.openings[case.id] = self.openings.get(case.id, 1) + 1
            self.dirty_cases.add(case.id)
            how = "reopened"
        else:
            case = Case(id=self._next_id("cases"), customer_id=customer,
                        language=cls.language, opened_at=min(msg.created_at, self.now))
            self.new_cases.add(case.id)
            self.openings[case.id] = 1
            how = "opened"
        self.open[customer] = self.cases[case.id] = case
        self.event(case.id, how, {"message": f"{msg.channel}:{msg.external_id}"})
        return case, how

    def set_message(self, mid: int, customer: int, case: int | None,
                    cls: Classification) -> None:
        self.rows["messages"].append({
            "id": mid, "customer": customer, "case": case, "language": cls.language,
            "kind": cls.kind, "sentiment": cls.sentiment, "moderation": list(cls.moderation),
            "machine": cls.machine})

    def event(self, case_id: int, kind: str, detail: dict[str, Any],
              actor: str = "carecase") -> None:
        self.rows["events"].append({"case": case_id, "kind": kind, "actor": actor,
                                    "detail": Jsonb(detail), "at": self.now})

    def archive(self, mid: int, case_id: int | None, msg: Message,
                reasons: tuple[str, ...]) -> None:
        record = evidence.record(msg, reasons, self.now)
        self.rows["evidence"].append({"case": case_id, "message": mid, **record,
                                      "raw": Jsonb(record["raw"])})

    def queue(self, out: Outgoing) -> None:
        """Queue ``out``; its wording may be left to render (``write`` does it)."""
        if out.template == "private_ack":
            self.acked[out.key] = out.channel
        self.queued.append(out)

    def private_ack(self, case: Case | None) -> tuple[str | None, str | None]:
        """The key of the case's private acknowledgment for its current opening, and
        the channel it went by when it is already queued ("email" once an e-mail of the
        customer's was answered, ``policy.email_ack_key``)."""
        if case is None:
            return None, None
        key = policy.private_ack_key(case.id, self.openings.get(case.id, 1))
        by = self.acked.get(key)
        if by and by != "email" and policy.email_ack_key(key) in self.acked:
            by = "email"  # an e-mail of theirs was answered since
        return key, by

    def others_affected(self, case: Case | None) -> bool:
        """Whether the case's incident holds another customer's case too (P6): only
        then may its acknowledgment say others are affected."""
        if case is None or case.incident is None:
            return False
        key = case.incident
        if any(c != case.id for c in self.incident_cases.get(key, ())):
            return True
        if key not in self._incident_stored:
            assert self._conn is not None
            row = self._conn.execute(Q["incident_cases"], {"key": key}).fetchone()
            self._incident_stored[key] = (row["n"], row["one"])
        return incident_shared(self._incident_stored[key], case.id)

    def name_of(self, customer: int) -> str | None:
        return self.names.get(customer)

    def email_of(self, customer: int) -> str | None:
        return self.emails.get(customer)

    def _next_id(self, table: str) -> int:
        if not self._ids[table]:
            # customers: one query for the batch (ids are internal, gaps are harmless);
            # cases: reserved for the batch (``reserve_case_ids``), else one at a time,
            # since agents read and type their numbers
            self._ids[table] = self._fetch_ids(
                table, max(len(self.keys), 1) if table == "customers" else 1)
        return self._ids[table].pop(0)

    def _fetch_ids(self, table: str, n: int) -> list[int]:
        assert self._conn is not None
        return [r["id"] for r in self._conn.execute(Q[f"next_{table}_ids"], {"n": n})]

    # -- writing ---------------------------------------------------------------
    def write(self, conn: psycopg.Connection) -> None:
        """Store the batch: one statement per table, each with all its rows, pipelined.
        Each table's rows are built once the statement before has gone to the server,
        so the server writes while the next rows are built; the replies' wording is
        rendered here (``policy.finish``) while it writes the blocking keys, the longest
        of its writes (sending a statement waits for the server to read the one
        before, so there is little else to overlap with). At 10k messages that hid the
        0.85 s of rendering entirely: the write phase took 2.0 s with it, 1.9 s before
        without it."""
        with conn.pipeline(), conn.cursor() as cur:
            for name, rows in self._tables():
                if rows:
                    cur.execute(Q[name], {"rows": Jsonb(rows, dumps=_dumps)})

    def _tables(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        customers = [p for c in sorted(self.dirty_customers) if (p := self.directory.get(c))]
        yield "bulk_upsert_customers", [
            {"id": p.customer_id, "name": self.names.get(p.customer_id),
             "language": self.languages.get(p.customer_id), "profile": _json(p)}
            for p in customers]
        yield "bulk_delete_keys", [
            {"key": k, "customer": p.customer_id} for p in customers
            for k in self._stale_keys(p.customer_id)]
        yield "bulk_delete_all_keys", [
            {"customer": c} for c in sorted(self.dirty_customers)
            if c in self.stored_keys and self.stored_keys[c] is None]
        yield "bulk_insert_keys", [  # the directory indexed each profile by its keys
            {"key": k, "customer": p.customer_id} for p in customers
            for k in self._new_keys(p.customer_id)]
        # the server is busy with the keys, the batch's longest write: render meanwhile
        outbox = [outbox_row(policy.finish(out), self.now) for out in self.queued]
        yield "bulk_insert_identities", self.rows["identities"]
        yield "bulk_insert_incidents", self.rows["incidents"]
        yield "bulk_upsert_cases", [_case_row(self.cases[c])
                                    for c in sorted(self.new_cases | self.dirty_cases)]
        yield "bulk_update_messages", self.rows["messages"]
        yield "bulk_insert_events", self.rows["events"]
        yield "bulk_insert_outbox", outbox
        yield "bulk_insert_evidence", self.rows["evidence"]

    def _stale_keys(self, customer: int) -> list[str]:
        """Stored keys a customer no longer has (a first name by day, an hour, a day)."""
        current = set(self.directory.keys_of(customer))
        return [k for k in self.stored_keys.get(customer) or () if k not in current]

    def _new_keys(self, customer: int) -> list[str]:
        """The customer's keys not stored yet (all of them when written by an older
        profile_keys, or for a new customer)."""
        stored = set(self.stored_keys.get(customer) or ())
        return [k for k in self.directory.keys_of(customer) if k not in stored]


def _dumps(rows: Any) -> bytes | str:
    return jsonb.dumps(rows, _jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Jsonb):  # a jsonb column's value inside a row
        return value.obj
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def outbox_row(out: Outgoing, now: datetime) -> dict[str, Any]:
    return {"key": out.key, "case": out.case_id, "channel": out.channel,
            "action": out.action, "template": out.template, "language": out.language,
            "target": out.target, "recipient": out.recipient, "subject": out.subject,
            "body": out.body, "html": out.html, "headers": Jsonb(out.headers),
            "not_before": out.not_before or now, "after": out.after}


def _case_row(case: Case) -> dict[str, Any]:
    return {"id": case.id, "customer": case.customer_id, "status": case.status,
            "language": case.language, "incident": case.incident,
            "opened_at": case.opened_at, "closed_at": case.closed_at}


def incident_shared(stored: tuple[int, int | None], case_id: int) -> bool:
    """Whether an incident's stored cases, (how many, one of them) as ``incident_cases``
    gives them, include one besides ``case_id``."""
    n, one = stored
    return n > 1 or (n == 1 and one != case_id)


def wants_case(msg: Message, cls: Classification) -> bool:
    """Whether a message opens a case if its author has none to join, when a person (not
    a machine) wrote it: a complaint or a question, anything moderated, and anything
    written to us in private but thanks. An e-mail or a direct message asks for care
    whatever its words ("Please cancel order 123456", a photo with no text); a public
    comment needs words that say so, or a language we cannot read (German), which an
    agent must then read. Spam in public opens none: it is hidden and archived."""
    if cls.machine is not None or (msg.public and set(cls.moderation) == {"spam"}):
        return False  # a spammer is hidden, not cared for (nor counted in an incident)
    return raises_matter(msg, cls) or (
        (not msg.public or classify.unreadable(cls)) and cls.kind != "praise")


def case_language(case: Case, read: Classification, cls: Classification, msg: Message
                  ) -> str | None:
    """The language a customer's message moves their open case to (P15), or None to keep
    the case's: the message's language where its own text tells it (not the author's
    earlier language or the business's default, which a short or unclear text falls back
    to: ``read`` is the classification before ``classify.with_language``, ``cls`` after),
    where it is one we write (not German: an agent reads that) and the case is in
    another. Never once an agent chose the case's language (``cases set --language``)."""
    if case.language_by_agent or case.status not in ("open", "waiting") or \
            cls.machine is not None or len(msg.text) < READABLE_FROM:
        return None
    told = (read.language,) if read.language else read.between
    if cls.language not in render.LANGUAGES or cls.language not in told or \
            case.language in told:  # "Hvor er min pakke?" keeps a Norwegian case
        return None
    return cls.language


def language_moved(case: Case, language: str, msg: Message) -> dict[str, Any]:
    """The detail of the "updated" event of a case ``msg`` moved to ``language``."""
    return {"language": language, "was": case.language,
            "message": f"{msg.channel}:{msg.external_id}",
            "why": f"the customer wrote in {language}"}


def raises_matter(msg: Message, cls: Classification) -> bool:
    """Whether a message raises something to act on (a complaint, a question or request,
    a house-rule breach in public), which a recently closed case is reopened for; a
    person's other private words open a case only when there is none to keep them with."""
    return cls.kind in ("complaint", "question") or (msg.public and bool(cls.moderation))


def profile_of(row: dict[str, Any]) -> identity.Profile:
    """A customer's profile from a ``load_customers`` row."""
    p = row["profile"] or {}
    last = p.get("last_seen")
    texts = tuple(p.get("texts", ()))
    topics, hints = p.get("topics", ()), p.get("hints", ())
    if not len(topics) == len(hints) == len(texts):  # written before they were kept
        topics, hints = identity.read_texts(texts)
    return identity.Profile(
        customer_id=row["id"], names=tuple(p.get("names", ())),
        identities=frozenset((k, v) for k, v in row["identities"] or ()),
        handles=tuple(p.get("handles", ())),
        last_seen=datetime.fromisoformat(last) if last else None,
        texts=texts, never_merge=frozenset(row["never_merge"] or ()),
        text_topics=tuple(map(clues.shared, topics)),
        text_hints=tuple(map(clues.shared, hints)))


def stored_lookups(row: dict[str, Any], profile: identity.Profile) -> tuple[str, ...] | None:
    """The profile's lookup keys as stored with it, while they are what it derives:
    written by this ``profile_keys``, from the identities the customer holds. (A batch
    keeps an order number or a phone that another customer holds in the profile of the
    customer whose message named it; the profile loaded back lacks it.)"""
    p = row["profile"] or {}
    lookups, held = p.get("lookups"), p.get("ids")
    if lookups is None or p.get("keys") != identity.KEYS_VERSION or \
            held != len(profile.identities) or \
            lookups[:held] != identity.identity_keys(profile.identities):
        return None
    return tuple(lookups)


def _json(p: identity.Profile) -> dict[str, Any]:
    topics, hints = identity.text_clues(p)
    return {"names": list(p.names), "handles": list(p.handles), "texts": list(p.texts),
            "topics": [sorted(t) for t in topics], "hints": [sorted(h) for h in hints],
            "last_seen": p.last_seen.isoformat() if p.last_seen else None,
            "keys": identity.KEYS_VERSION, "ids": len(p.identities),
            "lookups": list(identity.profile_lookups(p))}


def message_from_row(row: dict[str, Any]) -> Message:
    """A stored message back as a ``Message`` (for re-runs and profile rebuilds)."""
    a = row.get("author") or {}
    return Message(channel=row["channel"], external_id=row["external_id"], text=row["text"],
                   created_at=row["created_at"],
                   author=Author(**{k: a.get(k) for k in ("id", "name", "handle", "email")}),
                   thread_id=row.get("thread_id"), parent_id=row.get("parent_id"),
                   public=row.get("public", True), url=row.get("url"),
                   rating=row.get("rating"), order_ref=row.get("order_ref"),
                   subject=row.get("subject"), raw=row.get("raw") or {})


def rebuild_customer(conn: psycopg.Connection, customer_id: int, pattern: str) -> None:
    """Derive a customer's profile and blocking keys again from their messages (after an
    agent moved messages between customers)."""
    profile = identity.Profile(customer_id=customer_id)
    for row in conn.execute(Q["customer_messages"], {"id": customer_id}):
        profile = identity.profile_with(profile, message_from_row(row), pattern)
    owned = conn.execute(Q["customer_identities"], {"id": customer_id}).fetchall()
    profile = replace(profile, identities=frozenset((r["kind"], r["value"]) for r in owned))
    conn.execute(Q["set_profile"], {"id": customer_id, "profile": Jsonb(_json(profile)),
                                    "name": profile.names[0] if profile.names else None})
    replace_keys(conn, [profile])


def replace_keys(conn: psycopg.Connection, profiles: list[identity.Profile]) -> None:
    """Replace the stored blocking keys of these customers with their profile_keys."""
    conn.execute(Q["bulk_delete_all_keys"], {"rows": Jsonb(
        [{"customer": p.customer_id} for p in profiles])})
    conn.execute(Q["bulk_insert_keys"], {"rows": Jsonb(
        [{"key": k, "customer": p.customer_id}
         for p in profiles for k in identity.profile_keys(p)])})
