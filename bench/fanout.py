"""The 17:00 fan-out: 10,000 open cases rendered and queued by ``updates.status_updates``.

    python -m bench.fanout [--cases 10000]

Customers, e-mail identities and open cases are inserted with SQL (a customer-facing
note on every tenth case, so some updates carry news), then the status-update pass runs
twice for the same day. Checked with SQL: exactly one outbox row per case after the
first run, and still one after the second. Goal: <= 30 s. Writes results.json "fanout".
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from bench.common import Timer, fresh_database, save, server, settings_for, show

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 17:00 in Stockholm, a Tuesday
LANGS = ("sv", "da", "nb", "en")


def seed(url: str, n: int) -> None:
    opened = NOW - timedelta(days=1)
    with psycopg.connect(url) as conn, conn.transaction():
        conn.execute("""
            INSERT INTO customers (id, name, language)
            SELECT g, 'Kund ' || g, (ARRAY['sv','da','nb','en'])[1 + g %% 4]
            FROM generate_series(1, %(n)s) g""", {"n": n})
        conn.execute("""
            INSERT INTO identities (customer_id, kind, value)
            SELECT g, 'email', 'kund' || g || '@example.se' FROM generate_series(1, %(n)s) g""",
                     {"n": n})
        conn.execute("""
            INSERT INTO cases (id, customer_id, status, language, opened_at)
            SELECT g, g, CASE WHEN g %% 5 = 0 THEN 'waiting' ELSE 'open' END,
                   (ARRAY['sv','da','nb','en'])[1 + g %% 4], %(opened)s
            FROM generate_series(1, %(n)s) g""", {"n": n, "opened": opened})
        conn.execute("""
            INSERT INTO case_events (case_id, kind, actor, detail, at)
            SELECT g, 'noted', 'agent',
                   jsonb_build_object('text', 'Vi har beställt en ny vara åt dig.',
                                      'for_customer', true), %(at)s
            FROM generate_series(10, %(n)s, 10) g""", {"n": n, "at": opened})
        conn.execute("SELECT setval('customers_id_seq', %(n)s)", {"n": n})
        conn.execute("SELECT setval('cases_id_seq', %(n)s)", {"n": n})


def check(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        one = conn.execute("""
            SELECT count(*) FILTER (WHERE n = 1) AS one, count(*) FILTER (WHERE n > 1) AS more,
                   (SELECT count(*) FROM cases c WHERE NOT EXISTS
                      (SELECT 1 FROM outbox o WHERE o.case_id = c.id)) AS none,
                   (SELECT count(*) FROM outbox) AS rows
            FROM (SELECT case_id, count(*) AS n FROM outbox GROUP BY case_id) x""").fetchone()
    return dict(zip(("cases_with_one", "cases_with_more", "cases_with_none", "outbox_rows"),
                    one, strict=True))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    args = ap.parse_args(argv)
    from carecase import updates
    from carecase.store.db import open_database

    with server() as srv, fresh_database(srv, "fanout") as url, \
            tempfile.TemporaryDirectory() as tmp:
        seed(url, args.cases)
        settings = settings_for(url, Path(tmp))
        db = open_database(url, Path(tmp), max_size=2)
        try:
            with Timer() as first:
                r1 = updates.status_updates(db, settings, on=date(2026, 11, 24), now=NOW)
            after_first = check(url)
            with Timer() as second:
                r2 = updates.status_updates(db, settings, on=date(2026, 11, 24),
                                            now=NOW + timedelta(minutes=5))
            after_second = check(url)
        finally:
            db.close()
        ok = (after_first["cases_with_one"] == args.cases == after_second["cases_with_one"]
              and after_second["outbox_rows"] == args.cases)
        figures = {
            "cases": args.cases, "goal": "<= 30 s, exactly one outbox row per case",
            "seconds": round(first.seconds, 2),
            "cases_per_s": round(args.cases / first.seconds),
            "second_run_seconds": round(second.seconds, 2),
            "first_run": dict(r1.counts), "second_run": dict(r2.counts),
            "after_first": after_first, "after_second": after_second,
            "exactly_one_per_case": ok,
        }
        show("17:00 fan-out", figures)
        save("fanout", figures, url=url)
    if not ok:
        raise SystemExit("fan-out: not exactly one outbox row per case")
    return figures


if __name__ == "__main__":
    main()
