"""JSON for the jsonb columns: orjson where it can, the standard library where it cannot.

An engine batch writes its rows as one jsonb document a table, and loads thousands of
profiles; the standard library took a few per cent of an import's serialised section
encoding them (orjson: a twelfth of that) and decoding them (a half). orjson refuses
what the standard library accepts (an integer beyond 64 bits in a payload, a number
out of a double's range), so those go through the standard library: the same value
either way, since PostgreSQL stores jsonb parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS  # {1: ...} -> {"1": ...}, as json.dumps writes it


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> bytes | str:
    """``value`` as JSON; ``default`` turns what JSON has no type for into what it has
    (and raises TypeError for the rest)."""
    try:
        return orjson.dumps(value, default=default, option=_OPTIONS)
    except orjson.JSONEncodeError:
        # the standard library's error (TypeError, ValueError) when it cannot either
        return json.dumps(value, default=default, ensure_ascii=False, separators=(",", ":"))


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(bytes(data) if isinstance(data, memoryview) else data)
