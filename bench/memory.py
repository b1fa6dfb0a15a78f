"""Memory: ``carecase import`` of a 100k-line JSONL file, peak RSS of the process.

    python -m bench.memory [--lines 100000] [--batch-size N] [--quoted-kb KB]

The file is written with ``bench.common.write_jsonl`` (the ingest bench's messages), then
``python -m carecase.cli import FILE`` runs in a child process on a fresh database. The
import prepares batches in a worker process of its own (and multiprocessing starts a
small resource tracker), so: the peak of the summed resident sets of the import and its
descendants, sampled every 0.2 s from /proc (shared pages counted twice, so it errs
high), on which the goal, <= 500 MB, is checked; and each process's own peak (VmHWM),
the import's and the largest of its descendants' (the worker). ``ru_maxrss`` from
``os.wait4`` cannot tell them apart: it is the largest of the child and the descendants
it reaped. The peak of their summed Pss (a page shared by n processes counts 1/n in
each) is recorded too: it errs low, since pages they share with the bench process itself
count partly there.
``--quoted-kb`` makes every e-mail quote that many KB of an earlier thread (long texts
are what memo tables must not keep). Writes results.json "memory" (with ``--quoted-kb``:
"memory_long_emails").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.common import BENCH_CONFIG, ROOT, fresh_database, save, server, show, write_jsonl

LIMIT_MB = 500


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--batch-size", type=int, default=None,
                    help="passed to `carecase import` (default: its own)")
    ap.add_argument("--quoted-kb", type=int, default=0,
                    help="every e-mail quotes this many KB of an earlier thread")
    args = ap.parse_args(argv)
    with server() as srv, fresh_database(srv, "memory") as url, \
            tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(Path(tmp) / "messages.jsonl", args.lines, seed=7,
                           quoted_kb=args.quoted_kb)
        config = Path(tmp) / "carecase.toml"
        config.write_text(BENCH_CONFIG, encoding="utf-8")
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("CARECASE_")},
               "CARECASE_DATABASE_URL": url, "CARECASE_HOME": str(Path(tmp) / "home"),
               "CARECASE_CONFIG": str(config)}
        started = time.perf_counter()
        with open(Path(tmp) / "out.txt", "wb") as out:
            command = [sys.executable, "-m", "carecase.cli", "import", str(path)]
            if args.batch_size:
                command += ["--batch-size", str(args.batch_size)]
            proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out,
                                    stderr=subprocess.STDOUT)
            sampler = TreeSampler(proc.pid)
            sampler.start()
            _, status, usage = os.wait4(proc.pid, 0)
            sampler.stop()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        output = (Path(tmp) / "out.txt").read_text(errors="replace")
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        # ru_maxrss (kB on Linux) is the largest single process of the tree
        tree_mb = max(sampler.peak_kb, usage.ru_maxrss) / 1024
        pss_mb = sampler.peak_pss_kb / 1024
        figures = {
            "lines": args.lines, "quoted_kb": args.quoted_kb,
            "file_mb": round(path.stat().st_size / 2**20, 1),
            "exit_status": proc.returncode, "stored": stored,
            "peak_rss_mb": round(sampler.own_peak_kb / 1024, 1),
            "peak_worker_rss_mb": round(sampler.descendant_peak_kb / 1024, 1),
            "peak_tree_rss_mb": round(tree_mb, 1),
            "peak_tree_pss_mb": round(pss_mb, 1),
            "goal": f"<= {LIMIT_MB} MB (import and its worker together)",
            "within_goal": tree_mb <= LIMIT_MB, "seconds": round(seconds, 1),
            "msg_per_s": round(args.lines / seconds),
        }
        show("memory of `carecase import`", figures)
        if proc.returncode != 0:
            print(output[-3000:])
        save("memory_long_emails" if args.quoted_kb else "memory", figures, url=url)
    return figures


class TreeSampler(threading.Thread):
    """The peak over time of the summed VmRSS of a process and its descendants, and of
    their summed Pss (proportional set size: a page shared by two processes counts half
    in each, so the sum counts it once); and the process's own peak and the largest
    descendant's (VmHWM, exact between samples)."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb, self.peak_pss_kb = pid, every, 0, 0
        self.own_peak_kb = self.descendant_peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            tree = _tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_status_kb(p, "VmRSS:") for p in tree))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(
                _status_kb(p, "Pss:", "smaps_rollup") for p in tree))
            self.own_peak_kb = max(self.own_peak_kb, _status_kb(self.pid, "VmHWM:"))
            self.descendant_peak_kb = max(self.descendant_peak_kb, *(
                _status_kb(p, "VmHWM:") for p in tree[1:]), 0)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += map(int, Path(f"/proc/{p}/task/{task}/children").read_text().split())
        except OSError:  # gone meanwhile
            continue
    return pids


def _status_kb(pid: int, field: str, file: str = "status") -> int:
    """A kB figure from /proc/PID/status (or smaps_rollup); 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
