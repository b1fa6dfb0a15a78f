"""Who is this? Match a message's author to a known customer, with a score and evidence (P14).

An exact key shared with a customer decides: the same channel account or e-mail address
merges outright; the same order number or phone merges unless the names clearly differ
(a household shares orders). Otherwise the soft evidence is summed as log-odds: how
well the names agree and how rare the name is, hours apart, similar text, a mention of
writing on another channel, a second account on the same channel. Without an exact key
a merge needs a strong name agreement *and* more; topic and time alone never link two
people. Pure: no I/O. ``Directory`` is the in-memory candidate index.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

import phonenumbers
from rapidfuzz import fuzz, utils
from unidecode import unidecode

from carecase import names
from carecase.model import Message
from carecase.names import NameForm, fold

__all__ = ["ORDER_PATTERN", "Decision", "Directory", "Profile", "Thresholds", "blocking_keys",
           "decide", "identities_of", "order_refs", "profile_keys", "profile_with"]

DECISIVE = frozenset({"email", "facebook", "x", "trustpilot", "google"})
BIAS = -1.4  # log-odds before evidence: a name alone lands in "suggest", not "merge"
# A second account on the same channel speaks against: people rarely have two.
OTHER_ACCOUNT = {"facebook": -3.0, "x": -2.0, "trustpilot": -2.0, "email": -1.0}
MAX_KEYS = 12
UNIQUE = 0.3
MAX_NAMES, MAX_TEXTS = 8, 5

ORDER_PATTERN = (
    r"(?:(?<![\w&])#\s?|\b(?:order|ordre|ordernr|ordrenr|ordernummer|ordrenummer|ordernumber"
    r"|bestilling|bestillingsnr|bestillingsnummer|beställning|beställningsnr|beställningsnummer)"
    r"\b[\s.:#]*(?:(?:nr|no|number|nummer)\b[\s.:#]*)?)(\d{4,12})\b(?![.,/-]\d)"
)
_PHONE = re.compile(r"(?<![\w+#])(?:\+|00)?\d[\d \-().]{5,16}\d(?![\w-])")
# Only a number the author gives as their own counts; "I called your 0771-..." must not.
_OWN_NUMBER = re.compile(
    r"(?:\b(?:mitt|mit|my|min)\s+(?:\w+\s+)?(?:\w*nummer|number|nr|tlf|telefon|mobil|phone)"
    r"|\bring\s+(?:mig|meg|mej)|\bcall\s+me|\btext\s+me|\breach\s+me|\bn[åa]\s+(?:mig|meg)"
    r"|^\s*(?:tel|tlf|telefon|mobil|mob|phone|cell|m)\b)[^\n\d]{0,20}$", re.I | re.M)
_HINT = re.compile(
    r"\b(?:skrev|skrivit|skrevet|skriver|skriva|skrive|wrote|written|write|posted|commented"
    r"|kommenterat|kommenteret|kommentert|e?mailed|mejlade|mejlat|mailet|mailat|mailede|mailade"
    r"|sendte|sendt|skickade|skickat|sent|kontaktet|kontaktat|contacted|tweet\w*|twittrat"
    r"|anmeldt|anmeldelse|recension|review\w*|ocksa|aven|ogsa|also|too|dessutom)\b"
    r"[^.!?\n]{0,40}?\b(facebook|fb|messenger|twitter|x|trustpilot|google|e-?mail|mail|mejl"
    r"|e-?post|epost|dm)\b")
_HINT_CHANNEL = {"facebook": "facebook", "fb": "facebook", "messenger": "facebook",
                 "twitter": "x", "x": "x", "dm": "x", "trustpilot": "trustpilot",
                 "google": "google"}
_KEY_LABEL = {"email": "e-mail", "order_ref": "order number", "phone": "phone"}


def normalise_order(value: str) -> str:
    """An order number as a key: its digits without leading zeros ('#000123456' -> '123456')."""
    digits = re.sub(r"\D", "", value)
    return (digits.lstrip("0") or digits) if digits else re.sub(r"[^a-z0-9]", "", fold(value))


def order_refs(text: str, pattern: str = ORDER_PATTERN) -> list[str]:
    """Order numbers in a text: '#123456', 'ordre nr. 123456', 'beställning 998877'."""
    found = (m.group(m.lastindex or 0) for m in re.finditer(pattern, text or "", re.I))
    return list(dict.fromkeys(normalise_order(f) for f in found))


def _regions(text: str, email: str | None) -> list[str]:
    """Which country to read a number without +prefix in: e-mail domain, then wording."""
    tld = (email or "").rsplit(".", 1)[-1].upper()
    words = set(re.findall(r"[a-z]+", fold(text)))
    norwegian = len(words & {"takk", "hei", "meg", "deg", "fatt", "ikkje", "hva"})
    danish = len(words & {"tak", "hej", "mig", "dig", "faet", "hvad", "venlig"})
    order = ["NO", "DK"] if norwegian > danish else ["DK", "NO"]
    return list(dict.fromkeys([tld, *order, "SE"] if tld in ("SE", "DK", "NO") else
                              [*order, "SE"]))


def phones(text: str, email: str | None = None, signed_from: int | None = None) -> list[str]:
    """E.164 numbers the author gives as their own: after 'ring mig på', 'my number is',
    'tlf:', or anywhere in an e-mail signature (from offset ``signed_from``)."""
    out = []
    for m in _PHONE.finditer(text or ""):
        own = signed_from is not None and m.start() >= signed_from
        if not (own or _OWN_NUMBER.search(text, max(0, m.start() - 40), m.start())):
            continue
        digits = re.sub(r"[^\d+]", "", m[0])
        digits = "+" + digits[2:] if digits.startswith("00") else digits
        regions = [None] if digits.startswith("+") else \
            ["SE"] if digits.startswith("0") else _regions(text, email)
        for region in regions:
            try:
                number = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                out.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
                break
    return list(dict.fromkeys(out))


_HINT_VERB = re.compile(r"\b(?:e-?mailed|mejla\w*|maila\w*|mailet|mailede|tweet\w*|twittra\w*)\b")


def channel_hints(text: str) -> frozenset[str]:
    """Channels the author says they also wrote on ('jag skrev även på Facebook')."""
    return _channel_hints(text or "")


@lru_cache(maxsize=1 << 12)  # profiles' recent texts are checked again for every message
def _channel_hints(text: str) -> frozenset[str]:
    folded = unidecode(text).lower()  # not fold(): its cache is for names
    found = {_HINT_CHANNEL.get(m[1], "email") for m in _HINT.finditer(folded)}
    return frozenset(found | {"x" if v.startswith("tw") else "email"
                              for v in _HINT_VERB.findall(folded)})


def _email_of(msg: Message) -> str | None:
    author = msg.author
    if author.email and "@" in author.email:
        return author.email.strip().lower()
    if msg.channel == "email" and author.id and "@" in author.id:
        return author.id.strip().lower()
    return None


def identities_of(msg: Message, order_pattern: str = ORDER_PATTERN) -> list[tuple[str, str]]:
    """The exact identity keys a message proves, as (kind, value)."""
    author, email = msg.author, _email_of(msg)
    out = [("email", email)] if email else []
    if msg.channel in DECISIVE - {"email"} and author.id:
        out.append((msg.channel, str(author.id)))
    if msg.channel == "x" and author.handle:
        out.append(("x", "@" + author.handle.lstrip("@").lower()))
    refs = [normalise_order(msg.order_ref)] if msg.order_ref else []
    out += [("order_ref", r) for r in refs + order_refs(msg.text, order_pattern)]
    signed = names.signature(msg.text)[2] if msg.channel == "email" else None
    out += [("phone", p) for p in phones(msg.text, email, signed)]
    return list(dict.fromkeys(out))


def _describe_key(kind: str, value: str) -> str:
    return f"same {_KEY_LABEL.get(kind, kind + ' account')} {value}"


def _hours(a: datetime, b: datetime, signed: bool = False) -> float:
    """Hours from b to a; a naive time is taken as UTC."""
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=a.tzinfo or UTC), b.replace(tzinfo=b.tzinfo or UTC)
    hours = (a - b).total_seconds() / 3600
    return hours if signed else abs(hours)


@lru_cache(maxsize=4096)
def _topic_text(text: str) -> str:
    return utils.default_process(fold(text[:400]))


def _context(msg: Message, texts: tuple[str, ...], last_seen: datetime | None,
             channels: set[str]) -> list[tuple[float, str]]:
    """Log-odds from time apart, similar text and cross-channel mentions, with reasons."""
    out: list[tuple[float, str]] = []
    hours = _hours(msg.created_at, last_seen) if last_seen is not None else None
    if hours is not None:
        delta = 1.0 if hours <= 12 else 0.4 if hours <= 24 else 0.2 if hours <= 72 else \
            -1.0 if hours > 24 * 14 else 0.0
        if delta:
            when = f"{hours:.1f} h" if hours < 72 else f"{hours / 24:.0f} days"
            out.append((delta, f"written {when} apart"))
    mine = _topic_text(msg.text)
    if texts and mine:
        ratio = max(fuzz.token_set_ratio(mine, _topic_text(t), processor=None) for t in texts)
        # The same matter is told in other words on another channel the same day; a
        # different matter only speaks against when some days lie between.
        far = hours is None or hours > 72
        delta = 0.8 if ratio >= 75 else 0.4 if ratio >= 55 else -0.5 if ratio < 35 and far \
            else 0.0
        if delta:
            out.append((delta, f"{'similar' if delta > 0 else 'different'} text ({ratio:.0f})"))
    said = channel_hints(msg.text) - {msg.channel}
    if said & channels:
        out.append((1.2, f"says they also wrote on {', '.join(sorted(said & channels))}"))
    elif said or any(msg.channel in channel_hints(t) for t in texts):
        out.append((0.4, "mentions writing on another channel"))
    return out


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


def message_forms(msg: Message) -> list[NameForm]:
    """Every way the message names its author: display name, handle, address, signature."""
    author = msg.author
    forms = [names.parse_name(author.name), names.parse_handle(author.handle)]
    email = _email_of(msg)
    if email:
        forms.append(names.parse_handle(email, "e-mail"))
    if msg.channel == "email":
        sig_names, sig_handles, _ = names.signature(msg.text)
        forms += [names.parse_name(n, "signature") for n in sig_names]
        forms += [names.parse_handle(h) for h in sig_handles]
    return [f for f in dict.fromkeys(forms) if f]


def profile_forms(profile: Profile) -> list[NameForm]:
    """Every way a known customer has been named."""
    emails = tuple(sorted(v for k, v in profile.identities if k == "email"))
    return list(_forms(profile.names, profile.handles, emails))


@lru_cache(maxsize=1 << 16)  # a candidate is scored against many messages of a batch
def _forms(names_: tuple[str, ...], handles: tuple[str, ...],
           emails: tuple[str, ...]) -> tuple[NameForm, ...]:
    forms = [names.parse_name(n) for n in names_]
    forms += [names.parse_handle(h) for h in handles]
    forms += [names.parse_handle(v, "e-mail") for v in emails]
    return tuple(f for f in dict.fromkeys(forms) if f)


def _tier(key: str) -> int:
    """Selectivity rank of a name key: full name first, bare surname last."""
    if key.startswith("h:"):
        return 1
    parts = key[2:].split("+")
    if len(parts) == 1:
        return 4
    return 0 if min(map(len, parts)) > 1 else 2 if len(parts[0]) == 1 else 3


def blocking_keys(msg: Message, order_pattern: str = ORDER_PATTERN) -> list[str]:
    """Keys to look candidates up by: every identity, then the most selective name keys."""
    idents = [f"{k}:{v}" for k, v in identities_of(msg, order_pattern)]
    keyed = dict.fromkeys(k for f in message_forms(msg) for k in names.name_keys(f))
    ranked = sorted(keyed, key=_tier)
    return idents + [k for k in ranked if k not in idents][: max(0, MAX_KEYS - len(idents))]


def profile_keys(profile: Profile) -> list[str]:
    """Keys to index a customer under, so a later message's blocking keys find it."""
    keys = [f"{k}:{v}" for k, v in sorted(profile.identities)]
    keys += [k for f in profile_forms(profile) for k in names.name_keys(f)]
    return list(dict.fromkeys(keys))


