"""Two people with the same first name complain on X the same day.

Both get the public acknowledgment template, which greets by first name only, so the two
replies are the same text; X refuses a second identical post ("duplicate content", as
the fake does), and the second customer is never acknowledged: the row ends 'failed'.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from carecase import dispatch
from tests.reliability.checks import ingest_all, outbox


def test_two_annas_on_x_are_both_acknowledged(rig):
    for n, last in enumerate(("Berg", "Lind")):
        rig.x.add_tweet(f"@{rig.x.brand['username']} Mitt paket {300100 + n} har inte kommit "
                        "och ingen svarar på telefon. Vad händer?",
                        {"id": str(8880000 + n), "name": f"Anna {last}",
                         "username": f"anna{last.lower()}"})
    db = rig.db()
    channels = rig.channels(("x",))
    assert not ingest_all(db, rig.settings, channels)
    now = datetime.now(UTC)
    for n in range(6):  # retries past any backoff; bounded
        dispatch.dispatch(db, rig.settings, channels, worker=f"w{n}",
                          now=now + timedelta(hours=n))
    channels["x"].close()
    acks = [r for r in outbox(db) if r["channel"] == "x" and r["action"] == "reply"]
    db.close()
    assert len(acks) == 2
    assert [r["status"] for r in acks] == ["sent", "sent"], [r["last_error"] for r in acks]
