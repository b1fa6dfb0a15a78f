"""Dispatch: sends per second to the Facebook sandbox and to a local SMTP server.

    python -m bench.dispatch_rate [--facebook 1000] [--email 400]

Outbox rows are inserted with SQL: public replies to comments that exist on the fake
Graph API, and e-mails to distinct recipients (the per-recipient hourly limit is not what
is measured). Then 1 and 2 dispatcher *processes* (each with its own pool and channel)
run ``dispatch.dispatch`` until nothing is left. The fakes run in this process; the
SMTP server is aiosmtpd and the IMAP server (for the Sent copy every e-mail gets) pymap,
both from ``sandbox.run``. Checked: every row 'sent', the fake holds exactly one reply per
comment, the SMTP server received exactly one mail per row (by Message-ID).
Writes results.json "dispatch".
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.common import fresh_database, save, server, settings_for, show

TOKEN = "bench-facebook-token"


def _worker(kind: str, url: str, home: str, spec: dict[str, Any], name: str,
            go: float) -> tuple[int, float, float]:
    """One dispatcher process: its own pool and channel, until the outbox is empty."""
    from carecase import dispatch
    from carecase.store.db import open_database

    settings = settings_for(url, Path(home) / name)
    db = open_database(url, Path(home), max_size=2)
    channel = _channel(kind, spec)
    sent = 0
    time.sleep(max(0.0, go - time.time()))  # all workers start together, warmed up
    started = time.time()
    try:
        for _ in range(10_000):  # bounded: at most 10,000 rounds of `limit` rows
            report = dispatch.dispatch(db, settings, {kind: channel}, worker=name, limit=20)
            sent += report.counts.get("sent", 0)
            if not report.counts.get("claimed"):
                break
    finally:
        ended = time.time()
        channel.close()
        db.close()
    return sent, started, ended


def _channel(kind: str, spec: dict[str, Any]) -> Any:
    if kind == "facebook":
        from connectors.facebook import FacebookChannel

        return FacebookChannel(base_url=spec["url"], page_id=spec["page_id"], token=TOKEN)
    from connectors.email import EmailChannel

    return EmailChannel(imap_host="127.0.0.1", imap_port=spec["imap_port"],
                        username=spec["user"], password=spec["password"],
                        smtp_host="127.0.0.1", smtp_port=spec["smtp_port"],
                        from_address="care@nordhem.example", rate_limit_per_hour=10_000,
                        sent_folder="Sent")


def queue(url: str, kind: str, targets: list[str]) -> None:
    with psycopg.connect(url) as conn, conn.transaction():
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO outbox (key, channel, action, target, recipient, subject, body)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(f"bench:{kind}:{i}", kind, "reply" if kind == "facebook" else "send",
                  t if kind == "facebook" else None, t if kind == "email" else None,
                  "Ditt ärende" if kind == "email" else None,
                  f"Hej! Tack för att du hörde av dig, vi tittar på det nu. ({i})")
                 for i, t in enumerate(targets)])


def run(kind: str, url: str, home: str, spec: dict[str, Any], workers: int) -> float:
    """Seconds from the workers' common start to the last one's end (no process start-up)."""
    ctx = mp.get_context("spawn")
    go = time.time() + 5.0  # time to spawn and import
    with ctx.Pool(workers) as pool:
        results = [pool.apply_async(_worker, (kind, url, home, spec, f"w{i}", go))
                   for i in range(workers)]
        spans = [r.get(timeout=900) for r in results]
    return max(s[2] for s in spans) - min(s[1] for s in spans)


def statuses(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM outbox GROUP BY status")
                    .fetchall())


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facebook", type=int, default=1000)
    ap.add_argument("--email", type=int, default=400)
    args = ap.parse_args(argv)
    from sandbox.graph import GraphAPI
    from sandbox.run import run_sandbox

    figures: dict[str, Any] = {}
    with server() as srv, tempfile.TemporaryDirectory() as home, \
            GraphAPI(token=TOKEN) as graph, run_sandbox() as sb:
        spec_fb = {"url": graph.url, "page_id": graph.page_id}
        spec_mail = {"imap_port": sb.imap_port, "smtp_port": sb.smtp_port,
                     "user": sb.imap_user, "password": sb.imap_password}
        for workers in (1, 2):
            graph.reset()
            post = graph.add_post("Vinterrea!")
            comments = [graph.add_comment(post["id"], f"Var är mitt paket? {i}",
                                          {"id": str(5550000 + i), "name": f"Kund {i}"})["id"]
                        for i in range(args.facebook)]
            with fresh_database(srv, f"dispatch_fb{workers}") as url:
                queue(url, "facebook", comments)
                seconds = run("facebook", url, home, spec_fb, workers)
                state = graph.state()
                replies = [c for c in state["comments"] if c["id"] in set(state["page_replies"])]
                per_target: dict[str, int] = {}
                for c in replies:
                    per_target[c["parent_id"]] = per_target.get(c["parent_id"], 0) + 1
                ok = (statuses(url) == {"sent": args.facebook}
                      and len(replies) == args.facebook
                      and set(per_target) == set(comments)
                      and max(per_target.values()) == 1)
                figures[f"facebook_{workers}_dispatchers"] = {
                    "rows": args.facebook, "seconds": round(seconds, 2),
                    "sends_per_s": round(args.facebook / seconds, 1),
                    "replies_on_fake": len(replies), "exactly_once": ok}
            with sb.smtp.lock:
                sb.smtp.messages.clear()
            recipients = [f"kund{workers}.{i}@example.se" for i in range(args.email)]
            with fresh_database(srv, f"dispatch_mail{workers}") as url:
                queue(url, "email", recipients)
                seconds = run("email", url, home, spec_mail, workers)
                with sb.smtp.lock:
                    ids = [str(m["Message-ID"]) for m in sb.smtp.messages]
                ok = (statuses(url) == {"sent": args.email} and len(ids) == args.email
                      and len(set(ids)) == args.email)
                figures[f"email_{workers}_dispatchers"] = {
                    "rows": args.email, "seconds": round(seconds, 2),
                    "sends_per_s": round(args.email / seconds, 1),
                    "smtp_received": len(ids), "exactly_once": ok}
            show(f"dispatch with {workers} dispatcher(s)",
                 {k: v for k, v in figures.items() if k.endswith(f"_{workers}_dispatchers")})
        save("dispatch", figures, url=srv)
    if not all(v["exactly_once"] for v in figures.values()):
        raise SystemExit("dispatch: a row was not sent exactly once")
    return figures


if __name__ == "__main__":
    main()
