"""No secret in logs, reports, exception texts or database rows.

The rig plants a canary for every secret of every channel (tokens, API key and secret,
OAuth values, IMAP and SMTP passwords), referenced from carecase.toml by ``*_env``. Then
ingest and dispatch run against the fakes with faults on, expired tokens included, so
the error paths run too; and ``carecase ingest`` / ``carecase dispatch`` run as processes
at DEBUG. Everything is scanned for the canaries (and the Basic-auth form of
Trustpilot's key and secret): every log record at DEBUG from every logger, every
exception's text and traceback, every report (what flows publish as artifacts), the
processes' output, and every row of every table as JSON.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import traceback
from datetime import UTC, datetime, timedelta

from carecase import dispatch
from tests.reliability.checks import ingest_all
from tests.reliability.conftest import CANARIES, ROOT


def needles() -> list[str]:
    basic = base64.b64encode(f"{CANARIES['REL_TRUSTPILOT_KEY']}:"
                             f"{CANARIES['REL_TRUSTPILOT_SECRET']}".encode()).decode()
    return [*CANARIES.values(), basic]


def leaks(text: str) -> list[str]:
    return [n for n in needles() if n in text]


def test_no_secret_anywhere(rig, caplog):
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    db = rig.db()
    channels = rig.channels(timeout=0.4)
    now = datetime.now(UTC)
    rig.post(("facebook",), text="Mitt kort 4111 1111 1111 1111 fungerar inte i kassan!")
    for n, mode in enumerate(("expired_token", "500", "429", "timeout", "malformed",
                              "expired_token")):
        rig.fault(mode, rate=0.5, seconds=0.6)
        rig.post()
        for exc in ingest_all(db, rig.settings, channels).values():
            texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
        now += timedelta(minutes=10)
        report = dispatch.dispatch(db, rig.settings, channels, worker=f"w{n}", now=now)
        texts += [repr(report.rows()), *report.details, repr(report.events)]
    rig.quiet()
    for ch in channels.values():
        texts.append(repr(ch))
        ch.close()
    for command in ("ingest", "dispatch"):
        result = subprocess.run(
            [sys.executable, "-m", "carecase.cli", command], cwd=ROOT, capture_output=True,
            text=True, timeout=120, env={**rig.env, "CARECASE_LOG_LEVEL": "DEBUG"})
        texts += [result.stdout, result.stderr]
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
    texts += [r.getMessage() for r in caplog.records]
    texts += ["".join(traceback.format_exception(*r.exc_info)) for r in caplog.records
              if r.exc_info]
    with db.connection() as conn:
        tables = [r["tablename"] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            for row in conn.execute(f'SELECT row_to_json(t)::text AS j FROM "{table}" t'):
                texts.append(row["j"])
        with_error = conn.execute("SELECT count(*) AS n FROM outbox WHERE last_error IS NOT "
                                  "NULL").fetchone()["n"]
    db.close()
    assert caplog.records and len(texts) > 100 and "evidence" in tables
    found = {n for t in texts for n in leaks(t)}
    names = sorted(k for k, v in CANARIES.items() if v in found)
    assert not found, f"secrets leaked: {names}"
    print(f"scanned {len(texts)} texts, {len(caplog.records)} log records, {len(tables)} "
          f"tables; {with_error} outbox rows carry an error text")


def test_the_canaries_do_reach_the_fakes(rig):
    """The scan above proves something only if the canaries are the secrets in use."""
    assert os.environ["REL_FACEBOOK_TOKEN"] == CANARIES["REL_FACEBOOK_TOKEN"]
    assert rig.facebook.token == CANARIES["REL_FACEBOOK_TOKEN"]
    channels = rig.channels(("facebook", "google"))
    rig.post(("facebook", "google"))
    db = rig.db()
    assert not ingest_all(db, rig.settings, channels)
    db.close()
    for ch in channels.values():
        ch.close()
