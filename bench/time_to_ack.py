"""Time to acknowledge: a comment on the Facebook sandbox until our public reply is there.

    python -m bench.time_to_ack [--posts 50] [--interval 5] [--ingest-every S] [--flowless]

Default (the real thing): a Prefect server (``prefect server start``, its own SQLite in a
temporary PREFECT_HOME) and ``python -m flows.serve`` serving every deployment on its
default schedule (ingest every minute, sending what it queued as a task of the same run),
against the whole sandbox (``sandbox.run``) and a fresh database. ``--ingest-every``
sets ``care.ingest_every_seconds`` instead (results.json "time_to_ack_every_<S>s").
50 complaints from 50 new people are posted on the fake Graph API, ``--interval``
seconds apart on average (at random, as customers write); for each, the time until a
Page reply under it shows in the fake's state. p50/p95; goal p95 <= 60 s.

``--flowless`` (or when the served flows cannot start) measures the approximation without
Prefect: a loop in this process running ``engine.ingest`` on every channel then
``dispatch.dispatch`` at the ingest interval. The output and results.json say which one
was measured. Writes results.json "time_to_ack".
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, fresh_database, save, server, show

TEXT = "Mitt paket har stått still hos PostNord i {n} dagar och ingen svarar. Order {o}."


def _free_port() -> int:
    from sandbox.run import free_port

    return free_port()


def _replied(graph: Any, comment_id: str) -> bool:
    with graph.lock:
        return any(graph.comments[r]["parent_id"] == comment_id for r in graph.page_replies
                   if r in graph.comments)


def measure(graph: Any, posts: int, interval: float, deadline_s: float,
            seed: int = 7) -> dict[str, Any]:
    """Post, then watch the fake until each comment has a Page reply (bounded).

    Comments arrive as customers write them, at random (exponential gaps of ``interval``
    seconds on average, seeded). At fixed gaps they would fall on only 60 / interval
    phases of the one-minute schedule, and where the first one fell would decide the
    p95: 59.6 s in one run, 60.3 s in the next, with the same code."""
    gaps = random.Random(seed)
    post = graph.add_post("Veckans erbjudanden")
    posted: dict[str, float] = {}
    acked: dict[str, float] = {}
    stop = time.monotonic() + 2 * posts * interval + deadline_s  # the gaps are random
    nxt = time.monotonic()
    i = 0
    while time.monotonic() < stop and (i < posts or len(acked) < posts):
        now = time.monotonic()
        if i < posts and now >= nxt:
            c = graph.add_comment(post["id"], TEXT.format(n=2 + i % 7, o=400000 + i),
                                  {"id": str(7770000 + i), "name": f"Kund Nummer{i}"})
            posted[c["id"]] = time.monotonic()
            i += 1
            nxt += gaps.expovariate(1 / interval)
        for cid, t0 in posted.items():
            if cid not in acked and _replied(graph, cid):
                acked[cid] = time.monotonic() - t0
        time.sleep(0.25)
    waits = sorted(acked.values())
    q = statistics.quantiles(waits, n=20) if len(waits) >= 2 else waits * 19
    return {"posted": len(posted), "acknowledged": len(acked),
            "p50_s": round(statistics.median(waits), 1) if waits else None,
            "p95_s": round(q[18], 1) if waits else None,
            "max_s": round(max(waits), 1) if waits else None,
            "min_s": round(min(waits), 1) if waits else None}


def served(sb: Any, env: dict[str, str], home: Path, args: Any) -> dict[str, Any]:
    """Run the measurement with ``flows.serve`` on a Prefect server."""
    from flows.demo import start_prefect_server, stop_process

    port = _free_port()
    prefect_env = {"PREFECT_HOME": str(home / "prefect"),
                   "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    saved = {k: os.environ.get(k) for k in prefect_env}
    os.environ.update(prefect_env)  # start_prefect_server inherits this environment
    try:
        prefect = start_prefect_server(home, port, timeout=120)
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    log = (home / "serve.log").open("wb")
    serve = subprocess.Popen([sys.executable, "-m", "flows.serve"], cwd=ROOT,
                             env={**env, **prefect_env}, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        _wait_for_a_run(prefect_env["PREFECT_API_URL"], serve, home)
        figures = measure(sb.facebook, args.posts, args.interval, deadline_s=args.wait)
        if figures["acknowledged"] < figures["posted"]:
            print((home / "serve.log").read_text(errors="replace")[-4000:])
        return figures
    finally:
        serve.terminate()  # serve pauses its schedules on SIGTERM
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait(timeout=10)
        log.close()
        stop_process(prefect)


def _wait_for_a_run(api: str, serve: subprocess.Popen, home: Path, timeout: float = 130
                    ) -> None:
    """Up to ``timeout`` s for the schedules to start a flow run; else RuntimeError with
    the Prefect server's last error (the measurement would only time out)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if serve.poll() is not None:
            raise RuntimeError("flows.serve exited: "
                               + (home / "serve.log").read_text(errors="replace")[-2000:])
        runs = httpx.post(f"{api}/flow_runs/filter", json={}, timeout=10).json()
        if any(r["state_type"] in ("RUNNING", "COMPLETED", "FAILED") for r in runs):
            return
        time.sleep(2)
    log = (home / "prefect-server.log").read_text(errors="replace").splitlines()
    errors = [line for line in log if "Error" in line and not line.startswith(" ")]
    raise RuntimeError(f"no scheduled flow run started within {timeout:.0f} s; the Prefect "
                       f"server says: {errors[-1] if errors else 'nothing'}")


