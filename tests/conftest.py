"""Shared fixtures: a real PostgreSQL, and a fresh database for every test that asks.

With ``CARECASE_DATABASE_URL`` set (CI), that server is used; without it, one embedded
pgserver is started for the session. The schema is migrated once into a template
database, and each test gets ``CREATE DATABASE … TEMPLATE …`` (tens of milliseconds).
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `from tests.fakes import …`

from carecase import config  # noqa: E402
from carecase.store import migrate  # noqa: E402
from carecase.store.db import Database, open_database  # noqa: E402

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """The URL of a server we may create databases on."""
    url = os.environ.get("CARECASE_DATABASE_URL")
    if url:
        yield url
        return
    import pgserver

    with tempfile.TemporaryDirectory(prefix="carecase-test-pg-") as folder:
        server = pgserver.get_server(Path(folder) / "pgdata", cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="session")
def template_db(pg_server_url: str) -> Iterator[str]:
    name = f"carecase_tpl_{os.getpid()}"
    with _admin(pg_server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(make_conninfo(pg_server_url, dbname=name)) as conn:
        migrate.upgrade(conn)
    yield name
    with _admin(pg_server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(pg_server_url: str, template_db: str) -> Iterator[str]:
    """A fresh, migrated database of this test's own."""
    name = f"carecase_t{os.getpid()}_{next(_counter)}"
    with _admin(pg_server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield make_conninfo(pg_server_url, dbname=name)
    with _admin(pg_server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for a carecase process on this test's database (no config file)."""
    return {"CARECASE_DATABASE_URL": database_url, "CARECASE_HOME": str(tmp_path / "home"),
            "CARECASE_CONFIG": str(_empty_config(tmp_path))}


def _empty_config(tmp_path: Path) -> Path:
    path = tmp_path / "carecase.toml"
    if not path.exists():
        path.write_text('[business]\nname = "Nordic Shoes"\nemail = "care@nordicshoes.example"\n'
                        'phone = "+46 8 123 45 67"\nsignature = "Nordic Shoes customer care"\n'
                        '\n[channels.email]\nenabled = true\n'
                        'from_address = "care@nordicshoes.example"\n')
    return path


@pytest.fixture
def settings(settings_env: dict[str, str]) -> config.Settings:
    return config.load(env=settings_env)


@pytest.fixture
def db(settings: config.Settings) -> Iterator[Database]:
    database = open_database(settings.database_url, settings.home, max_size=4)
    try:
        yield database
    finally:
        database.close()
