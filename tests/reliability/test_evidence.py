"""The moderation archive: a card number in a public comment is archived with its SHA-256;
``carecase evidence verify`` passes, and fails naming the row once it is tampered with."""

from __future__ import annotations

import json

import psycopg

from tests.reliability.test_hostile import cli

CARD = {"channel": "facebook", "external_id": "104_555", "thread_id": "104_555",
        "parent_id": "104", "author": {"id": "9001", "name": "Anna Andersson"},
        "text": "Betalningen gick inte igenom, mitt kort är 4111 1111 1111 1111 exp 12/27",
        "created_at": "2026-11-21T08:40:00+01:00", "public": True,
        "url": "https://www.facebook.com/104/posts/555", "raw": {"id": "104_555"}}


def test_evidence_is_archived_verified_and_tampering_is_named(settings_env, database_url,
                                                              tmp_path):
    path = tmp_path / "card.jsonl"
    path.write_text(json.dumps(CARD) + "\n", encoding="utf-8")
    result = cli(settings_env, "import", str(path))
    assert result.returncode == 0, result.stderr
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT id, message_id, reasons, sha256, raw->>'text' FROM evidence"
                            ).fetchall()
        hide = conn.execute("SELECT count(*) FROM outbox WHERE action IN ('hide', 'delete')"
                            ).fetchone()[0]
    assert len(rows) == 1 and hide == 1
    evidence_id, message_id, reasons, sha, text = rows[0]
    assert "card_number" in reasons and len(sha) == 64 and "4111" in text

    ok = cli(settings_env, "evidence", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "1 archives checked, 0 altered" in ok.stdout

    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE evidence SET raw = jsonb_set(raw, '{text}', '\"nothing here\"')"
                     " WHERE id = %s", (evidence_id,))
    bad = cli(settings_env, "evidence", "verify")
    assert bad.returncode == 1
    assert f"evidence {evidence_id} (message {message_id}) does not match" in bad.stderr
    assert "1 archives checked, 1 altered" in bad.stdout
