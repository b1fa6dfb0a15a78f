"""Who is this? Match a message's author to a known customer, with a score and evidence (P14).

An exact key shared with a customer decides: the same channel account or e-mail address
merges outright; the same order number or phone merges unless the names clearly differ
(a household shares orders). Otherwise independent evidence is summed as log-odds:

* identifying: how well the names agree (full name, initial + surname, first name +
  initial, a handle that spells the name, a first name) and how rare the name is among
  the customers (``name_frequency``); a bare first name is counted among those who
  wrote today or yesterday;
* context: written hours apart, about the same matter (``clues.topics``), "I also wrote
  on Facebook" to a customer who did, a first message on a channel the customer had not
  used; against: a second account on the same channel, a different matter the same week,
  weeks apart.

A merge needs identifying evidence of its own: topic and time never link people whose
names don't agree, and a name shared by many plus context stays a suggestion. In a surge
(many more customers than usual writing in the last hours, counted through hour and day
keys) time and topic say little: near-identical complaints from people who share only a
first name or a common name stay apart, and a name that identifies well keeps half of
what they say.
Pure: no I/O. ``Directory`` is the in-memory candidate index.
"""

from __future__ import annotations

import heapq
import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Literal

from carecase import clues, names
from carecase.clues import (  # re-exported: callers import them from here
    ORDER_PATTERN,
    channel_hints,
    crowd,
    normalise_order,
    order_refs,
    phones,
)
from carecase.model import Author, Message
from carecase.names import NameForm

__all__ = ["ORDER_PATTERN", "Decision", "Directory", "Profile", "Thresholds", "Traits",
           "blocking_keys", "channel_hints", "crowd", "decide", "email_of", "identities_of",
           "identity_keys", "message_forms", "normalise_order", "order_refs", "phones",
           "profile_keys", "profile_lookups", "profile_with", "read_texts", "text_clues",
           "traits"]

DECISIVE = frozenset({"email", "facebook", "x", "trustpilot", "google"})
BIAS = -1.4  # log-odds before evidence: a name alone lands in "suggest", not "merge"
# A second account on the same channel speaks against: people rarely have two, and one
# writing again mostly writes from the address they used before.
OTHER_ACCOUNT = {"facebook": -3.0, "x": -2.0, "trustpilot": -2.0, "email": -2.3}
MAX_KEYS = 12
# Bump when profile_keys derives other keys from the same profile: opening the database
# writes every customer's keys anew (engine.reindex_keys), and the engine does it for a
# customer it touches before that.
KEYS_VERSION = 3
UNIQUE = 0.3  # no other customer has the name
COMMON = 0.65  # times log(customers sharing the name)
MAX_NAMES, MAX_TEXTS = 8, 5
# Identifying evidence (how well the names agree, how rare the name is) a merge needs
# before the context (time, topic, channel mentions) may add to it: they never link alone.
# A strong name (names.STRONG) may be shared by up to about ten customers (2.4 - 0.65 ln
# 10); a first name + initial by one other customer (1.0 - 0.65 ln 2), a bare first name
# by nobody else who wrote in the last two days (0.6 + 0.3); a surname alone, initials
# or a word handle never decide. The others who share the name are candidates too: one
# that fits about as well sends the message to an agent.
IDENTIFYING_STRONG, IDENTIFYING_WEAK = 0.85, 0.5
SAYS_WROTE_THERE = 1.5  # "I also wrote on Facebook" to a customer who did
MENTIONS_A_CHANNEL = 0.3  # ... on a channel the customer has not used (yet)
NEW_CHANNEL = 0.3  # the same matter told on a channel the customer had not used yet
SURGE = 3.0  # this many times the usual share is a surge; less is an ordinary busy spell
# How much of a surge's discount on time and topic a name that identifies well takes
# (a full name, or a first name + initial nobody else has: identifying evidence of at
# least SURGE_IDENTIFYING): a crowd of near-identical complaints is rarely two people of
# one such name, so it keeps half the weight of the hour and the matter. A first name,
# or a name many share, takes all of it.
SURGE_IDENTIFYING, SURGE_KEEPS = 1.5, 0.5
CLEARLY_BETTER = 0.3  # log-odds by which the best fitting customer must beat the next
MAX_FIRST_POSTINGS = 5  # a first name by day finds candidates only while it is rare
_KEY_LABEL = {"email": "e-mail", "order_ref": "order number", "phone": "phone"}


