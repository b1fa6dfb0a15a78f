"""The hostile input corpus (tests/data/hostile/, written by make_hostile.py).

- ``carecase import lines.jsonl`` (a real process): it exits 0, and every line is either
  stored (perhaps quarantined, with its reason) or reported on stderr as
  ``lines.jsonl:N: skipped: reason``. Files in a wrong charset are reported likewise.
- The replies rendered for hostile names and texts show template syntax literally
  (``{{ 7*7 }}`` is never 49) and HTML escaped in the HTML part.
- Every .eml, and a 30 MB e-mail made here, delivered by IMAP and polled by the real
  e-mail connector: each stored or quarantined with a reason; nothing crashes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import psycopg

from carecase import engine
from tests.reliability.conftest import ROOT, mail

HOSTILE = ROOT / "tests" / "data" / "hostile"


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    full = {**{k: v for k, v in os.environ.items() if not k.startswith("CARECASE_")}, **env}
    return subprocess.run([sys.executable, "-m", "carecase.cli", *args], env=full, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_the_corpus_has_at_least_200_cases():
    lines = (HOSTILE / "lines.jsonl").read_bytes().count(b"\n")
    others = len(list(HOSTILE.glob("*.eml"))) + len(list(HOSTILE.glob("charset_*.jsonl")))
    assert lines + others >= 200


def test_import_stores_quarantines_or_reports_every_line(settings_env, database_url):
    path = HOSTILE / "lines.jsonl"
    result = cli(settings_env, "import", str(path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    skipped = {int(m.group(1)): m.group(2) for m in
               re.finditer(r"lines\.jsonl:(\d+): skipped: (.+)", result.stderr)}
    assert all(reason.strip() for reason in skipped.values())
    raw_lines = path.read_bytes().split(b"\n")[:-1]
    expected = set()
    for number, raw in enumerate(raw_lines, 1):
        if number in skipped:
            continue
        obj = json.loads(raw)  # a line not reported must be a good one
        expected.add((obj["channel"], obj["external_id"].replace("\x00", "\ufffd")))
    with psycopg.connect(database_url) as conn:
        stored = {(r[0], r[1]) for r in conn.execute(
            "SELECT channel, external_id FROM messages WHERE direction = 'in'")}
        quarantined = conn.execute("SELECT count(*) FROM messages WHERE quarantine IS NOT NULL"
                                   " AND quarantine = ''").fetchone()[0]
    assert stored == expected, (sorted(expected - stored)[:5], sorted(stored - expected)[:5])
    assert quarantined == 0  # a quarantined message always says why
    assert len(skipped) >= 30  # the bad JSON and wrong fields were refused, not guessed


def test_files_in_a_wrong_charset_are_reported(settings_env):
    for path in sorted(HOSTILE.glob("charset_*.jsonl")):
        result = cli(settings_env, "import", str(path))
        assert result.returncode == 0, result.stderr[-2000:]
        assert f"{path.name}:1: skipped: not UTF-8" in result.stderr, (path, result.stderr)


def test_a_lone_surrogate_does_not_crash_the_import(settings_env, tmp_path):
    """``"\\udcff"`` is valid JSON for a lone surrogate, which PostgreSQL cannot store:
    the line must be cleaned or reported, not crash the run (and a connector reading the
    same escape from an API would otherwise jam its channel on that item for good)."""
    path = tmp_path / "surrogate.jsonl"
    path.write_text(json.dumps({"channel": "facebook", "external_id": "s1",
                                "created_at": "2026-11-21T09:00:00Z", "author": {"id": "1"},
                                "text": "odd \udcff char"}) + "\n", encoding="ascii")
    result = cli(settings_env, "import", str(path))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-600:]


def test_replies_show_injection_strings_literally(settings_env, database_url, tmp_path):
    # without the lone-surrogate line, which crashes the import (the test above)
    lines = [line for line in (HOSTILE / "lines.jsonl").read_bytes().split(b"\n")
             if b"\\udcff" not in line]
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"\n".join(lines))
    result = cli(settings_env, "import", str(path))
    assert result.returncode == 0, result.stderr[-2000:]
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT body, html FROM outbox").fetchall()
    assert rows, "nothing was queued: the check below would prove nothing"
    bodies = "\n".join(r[0] for r in rows)
    htmls = "\n".join(r[1] or "" for r in rows)
    assert "49 Svensson" not in bodies and "XXXXXXXXX" not in bodies
    # A name is data. "{{ 7*7 }} Svensson" was greeted by its first word, literally; it
    # is no first name, so its reply greets no one now (names.greeting), and what the
    # templates do with such text is shown for every template and field by
    # test_templates.py::test_customer_text_is_data_not_template_source.
    assert "Hej {{" not in bodies and "Hej ," not in bodies and "Hej, tack" in bodies
    assert "<script>" not in htmls


def test_hostile_emails_are_stored_or_quarantined(rig):
    client = rig.imap.client()
    refused = {}
    try:
        for path in sorted(HOSTILE.glob("*.eml")):
            try:
                client.append("INBOX", path.read_bytes() or b"\r\n")
            except Exception as exc:
                refused[path.name] = str(exc)
        big = mail("<thirty-mb@example.com>", "big@example.com", "Big Sender",
                   "Se bifogad fil.\n" + "A" * 70 + "\n")
        body = b"\r\n".join([b"A" * 76] * (30 * 2**20 // 78))
        client.append("INBOX", big.rstrip() + b"\r\n" + body + b"\r\n")
    finally:
        client.logout()
    delivered = len(list(HOSTILE.glob("*.eml"))) + 1 - len(refused)
    db = rig.db()
    channel = rig.channels(("email",))["email"]
    try:
        report = engine.ingest(db, rig.settings, channel, account="email")
    finally:
        channel.close()
    with db.connection() as conn:
        rows = conn.execute("SELECT external_id, quarantine, length(text) AS n FROM messages "
                            "WHERE channel = 'email'").fetchall()
    db.close()
    assert len(rows) == delivered, (report.counts, refused)
    assert all(r["quarantine"] is None or r["quarantine"].strip() for r in rows)
    big_row = [r for r in rows if r["external_id"] == "thirty-mb@example.com"]
    assert big_row and (big_row[0]["quarantine"] or big_row[0]["n"] <= engine.MAX_TEXT)
    print(f"{delivered} e-mails: {sum(bool(r['quarantine']) for r in rows)} quarantined; "
          f"refused by the IMAP server: {refused}")


