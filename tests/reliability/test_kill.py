"""Kill tests: SIGKILL an ingest or dispatch process at random points, then recover.

Each trial posts new items on the fakes, starts ``tests.reliability.driver`` (ingest,
dispatch or both) as a child process against the test's database and fakes, waits for
it to be ready and kills it with SIGKILL after a random 0.05-0.5 s. After all trials a
final clean run (in this process) goes on until quiet: every item stored once, every
reply sent once. Rows a killed worker left 'sending' are reclaimed because the final run
passes dispatch a ``now`` two hours ahead per pass (past dispatch.LEASE, 5 minutes), so
a send that reached the channel before the kill is looked for there (find_sent) first.
"""

from __future__ import annotations

import random
import select
import signal
import subprocess
import sys

import pytest

from tests.reliability.checks import assert_exactly_once, outbox, run_until_quiet
from tests.reliability.conftest import ROOT, SEED, SOAK

MODES = ("ingest", "dispatch", "both")


def start(rig, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.driver", mode],
                            env=rig.env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    assert ready and proc.stdout.readline().strip() == "ready", "the driver did not start"
    return proc


def test_sigkill_at_random_points_loses_and_doubles_nothing(rig):
    trials = 60 if SOAK else 20
    rng = random.Random(SEED)
    db = rig.db()
    killed_sending = 0
    for t in range(trials):
        rig.post(("facebook", "x", "trustpilot", "google", "email") if t % 4 == 0
                 else ("facebook", "x"))
        proc = start(rig, MODES[t % len(MODES)])
        try:
            proc.wait(timeout=rng.uniform(0.05, 0.5))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        killed_sending += sum(r["status"] == "sending" for r in outbox(db))
    run_until_quiet(rig, db, seconds=90)
    sent = assert_exactly_once(rig, db)
    db.close()
    assert sent.get("facebook") and sent.get("x")
    print(f"{trials} kills; rows left 'sending' after kills (summed over trials): "
          f"{killed_sending}; sent {sent}")


def _die_once(rig, how: str) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.driver", "dispatch"],
                            env={**rig.env, "REL_DIE": how}, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert proc.wait(timeout=60) == -signal.SIGKILL, "the driver did not reach a send"


def _queued(db) -> int:
    return sum(r["status"] == "queued" for r in outbox(db))


def test_a_crash_between_send_and_record_is_recognised_not_resent(rig):
    """Each driver run sends one row and dies before recording it; the retry (after the
    lease) must find the earlier send on the channel: Facebook and X on the thread and
    timeline, e-mail by Message-ID in Sent, reviews by their reply."""
    db = rig.db()
    rig.post(("facebook", "x", "trustpilot", "google", "email"))
    channels = rig.channels()
    from tests.reliability.checks import ingest_all

    ingest_all(db, rig.settings, channels)
    for ch in channels.values():
        ch.close()
    for _ in range(12):  # at most one row per run; bounded
        if not _queued(db):
            break
        _die_once(rig, "after_send")
    assert any(r["status"] == "sending" for r in outbox(db))
    run_until_quiet(rig, db)
    assert_exactly_once(rig, db)
    assert all(r["attempts"] >= 2 for r in outbox(db) if r["channel"] in ("facebook", "x",
                                                                           "email"))
    db.close()


@pytest.mark.xfail(strict=True, reason=(
    "known limit, documented in connectors/email.py: SMTP has no idempotent submit, so a "
    "crash after the server accepted a mail and before its Sent copy is stored re-sends "
    "it; appending the copy first would turn that rare duplicate into a rare lost mail"))
def test_a_crash_between_smtp_and_the_sent_copy_does_not_send_twice(rig):
    """E-mail is recognised on retry by its Message-ID in the Sent folder, but the copy
    is appended *after* SMTP accepted the mail: a crash in between leaves no trace, and
    the retry sends the same e-mail again (connectors/email.py ``send``)."""
    db = rig.db()
    rig.post(("email",))
    channels = rig.channels(("email",))
    from tests.reliability.checks import ingest_all

    ingest_all(db, rig.settings, channels)
    channels["email"].close()
    assert _queued(db) >= 1
    _die_once(rig, "before_sent_copy")
    run_until_quiet(rig, db)
    assert_exactly_once(rig, db)
    db.close()