def email_of(msg: Message) -> str | None:
    """The e-mail address a message came from (or its author gave), lower-cased."""
    return _address(msg.channel, msg.author)


def _address(channel: str, author: Author) -> str | None:
    if author.email and "@" in author.email:
        return author.email.strip().lower()
    if channel == "email" and author.id and "@" in author.id:
        return author.id.strip().lower()
    return None


def identities_of(msg: Message, order_pattern: str = ORDER_PATTERN) -> list[tuple[str, str]]:
    """The exact identity keys a message proves, as (kind, value)."""
    channel, author, text = msg.channel, msg.author, msg.text
    email = _address(channel, author)
    out = [("email", email)] if email else []
    if channel in DECISIVE - {"email"} and author.id:
        out.append((channel, str(author.id)))
    if channel == "x" and author.handle:
        out.append(("x", "@" + author.handle.lstrip("@").lower()))
    refs = [normalise_order(msg.order_ref)] if msg.order_ref else []
    out += [("order_ref", r) for r in refs + order_refs(text, order_pattern)]
    signed = names.signature(text)[2] if channel == "email" else None
    out += [("phone", p) for p in phones(text, email, signed)]
    return list(dict.fromkeys(out))


def _describe_key(kind: str, value: str) -> str:
    return f"same {_KEY_LABEL.get(kind, kind + ' account')} {value}"


def _firsts(forms: Iterable[NameForm]) -> list[str]:
    return [f for form in forms for f in names.first_names(form)]


@dataclass(frozen=True)
class Profile:
    """What we know of an existing customer, for scoring."""

    customer_id: int
    names: tuple[str, ...] = ()
    identities: frozenset[tuple[str, str]] = frozenset()
    handles: tuple[str, ...] = ()
    last_seen: datetime | None = None
    texts: tuple[str, ...] = ()
    never_merge: frozenset[int] = frozenset()
    # What each of ``texts`` is about and which channels it mentions (clues.topics,
    # clues.channel_hints), kept with the texts so that scoring a candidate need not read
    # them again; empty when not known: ``text_clues`` then derives them. Derived from
    # the texts, so not compared.
    text_topics: tuple[frozenset[str], ...] = field(default=(), compare=False)
    text_hints: tuple[frozenset[str], ...] = field(default=(), compare=False)

    @cached_property
    def forms(self) -> tuple[NameForm, ...]:
        """Every way the customer has been named: worked out when first asked, since a
        candidate is scored against many of a batch's messages."""
        return _named(self.identities, self.names, self.handles)


def text_clues(profile: Profile) -> tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...]]:
    """The topics and the channel mentions of each of the profile's recent texts."""
    if len(profile.text_topics) == len(profile.text_hints) == len(profile.texts):
        return profile.text_topics, profile.text_hints
    return read_texts(profile.texts)


def read_texts(texts: Iterable[str]) -> tuple[tuple[frozenset[str], ...],
                                              tuple[frozenset[str], ...]]:
    """The topics and the channel mentions of each of ``texts``."""
    texts = tuple(texts)
    return tuple(map(clues.topics, texts)), tuple(map(clues.channel_hints, texts))


@dataclass(frozen=True)
class Decision:
    """Merge into, suggest, or open a new customer; ``evidence`` says why, for the audit log."""

    action: Literal["merge", "suggest", "new"]
    customer_id: int | None
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Thresholds:
    merge: float = 0.9
    suggest: float = 0.6


@dataclass(frozen=True, slots=True)
class Traits:
    """What matching reads of a message alone, worked out once a message (``traits``):
    an import does it in the worker process that prepares each batch, so the engine's
    serialised section only reads it. ``kept_*`` are of the text a profile keeps (its
    first ``clues.SHORT_TEXT`` characters)."""

    ids: tuple[tuple[str, str], ...]  # identities_of
    forms: tuple[NameForm, ...]  # message_forms
    names: tuple[str, ...]  # the names and handles a profile keeps (display name, signature)
    handles: tuple[str, ...]
    hints: frozenset[str]  # clues.channel_hints of the text
    topics: frozenset[str]  # clues.topics of the text
    topic_text: str  # clues.topic_text of the text
    kept_hints: frozenset[str]
    kept_topics: frozenset[str]


