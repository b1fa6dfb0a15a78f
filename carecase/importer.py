"""``carecase import FILE.jsonl``: normalised messages, one JSON object per line.

The shape is design.md's "Message import" contract. Lines are read one at a time, from
the file or (``-``) standard input (a 100k-line file never sits in memory); a bad line
is reported with its number and reason and skipped, the others are imported. Fields
beyond the contract (another program's ids, an evaluation label, an author's phone) are
kept in ``raw["_extra"]`` (an author's under ``raw["_extra"]["author"]``), not rejected.

A line is refused here, not later, for what would fail after it passed: what JSON is
not (NaN, Infinity), a number no float holds, nesting deeper than ``MAX_DEPTH``, a time
outside ``EARLIEST``-``LATEST``. Past this point one bad line would lose its batch.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from carecase.errors import InputError
from carecase.model import CHANNELS, Author, Message

REQUIRED = ("channel", "external_id", "text", "created_at")
EXTRA = "_extra"  # where fields beyond the contract's are kept, in ``raw``
KNOWN = {*REQUIRED, "thread_id", "parent_id", "author", "public", "url", "rating",
         "order_ref", "raw", "subject"}
AUTHOR = ("id", "name", "handle", "email")
# Far deeper than any channel's payload (a handful of levels), far shallower than the
# ~900 at which cleaning the raw (prepare._clean, recursive) ran out of stack.
MAX_DEPTH = 64
# created_at: no channel carecase reads gave a time before 1970 (their APIs and e-mail
# dates count from the Unix epoch), and a year such as 0001 or 9999 is a broken export.
# The bounds also keep the engine's time arithmetic (hour windows back, days ahead, the
# business's zone) far from Python's datetime range (years 1-9999), where it overflowed.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2201, 1, 1, tzinfo=UTC)  # exclusive: through the year 2200
BOM = b"\xef\xbb\xbf"


def read(path: str | Path) -> Iterator[tuple[int, Message | InputError]]:
    """(line number, message) for good lines, (line number, error) for bad ones; ``-``
    reads standard input."""
    if str(path) == "-":
        yield from read_stream(sys.stdin.buffer)
        return
    with open(path, "rb") as handle:
        yield from read_stream(handle)


def read_stream(handle: IO[bytes]) -> Iterator[tuple[int, Message | InputError]]:
    """Lines are decoded one by one, so a line that is not UTF-8 is reported and skipped
    and the ones after it still import."""
    for number, raw in enumerate(handle, 1):
        if number == 1:  # an editor's byte-order mark (Notepad writes one) is no text
            raw = raw.removeprefix(BOM)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        if not line.strip():
            continue
        try:
            yield number, parse(loads(line))
        except InputError as exc:
            yield number, exc


def loads(line: str) -> Any:
    """The JSON value of ``line``; InputError for what is not JSON or cannot be stored
    (PostgreSQL's jsonb refuses NaN and Infinity: a batch with one was lost whole)."""
    try:
        return json.loads(line, parse_constant=_not_a_number, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:  # an integer of more digits than Python converts
        raise InputError("a number of more than "
                         f"{sys.get_int_max_str_digits()} digits") from None


def _not_a_number(word: str) -> float:
    raise InputError(f"not valid JSON: {word} is no JSON value (write null or a string)")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: beyond a double, read as inf
        raise InputError(f"the number {text[:40]} is too large to store")
    return value


def parse(obj: Any) -> Message:
    """One normalised message from its JSON object; InputError says what is wrong."""
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}")
    if _deeper_than(obj, MAX_DEPTH):
        raise InputError(f"nested more than {MAX_DEPTH} levels deep")
    missing = [k for k in REQUIRED if obj.get(k) is None]
    if missing:
        raise InputError(f"missing {', '.join(missing)}")
    channel = obj["channel"]
    if channel not in CHANNELS:
        raise InputError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    rating = obj.get("rating")
    if rating is not None and (not isinstance(rating, int) or isinstance(rating, bool)
                               or not 1 <= rating <= 5):
        raise InputError(f"rating must be a whole number 1-5 or null, got {rating!r}")
    public = obj.get("public")
    if public is None:  # as the connectors give it: an e-mail is private, a post public
        public = channel != "email"
    if not isinstance(public, bool):
        raise InputError(f"public must be true or false, got {public!r}")
    if public and channel == "email":
        raise InputError("public must be false (or left out) for an e-mail: an e-mail is "
                         "private")
    raw = obj.get("raw") or {}
    if not isinstance(raw, dict):
        raise InputError("raw must be a JSON object")
    author, author_extra = _author(obj.get("author"))
    extra = {k: obj[k] for k in sorted(set(obj) - KNOWN)}
    if author_extra:
        extra["author"] = author_extra  # no clash: "author" is a known field
    if extra:
        raw = {**raw, EXTRA: extra}  # another program's fields: kept, not lost
    return Message(
        channel=channel, external_id=_str(obj, "external_id", required=True),
        text=_str(obj, "text", required=True), created_at=_time(obj["created_at"]),
        author=author, thread_id=_str(obj, "thread_id"),
        parent_id=_str(obj, "parent_id"), public=public, url=_str(obj, "url"),
        rating=rating, order_ref=_str(obj, "order_ref"), raw=raw,
        subject=_str(obj, "subject"),
    )


def extra_fields(msg: Message) -> list[str]:
    """The names of the fields beyond the contract that ``msg`` keeps in ``raw._extra``
    ("person_id", "author.phone"), for the import's warning."""
    extra = msg.raw.get(EXTRA)
    if not isinstance(extra, dict):  # a raw of the line's own with another "_extra"
        return []
    author = extra.get("author")
    if not isinstance(author, dict):
        return sorted(extra)
    return sorted([k for k in extra if k != "author"] + [f"author.{k}" for k in author])


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests more than ``limit`` objects/arrays deep, walked without
    recursion (the walk must not fail on what it is there to refuse)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _str(obj: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and key != "text":
        return str(value)  # numeric ids are common in exports
    if not isinstance(value, str):
        raise InputError(f"{key} must be a string, got {type(value).__name__}")
    if required and key == "external_id" and not value.strip():
        raise InputError("external_id is empty")
    return value


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise InputError(f"created_at must be an ISO 8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"created_at {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InputError(f"created_at {value!r} has no time zone (add Z or +01:00)")
    if not EARLIEST <= parsed < LATEST:
        raise InputError(f"created_at {value!r} is not between 1970 and 2200")
    return parsed


def _author(value: Any) -> tuple[Author, dict[str, Any]]:
    """The author, and its fields beyond the contract's (kept in ``raw._extra``)."""
    if value is None:
        return Author(), {}
    if not isinstance(value, dict):
        raise InputError("author must be a JSON object")
    fields = {}
    for key in AUTHOR:
        v = value.get(key)
        if v is not None and not isinstance(v, str | int):
            raise InputError(f"author.{key} must be a string")
        fields[key] = str(v) if v is not None else None
    return Author(**fields), {k: value[k] for k in sorted(set(value) - set(AUTHOR))}