def profile_with(profile: Profile, msg: Message, order_pattern: str = ORDER_PATTERN) -> Profile:
    """The profile updated with what this message shows of its author."""
    seen = [msg.author.name] if names.parse_name(msg.author.name) else []
    handles = [f"@{msg.author.handle.lstrip('@')}"] if msg.author.handle else []
    if msg.channel == "email":
        sig_names, sig_handles, _ = names.signature(msg.text)
        seen += list(sig_names)
        handles += [f"@{h}" for h in sig_handles]
    last = profile.last_seen
    if last is None or _hours(msg.created_at, last, signed=True) > 0:
        last = msg.created_at
    return replace(
        profile,
        names=tuple(dict.fromkeys(profile.names + tuple(seen)))[:MAX_NAMES],
        handles=tuple(dict.fromkeys(profile.handles + tuple(handles)))[:MAX_NAMES],
        identities=profile.identities | frozenset(identities_of(msg, order_pattern)),
        last_seen=last,
        texts=(*profile.texts, msg.text[:500])[-MAX_TEXTS:],
    )


@dataclass
class _Assessment:
    profile: Profile
    score: float
    evidence: tuple[str, ...]
    exact: int = 0  # 3 own account, 2 other decisive key, 1 order/phone, 0 none


def _names(forms: list[NameForm], profile: Profile) -> tuple[float, bool, list[str],
                                                              str | None, bool]:
    """Name agreement: (weight, strong, evidence, rarity key, conflict).

    The best pair counts fully; a second agreement between other forms (display name
    and handle chosen separately) adds half, up to a full-name match: "Andreas L." plus
    "@alie" says about as much as "Andreas Lie".
    """
    pairs, conflict = [], False
    theirs = profile_forms(profile)
    for a in forms:
        for b in theirs:
            kind = names.compare(a, b)
            conflict |= kind is None
            if kind:
                pairs.append((names.WEIGHTS[kind], kind, a, b))
    if not pairs:
        return 0.0, False, [], None, conflict
    pairs.sort(key=lambda p: -p[0])
    weight, kind, a, b = pairs[0]
    notes = [f"{names.describe(a)} ~ {names.describe(b)} ({kind})"]
    other = next((p for p in pairs[1:] if p[1] != kind), None)
    top = max(names.WEIGHTS.values())
    if other and weight < top:
        weight = min(top, weight + other[0] / 2)
        notes.append(f"{names.describe(other[2])} ~ {names.describe(other[3])} ({other[1]})")
    strong = kind in names.STRONG or weight >= names.WEIGHTS["full name, misspelt"]
    return weight, strong, notes, names.rarity_key(kind, a, b), conflict and not strong


