"""Ingest: N messages through the engine, against a raw COPY of the same rows.

    python -m bench.ingest [--sizes 10000 100000] [--profile]

For each size, on a fresh database: ``engine.import_messages`` (store -> classify ->
match -> case -> decide -> outbox, one transaction per 500 messages) on seeded messages
from ``bench.common.generate``; then, on the same database, a COPY of the same rows into
``raw_copy`` (``CREATE TABLE raw_copy (LIKE messages INCLUDING ALL)``: same columns,
indexes and unique key). Prints msg/s and engine/COPY; goal >= 2,000 msg/s and <= 5x.
Also the CPU seconds the import took, by whom (``bench.common.CpuMeter``: this process,
its preparing worker, the PostgreSQL backends, the whole machine), and the ceiling they
set: the rate at which that much work would run with every core busy all the time.
``--profile`` also runs 2,000 messages under cProfile (a separate run, so the timed
figures carry no profiler overhead) and records the hot spots.
Writes bench/results.json key "ingest".
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
from pathlib import Path
from typing import Any

from psycopg.types.json import Jsonb

from bench.common import CpuMeter, Timer, fresh_database, messages, save, server, settings_for, show

COPY = """COPY raw_copy (channel, external_id, direction, thread_id, parent_id, author, text,
    subject, created_at, public, url, rating, order_ref, raw) FROM STDIN"""


def run_engine(url: str, home: Path, msgs: list[Any], profile: bool = False
               ) -> tuple[float, dict[str, int], str | None, dict[str, float | None]]:
    from carecase import engine
    from carecase.store.db import open_database

    settings = settings_for(url, home)
    db = open_database(url, home, max_size=2)
    prof = cProfile.Profile() if profile else None
    try:
        with CpuMeter(url) as cpu, Timer() as t:
            if prof:
                prof.enable()
            report = engine.import_messages(db, settings, iter(msgs), batch_size=500)
            if prof:
                prof.disable()
    finally:
        db.close()
    hot = None
    if prof:
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).sort_stats("tottime")
        stats.print_stats(25)
        hot = buf.getvalue()
    return t.seconds, dict(report.counts), hot, cpu.seconds


def run_copy(url: str, msgs: list[Any]) -> float:
    """COPY the same rows into an empty twin of the messages table."""
    import psycopg

    from carecase.engine import _author

    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS raw_copy")
        conn.execute("CREATE TABLE raw_copy (LIKE messages INCLUDING ALL)")
        conn.commit()
        with Timer() as t, conn.transaction(), conn.cursor().copy(COPY) as copy:
            for m in msgs:
                copy.write_row((m.channel, m.external_id, m.direction, m.thread_id,
                                m.parent_id, Jsonb(_author(m)), m.text, m.subject,
                                m.created_at, m.public, m.url, m.rating, m.order_ref,
                                Jsonb(m.raw)))
        conn.execute("DROP TABLE raw_copy")
    return t.seconds


def counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("messages", "customers", "cases", "outbox", "case_events")}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    results: dict[str, Any] = {"goal": ">= 2000 msg/s and <= 5x raw COPY", "batch_size": 500}
    with server() as srv, tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            with fresh_database(srv, "ingestprof") as url:
                _, _, hot, _ = run_engine(url, Path(tmp) / "prof", messages(2000, seed=3),
                                          profile=True)
            print(hot)
            results["profile_2000_tottime"] = _top(hot)
        for n in sorted(args.sizes):
            msgs = messages(n, seed=n)
            with fresh_database(srv, f"ingest{n}") as url:
                seconds, report, _, cpu = run_engine(url, Path(tmp) / f"h{n}", msgs)
                stored = counts(url)
                copy_seconds = run_copy(url, msgs)
                url_for_machine = url
                figures = {
                    "messages": n, "seconds": round(seconds, 2),
                    "msg_per_s": round(n / seconds), "copy_seconds": round(copy_seconds, 3),
                    "copy_msg_per_s": round(n / copy_seconds),
                    "ratio_to_copy": round(seconds / copy_seconds, 1),
                    "stored": stored, "report": report, "cpu_seconds": cpu,
                    **_ceiling(n, cpu),
                }
                results[str(n)] = figures
                show(f"ingest {n:,} messages", figures)
                save("ingest", results, url=url_for_machine)
    return results


def _ceiling(n: int, cpu: dict[str, float | None]) -> dict[str, Any]:
    """The fastest this much CPU work could go on this machine's cores, all of them busy
    all the time: its CPU seconds (the whole machine's) over the number of cores."""
    cores, busy = os.cpu_count() or 1, cpu.get("machine")
    if not busy:
        return {}
    return {"cores": cores, "cpu_ms_per_msg": round(busy / n * 1000, 3),
            "ceiling_msg_per_s": round(n / (busy / cores))}


def _top(text: str, lines: int = 14) -> list[str]:
    """The first rows of a pstats listing (the hot spots), whitespace-squeezed."""
    rows = [" ".join(line.split()) for line in text.splitlines()]
    start = next((i for i, line in enumerate(rows) if line.startswith("ncalls")), 0)
    return [r for r in rows[start:start + lines + 1] if r]


if __name__ == "__main__":
    main()
