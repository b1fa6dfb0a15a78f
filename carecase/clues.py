"""Clues that help tell who wrote a message (P14), for identity.decide.

In the text: order numbers, the author's own phone number, mentions of writing on another
channel, what the matter is (``topics``). When and about what, as log-odds against a
customer's earlier messages: time apart, the same or another matter, and how crowded the
last hours were (``crowd``, from the customer counts of hour and day keys: a surge makes
time and topic worthless). Pure functions, no I/O beyond reading the topic list once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from itertools import pairwise

import phonenumbers
from rapidfuzz import fuzz, utils
from unidecode import unidecode

from carecase.names import fold, to_ascii

__all__ = ["ORDER_PATTERN", "activity_keys", "channel_hints", "crowd", "first_name_keys",
           "hours_apart", "matter", "normalise_order", "order_refs", "phone_number", "phones",
           "shared", "time_apart", "topic_text", "topics", "window_keys"]

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
WINDOW_HOURS, WEEK_DAYS = 6, 7
# The share of a week's customers who write in an ordinary 6 waking hours (of 16 a day).
USUAL_SHARE = WINDOW_HOURS / (16 * WEEK_DAYS)
PRIOR_WEEK = 20  # pseudo-customers at the usual share, to steady a small count
MIN_WEEK = 30  # fewer customers in a week: too few to tell a surge from a start
_HINT_VERB = re.compile(r"\b(?:e-?mailed|mejla\w*|maila\w*|mailet|mailede|tweet\w*|twittra\w*)\b")


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
    words = set(re.findall(r"[a-z]+", to_ascii(text).lower()))  # not fold(): for names
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
        number = phone_number(m[0], lambda: _regions(text, email))
        if number:
            out.append(number)
    return list(dict.fromkeys(out))


def phone_number(written: str, regions: Callable[[], list[str]]) -> str | None:
    """A phone number as written, in E.164, or None if it is none: with a + or 00 prefix
    in any country, with a leading 0 in Sweden, else in the first of ``regions()``
    where it is a valid number."""
    digits = re.sub(r"[^\d+]", "", written)
    digits = "+" + digits[2:] if digits.startswith("00") else digits
    tries = [None] if digits.startswith("+") else ["SE"] if digits.startswith("0") \
        else regions()
    for region in tries:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


SHORT_TEXT = 500  # a customer's profile keeps its recent texts cut to this length


# Neither this nor ``topics`` keeps a memo: a message's own are worked out once
# (identity.traits) and profiles keep their texts' (identity.Profile.text_hints and
# text_topics).
def channel_hints(text: str) -> frozenset[str]:
    """Channels the author says they also wrote on ('jag skrev även på Facebook')."""
    folded = to_ascii(text or "").lower()  # not fold(): its cache is for names
    found = {_HINT_CHANNEL.get(m[1], "email") for m in _HINT.finditer(folded)}
    return shared(found | {"x" if v.startswith("tw") else "email"
                           for v in _HINT_VERB.findall(folded)})


@lru_cache(maxsize=1)
def _topic_patterns() -> dict[str, re.Pattern[str]]:
    """Topic -> one pattern of its words (data/topics.txt: '[topic]', then a word a line)."""
    text = resources.files("carecase").joinpath("data/topics.txt").read_text("utf-8")
    words: dict[str, list[str]] = {}
    topic = None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            topic = line[1:-1]
            words.setdefault(topic, [])
        elif line and topic:
            stem = re.escape(unidecode(line).lower().rstrip("*")).replace(r"\ ", r"\s+")
            words[topic].append(stem + (r"\w*" if line.endswith("*") else r"\b"))
    return {t: re.compile(r"\b(?:" + "|".join(ws) + ")") for t, ws in words.items() if ws}


def topics(text: str) -> frozenset[str]:
    """What the matter is ('delivery', 'damaged', 'refund', ..., 'praise'); empty for a
    bare follow-up ('Any news?'). Praise wins: 'fast delivery, thanks!' is not a complaint."""
    folded = to_ascii((text or "")[:600]).lower()  # the start says what it is about
    found = {t for t, p in _topic_patterns().items() if p.search(folded)}
    if "praise" in found:
        found = {"praise"}
    elif len(found) > 1:  # "damaged on delivery" is about the damage
        found.discard("delivery")
    return shared(found)


_SETS: dict[frozenset[str], frozenset[str]] = {}


def shared(items: Iterable[str]) -> frozenset[str]:
    """One object for each set of topics or channels (a few dozen occur), so that the
    thousands of profiles a batch loads share them."""
    found = frozenset(items)
    if len(_SETS) < 4096:  # stored profiles are ours, but a bound costs nothing
        return _SETS.setdefault(found, found)
    return _SETS.get(found, found)


# --- when and about what ----------------------------------------------------------

def utc(at: datetime) -> datetime:
    """A time in UTC; a naive time is taken as UTC."""
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)


def hours_apart(a: datetime, b: datetime, signed: bool = False) -> float:
    """Hours from b to a; a naive time is taken as UTC."""
    hours = (utc(a) - utc(b)).total_seconds() / 3600
    return hours if signed else abs(hours)


def first_name_keys(firsts: Iterable[str], at: datetime, days: tuple[int, ...]) -> list[str]:
    """f:<first name>@<day> for the days ``days`` before ``at``: who of a first name wrote
    on a day (a profile is keyed under its last day, a message looks up today and
    yesterday)."""
    firsts = tuple(dict.fromkeys(firsts))
    return list(_first_day_keys(firsts, utc(at).date(), days)) if firsts else []


@lru_cache(maxsize=1 << 12)
def _first_day_keys(firsts: tuple[str, ...], day: date, days: tuple[int, ...]
                    ) -> tuple[str, ...]:
    return tuple(f"f:{f}@{day - timedelta(days=d)}" for d in days for f in firsts)


def activity_keys(at: datetime) -> list[str]:
    """The hour and day keys a customer last seen at ``at`` is counted under."""
    return list(_hour_keys(_hour(at)))


def window_keys(at: datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The hour keys of the last WINDOW_HOURS and the day keys of the last WEEK_DAYS."""
    return _window_keys_at(_hour(at))


