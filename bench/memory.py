"""Memory: ``carecase import`` of a 100k-line JSONL file, peak RSS of the process.

    python -m bench.memory [--lines 100000]

The file is written with ``bench.common.write_jsonl`` (the ingest bench's messages), then
``python -m carecase.cli import FILE`` runs in a child process on a fresh database; its
peak resident set is the child's ``ru_maxrss`` from ``os.wait4``. Goal: <= 500 MB.
Writes results.json "memory".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.common import BENCH_CONFIG, ROOT, fresh_database, save, server, show, write_jsonl

LIMIT_MB = 500


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=100_000)
    args = ap.parse_args(argv)
    with server() as srv, fresh_database(srv, "memory") as url, \
            tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(Path(tmp) / "messages.jsonl", args.lines, seed=7)
        config = Path(tmp) / "carecase.toml"
        config.write_text(BENCH_CONFIG, encoding="utf-8")
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("CARECASE_")},
               "CARECASE_DATABASE_URL": url, "CARECASE_HOME": str(Path(tmp) / "home"),
               "CARECASE_CONFIG": str(config)}
        started = time.perf_counter()
        with open(Path(tmp) / "out.txt", "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "carecase.cli", "import", str(path)],
                                    env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        output = (Path(tmp) / "out.txt").read_text(errors="replace")
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        figures = {
            "lines": args.lines, "file_mb": round(path.stat().st_size / 2**20, 1),
            "exit_status": proc.returncode, "stored": stored,
            "peak_rss_mb": round(peak_mb, 1), "goal": f"<= {LIMIT_MB} MB",
            "within_goal": peak_mb <= LIMIT_MB, "seconds": round(seconds, 1),
            "msg_per_s": round(args.lines / seconds),
        }
        show("memory of `carecase import`", figures)
        if proc.returncode != 0:
            print(output[-3000:])
        save("memory", figures, url=url)
    return figures


if __name__ == "__main__":
    main()
