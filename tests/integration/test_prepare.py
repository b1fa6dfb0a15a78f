"""Preparing batches in a worker process (carecase.prepare.Prefetch), as imports do.

A real spawned worker process; the import test runs on this test's PostgreSQL database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from carecase import engine
from carecase.batch import rules_for
from carecase.classify import Rules
from carecase.identity import ORDER_PATTERN
from carecase.model import Author, Message
from carecase.prepare import Prefetch, _malloc_trim, prepare

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAMES = ["Astrid Lindqvist", "Bo Mikkelsen", "Cecilie Haugen", "David Brown", "Elin Sjöberg",
         "Frederik Nørgaard", "Guro Rønning", "Hanna Eklund", "Ivar Solberg", "Jens Kjær",
         "Karin Wallin", "Lars Bakke", "Maja Holm", "Nils Dahlberg", "Olivia Smith",
         "Per Østergaard", "Quentin Hale"]
TEXTS = [
    "Mitt paket har inte kommit och ingen svarar på mina mejl. Order 123456.",
    "Min pakke er ikke kommet, og ingen svarer på mine mails. Hvad sker der?",
    "Pakken min har ikke kommet, og ingen svarer meg. Hva skjer?",
    "My parcel never arrived and nobody answers my e-mails. What is going on?",
    "ok",  # too short to tell: the author's earlier language decides later
    "Ring mig i stället på 0701234567, mitt kort är 4111 1111 1111 1111 och jag vill ha "
    "tillbaka pengarna för beställningen\x00",
]


def _messages(n: int, start: int = 0) -> list[Message]:
    return [Message(channel="facebook", external_id=f"post_{i}",
                    text=TEXTS[i % len(TEXTS)], created_at=T0 + timedelta(minutes=i),
                    author=Author(id=f"fb-{i % 17}", name=NAMES[i % 17]),
                    thread_id="post", parent_id="post")
            for i in range(start, start + n)]


def _chunks(n: int, size: int) -> list[list[Message]]:
    msgs = _messages(n)
    return [msgs[i:i + size] for i in range(0, n, size)]


RULES = Rules(default_language="sv")


def test_the_worker_prepares_exactly_what_this_process_would():
    expected = [prepare(chunk, RULES, ORDER_PATTERN) for chunk in _chunks(60, 25)]
    with Prefetch(_chunks(60, 25), RULES, ORDER_PATTERN) as ahead:
        got = list(ahead)
    assert got == expected
    assert [len(c) for c in got] == [25, 25, 10]
    languages = [p.cls.language for p in got[0][:6]]
    assert languages == ["sv", "da", "nb", "en", None, "sv"]
    assert "\x00" not in got[0][5].msg.text  # cleaned on the worker path too
    assert "card_number" in got[0][5].cls.moderation


def test_a_dead_worker_means_the_rest_is_prepared_here():
    expected = [prepare(chunk, RULES, ORDER_PATTERN) for chunk in _chunks(100, 20)]
    got = []
    with Prefetch(_chunks(100, 20), RULES, ORDER_PATTERN) as ahead:
        for i, batch in enumerate(ahead):
            got.append(batch)
            if i == 0:  # kill the worker while the next batches are in its hands
                for pid in list(ahead._pool._processes):
                    os.kill(pid, signal.SIGKILL)
        assert ahead._pool is None  # it noticed, and went on in this process
    assert got == expected


def test_an_import_of_several_batches_is_prepared_ahead_and_complete(db, settings):
    report = engine.import_messages(db, settings, iter(_messages(90)), batch_size=20)
    assert report.counts["messages"] == 90
    with db.connection() as conn:
        rows = conn.execute("SELECT external_id, language, customer_id, moderation "
                            "FROM messages ORDER BY id").fetchall()
    assert len(rows) == 90 and all(r["language"] in ("sv", "da", "nb", "en") for r in rows)
    assert len({r["customer_id"] for r in rows}) == 17  # the same 17 authors again and again
    carded = [r for r in rows if int(r["external_id"].split("_")[1]) % len(TEXTS) == 5]
    assert len(carded) == 15 and all("card_number" in r["moderation"] for r in carded)


def test_an_import_gives_the_same_result_with_and_without_the_worker(settings):
    from carecase.store.db import open_database

    def outcome(parallel: bool) -> list[tuple]:
        db = open_database(settings.database_url, settings.home, max_size=2)
        try:
            with db.connection() as conn:
                conn.execute("TRUNCATE messages, customers, customer_keys, identities, cases, "
                             "case_events, outbox, evidence, incidents CASCADE")
            engine.import_messages(db, settings, iter(_messages(70)), batch_size=15,
                                   parallel=parallel)
            with db.connection() as conn:
                return conn.execute(
                    "SELECT m.external_id, m.language, m.kind, m.moderation, m.machine, "
                    "  (SELECT min(external_id) FROM messages o "
                    "    WHERE o.customer_id = m.customer_id) AS first_of_customer, "
                    "  (SELECT count(*) FROM outbox WHERE outbox.case_id = m.case_id) AS out "
                    "FROM messages m ORDER BY m.external_id").fetchall()
        finally:
            db.close()

    assert rules_for(settings).default_language in ("sv", "da", "nb", "en")
    assert outcome(parallel=True) == outcome(parallel=False)


FRAGMENTED_HEAP = """
from carecase.prepare import release_free_memory

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) // 1024

# 1 KB buffers come from malloc, not Python's own small-object allocator. Keeping every
# 64th leaves the freed memory in holes below memory still in use, which free() alone
# never gives back: only a trim does.
blocks = [bytearray(1024) for _ in range(200_000)]
kept = blocks[::64]
del blocks
before = rss_mb()
release_free_memory()
print(before, rss_mb())
"""


@pytest.mark.skipif(not _malloc_trim() or not os.path.exists("/proc/self/status"),
                    reason="needs glibc's malloc_trim and /proc")
def test_release_free_memory_gives_the_freed_holes_back():
    # In a process of its own: this one's heap is whatever the tests before left it.
    out = subprocess.run([sys.executable, "-c", FRAGMENTED_HEAP], capture_output=True,
                         text=True, check=True).stdout
    before, after = map(int, out.split())
    assert before - after > 120, (before, after)  # of about 200 MB freed in the holes


def test_a_text_cut_to_what_is_stored_says_how_long_it_was():
    from carecase.prepare import MAX_TEXT, sanitize

    long = Message(channel="email", external_id="long@x", text="Paketet kom aldrig. " * 6000,
                   created_at=T0, author=Author(email="a@example.se"), public=False,
                   raw={"from": "a@example.se"})
    cut = sanitize(long)
    assert len(cut.text) == MAX_TEXT
    assert cut.raw == {"from": "a@example.se", "_cut": {"text": 120_000, "kept": MAX_TEXT}}
    short = sanitize(Message(channel="email", external_id="s@x", text="Hej", created_at=T0,
                             author=Author(email="a@example.se"), public=False))
    assert "_cut" not in short.raw
