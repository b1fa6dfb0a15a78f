"""What every reliability test ends with: run until quiet, then nothing lost or doubled.

``run_until_quiet`` repeats ingest (every channel) and dispatch with faults off until a
pass stores nothing and sends nothing, with ``now`` moved forward each pass so retries
waiting out a backoff or a rate limit, and claims left by a killed worker (dispatch's
5-minute lease), become due at once instead of after real minutes.

``assert_exactly_once`` compares the fakes' and the SMTP server's recorded state with
the database: every posted item stored once; every outbox row sent; every reply,
e-mail and tweet present on the channel exactly once, and nothing sent that the outbox
does not hold.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from carecase import dispatch, engine


def ingest_all(db: Any, settings: Any, channels: dict[str, Any]) -> dict[str, Exception]:
    """One ingest pass over every channel; a failing channel does not stop the others."""
    errors: dict[str, Exception] = {}
    for name, ch in channels.items():
        try:
            engine.ingest(db, settings, ch, account=name)
        except Exception as exc:
            errors[name] = exc
    return errors


def run_until_quiet(rig: Any, db: Any, *, rounds: int = 30, seconds: float = 60.0,
                    start: datetime | None = None) -> int:
    """Ingest + dispatch until a pass changes nothing; returns the passes it took."""
    later = start or datetime.now(UTC)
    deadline = time.monotonic() + seconds
    channels = rig.channels()
    try:
        for n in range(1, rounds + 1):
            before = _fingerprint(db)
            errors = ingest_all(db, rig.settings, channels)
            later += timedelta(hours=2)  # past any backoff, rate limit or lease
            dispatch.dispatch(db, rig.settings, channels, worker=f"final-{n}", limit=500,
                              now=later)
            if not errors and _fingerprint(db) == before and not _pending(db):
                return n
            assert time.monotonic() < deadline, f"not quiet after {seconds} s: {errors}"
    finally:
        for ch in channels.values():
            ch.close()
    raise AssertionError(f"not quiet after {rounds} passes")


def _fingerprint(db: Any) -> tuple:
    with db.connection() as conn:
        return tuple(conn.execute(
            "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM outbox),"
            " (SELECT count(*) FROM outbox WHERE status = 'sent'),"
            " (SELECT coalesce(sum(attempts), 0) FROM outbox)").fetchone().values())


def _pending(db: Any) -> int:
    with db.connection() as conn:
        return conn.execute("SELECT count(*) AS n FROM outbox WHERE status IN "
                            "('queued', 'sending')").fetchone()["n"]


def outbox(db: Any) -> list[dict[str, Any]]:
    with db.connection() as conn:
        return conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()


def assert_exactly_once(rig: Any, db: Any) -> dict[str, int]:
    """See the module docstring; returns counts per channel of what was sent."""
    with db.connection() as conn:
        rows = conn.execute("SELECT channel, external_id FROM messages WHERE direction = 'in'"
                            ).fetchall()
    stored: dict[str, Counter] = {}
    for r in rows:
        stored.setdefault(r["channel"], Counter())[r["external_id"]] += 1
    for channel, items in rig.posted.items():
        got = stored.get(channel, Counter())
        missing = items - set(got)
        assert not missing, f"{channel}: posted but never stored: {sorted(missing)[:5]}"
        assert max(got.values()) == 1
    rows = outbox(db)
    not_sent = [(r["key"], r["status"], r["last_error"]) for r in rows if r["status"] != "sent"]
    assert not not_sent, f"outbox rows not sent: {not_sent[:5]}"
    sent = Counter(r["channel"] for r in rows)
    _facebook(rig, [r for r in rows if r["channel"] == "facebook"])
    _x(rig, [r for r in rows if r["channel"] == "x"])
    _email(rig, [r for r in rows if r["channel"] == "email"])
    _reviews(rig, [r for r in rows if r["channel"] in ("trustpilot", "google")])
    return dict(sent)


def _facebook(rig: Any, rows: list[dict[str, Any]]) -> None:
    fb = rig.facebook
    with fb.lock:
        replies = [fb.comments[i] for i in fb.page_replies]
        private = dict(fb.private_replies)
    on_fake = Counter((c["parent_id"], c["message"].strip()) for c in replies)
    doubled = {k: n for k, n in on_fake.items() if n > 1}
    assert not doubled, f"facebook: replies posted more than once: {doubled}"
    wanted = Counter((r["target"], r["body"].strip()) for r in rows if r["action"] == "reply")
    # a reply to a reply is filed under the top-level comment (two-level threads)
    assert sum(on_fake.values()) == sum(wanted.values()), (on_fake, wanted)
    for r in rows:
        if r["action"] == "private_reply":
            assert r["target"] in private, f"private reply {r['key']} not on the fake"
    assert len(private) == sum(r["action"] == "private_reply" for r in rows)


def _x(rig: Any, rows: list[dict[str, Any]]) -> None:
    x = rig.x
    with x.lock:
        posted = [x.tweets[i] for i in x.posted]
        dms = [x.dms[i] for i in x.dms_sent]
    texts = Counter(t["text"].strip() for t in posted)
    assert all(n == 1 for n in texts.values()), f"x: a reply posted twice: {texts}"
    assert len(posted) == sum(r["action"] in ("reply", "post") for r in rows)
    assert len(dms) == sum(r["action"] in ("send", "private_reply") for r in rows)


def _email(rig: Any, rows: list[dict[str, Any]]) -> None:
    with rig.smtp.lock:
        ids = Counter(str(m.message["Message-ID"]) for m in rig.smtp.messages)
    doubled = {k: n for k, n in ids.items() if n > 1}
    assert not doubled, f"e-mail: sent more than once: {doubled}"
    assert sum(ids.values()) == len(rows), (len(ids), len(rows))


def _reviews(rig: Any, rows: list[dict[str, Any]]) -> None:
    tp = {r["id"]: r for r in rig.trustpilot.state()["reviews"]}
    g = {r["reviewId"]: r for r in rig.google.state()["reviews"]}
    for r in rows:
        if r["action"] != "reply":
            continue
        if r["channel"] == "trustpilot":
            assert (tp[r["target"]].get("companyReply") or {}).get("text"), r["key"]
        else:
            assert (g[r["target"]].get("reviewReply") or {}).get("comment"), r["key"]
