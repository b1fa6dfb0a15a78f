"""Where the database is, and the one connection pool per process.

With ``CARECASE_DATABASE_URL`` set, that server is used and nothing is started. Without
it, a private PostgreSQL from the ``pgserver`` wheel is started (or reused, when another
carecase process already runs it) in ``$CARECASE_HOME/pgdata``; pgserver stops it when
the last process using it exits, leaving the data folder clean.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

from carecase.errors import DatabaseUnavailable
from carecase.store import jsonb

log = logging.getLogger(__name__)


# Where a password stands in a connection string, for one libpq cannot parse: a URI's
# user:password@ and ?password=; password=value up to the next key=value (an unquoted
# password with a space in it is why libpq could not parse it)
_URI_PASSWORDS = (re.compile(r"(://[^:/@]*:)[^@]*@"), re.compile(r"([?&]password=)[^&#]*"))
_KEY_PASSWORD = re.compile(r"(\bpassword\s*=\s*)"
                           r"(?:'(?:[^'\\]|\\.)*'?|\S+(?:\s+[^\s=]+(?=\s|$))*)")
_URI_PREFIXES = ("postgresql://", "postgres://")


def redact_url(url: str) -> str:
    """The connection string without its password, for messages.

    A URI keeps its form (``user:***@``, ``?password=***``); a key=value string is
    written anew by psycopg with ``password=***``; a string psycopg cannot parse is
    redacted by pattern alone."""
    uri = url.startswith(_URI_PREFIXES)
    shown = _redact_patterns(url, uri)
    try:
        password = conninfo_to_dict(url).get("password")
    except psycopg.ProgrammingError:
        return shown  # nor can libpq read it: the patterns are all there is
    if not password:
        return shown
    if uri:
        try:
            left = conninfo_to_dict(shown).get("password")
        except psycopg.ProgrammingError:
            left = password
        if left in (None, "***"):
            return shown
    return make_conninfo(url, password="***")  # every form libpq reads, quoting and all


def _redact_patterns(url: str, uri: bool) -> str:
    if uri:
        for pattern in _URI_PASSWORDS:
            url = pattern.sub(r"\1***" + ("@" if pattern is _URI_PASSWORDS[0] else ""), url)
        return url
    return _KEY_PASSWORD.sub(r"\1***", url)


@dataclass
class Database:
    """A pool on a URL, and the embedded server behind it if we started one."""

    url: str
    pool: ConnectionPool
    embedded: Any = field(default=None, repr=False)  # pgserver.PostgresServer

    def connection(self) -> Any:
        """A pooled connection, as a context manager."""
        return self.pool.connection()

    def close(self) -> None:
        self.pool.close()


def start_embedded(home: Path) -> tuple[str, Any]:
    """Start (or join) the private PostgreSQL in ``home/pgdata``; returns (url, server)."""
    try:
        with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR; harmless
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as exc:  # pragma: no cover - it is a dependency
        raise DatabaseUnavailable(
            "CARECASE_DATABASE_URL is not set and the pgserver package is missing: "
            "install carecase with its dependencies or point CARECASE_DATABASE_URL at a server"
        ) from exc
    pgdata = home / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:
        raise DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}. "
            "Check that the folder is writable, or set CARECASE_DATABASE_URL to a server"
        ) from exc
    return server.get_uri(), server


def open_database(url: str | None, home: Path, *, min_size: int = 1, max_size: int = 8,
                  timeout: float = 10.0) -> Database:
    """Open the pool (starting the embedded server when ``url`` is None); fail fast."""
    server = None
    if url is None:
        url, server = start_embedded(home)
    check(url, timeout)  # the driver's own error says more than a pool timeout
    pool = ConnectionPool(url, min_size=min_size, max_size=max_size, open=False,
                          kwargs={"row_factory": dict_row}, configure=_configure,
                          name="carecase")
    try:
        pool.open(wait=True, timeout=timeout)
    except PoolTimeout as exc:
        pool.close()
        raise DatabaseUnavailable(_unreachable(url, exc)) from exc
    return Database(url=url, pool=pool, embedded=server)


def _configure(conn: psycopg.Connection) -> None:
    set_json_loads(jsonb.loads, conn)
    # A batch's statements handle thousands of rows, so the planner's estimates pass
    # jit_above_cost, yet each runs in milliseconds: on a server built with JIT, compiling
    # took 61 ms of a 90 ms key lookup, every batch.
    conn.execute("SET jit = off")
    conn.commit()


def check(url: str, timeout: float = 5.0) -> None:
    """Connect once; raise DatabaseUnavailable with advice when that fails."""
    try:
        psycopg.connect(url, connect_timeout=max(1, int(timeout))).close()
    except psycopg.Error as exc:
        raise DatabaseUnavailable(_unreachable(url, exc)) from exc


def _unreachable(url: str, exc: Exception) -> str:
    detail = str(exc).strip()
    if isinstance(exc, psycopg.ProgrammingError):
        # the string could not be parsed, and psycopg quotes the piece it stopped at,
        # which may be part of the password ('missing "=" after "word"')
        detail = re.sub(r'"([^"]*)"', lambda m: m[0] if m[1] == "=" else '"…"', detail)
    return (
        f"cannot connect to the database at {redact_url(url)} ({detail}). "
        "Start that server or fix CARECASE_DATABASE_URL; unset it to use the embedded database"
    )