def traits(msg: Message, order_pattern: str = ORDER_PATTERN) -> Traits:
    """The message's ``Traits``."""
    text = msg.text or ""
    hints, topics = clues.channel_hints(text), clues.topics(text)
    kept = text[:clues.SHORT_TEXT]
    if kept != text:
        hints_kept, topics_kept = clues.channel_hints(kept), clues.topics(kept)
    else:
        hints_kept, topics_kept = hints, topics
    author = msg.author
    seen = [author.name] if names.parse_name(author.name) else []
    handles = [f"@{author.handle.lstrip('@')}"] if author.handle else []
    if msg.channel == "email":
        sig_names, sig_handles, _ = names.signature(text)
        seen += sig_names
        handles += [f"@{h}" for h in sig_handles]
    return Traits(tuple(identities_of(msg, order_pattern)), tuple(message_forms(msg)),
                  tuple(seen), tuple(handles), hints, topics, clues.topic_text(text),
                  hints_kept, topics_kept)


def message_forms(msg: Message) -> list[NameForm]:
    """Every way the message names its author: display name, handle, address, signature."""
    author = msg.author
    forms = [names.parse_name(author.name), names.parse_handle(author.handle)]
    email = email_of(msg)
    if email:
        forms.append(names.parse_handle(email, "e-mail"))
    if msg.channel == "email":
        sig_names, sig_handles, _ = names.signature(msg.text)
        forms += [names.parse_name(n, "signature") for n in sig_names]
        forms += [names.parse_handle(h) for h in sig_handles]
    return [f for f in dict.fromkeys(forms) if f]


def _named(identities: frozenset[tuple[str, str]], names_: tuple[str, ...],
           handles: tuple[str, ...]) -> tuple[NameForm, ...]:
    """Every way a customer has been named: names, handles and e-mail addresses."""
    emails = tuple(sorted(v for k, v in identities if k == "email"))
    return _forms(names_, handles, emails)


@lru_cache(maxsize=1 << 13)  # a customer changed by a batch is loaded by the next ones
def _forms(names_: tuple[str, ...], handles: tuple[str, ...],
           emails: tuple[str, ...]) -> tuple[NameForm, ...]:
    forms = [names.parse_name(n) for n in names_]
    forms += [names.parse_handle(h) for h in handles]
    forms += [names.parse_handle(v, "e-mail") for v in emails]
    return tuple(f for f in dict.fromkeys(forms) if f)


def _tier(key: str) -> int:
    """Selectivity rank of a name key: full name first, bare surname last."""
    key = key.lstrip("~")
    if key.startswith(("h:", "s:")):
        return 1
    parts = key[2:].split("+")
    if len(parts) == 1:
        return 4
    return 0 if min(map(len, parts)) > 1 else 2 if len(parts[0]) == 1 else 3


def blocking_keys(msg: Message, order_pattern: str = ORDER_PATTERN,
                  known: Traits | None = None) -> list[str]:
    """Keys to look candidates up by: every identity, the most selective name keys, the
    author's first names by day; then the keys only counted (``lookup_limit``): a full
    name's wide keys (#), whose counts say how common the name is when it agrees with
    an initial, and the hour and day keys, whose counts say how busy the last hours
    were (both through ``name_frequency``, never used to find candidates)."""
    ids, forms = (known.ids, known.forms) if known else \
        (identities_of(msg, order_pattern), message_forms(msg))
    idents = [f"{k}:{v}" for k, v in ids]
    keyed = dict.fromkeys(k for f in forms for k in names.lookup_keys(f))
    counted = [k for k in keyed if k.startswith("#")]
    ranked = sorted((k for k in keyed if not k.startswith("#")), key=_tier)
    picked = idents + [k for k in ranked if k not in idents][: max(0, MAX_KEYS - len(idents))]
    hours, days = clues.window_keys(msg.created_at)
    firsts = clues.first_name_keys(_firsts(forms), msg.created_at, (0, 1))
    return [*picked, *firsts, *counted, *hours, *days]


