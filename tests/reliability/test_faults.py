"""Fault injection: 20 % of the fakes' API calls fail while ingest and dispatch run.

Each round switches the fakes to one fault mode at rate 0.2 (429 with the API's reset
headers, 500, a timeout longer than the client's, malformed JSON), posts new items on
every channel, then runs ingest (the real connectors) and dispatch. Dispatch runs with
``now`` a little ahead each round, so backoffs and rate-limit waits pass without
sleeping. Then faults are switched off and the run goes on until quiet: every posted item
is stored once, every queued reply sent once (checked on the fakes and the SMTP server).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from carecase import dispatch
from sandbox.base import Fault
from tests.reliability.checks import assert_exactly_once, ingest_all, run_until_quiet
from tests.reliability.conftest import SOAK

MODES = ("429", "500", "timeout", "malformed")


def test_twenty_percent_faults_then_recovery(rig, caplog):
    caplog.set_level(logging.WARNING)
    rounds = 24 if SOAK else 8
    db = rig.db()
    channels = rig.channels(timeout=0.4)
    now = datetime.now(UTC)
    seen_errors: set[str] = set()
    late = 0.6  # a "timeout" fault answers after this long, having done the work
    try:
        for n in range(rounds):
            rig.fault(MODES[n % len(MODES)], rate=0.2, seconds=late)
            rig.post(("facebook", "x", "trustpilot", "google") if n % 2 else
                     ("facebook", "x", "trustpilot", "google", "email"))
            for name, exc in ingest_all(db, rig.settings, channels).items():
                seen_errors.add(f"{name}:{type(exc).__name__}")
            now += timedelta(minutes=3)
            report = dispatch.dispatch(db, rig.settings, channels, worker=f"w{n}", limit=100,
                                       now=now)
            seen_errors.update(k for k in report.counts if k in ("retrying", "deferred"))
            if MODES[n % len(MODES)] == "timeout":
                # A POST the client gave up on is done by the fake only when its late
                # answer goes out. The next attempt's find_sent must come after that, as
                # it does in production, where the dispatcher's backoff (30 s and more)
                # outlasts any late answer; here `now` jumps ahead, so wait for them.
                time.sleep(late + 0.2)
        rig.quiet()
    finally:
        for ch in channels.values():
            ch.close()
    run_until_quiet(rig, db, start=now)
    sent = assert_exactly_once(rig, db)
    db.close()
    assert sent.get("facebook") and sent.get("x") and sent.get("email")
    retried = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert seen_errors or retried, "the faults never showed: the test would prove nothing"
    print(f"channel errors {sorted(seen_errors)}; {len(retried)} retried calls; sent {sent}")


def _one_facebook_complaint(rig, db, channels):
    rig.post(("facebook",))
    ingest_all(db, rig.settings, {"facebook": channels["facebook"]})
    with db.connection() as conn:
        actions = {r["action"] for r in conn.execute("SELECT action FROM outbox")}
    assert {"reply", "private_reply"} <= actions, actions


def test_a_timed_out_public_reply_is_posted_once(rig):
    """The fake answers the reply's POST after the client gave up, but it did post it.

    The dispatcher's next attempt must find it on the thread (find_sent) instead of
    posting again; the connector must not blindly re-send a POST that timed out.
    """
    db = rig.db()
    channels = rig.channels(("facebook",), timeout=0.3)
    _one_facebook_complaint(rig, db, channels)
    rig.facebook.set_fault("reply", Fault("timeout", count=1, seconds=0.6))
    dispatch.dispatch(db, rig.settings, channels, worker="w", now=datetime.now(UTC))
    # the fake finishes the timed-out request: the reply now exists (in production the
    # dispatcher's backoff, 30 s and more, lets it land before the next attempt)
    time.sleep(0.7)
    channels["facebook"].close()
    run_until_quiet(rig, db, rounds=5)
    assert_exactly_once(rig, db)
    db.close()


def test_a_timed_out_private_reply_is_recorded_as_sent(rig):
    """Facebook allows one private reply per comment: when the first POST reached Graph
    but timed out, the retry is refused with 10900 (``PrivateReplyAlreadySent``). That
    means "sent before", not a failure (connectors/facebook.py says so)."""
    db = rig.db()
    channels = rig.channels(("facebook",), timeout=0.3)
    _one_facebook_complaint(rig, db, channels)
    # no connector-level retry (a POST must not be re-sent blindly, see the test above):
    # the dispatcher's own retry is what meets the refusal
    channels["facebook"]._http.retries = 0
    rig.facebook.set_fault("messages", Fault("timeout", count=1, seconds=0.6))
    dispatch.dispatch(db, rig.settings, channels, worker="w", now=datetime.now(UTC))
    time.sleep(0.5)  # the fake finishes the timed-out request: the private reply exists
    channels["facebook"].close()
    run_until_quiet(rig, db, rounds=5)
    assert_exactly_once(rig, db)
    db.close()
