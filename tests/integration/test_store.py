"""The store's guarantees, on a real PostgreSQL (embedded, or the CI server)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from carecase import engine
from carecase.errors import DatabaseUnavailable
from carecase.model import Author, Message
from carecase.store import migrate
from carecase.store.db import open_database, redact_url
from carecase.store.queries import Q


def test_migrations_apply_once_even_when_run_twice_concurrently(pg_server_url, tmp_path):
    name = f"carecase_mig_{id(tmp_path)}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = psycopg.conninfo.make_conninfo(pg_server_url, dbname=name)
    results: list[list] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with psycopg.connect(url) as conn:
                results.append(migrate.upgrade(conn))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors
        applied = sorted(len(r) for r in results)
        assert applied == [0, 0, len(migrate.available())]  # exactly one run applied them
        with psycopg.connect(url) as conn:
            assert migrate.upgrade(conn) == []  # and again: nothing
            assert migrate.current(conn) == migrate.available()[-1].version
            rows = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
            assert rows[0] == len(migrate.available())
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _msg(i: int) -> Message:
    return Message(channel="facebook", external_id=f"post_{i}", text=f"Where is my parcel {i}?",
                   created_at=datetime(2026, 11, 21, 9, tzinfo=UTC),
                   author=Author(id=f"u{i}", name=f"Person {i}"))


def test_two_concurrent_writers_store_each_message_once(db, settings):
    batch = [_msg(i) for i in range(200)]
    barrier = threading.Barrier(2)
    reports = []

    def write() -> None:
        barrier.wait()
        with db.connection() as conn:
            reports.append(engine.process(conn, settings, [_msg(i) for i in range(200)]))

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.counts["messages"] for r in reports) == [0, len(batch)]
    with db.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM messages").fetchone()["n"] == 200
        assert conn.execute("SELECT count(*) AS n FROM cases").fetchone()["n"] == 200
        dupes = conn.execute("SELECT count(*) AS n FROM (SELECT key FROM outbox GROUP BY key "
                             "HAVING count(*) > 1) d").fetchone()["n"]
        assert dupes == 0


def test_unique_constraints_hold(db):
    with db.connection() as conn:
        conn.execute("INSERT INTO customers (id, name) VALUES (1, 'A'), (2, 'B')")
        conn.execute("INSERT INTO identities (customer_id, kind, value) "
                     "VALUES (1, 'email', 'a@x.se')")
        with pytest.raises(psycopg.errors.UniqueViolation), conn.transaction():
            conn.execute("INSERT INTO identities (customer_id, kind, value) "
                         "VALUES (2, 'email', 'a@x.se')")
        conn.execute("INSERT INTO cases (customer_id) VALUES (1)")
        with pytest.raises(psycopg.errors.UniqueViolation), conn.transaction():
            conn.execute("INSERT INTO cases (customer_id) VALUES (1)")  # one open case
        conn.execute("INSERT INTO outbox (key, channel, action) VALUES ('k1', 'x', 'reply')")
        with pytest.raises(psycopg.errors.UniqueViolation), conn.transaction():
            conn.execute("INSERT INTO outbox (key, channel, action) VALUES ('k1', 'x', 'reply')")


def test_outbox_claims_by_two_workers_are_disjoint(db):
    now = datetime.now(UTC)
    with db.connection() as conn:
        conn.execute("INSERT INTO outbox (key, channel, action, not_before) "
                     "SELECT 'k' || g, 'email', 'send', %s FROM generate_series(1, 100) g",
                     (now - timedelta(seconds=1),))
    barrier = threading.Barrier(2)
    claimed: dict[str, list[int]] = {}
    url = db.url

    def claim(worker: str) -> None:
        with psycopg.connect(url, row_factory=dict_row) as conn:
            conn.execute("BEGIN")
            barrier.wait()
            rows = conn.execute(Q["claim_due"], {"now": now, "lease": now - timedelta(minutes=5),
                                                 "limit": 60, "worker": worker, "seen": [],
                                                 "channels": ["email"]}).fetchall()
            barrier.wait()  # both hold their claims at the same time
            conn.commit()
            claimed[worker] = [r["id"] for r in rows]

    threads = [threading.Thread(target=claim, args=(w,)) for w in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = set(claimed["w1"]), set(claimed["w2"])
    assert a and b and not a & b
    assert len(a | b) == 100


def test_unreachable_database_fails_fast_naming_the_url(tmp_path):
    url = "postgresql://carecase:hunter2@127.0.0.1:1/nowhere"
    with pytest.raises(DatabaseUnavailable) as info:
        open_database(url, tmp_path, timeout=3)
    text = str(info.value)
    assert "127.0.0.1:1/nowhere" in text and "hunter2" not in text
    assert "CARECASE_DATABASE_URL" in text
    assert redact_url(url) == "postgresql://carecase:***@127.0.0.1:1/nowhere"


@pytest.mark.parametrize(("url", "shown"), [
    ("host=127.0.0.1 port=1 user=postgres password=s3cretpw dbname=x",
     "user=postgres password=*** dbname=x host=127.0.0.1 port=1"),
    ("host=127.0.0.1 port=1 password='s3cret pw\\'x' dbname=x",
     "password=*** dbname=x host=127.0.0.1 port=1"),
    ("postgresql://postgres@127.0.0.1:1/x?password=s3cretpw&sslmode=disable",
     "postgresql://postgres@127.0.0.1:1/x?password=***&sslmode=disable"),
    ("postgres://postgres:s3cret%40pw@127.0.0.1:1/x", "postgres://postgres:***@127.0.0.1:1/x"),
    ("postgresql://postgres:s3cret/pw@127.0.0.1:1/x", "postgresql://postgres:***@127.0.0.1:1/x"),
    ("postgresql://127.0.0.1:1/x?pass%77ord=s3cretpw",  # what no pattern reads: rewritten
     "password=*** dbname=x host=127.0.0.1 port=1"),
    ("host=127.0.0.1 port=1 password=s3cret pw dbname=x",  # libpq cannot parse it
     "host=127.0.0.1 port=1 password=*** dbname=x"),
    ("postgresql://postgres@127.0.0.1:1/x", "postgresql://postgres@127.0.0.1:1/x"),
])
def test_the_password_is_redacted_in_every_form_of_connection_string(tmp_path, url, shown):
    assert redact_url(url) == shown
    with pytest.raises(DatabaseUnavailable) as info:
        open_database(url, tmp_path, timeout=3)
    assert "s3cret" not in str(info.value) and "CARECASE_DATABASE_URL" in str(info.value)
    assert '"pw"' not in str(info.value)  # nor psycopg's quote of where it stopped reading


def test_migration_0003_keeps_only_the_last_days_keys(db):
    sql = Path(migrate.__file__).parent / "migrations" / "0003_current_keys_only.sql"
    with db.connection() as conn:
        cid = conn.execute("INSERT INTO customers (profile) VALUES (%s) RETURNING id",
                           ('{"last_seen": "2026-11-22T09:30:00+01:00"}',)).fetchone()["id"]
        keys = ["f:greta@2026-11-21", "f:greta@2026-11-22", "a:2026-11-21T10",
                "a:2026-11-22T08", "d:2026-11-21", "d:2026-11-22", "n:greta+lind"]
        for key in keys:
            conn.execute("INSERT INTO customer_keys (key, customer_id) VALUES (%s, %s)",
                         (key, cid))
        conn.execute(sql.read_text(encoding="utf-8"))
        left = {r["key"] for r in conn.execute("SELECT key FROM customer_keys")}
    # last seen 08:30 UTC on the 22nd: that hour, that day, and every name key
    assert left == {"f:greta@2026-11-22", "a:2026-11-22T08", "d:2026-11-22", "n:greta+lind"}


def test_jsonb_round_trips_what_orjson_refuses_through_the_standard_library(db):
    """The pool's connections read jsonb with orjson, the engine writes its rows with
    it; an integer beyond 64 bits (a payload may carry one) takes the standard library's
    way, both ways, and what no JSON can hold still fails."""
    from psycopg.types.json import Jsonb

    from carecase.store import jsonb

    at = datetime(2026, 3, 17, 8, 0, 0, 123, tzinfo=UTC)
    value = {"big": 2**70, "ids": [1, -2**63], "text": "Hej 😀 \u202e", "n": 1.5,
             "at": at}
    with db.connection() as conn:
        back = conn.execute("SELECT %s::jsonb AS v", (Jsonb(value, dumps=lambda v: jsonb.dumps(
            v, lambda d: d.isoformat())),)).fetchone()["v"]
        assert back == {**value, "at": at.isoformat()}
        assert conn.execute("SELECT '{\"1\": 2}'::jsonb AS v").fetchone()["v"] == {"1": 2}
    assert jsonb.dumps({1: "a"}) in (b'{"1":"a"}', '{"1":"a"}')
    with pytest.raises(TypeError):
        jsonb.dumps({"s": {1, 2}})
    with pytest.raises(ValueError):
        jsonb.loads(b"{not json")


def test_pooled_connections_never_jit_compile_a_batch_statement(db):
    # On a server built with JIT a batch's key lookup passed jit_above_cost and spent
    # 61 of its 90 ms compiling (the embedded server has no JIT; CI's has).
    keys = [f"n:anna+{i}" for i in range(20_000)]
    for _ in range(2):  # and still so when the connection comes back from the pool
        with db.connection() as conn:
            assert conn.execute("SHOW jit").fetchone()["jit"] == "off"
            [plan] = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + Q["key_lookup"], {
                "keys": keys, "limits": [50] * len(keys)}).fetchone()["QUERY PLAN"]
            assert plan["Plan"]["Total Cost"] > 100_000  # jit_above_cost
            assert "JIT" not in plan
