"""Named queries from ``queries.sql``, parsed once.

A query starts with a line ``-- name --``; ``Q["name"]`` is its text. Parameters are
always ``%(name)s`` placeholders.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files


@cache
def _load() -> dict[str, str]:
    text = (files("carecase.store") / "queries.sql").read_text()
    parts = re.split(r"^-- ([\w-]+) --\s*$", text, flags=re.M)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


class _Queries:
    def __getitem__(self, name: str) -> str:
        try:
            return _load()[name]
        except KeyError:
            raise KeyError(f"no query named {name!r} in queries.sql") from None


Q = _Queries()