def _assess(msg: Message, forms: list[NameForm], ids: set, profile: Profile,
            freq: Callable[[str], int] | None, thresholds: Thresholds) -> _Assessment | None:
    weight, strong, notes, rarity, conflict = _names(forms, profile)
    shared = sorted(ids & profile.identities)
    if shared:
        why = tuple(_describe_key(k, v) for k, v in shared) + tuple(notes)
        if any(k in DECISIVE for k, _ in shared):
            # The account the message was written from outranks an address it quotes.
            own = any(k == msg.channel for k, _ in shared)
            return _Assessment(profile, 1.0, why, 3 if own else 2)
        if conflict:  # same order or phone, clearly another person: a household
            return _Assessment(profile, (thresholds.merge + thresholds.suggest) / 2,
                               (*why, "but the names differ"), 1)
        return _Assessment(profile, 0.97, why, 1)
    if conflict or not weight:
        return None  # topic and time never link people whose names don't agree
    logit, why = BIAS + weight, notes
    if freq and rarity:  # a name only this customer has says more than a common one
        count = freq(rarity)
        logit += UNIQUE if count <= 1 else -0.6 * math.log(count)
        if count <= 1 and rarity.count("+") and len(rarity.split("+")[1]) == 1:
            logit += 0.6  # "Katherine T." and no other Katherine T-anything: near a full name
            strong = True
        why.append("no other customer has this name" if count <= 1 else
                   f"name shared by {count} customers")
    for delta, reason in _context(msg, profile.texts, profile.last_seen,
                                          _channels(profile)):
        logit += delta
        why.append(reason)
    account = msg.channel
    theirs = {v for k, v in profile.identities if k == account}
    mine = {v for k, v in ids if k == account}
    if mine and theirs and not mine & theirs:
        logit += OTHER_ACCOUNT.get(account, 0.0)
        why.append(f"has another {account} account")
    score = 1 / (1 + math.exp(-logit))
    if not strong:  # a first name or initials can point, never decide
        score = min(score, thresholds.merge - 0.01)
    return _Assessment(profile, round(score, 4), tuple(why))


