"""Forward-only migrations: ``migrations/NNNN_name.sql`` applied in order, once each.

All of them run in one transaction under an advisory lock, so running ``db upgrade``
twice, or from two processes at once, applies each file exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files

import psycopg
from psycopg.rows import tuple_row

LOCK_ID = 0x6361726563617365  # "carecase"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str = field(repr=False)


def available() -> list[Migration]:
    """The migration files shipped with the package, in order."""
    folder = files("carecase.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text()))
    return sorted(found, key=lambda m: m.version)


def upgrade(conn: psycopg.Connection) -> list[Migration]:
    """Apply the pending migrations; returns what was applied (empty when up to date)."""
    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in cur.execute("SELECT version FROM schema_migrations")}
        applied = []
        for migration in available():
            if migration.version in done:
                continue
            cur.execute(migration.sql.encode())  # no parameters: runs as a script
            cur.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration)
    return applied


def current(conn: psycopg.Connection) -> int | None:
    """The highest applied version, or None on an empty database."""
    with conn.cursor(row_factory=tuple_row) as cur:
        exists = cur.execute("SELECT to_regclass('schema_migrations')").fetchone()
        if not exists or exists[0] is None:
            return None
        row = cur.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return row[0] if row else None
