"""PostgreSQL goes down in the middle of an import: a clean failure, then a full catch-up.

A dedicated embedded server (its own pgserver data folder, not the session's) is stopped
the hard way (SIGQUIT to the postmaster: an immediate shutdown, as after a crash) while
``engine.import_messages`` runs batches of 100. The run must end in an exception; every
batch that committed is complete (each stored message is matched, none half-done); after
a restart the next run of the same messages stores the rest, nothing twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from carecase import config, engine
from carecase.model import Author, Message
from carecase.store import migrate
from carecase.store.db import open_database
from tests.reliability.conftest import SOAK

N = 6000 if SOAK else 3000


def messages(n: int) -> list[Message]:
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    return [Message(channel="facebook", external_id=f"pg{i}", created_at=t0 + timedelta(
        seconds=i), text=f"Mitt paket {100000 + i} har inte kommit, vad händer?",
        author=Author(id=str(7000 + i // 3), name=f"Kund {i // 3} Berg"), thread_id=f"pg{i}",
        parent_id="post") for i in range(n)]


def count(url: str) -> tuple[int, int]:
    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute("SELECT count(*), count(*) FILTER (WHERE customer_id IS NULL)"
                            " FROM messages").fetchone()


@pytest.fixture
def own_server(tmp_path: Path):
    import pgserver

    server = pgserver.get_server(tmp_path / "pgdata", cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()


def test_postgres_stops_mid_run_then_the_next_run_catches_up(own_server, tmp_path):
    url = own_server.get_uri()
    with psycopg.connect(url) as conn:
        migrate.upgrade(conn)
    cfg = tmp_path / "carecase.toml"
    cfg.write_text('[business]\nname = "Nordhem"\nemail = "care@nordhem.example"\n')
    settings = config.load(env={"CARECASE_DATABASE_URL": url, "CARECASE_HOME": str(tmp_path),
                                "CARECASE_CONFIG": str(cfg)})
    msgs = messages(N)
    db = open_database(url, tmp_path, max_size=2, timeout=3)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            engine.import_messages(db, settings, iter(msgs), batch_size=100)
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 60
    while count(url)[0] < 300:  # a few batches in
        assert time.monotonic() < deadline and worker.is_alive(), "the import did not start"
        time.sleep(0.05)
    postmaster = own_server.get_pid()
    os.kill(postmaster, signal.SIGQUIT)
    worker.join(timeout=60)
    assert not worker.is_alive(), "the import hung after the server went away"
    assert failure, "the import ended without an error although the server was gone"
    db.close()

    _wait_gone(postmaster)  # restarting while the old postmaster still exits confuses pgserver
    _restart(own_server)
    stored, unmatched = count(url)
    assert 0 < stored < N
    assert unmatched == 0, "a batch was committed half-done"
    assert stored % 100 == 0, f"{stored} stored: not whole batches"

    db = open_database(url, tmp_path, max_size=2)
    try:
        report = engine.import_messages(db, settings, iter(msgs), batch_size=100)
    finally:
        db.close()
    assert count(url) == (N, 0)
    assert report.counts["duplicates"] == stored and report.counts["messages"] == N - stored


def _wait_gone(pid: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"the stopped postmaster {pid} did not exit within {seconds} s")


def _restart(server, attempts: int = 20) -> None:
    """Start the server again; after an immediate shutdown its old backends may hold the
    shared memory for a moment, as an operator restarting it would also see."""
    for attempt in range(attempts):
        try:
            server.ensure_postgres_running()
            return
        except (AssertionError, subprocess.CalledProcessError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
