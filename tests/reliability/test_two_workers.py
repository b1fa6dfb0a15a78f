"""Two workers running ingest and dispatch at once, on the same channels: no duplicates.

Each worker is a thread with its own pool and its own connectors (as two processes
would have), polling every channel and dispatching in a loop while new items arrive.
Afterwards: every item stored once, one customer per identity, at most one open case per
customer, every reply sent once.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from itertools import combinations

from carecase import dispatch, names
from tests.reliability.checks import assert_exactly_once, ingest_all, run_until_quiet
from tests.reliability.conftest import SOAK, poster_first_name


def test_two_workers_ingest_and_dispatch_at_once(rig):
    rounds = 12 if SOAK else 5
    errors: list[BaseException] = []
    go = [threading.Barrier(2) for _ in range(rounds)]

    def worker(name: str) -> None:
        db, channels = rig.db(max_size=2), rig.channels(timeout=2.0)
        try:
            for n in range(rounds):
                go[n].wait(timeout=60)
                failed = ingest_all(db, rig.settings, channels)
                errors.extend(failed.values())
                dispatch.dispatch(db, rig.settings, channels, worker=f"{name}-{n}",
                                  now=datetime.now(UTC))
        except BaseException as exc:
            errors.append(exc)
            for barrier in go:
                barrier.abort()
        finally:
            for ch in channels.values():
                ch.close()
            db.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for n in range(rounds):  # new items before each round (both workers wait on it)
        rig.post(("facebook", "x", "trustpilot", "google", "email") if n % 2 == 0
                 else ("facebook", "x", "google"))
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors
    db = rig.db()
    run_until_quiet(rig, db)
    assert_exactly_once(rig, db)
    with db.connection() as conn:
        twice = conn.execute("SELECT kind, value FROM identities GROUP BY kind, value "
                             "HAVING count(DISTINCT customer_id) > 1").fetchall()
        open_twice = conn.execute(
            "SELECT customer_id FROM cases WHERE status IN ('open', 'waiting') "
            "GROUP BY customer_id HAVING count(*) > 1").fetchall()
        customers = conn.execute("SELECT count(*) AS n FROM customers").fetchone()["n"]
    db.close()
    assert not twice and not open_twice
    posted = sum(len(v) for v in rig.posted.values())
    assert customers == posted  # each item came from a new person


def test_the_rigs_posters_are_different_people_to_the_matcher():
    """What the count of customers above stands on: the names the rig posts under name
    different people (the soak posts 48 items here; "Kundb" and "Kundba", the names
    it had before, were one person's spellings to the matcher, and 14 customers too
    few came out of it)."""
    forms = [names.parse_name(f"{poster_first_name(n)} Svensson") for n in range(1, 121)]
    assert len({f.first for f in forms}) == len(forms)
    agreeing = [(a.raw, b.raw) for a, b in combinations(forms, 2) if names.compare(a, b)]
    assert agreeing == []