def flowless(settings: Any, sb: Any, args: Any) -> dict[str, Any]:
    """engine.ingest on every channel, then dispatch, at the ingest interval, in a
    thread."""
    from carecase import dispatch, engine
    from carecase.bootstrap import make_channels
    from carecase.store.db import open_database

    db = open_database(settings.database_url, settings.home, max_size=4)
    done = threading.Event()
    every = settings.care.ingest_every_seconds

    def loop() -> None:
        for _ in range(1000):
            if done.is_set():
                return
            start = time.monotonic()
            channels = make_channels(settings)
            try:
                for name, ch in channels.items():
                    try:
                        engine.ingest(db, settings, ch, account=name)
                    except Exception as exc:  # one channel failing must not stop the loop
                        print(f"ingest {name}: {exc}")
                dispatch.dispatch(db, settings, channels, worker="bench")
            finally:
                for ch in channels.values():
                    ch.close()
            done.wait(max(0.0, every - (time.monotonic() - start)))

    worker = threading.Thread(target=loop, daemon=True)
    worker.start()
    try:
        return measure(sb.facebook, args.posts, args.interval, deadline_s=args.wait)
    finally:
        done.set()
        worker.join(timeout=120)
        db.close()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=50)
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--ingest-every", type=int, default=None, metavar="S",
                    help="care.ingest_every_seconds (default: the settings' default, 60)")
    ap.add_argument("--flowless", action="store_true")
    ap.add_argument("--wait", type=float, default=240.0,
                    help="seconds to wait for the last acknowledgment")
    args = ap.parse_args(argv)
    from carecase import config
    from sandbox.run import run_sandbox, write_demo_config

    with server() as srv, fresh_database(srv, "ack") as url, \
            tempfile.TemporaryDirectory() as tmp, run_sandbox() as sb:
        home = Path(tmp)
        secrets: dict[str, str] = {}
        path = write_demo_config(home / "carecase.toml", sb, environ=secrets)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("CARECASE_")},
               **secrets, "CARECASE_DATABASE_URL": url, "CARECASE_HOME": str(home / "home"),
               "CARECASE_CONFIG": str(path)}
        schedule = "default schedules"
        if args.ingest_every:
            env["CARECASE_CARE__INGEST_EVERY_SECONDS"] = str(args.ingest_every)
            schedule = f"ingest every {args.ingest_every} s"
        how, note = f"flows served by flows.serve on a Prefect server ({schedule})", None
        figures: dict[str, Any]
        try:
            if args.flowless:
                raise RuntimeError("--flowless asked")
            figures = served(sb, env, home, args)
        except RuntimeError as exc:
            how = "flow-less approximation: engine.ingest + dispatch, on the same interval"
            if not args.flowless:
                note = f"served flows unusable: {str(exc)[:500]}"
            os.environ.update(secrets)
            settings = config.load(path, env={k: v for k, v in env.items()
                                              if k.startswith("CARECASE_")})
            figures = flowless(settings, sb, args)
        every = args.ingest_every or config.Care().ingest_every_seconds
        figures = {"measured": how, **({"note": note} if note else {}),
                   "interval_s": args.interval, "ingest_every_s": every,
                   "goal": "p95 <= 60 s", **figures}
        show("time to acknowledge", figures)
        save(f"time_to_ack_every_{every}s" if args.ingest_every else "time_to_ack", figures,
             url=url)
    return figures


if __name__ == "__main__":
    main()