def profile_keys(profile: Profile) -> list[str]:
    """Keys to index a customer under, so a later message's blocking keys find it."""
    return list(_keys_and_lookups(profile)[0])


def profile_lookups(profile: Profile) -> tuple[str, ...]:
    """The profile_keys that may find candidates (``lookup_limit``): the customer's
    identity keys first, in order, then its name, handle and first-name-by-day keys."""
    return _keys_and_lookups(profile)[1]


def _keys_and_lookups(profile: Profile) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _profile_keys(profile.identities, profile.names, profile.handles,
                         profile.last_seen)


def identity_keys(identities: Iterable[tuple[str, str]]) -> list[str]:
    """The keys of a customer's identities, as profile_keys and profile_lookups begin."""
    return [f"{k}:{v}" for k, v in sorted(identities)]


# Keyed by what the keys derive from. A loaded customer is indexed by the lookup keys
# stored with it (batch.stored_lookups), so this derives the keys of the customers a
# batch changes (before and after), which are mostly new each time, and of the few
# whose stored keys do not hold: a small table does (16k entries weighed 24-30 MB).
@lru_cache(maxsize=1 << 12)
def _profile_keys(identities: frozenset[tuple[str, str]], names_: tuple[str, ...],
                  handles: tuple[str, ...], last_seen: datetime | None
                  ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """All the keys, and those of them that may find candidates (``lookup_limit``)."""
    keys = identity_keys(identities)
    forms = _named(identities, names_, handles)
    keys += [k for f in forms for k in names.name_keys(f)]
    if last_seen is not None:
        keys += clues.first_name_keys(_firsts(forms), last_seen, (0,))
        keys += clues.activity_keys(last_seen)
    unique = tuple(dict.fromkeys(keys))
    return unique, tuple(k for k in unique if lookup_limit(k, 1))


def profile_with(profile: Profile, msg: Message, order_pattern: str = ORDER_PATTERN,
                 known: Traits | None = None) -> Profile:
    """The profile updated with what this message shows of its author (``known``: the
    message's ``traits``, when worked out already)."""
    known = known or traits(msg, order_pattern)
    last = profile.last_seen
    if last is None or clues.hours_apart(msg.created_at, last, signed=True) > 0:
        last = msg.created_at
    text = msg.text[:clues.SHORT_TEXT]
    topics, hints = text_clues(profile)
    return replace(
        profile,
        names=tuple(dict.fromkeys(profile.names + known.names))[:MAX_NAMES],
        handles=tuple(dict.fromkeys(profile.handles + known.handles))[:MAX_NAMES],
        identities=profile.identities | frozenset(known.ids),
        last_seen=last,
        texts=(*profile.texts, text)[-MAX_TEXTS:],
        text_topics=(*topics, clues.shared(known.kept_topics))[-MAX_TEXTS:],
        text_hints=(*hints, clues.shared(known.kept_hints))[-MAX_TEXTS:],
    )


@dataclass
class _Assessment:
    profile: Profile
    score: float
    evidence: tuple[str, ...]
    exact: int = 0  # 3 own account, 2 other decisive key, 1 order/phone, 0 none


@dataclass
class _NameMatch:
    weight: float = 0.0
    kind: str = ""
    notes: tuple[str, ...] = ()
    rarity: str | None = None  # the key whose customer count says how common the name is
    pair: tuple[NameForm, NameForm] | None = None  # the best agreeing forms
    conflict: bool = False

    @property
    def first(self) -> str | None:
        """The agreeing first name (canonical), for counting who of it wrote lately."""
        a, b = self.pair or (NameForm(), NameForm())
        return next(iter(names.first_names(a) or names.first_names(b)), None)


def _names(forms: list[NameForm], profile: Profile) -> _NameMatch:
    """How well the names agree.

    The best pair counts fully; a second agreement between other forms (display name
    and handle chosen separately) adds half, up to a full-name match: "Andreas L." plus
    "@alie" says about as much as "Andreas Lie".
    """
    pairs, conflict, named_conflict = [], False, False
    theirs = profile.forms
    for a in forms:
        for b in theirs:
            kind = names.compare(a, b)
            if kind is None:
                conflict = True
                named_conflict |= a.says_name and b.says_name
            elif kind:
                pairs.append((names.WEIGHTS[kind], kind, a, b))
    if not pairs:
        return _NameMatch(conflict=conflict)
    pairs.sort(key=lambda p: -p[0])
    weight, kind, a, b = pairs[0]
    notes = [f"{names.describe(a)} ~ {names.describe(b)} ({kind})"]
    other = next((p for p in pairs[1:] if p[1] != kind), None)
    top = max(names.WEIGHTS.values())
    if other and weight < top:
        weight = min(top, weight + other[0] / 2)
        notes.append(f"{names.describe(other[2])} ~ {names.describe(other[3])} ({other[1]})")
    strong = kind in names.STRONG or weight >= names.WEIGHTS["full name, misspelt"]
    if named_conflict and not (a.says_name and b.says_name):
        strong = False  # "Tone Johansen" vs "Trond Johansen" outweighs an address "tjohansen"
    return _NameMatch(weight, kind, tuple(notes), names.rarity_key(kind, a, b), (a, b),
                      conflict and not strong)


def _rarity(match: _NameMatch, msg: Message, freq: Callable[[str], int] | None
            ) -> tuple[float, str | None]:
    """Log-odds from how many customers share the agreeing name: a name only this
    customer has says more; a bare first name counts among those who wrote lately."""
    if freq is None:  # unknown: as if a few shared it, so a weak name cannot decide
        return -COMMON * math.log(3), "how common the name is is unknown"
    if match.rarity:
        count, what = freq(match.rarity), "name"
    elif match.kind == "first name" and (first := match.first):
        count = sum(map(freq, clues.first_name_keys([first], msg.created_at, (0, 1))))
        what = "first name among those who wrote in the last two days"
    else:
        return 0.0, None
    weight = UNIQUE if count <= 1 else -COMMON * math.log(count)
    if match.kind == "first name + initial" and match.rarity and count <= 1:
        weight += 0.6  # "Katherine T." and no other Katherine T-anything: near a full name
    return weight, (f"no other customer has this {what}" if count <= 1 else
                    f"{what} shared by {count} customers")


def _assess(msg: Message, known: Traits, ids: set, profile: Profile,
            freq: Callable[[str], int] | None, thresholds: Thresholds,
            busy: float = 1.0) -> _Assessment | None:
    match = _names(known.forms, profile)
    shared = sorted(ids & profile.identities)
    if shared:
        why = tuple(_describe_key(k, v) for k, v in shared) + match.notes
        if any(k in DECISIVE for k, _ in shared):
            # The account the message was written from outranks an address it quotes.
            own = any(k == msg.channel for k, _ in shared)
            return _Assessment(profile, 1.0, why, 3 if own else 2)
        if match.conflict:  # same order or phone, clearly another person: a household
            # Ranked by score, not as a tie: the author's own earlier message may fit better.
            return _Assessment(profile, (thresholds.merge + thresholds.suggest) / 2,
                               (*why, "but the names differ"))
        return _Assessment(profile, 0.97, why, 1)
    if match.conflict or not match.weight:
        return None  # topic and time never link people whose names don't agree
    # Identifying evidence: the name and how rare it is.
    rare, rare_note = _rarity(match, msg, freq)
    identifying, why = match.weight + rare, [*match.notes, rare_note]
    channels = _channels(profile)
    said = known.hints - {msg.channel}  # the channels it says its author also wrote on
    their_topics, their_hints = text_clues(profile)
    # Context: "I also wrote on Facebook", written soon after, about the same matter, on a
    # channel not used before. None of it tells namesakes apart, so it comes on top.
    context = 0.0
    if said & channels:
        context += SAYS_WROTE_THERE
        why.append(f"says they also wrote on {', '.join(sorted(said & channels))}")
    elif said or any(msg.channel in h for h in their_hints):
        context += MENTIONS_A_CHANNEL
        why.append("mentions writing on another channel")
    hours = clues.hours_apart(msg.created_at, profile.last_seen) if profile.last_seen else None
    soon, soon_note = clues.time_apart(hours) if hours is not None else (0.0, None)
    matter, matter_note = clues.matter(msg.text, profile.texts, hours,
                                       frozenset().union(*their_topics),
                                       (known.topic_text, known.topics))
    why += [soon_note, matter_note]
    if busy >= SURGE and hours is not None and hours <= 24 and (soon > 0 or matter > 0):
        # In a surge, others wrote just as recently about just the same: both say less
        # (a different matter still speaks against as much as ever).
        cut = math.log(busy) * (SURGE_KEEPS if identifying >= SURGE_IDENTIFYING else 1.0)
        soon, matter = (max(0.0, w - cut) if w > 0 else w for w in (soon, matter))
        why.append(f"{busy:.1f}x the usual share of customers wrote in the last "
                   f"{clues.WINDOW_HOURS} h")
    context += soon + matter
    theirs = {v for k, v in profile.identities if k == msg.channel}
    mine = {v for k, v in ids if k == msg.channel}
    if mine and theirs and not mine & theirs:
        context += OTHER_ACCOUNT.get(msg.channel, 0.0)
        why.append(f"has another {msg.channel} account")
    elif msg.channel not in channels:
        context += NEW_CHANNEL
        why.append(f"first message on {msg.channel}")
    score = 1 / (1 + math.exp(-(BIAS + identifying + context)))
    floor = IDENTIFYING_STRONG if match.kind in names.STRONG else IDENTIFYING_WEAK
    if identifying < floor:  # a name many share can point, never decide
        score = min(score, thresholds.merge - 0.01)
    return _Assessment(profile, round(score, 4), tuple(w for w in why if w))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _channels(profile: Profile) -> set[str]:
    return {k for k, _ in profile.identities if k in DECISIVE}


def decide(msg: Message, candidates: Iterable[Profile], thresholds: Thresholds = Thresholds(),
           name_frequency: Callable[[str], int] | None = None,
           order_pattern: str = ORDER_PATTERN, known: Traits | None = None) -> Decision:
    """Merge the message's author into a candidate, suggest one to an agent, or say new.

    ``name_frequency(key)`` is how many customers share a key (Directory.name_count
    or the database's count) of those ``blocking_keys`` gives: common names then count
    less, and in a surge (many more customers than usual writing in the last hours) time
    and topic count less. ``known``: the message's ``traits``, when worked out already.
    """
    known = known or traits(msg, order_pattern)
    ids = set(known.ids)
    candidates = list(candidates)
    # The account it was written from outranks everything: its id before an X handle (a
    # handle can change hands), as identities_of orders them.
    own = [(k, v) for k, v in known.ids if k == msg.channel]
    owner = next((p for key in own for p in candidates if key in p.identities), None)
    if owner is not None:
        candidates = [owner]
    busy = clues.crowd(msg.created_at, name_frequency) if candidates else 1.0
    found = [a for p in candidates
             if (a := _assess(msg, known, ids, p, name_frequency, thresholds, busy))]
    found.sort(key=lambda a: (-a.exact, -a.score, a.profile.customer_id))
    if found and found[0].exact:
        # Customers an agent split from the one the message is tied to are out entirely.
        barred = found[0].profile.never_merge
        found = [a for a in found if a.profile.customer_id not in barred]
    if not found:
        return Decision("new", None, 0.0, ())
    best = found[0]
    action = ("merge" if best.score >= thresholds.merge else
              "suggest" if best.score >= thresholds.suggest else "new")
    why = best.evidence
    if action == "merge" and not best.exact and len(found) > 1 and \
            found[1].score >= thresholds.merge and \
            _logit(best.score) - _logit(found[1].score) < CLEARLY_BETTER:
        action = "suggest"  # two customers fit about as well: an agent must choose
        why += (f"customer {found[1].profile.customer_id} fits as well",)
    return Decision(action, best.profile.customer_id if action != "new" else None,
                    best.score, why)


def lookup_limit(key: str, max_postings: int) -> int:
    """How many customers may share ``key`` for it still to find candidates: none for
    the keys only counted (#, hour and day keys) and for a bare surname (a surname
    alone never decides, and it found two thirds of all candidates), a few for a first
    name by day, ``max_postings`` for the other name and handle keys; identities
    (e-mail, account, order, phone) always find theirs."""
    if key.startswith(("#", "a:", "d:")) or (key.startswith("n:") and "+" not in key):
        return 0
    if key.startswith("f:"):
        return MAX_FIRST_POSTINGS
    if key.startswith(("n:", "h:", "s:", "~")):
        return max_postings
    return sys.maxsize


def counted_key(key: str) -> str:
    """The key whose customers a blocking key counts: itself, or a #key's own key."""
    return key[1:] if key.startswith("#") else key


class Directory:
    """In-memory candidate index: the engine loads one per batch, the benches use it for everything.

    Keys shared by more than ``max_postings`` customers (a bare common surname) are
    skipped on lookup like a search engine's stop words; the other keys carry the match.
    A first name by day finds candidates only while few share it; hour and day keys
    (activity) are only counted.
    """

    def __init__(self, max_postings: int = 500, *, counts: bool = True,
                 only: set[str] | frozenset[str] | None = None) -> None:
        """``counts=False``: keys that only count (hour, day, bare surname) are not
        indexed, so ``name_count`` cannot answer for them; for the engine, which counts
        in the database and indexes thousands of candidates a batch. ``only``: index
        these keys alone, the ones ``candidates`` will be asked for (a batch's messages'
        keys: about a quarter of its candidates' keys)."""
        self.max_postings = max_postings
        self._counts = counts
        self._only = only
        self._profiles: dict[int, Profile] = {}
        self._keys: dict[int, tuple[str, ...]] = {}  # derived when first asked for
        self._indexed: dict[int, tuple[str, ...]] = {}
        self._index: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._profiles)

    def add(self, profile: Profile, lookups: tuple[str, ...] | None = None) -> None:
        """Index (or re-index) a profile under its profile_keys. ``lookups``: its
        ``profile_lookups`` when already known (stored with the customer), which is all
        a directory without counts indexes; its other keys are then derived only if
        ``keys_of`` asks."""
        cid, index = profile.customer_id, self._index
        for key in self._indexed.get(cid, ()):
            if (ids := index.get(key)) is not None:
                ids.discard(cid)
        if lookups is None or self._counts:
            self._keys[cid], lookups = _keys_and_lookups(profile)
        else:
            self._keys.pop(cid, None)
        indexed = self._keys[cid] if self._counts else lookups
        if self._only is not None:
            indexed = tuple(self._only.intersection(indexed))
        for key in indexed:
            if (ids := index.get(key)) is None:
                index[key] = {cid}
            else:
                ids.add(cid)
        self._indexed[cid], self._profiles[cid] = indexed, profile

    def candidates(self, keys: Iterable[str], limit: int = 50) -> list[Profile]:
        """Profiles sharing any key, most shared keys first (then the newest customer)."""
        hits: Counter[int] = Counter()
        for key in keys:
            ids = self._index.get(key)
            if ids and len(ids) <= lookup_limit(key, self.max_postings):
                hits.update(ids)
        best = heapq.nsmallest(limit, hits, key=lambda c: (-hits[c], -c))
        return [self._profiles[c] for c in best]

    def keys_of(self, customer_id: int) -> tuple[str, ...]:
        """The customer's profile_keys (the keys it is indexed under are among them)."""
        keys = self._keys.get(customer_id)
        if keys is None:
            if (profile := self._profiles.get(customer_id)) is None:
                return ()
            keys = self._keys[customer_id] = _keys_and_lookups(profile)[0]
        return keys

    def get(self, customer_id: int) -> Profile | None:
        """The profile of a customer, if indexed."""
        return self._profiles.get(customer_id)

    def name_count(self, key: str) -> int:
        """How many customers are indexed under a key (for decide's name_frequency)."""
        return len(self._index.get(key, ()))