def _channels(profile: Profile) -> set[str]:
    return {k for k, _ in profile.identities if k in DECISIVE}


def decide(msg: Message, candidates: Iterable[Profile], thresholds: Thresholds = Thresholds(),
           name_frequency: Callable[[str], int] | None = None,
           order_pattern: str = ORDER_PATTERN) -> Decision:
    """Merge the message's author into a candidate, suggest one to an agent, or say new.

    ``name_frequency(key)`` is how many customers share a name key (Directory.name_count
    or the database's count); common names then count less.
    """
    ids = set(identities_of(msg, order_pattern))
    forms = message_forms(msg)
    candidates = list(candidates)
    own = [(k, v) for k, v in ids if k == msg.channel]
    owner = next((p for p in candidates if own and own[0] in p.identities), None)
    if owner is not None:  # the account it was written from: nothing can outrank it
        candidates = [owner]
    found = [a for p in candidates
             if (a := _assess(msg, forms, ids, p, name_frequency, thresholds))]
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
            found[1].score >= thresholds.merge:
        action = "suggest"  # two customers fit as well: an agent must choose
        why += (f"customer {found[1].profile.customer_id} fits as well",)
    return Decision(action, best.profile.customer_id if action != "new" else None,
                    best.score, why)


class Directory:
    """In-memory candidate index: the engine loads one per batch, the benches use it for everything.

    Keys shared by more than ``max_postings`` customers (a bare common surname) are
    skipped on lookup like a search engine's stop words; the other keys carry the match.
    """

    def __init__(self, max_postings: int = 500) -> None:
        self.max_postings = max_postings
        self._profiles: dict[int, Profile] = {}
        self._keys: dict[int, tuple[str, ...]] = {}
        self._index: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._profiles)

    def add(self, profile: Profile) -> None:
        """Index (or re-index) a profile under its profile_keys."""
        cid = profile.customer_id
        for key in self._keys.get(cid, ()):
            self._index[key].discard(cid)
        keys = tuple(profile_keys(profile))
        for key in keys:
            self._index.setdefault(key, set()).add(cid)
        self._keys[cid], self._profiles[cid] = keys, profile

    def candidates(self, keys: Iterable[str], limit: int = 50) -> list[Profile]:
        """Profiles sharing any key, most shared keys first (then the newest customer)."""
        hits: Counter[int] = Counter()
        for key in keys:
            ids = self._index.get(key)
            if ids and (len(ids) <= self.max_postings or not key.startswith(("n:", "h:"))):
                hits.update(ids)
        best = heapq.nsmallest(limit, hits, key=lambda c: (-hits[c], -c))
        return [self._profiles[c] for c in best]

    def keys_of(self, customer_id: int) -> tuple[str, ...]:
        """The keys a customer is indexed under (its profile_keys)."""
        return self._keys.get(customer_id, ())

    def get(self, customer_id: int) -> Profile | None:
        """The profile of a customer, if indexed."""
        return self._profiles.get(customer_id)

    def name_count(self, key: str) -> int:
        """How many customers are indexed under a key (for decide's name_frequency)."""
        return len(self._index.get(key, ()))