def _hour(at: datetime) -> datetime:
    return utc(at).replace(minute=0, second=0, microsecond=0)


@lru_cache(maxsize=1 << 10)  # formatting them cost a fifth of a profile's keys
def _hour_keys(hour: datetime) -> tuple[str, str]:
    """An hour's key and its day's key (a:2026-03-17T12, d:2026-03-17)."""
    return f"a:{hour:%Y-%m-%dT%H}", f"d:{hour:%Y-%m-%d}"


@lru_cache(maxsize=1 << 10)  # a batch's messages share their hours
def _window_keys_at(at: datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(_hour_keys(at - timedelta(hours=i))[0] for i in range(WINDOW_HOURS)),
            tuple(_hour_keys(at - timedelta(days=i))[1] for i in range(WEEK_DAYS)))


def crowd(at: datetime, freq: Callable[[str], int] | None) -> float:
    """How many times the usual share of the week's customers wrote in the last hours:
    1 on an ordinary day, 5-10 in a surge (when a courier fails, everyone writes at once,
    and time and topic stop telling people apart). 1 when the counts are unknown."""
    if freq is None:
        return 1.0
    hours, days = window_keys(at)
    recent, week = sum(map(freq, hours)), sum(map(freq, days))
    if max(week, recent) < MIN_WEEK:
        return 1.0
    share = (recent + USUAL_SHARE * PRIOR_WEEK) / (max(week, recent) + PRIOR_WEEK)
    return max(1.0, share / USUAL_SHARE)


# (hours apart, log-odds) knots: within a few hours says most, a day less, weeks against.
# Between knots the weight falls with the log of the time, so 6.1 h is not a cliff away
# from 5.9 h.
_TIME_KNOTS = ((6.0, 2.2), (12.0, 1.4), (24.0, 0.9), (72.0, 0.2), (24.0 * 7, 0.0),
               (24.0 * 14, -1.0))


def time_apart(hours: float) -> tuple[float, str | None]:
    """Log-odds from the time since the customer last wrote."""
    delta = _TIME_KNOTS[-1][1]
    for (h0, w0), (h1, w1) in pairwise(_TIME_KNOTS):
        if hours <= h0:
            delta = w0
            break
        if hours <= h1:
            delta = w0 + (w1 - w0) * math.log(hours / h0) / math.log(h1 / h0)
            break
    delta = round(delta, 2)
    when = f"{hours:.1f} h" if hours < 72 else f"{hours / 24:.0f} days"
    return delta, f"written {when} apart" if delta else None


def topic_text(text: str) -> str:
    """The text as ``matter`` compares it with another: its start, folded."""
    return _topic_text((text or "")[:400])


@lru_cache(maxsize=4096)  # called with at most 400 characters: the memo keeps no long text
def _topic_text(text: str) -> str:
    return utils.default_process(fold(text))


def matter(text: str, texts: tuple[str, ...], hours: float | None,
           their_topics: frozenset[str] | None = None,
           own: tuple[str, frozenset[str]] | None = None) -> tuple[float, str | None]:
    """Log-odds from what the message is about against the customer's recent messages
    (``their_topics``: the topics of ``texts``, when known; ``own``: the text's
    ``topic_text`` and ``topics``, when known).

    Near-identical text or a shared topic speaks for; two clear, different matters within
    a few days speak against (a bare "any news?" or a thank-you says nothing either way).
    """
    if not texts:
        return 0.0, None
    near = hours is not None and hours <= 72
    mine, ours = own or (topic_text(text), None)
    ratio = max(fuzz.token_set_ratio(mine, topic_text(t), processor=None) for t in texts) \
        if mine else 0
    if ratio >= 80:
        return (0.9 if near else 0.4), f"near-identical text ({ratio:.0f})"
    ours = topics(text) if ours is None else ours
    theirs = frozenset().union(*map(topics, texts)) if their_topics is None else their_topics
    if not ours or not theirs:
        return 0.0, None
    if shared := ours & theirs:
        weight = 0.6 if shared <= {"delivery", "praise"} else 1.0  # the commonest matters
        return weight * (1 if near else 0.5), f"same matter ({', '.join(sorted(shared))})"
    if "praise" in ours | theirs:
        return 0.0, None
    # The same day another matter is rare for one person; days later, less so.
    same_day = hours is not None and hours <= 24
    return (-2.0 if same_day else -1.0 if near else -0.5), \
        f"different matter ({', '.join(sorted(ours))} vs {', '.join(sorted(theirs))})"
