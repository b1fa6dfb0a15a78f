"""A case's life after intake: dispatch, daily updates (P7), closing (P8-P10), re-runs, SLA.

The channels here are ``RecordingChannel`` fakes (tests/fakes.py): what is under test is
the bookkeeping on PostgreSQL. The real connectors are tested against the sandboxes.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from carecase import cases, closing, dispatch, engine, incidents, rerun, updates
from carecase.batch import outbox_row
from carecase.errors import InputError, NotFound
from carecase.model import Author, Message, Outgoing
from carecase.store.queries import Q
from tests.fakes import RecordingChannel

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # a Saturday, 09:00 in Stockholm
SURVEY = re.compile(r"survey|questionnaire|enkät|spørgeskema|rate us|betygsätt|bedøm os|"
                    r"how would you rate", re.I)


def complaint(ext: str, minutes: int = 0, *, email: str | None = "anna@example.se",
              channel: str = "email", text: str | None = None) -> Message:
    return Message(channel=channel, external_id=ext,
                   text=text or "Mitt paket har inte kommit och ingen svarar. Vad händer?",
                   created_at=T0 + timedelta(minutes=minutes),
                   author=Author(id=None if channel == "email" else f"id-{ext}",
                                 name="Anna Andersson", email=email),
                   public=channel != "email", thread_id=ext)


def ingest(db, settings, *messages, now=T0 + timedelta(minutes=5)):
    with db.connection() as conn:
        return engine.process(conn, settings, list(messages), now=now)


def channels(*names: str) -> dict[str, RecordingChannel]:
    return {n: RecordingChannel(n) for n in names}


def statuses(db) -> dict[str, str]:
    with db.connection() as conn:
        return {r["key"]: r["status"] for r in conn.execute("SELECT key, status FROM outbox")}


# -- dispatch -------------------------------------------------------------------------

def test_dispatch_sends_each_row_once_and_records_the_first_response(db, settings):
    ingest(db, settings, complaint("a1@x"))
    chans = channels("email")
    report = dispatch.dispatch(db, settings, chans, worker="w1")
    assert report.counts["sent"] == 1 and len(chans["email"].sent) == 1
    assert dispatch.dispatch(db, settings, chans, worker="w1").counts["claimed"] == 0
    [case] = cases.list_cases(db)
    assert case["first_response_at"] is not None  # P3: measured when it was sent


def test_rows_due_for_a_channel_not_enabled_are_named_not_dropped(db, settings):
    ingest(db, settings, complaint("111_5", channel="facebook", email=None))
    report = dispatch.dispatch(db, settings, channels("email"), worker="w1")
    assert report.counts == {"claimed": 0}
    assert report.details == ["2 due for facebook, which is not enabled or could not be "
                              "opened here: they wait"]
    assert set(statuses(db).values()) == {"queued"}


def test_the_mail_loop_backstop_holds_across_dispatch_runs(db, settings):
    email = settings.channels.email.model_copy(update={"rate_limit_per_hour": 2})
    settings = settings.model_copy(update={"channels": settings.channels.model_copy(
        update={"email": email})})
    with db.connection() as conn:  # a robot that answers every mail in a new thread
        for i in range(3):
            conn.execute(Q["insert_outbox"], outbox_row(Outgoing(
                key=f"loop-{i}", channel="email", action="send", body="Hej igen",
                recipient="robot@example.se"), datetime.now(UTC)))
    sent = []
    for run in range(3):  # each run opens its own channel, as the flows do
        chans = channels("email")
        dispatch.dispatch(db, settings, chans, worker=f"w{run}")
        sent += chans["email"].sent
    assert [o.key for o in sent] == ["loop-0", "loop-1"]
    assert statuses(db)["loop-2"] == "queued"  # held for the hour, not failed


def test_the_x_post_budget_holds_across_dispatch_runs(db, settings):
    x = settings.channels.x.model_copy(update={"monthly_post_budget": 2})
    settings = settings.model_copy(update={"channels": settings.channels.model_copy(
        update={"x": x})})
    with db.connection() as conn:
        for i in range(3):
            conn.execute(Q["insert_outbox"], outbox_row(Outgoing(
                key=f"x-{i}", channel="x", action="reply", body=f"@anna Thanks {i}",
                target=f"18600{i}"), datetime.now(UTC)))
        conn.execute(Q["insert_outbox"], outbox_row(Outgoing(
            key="x-hide", channel="x", action="hide", target="186009"), datetime.now(UTC)))
    sent = []
    for run in range(3):  # each run opens its own channel, as the flows do
        chans = channels("x")
        dispatch.dispatch(db, settings, chans, worker=f"w{run}")
        sent += chans["x"].sent
    assert [o.key for o in sent] == ["x-0", "x-1", "x-hide"]  # a hide costs no post
    assert statuses(db)["x-2"] == "queued"  # held until next month, not failed


def test_transient_failures_back_off_then_fail_visibly_on_the_case(db, settings):
    ingest(db, settings, complaint("a1@x"))
    chans = channels("email")
    chans["email"].fail_next = 99
    now = datetime.now(UTC)
    for attempt in range(settings.care.max_attempts):
        report = dispatch.dispatch(db, settings, chans, worker="w1",
                                   now=now + timedelta(hours=2 * attempt))
        assert report.counts.get("claimed") == 1
    assert list(statuses(db).values()) == ["failed"]
    [case] = cases.list_cases(db)
    shown = cases.show(db, case["id"])
    assert shown["outbox"][0]["status"] == "failed"
    assert any(e["kind"] == "send_failed" for e in shown["events"])


def test_backoff_waits_before_the_next_attempt(db, settings):
    ingest(db, settings, complaint("a1@x"))
    chans = channels("email")
    chans["email"].fail_next = 1
    now = datetime.now(UTC)
    assert dispatch.dispatch(db, settings, chans, worker="w", now=now).counts["retrying"] == 1
    assert dispatch.dispatch(db, settings, chans, worker="w", now=now).counts["claimed"] == 0
    later = now + timedelta(minutes=5)
    assert dispatch.dispatch(db, settings, chans, worker="w", now=later).counts["sent"] == 1


def test_a_crash_after_sending_is_recognised_not_sent_again(db, settings):
    ingest(db, settings, complaint("a1@x"))
    chans = channels("email")
    chans["email"].lose_records = 1
    with pytest.raises(SystemExit):  # the worker dies between send and record
        dispatch.dispatch(db, settings, chans, worker="w1")
    assert list(statuses(db).values()) == ["sending"]
    after_lease = datetime.now(UTC) + dispatch.LEASE + timedelta(seconds=1)
    report = dispatch.dispatch(db, settings, chans, worker="w2", now=after_lease)
    assert report.counts["recognised"] == 1
    assert len(chans["email"].sent) == 1 and list(statuses(db).values()) == ["sent"]


def test_a_hidden_comments_author_is_told_only_once_it_is_hidden(db, settings):
    bad = complaint("111_7", channel="facebook", email=None,  # told by Messenger
                    text="Refund to my card 4111 1111 1111 1111 please")
    ingest(db, settings, bad)
    chans = channels("facebook")
    chans["facebook"].fail_next = 1  # the hide fails once
    report = dispatch.dispatch(db, settings, chans, worker="w")
    assert report.counts == {"claimed": 1, "retrying": 1}  # the notice waits for the hide
    later = datetime.now(UTC) + timedelta(hours=1)
    report = dispatch.dispatch(db, settings, chans, worker="w", now=later)
    assert [o.action for o in chans["facebook"].sent] == ["hide", "private_reply"]
    assert report.counts["claimed"] == 2  # the notice in the same run, once it was hidden
    # hiding fails for good: the author is never told it is hidden
    ingest(db, settings, complaint("111_8", 60, channel="facebook", email=None,
                                   text="My card is 5555 5555 5555 4444, refund it"))
    chans["facebook"].fail_next = 99
    once = settings.model_copy(update={"care": settings.care.model_copy(
        update={"max_attempts": 1})})
    report = dispatch.dispatch(db, once, chans, worker="w")
    assert report.counts == {"claimed": 1, "failed": 1, "cancelled": 1}
    assert statuses(db)["moderate:facebook:111_8"] == "failed"
    notice = next(k for k in statuses(db) if k.startswith("moderation-notice:")
                  and statuses(db)[k] != "sent")
    assert statuses(db)[notice] == "cancelled"
    # a re-run puts both back, the notice again behind the hide
    with db.connection() as conn:
        case_id = conn.execute("SELECT case_id FROM outbox WHERE key = %s",
                               ("moderate:facebook:111_8",)).fetchone()["case_id"]
    assert rerun.rerun_case(db, settings, case_id).counts["requeued"] == 2
    chans["facebook"].fail_next = 0
    dispatch.dispatch(db, settings, chans, worker="w", now=later)
    assert [o.action for o in chans["facebook"].sent] == ["hide", "private_reply", "hide",
                                                          "private_reply"]


def test_a_rate_limited_channel_defers_without_using_attempts(db, settings):
    ingest(db, settings, complaint("a1@x"), complaint("b1@x", email="bo@example.se"))
    chans = channels("email")
    chans["email"].rate_limit_until = datetime.now(UTC) + timedelta(minutes=15)
    report = dispatch.dispatch(db, settings, chans, worker="w")
    assert report.counts == {"claimed": 2, "retrying": 1, "deferred": 1}
    with db.connection() as conn:
        attempts = [r["attempts"] for r in conn.execute("SELECT attempts FROM outbox")]
    assert sorted(attempts) == [0, 1]  # only the one really tried counts


def test_two_concurrent_dispatchers_send_each_message_once(db, settings):
    people = [complaint(f"m{i}@x", i, email=f"p{i}@example.se") for i in range(40)]
    ingest(db, settings, *people)
    shared = channels("email")
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        barrier.wait()
        while dispatch.dispatch(db, settings, shared, worker=name, limit=5).counts["claimed"]:
            pass

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    keys = [o.key for o in shared["email"].sent]
    assert len(keys) == 40 and len(set(keys)) == 40


# -- status updates (P7) --------------------------------------------------------------

def test_one_update_per_case_per_local_day_even_with_no_news(db, settings):
    ingest(db, settings, complaint("a1@x"))
    evening = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 17:00 in Stockholm
    first = updates.status_updates(db, settings, now=evening)
    again = updates.status_updates(db, settings, now=evening + timedelta(minutes=30))
    assert first.counts["queued"] == 1 and again.counts["already_sent_today"] == 1
    with db.connection() as conn:
        rows = conn.execute("SELECT * FROM outbox WHERE template = 'status_update'").fetchall()
    assert len(rows) == 1 and rows[0]["key"].endswith(":2026-11-23")
    assert rows[0]["recipient"] == "anna@example.se"  # the private channel
    assert "tisdag 24 november kl. 17:00" in rows[0]["body"]  # the next one: tomorrow


def test_an_update_is_only_ever_for_today(db, settings):
    ingest(db, settings, complaint("a1@x"))
    evening = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # the 23rd in Stockholm
    for day in (date(2026, 11, 24), date(2026, 11, 22)):  # ahead of time, a day late
        with pytest.raises(InputError, match="an update goes out on its own day"):
            updates.status_updates(db, settings, on=day, now=evening)
    assert statuses(db) == {"private-ack:1:1": "queued"}  # nothing was queued
    assert updates.status_updates(db, settings, on=date(2026, 11, 23),
                                  now=evening).counts == {"queued": 1}


def test_an_update_to_someone_who_only_asked_says_no_waiting_is_frustrating(db, settings):
    ingest(db, settings, complaint("a1@x"),
           complaint("q1@x", email="per@example.se",
                     text="Hej! Finns de bruna kängorna i storlek 44 någon gång i vinter?"))
    updates.status_updates(db, settings, now=datetime(2026, 11, 23, 16, 0, tzinfo=UTC))
    with db.connection() as conn:
        bodies = {r["recipient"]: r["body"] for r in conn.execute(
            "SELECT recipient, body FROM outbox WHERE template = 'status_update'")}
    assert "din fråga" in bodies["per@example.se"]
    assert "frustrerande" not in bodies["per@example.se"]
    assert "frustrerande" in bodies["anna@example.se"]  # she complained


def test_an_update_sent_by_hand_in_the_morning_promises_the_next_for_tomorrow(db, settings):
    # today's is sent: the 17:00 run will skip it, so the next comes tomorrow
    ingest(db, settings, complaint("a1@x"))
    morning = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm, a Tuesday
    updates.status_updates(db, settings, now=morning)
    with db.connection() as conn:
        [row] = conn.execute("SELECT * FROM outbox WHERE template = 'status_update'").fetchall()
    assert "onsdag 25 november kl. 17:00" in row["body"], row["body"]


def test_customer_facing_notes_are_the_news_and_internal_ones_are_not(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    cases.add_note(db, case["id"], "PostNord has found the parcel in Malmö", for_customer=True)
    cases.add_note(db, case["id"], "internal: courier contract up for renewal")
    updates.status_updates(db, settings, now=datetime(2026, 11, 23, 16, 0, tzinfo=UTC))
    with db.connection() as conn:
        body = conn.execute("SELECT body FROM outbox WHERE template = 'status_update'"
                            ).fetchone()["body"]
    assert "PostNord has found the parcel in Malmö" in body
    assert "internal" not in body


def test_an_update_not_sent_by_the_next_day_is_superseded_and_its_news_go_with_the_next(
        db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    monday, tuesday = (datetime(2026, 11, d, 16, 0, tzinfo=UTC) for d in (23, 24))
    cases.add_note(db, case["id"], "PostNord has found the parcel in Malmö", for_customer=True)
    updates.status_updates(db, settings, now=monday)
    chans = channels("email")
    chans["email"].fail_next = 2  # the mail server is down; the retry is not due yet
    dispatch.dispatch(db, settings, chans, worker="w", now=monday)
    assert statuses(db)[f"status:{case['id']}:2026-11-23"] == "queued"
    report = updates.status_updates(db, settings, now=tuesday)
    assert report.counts == {"queued": 1, "superseded": 1}
    assert statuses(db)[f"status:{case['id']}:2026-11-23"] == "cancelled"
    with db.connection() as conn:
        body = conn.execute("SELECT body FROM outbox WHERE key = %s",
                            (f"status:{case['id']}:2026-11-24",)).fetchone()["body"]
    assert "PostNord has found the parcel in Malmö" in body  # not lost with Monday's
    chans["email"].fail_next = 0
    dispatch.dispatch(db, settings, chans, worker="w", now=tuesday)
    sent = [o.key for o in chans["email"].sent]
    assert sent == [f"status:{case['id']}:2026-11-24"]  # Monday's never comes
    # sent now: Wednesday's update carries no news again
    updates.status_updates(db, settings, now=tuesday + timedelta(days=1))
    with db.connection() as conn:
        body = conn.execute("SELECT body FROM outbox WHERE key = %s",
                            (f"status:{case['id']}:2026-11-25",)).fetchone()["body"]
    assert "PostNord" not in body


def test_an_update_is_never_sent_after_its_day(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    monday = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    updates.status_updates(db, settings, now=monday)
    chans = channels("email")
    report = dispatch.dispatch(db, settings, chans, worker="w",
                               now=datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    assert report.counts["cancelled"] == 1  # "today's update" the next morning: not sent
    assert statuses(db)[f"status:{case['id']}:2026-11-23"] == "cancelled"
    assert all(o.template != "status_update" for o in chans["email"].sent)
    # one that got through before its worker died is recorded, not cancelled
    updates.status_updates(db, settings, now=monday + timedelta(days=1))
    chans["email"].lose_records = 1
    with pytest.raises(SystemExit):
        dispatch.dispatch(db, settings, chans, worker="w", now=monday + timedelta(days=1))
    report = dispatch.dispatch(db, settings, chans, worker="w2",
                               now=datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    assert report.counts == {"claimed": 1, "recognised": 1, "sent": 1}
    assert statuses(db)[f"status:{case['id']}:2026-11-24"] == "sent"


def test_a_case_opened_late_in_the_day_is_skipped_whenever_its_customer_wrote(db, settings):
    # written on Sunday evening, read on Monday at 16:58 (carecase was down): its
    # acknowledgment goes out at 16:58, so no update at 17:00 as well
    sunday_evening = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
    msg = complaint("a1@x", int((sunday_evening - T0).total_seconds() // 60))
    ingest(db, settings, msg, now=datetime(2026, 11, 23, 15, 58, tzinfo=UTC))
    monday = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert updates.status_updates(db, settings, now=monday).counts == {"skipped_recent": 1}
    # a case reopened at 16:55 is skipped too; it was opened days ago
    [case] = cases.list_cases(db)
    closing.close_case(db, settings, case["id"], agent="Maria", happened="It was late",
                       done="It came")
    ingest(db, settings, complaint("a2@x", text="Skorna har gått sönder redan, vad gör jag?"),
           now=datetime(2026, 11, 24, 15, 55, tzinfo=UTC))
    assert cases.show(db, case["id"])["status"] == "open"  # reopened
    report = updates.status_updates(db, settings, now=datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
    assert report.counts == {"skipped_recent": 1}


def test_a_card_or_id_number_in_what_an_agent_writes_to_the_customer_is_refused(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    with pytest.raises(InputError, match="note for the customer holds a card number"):
        cases.add_note(db, case["id"], "Refunded to 4111 1111 1111 1111", for_customer=True)
    cases.add_note(db, case["id"], "card 4111 1111 1111 1111 refunded")  # internal: kept
    cases.add_note(db, case["id"], "New tracking number 00370712345678901234",
                   for_customer=True)  # a long number that is no card goes out
    close = {"agent": "Maria Lind", "happened": "PostNord lost the parcel",
             "done": "we refunded card 4111 1111 1111 1111"}
    with pytest.raises(InputError, match="'what was done' holds a card number"):
        closing.draft_close(db, settings, case["id"], **close)
    with pytest.raises(InputError, match="edited follow-up holds a personal id"):
        closing.close_case(db, settings, case["id"], **{**close, "done": "we refunded you"},
                           text="Hej! Ditt personnummer 19811218-9876 ...")
    shown = cases.show(db, case["id"])
    assert shown["status"] == "open" and shown["agent"] is None  # nothing was changed


def test_set_changes_what_it_is_given_and_an_empty_text_clears_a_field(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    cid = case["id"]
    cases.set_case(db, cid, fault="third_party", third_party="PostNord", agent="Maria Lind",
                   gesture="TACK20", incident="postnord-strike")
    shown = cases.show(db, cid)
    assert (shown["fault"], shown["third_party"], shown["agent"], shown["gesture"],
            shown["incident"]) == ("third_party", "PostNord", "Maria Lind", "TACK20",
                                   "postnord-strike")
    assert "postnord-strike" in {i["key"] for i in incidents.list_incidents(db)}
    cases.set_case(db, cid, gesture="", incident=" ")  # cleared; the rest kept
    shown = cases.show(db, cid)
    assert shown["gesture"] is None and shown["incident"] is None
    assert (shown["third_party"], shown["agent"]) == ("PostNord", "Maria Lind")
    assert "" not in {i["key"] for i in incidents.list_incidents(db)}
    with pytest.raises(InputError, match="nothing to set"):
        cases.set_case(db, cid)


def test_new_cases_and_weekends_are_skipped_when_configured(db, settings):
    ingest(db, settings, complaint("a1@x"))
    just_opened = T0 + timedelta(hours=1)
    report = updates.status_updates(db, settings, now=just_opened)
    assert report.counts == {"skipped_recent": 1}
    weekdays = settings.model_copy(update={"care": settings.care.model_copy(
        update={"weekdays_only": True})})
    sunday = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert updates.status_updates(db, weekdays, now=sunday).counts == {"skipped_weekend": 1}


def test_local_day_holds_across_the_daylight_saving_change(db, settings):
    ingest(db, settings, complaint("a1@x"), now=datetime(2026, 10, 20, tzinfo=UTC))
    # Stockholm leaves summer time on 2026-10-25: 17:00 is 15:00Z before, 16:00Z after
    before = updates.status_updates(db, settings, now=datetime(2026, 10, 24, 15, 0, tzinfo=UTC))
    after = updates.status_updates(db, settings, now=datetime(2026, 10, 25, 16, 0, tzinfo=UTC))
    # 23:30Z on the 25th is already the 26th in Stockholm: a new day, one more update
    late = updates.status_updates(db, settings, now=datetime(2026, 10, 25, 23, 30, tzinfo=UTC))
    late2 = updates.status_updates(db, settings, now=datetime(2026, 10, 26, 16, 0, tzinfo=UTC))
    assert [r.counts.get("queued", 0) for r in (before, after, late, late2)] == [1, 1, 1, 0]
    with db.connection() as conn:
        keys = sorted(r["key"] for r in conn.execute(
            "SELECT key FROM outbox WHERE template = 'status_update'"))
    assert [k[-10:] for k in keys] == ["2026-10-24", "2026-10-25", "2026-10-26"]


def test_a_customer_with_no_private_channel_gets_nothing_public(db, settings):
    ingest(db, settings, complaint("g1", channel="google", email=None,
                                   text="Usel service, paketet kom aldrig fram."))
    report = updates.status_updates(db, settings, now=datetime(2026, 11, 23, 16, tzinfo=UTC))
    assert report.counts == {"no_private_channel": 1}
    [case] = cases.list_cases(db)
    assert any(e["kind"] == "update_skipped" for e in cases.show(db, case["id"])["events"])
    with db.connection() as conn:
        n = conn.execute("SELECT count(*) AS n FROM outbox WHERE template = 'status_update'"
                         ).fetchone()["n"]
    assert n == 0


def test_an_address_the_customer_gave_an_agent_gets_the_updates_and_joins_the_case(
        db, settings):
    """A reviewer with no private channel phones in and gives an e-mail address: the
    agent records it, the daily updates go there, and an e-mail from it joins the case."""
    ingest(db, settings, complaint("g1", channel="google", email=None,
                                   text="Usel service, paketet kom aldrig fram."))
    [case] = cases.list_cases(db)
    assert "cases contact" in cases.unreachable(db, settings, case["id"])  # nothing to reach
    added = cases.add_contact(db, case["id"], email=" Anna.Andersson@Example.se ",
                              phone="070-123 45 67")
    assert cases.unreachable(db, settings, case["id"]) is None
    assert added == [("email", "anna.andersson@example.se"), ("phone", "+46701234567")]
    report = updates.status_updates(db, settings, now=datetime(2026, 11, 23, 16, tzinfo=UTC))
    assert report.counts == {"queued": 1}
    with db.connection() as conn:
        [row] = conn.execute("SELECT * FROM outbox WHERE template = 'status_update'").fetchall()
    assert (row["channel"], row["recipient"]) == ("email", "anna.andersson@example.se")
    report = ingest(db, settings, Message(
        channel="email", external_id="m2@example.se", text="Här är min adress, som ni bad om.",
        created_at=T0 + timedelta(days=2), public=False,
        author=Author(name="A. Andersson", email="anna.andersson@example.se")),
        now=T0 + timedelta(days=2))
    assert report.counts["cases_joined"] == 1 and len(cases.list_cases(db)) == 1
    shown = cases.show(db, case["id"])
    assert any(e["kind"] == "contact_added" for e in shown["events"])
    # a newer address wins: the agent's correction is where the updates go
    cases.add_contact(db, case["id"], email="Anna Andersson <Anna@Work.example>")
    updates.status_updates(db, settings, now=datetime(2026, 11, 24, 16, tzinfo=UTC))
    with db.connection() as conn:
        assert conn.execute("SELECT recipient FROM outbox WHERE key LIKE 'status:%%-24'"
                            ).fetchone()["recipient"] == "anna@work.example"
    # and so does a new matter's acknowledgment ("anna.andersson@" sorts first)
    closing.close_case(db, settings, case["id"], agent="Maria", happened="h", done="d")
    later = T0 + timedelta(days=20)
    ingest(db, settings, Message(
        channel="google", external_id="g2", text="Nu har nästa paket inte heller kommit.",
        created_at=later, public=True, author=Author(id="id-g1", name="Anna Andersson")),
        now=later)
    with db.connection() as conn:
        acks = conn.execute("SELECT recipient FROM outbox WHERE template = 'private_ack'"
                            " ORDER BY id").fetchall()
    assert [r["recipient"] for r in acks][-1] == "anna@work.example"


def test_an_x_customer_gets_the_update_as_a_direct_message_to_their_account_id(db, settings):
    chans = settings.channels
    settings = settings.model_copy(update={"channels": chans.model_copy(update={
        "x": chans.x.model_copy(update={"enabled": True, "read_dms": True})})})
    ingest(db, settings, Message(
        channel="x", external_id="186001", text="@nordicshoes mitt paket har inte kommit!",
        created_at=T0, public=True, thread_id="186001",
        author=Author(id="44", name="Anna A", handle="@zz_anna")))
    report = updates.status_updates(db, settings, now=datetime(2026, 11, 23, 16, tzinfo=UTC))
    assert report.counts == {"queued": 1}
    with db.connection() as conn:
        [row] = conn.execute("SELECT * FROM outbox WHERE template = 'status_update'").fetchall()
    assert (row["channel"], row["action"], row["recipient"]) == ("x", "send", "44")
    # the follow-up an agent approves is drafted as it goes: a direct message, and the
    # note on her post is addressed to her, as every X reply is
    [case] = cases.list_cases(db)
    close = {"agent": "Maria", "happened": "PostNord lost it", "done": "we sent a new pair"}
    draft = closing.draft_close(db, settings, case["id"], **close)
    assert draft.recipient == "44" and "svara på det här meddelandet" in draft.text
    assert "mejlet" not in draft.text
    closing.close_case(db, settings, case["id"], **close, text=draft.text)
    with db.connection() as conn:
        rows = {r["template"]: r for r in conn.execute("SELECT * FROM outbox")}
    assert rows["followup_close"]["channel"] == "x"
    assert rows["public_resolution"]["body"].startswith("@zz_anna ")


def test_a_contact_is_refused_when_it_is_no_address_or_another_customers(db, settings):
    ingest(db, settings, complaint("a1@x"), Message(
        channel="google", external_id="g1", text="Usel service, aldrig igen.", created_at=T0,
        author=Author(id="g-77", name="Karl Svensson"), public=True))
    mailed, reviewed = sorted(c["id"] for c in cases.list_cases(db))
    for bad in ({"email": "anna"}, {"email": "anna@"}, {"email": "an na@example.se"},
                {"phone": "12"}, {}):
        with pytest.raises(InputError):
            cases.add_contact(db, reviewed, **bad)
    with pytest.raises(InputError, match=f"cases link {reviewed} {mailed}"):
        cases.add_contact(db, reviewed, email="anna@example.se")
    with pytest.raises(NotFound):
        cases.add_contact(db, 999, email="x@example.se")
    assert {i["kind"] for i in cases.show(db, reviewed)["customer"]["identities"]} == \
        {"google"}  # nothing was added


# -- closing (P8-P10) -----------------------------------------------------------------

def test_close_sends_a_personal_follow_up_and_public_notes_never_a_survey(db, settings):
    ingest(db, settings, complaint("a1@x"),
           complaint("111_1", 30, channel="facebook", text="Mitt paket har inte kommit!!"))
    [case] = cases.list_cases(db)
    draft = closing.draft_close(db, settings, case["id"], agent="Maria Lind",
                                happened="PostNord left your parcel at the wrong address",
                                done="we sent a new pair by express", fault="third_party",
                                gesture="a 20 % discount code: TACK20")
    assert "Maria Lind" in draft.text and draft.recipient == "anna@example.se"
    closing.close_case(db, settings, case["id"], agent="Maria Lind",
                       happened="PostNord left your parcel at the wrong address",
                       done="we sent a new pair by express", fault="third_party",
                       gesture="a 20 % discount code: TACK20")
    shown = cases.show(db, case["id"])
    assert shown["status"] == "closed" and shown["closed_at"]
    with db.connection() as conn:
        rows = {r["template"]: r for r in conn.execute(
            "SELECT * FROM outbox WHERE template IN ('followup_close', 'public_resolution')")}
    follow = rows["followup_close"]["body"]
    assert "Maria Lind" in follow and "TACK20" in follow
    assert "PostNord left your parcel at the wrong address" in follow
    assert rows["public_resolution"]["channel"] == "facebook"
    assert rows["public_resolution"]["target"] == "111_1"
    assert not SURVEY.search(follow + rows["public_resolution"]["body"])
    assert "anna@example.se" not in rows["public_resolution"]["body"]  # no private details


def test_a_second_close_tells_only_the_threads_written_on_since_the_first(db, settings):
    ingest(db, settings, complaint("a1@x"),
           complaint("111_1", 30, channel="facebook", text="Mitt paket har inte kommit!!"))
    [case] = cases.list_cases(db)
    close = {"agent": "Maria", "happened": "PostNord lost it", "done": "we sent a new pair"}
    closing.close_case(db, settings, case["id"], **close)
    # she writes again by e-mail: reopened, and closed again; nothing new on Facebook
    ingest(db, settings, complaint("a2@x", 90, text="Nu är skorna trasiga, vad gör jag?"))
    assert cases.show(db, case["id"])["status"] == "open"
    report = closing.close_case(db, settings, case["id"], **close)
    assert report.counts["public_notes"] == 0
    with db.connection() as conn:
        notes = [r["key"] for r in conn.execute(
            "SELECT key FROM outbox WHERE template = 'public_resolution'")]
    assert notes == [f"resolution:{case['id']}:0:facebook:111_1"]  # told once


def test_closing_a_closed_case_is_refused(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    closing.close_case(db, settings, case["id"], agent="Maria", happened="h", done="d")
    with pytest.raises(Exception, match="already closed"):
        closing.close_case(db, settings, case["id"], agent="Maria", happened="h", done="d")


def test_closing_cancels_what_would_arrive_after_the_follow_up(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    chans = channels("email")
    monday = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    dispatch.dispatch(db, settings, chans, worker="w", now=monday)  # the acknowledgment
    updates.status_updates(db, settings, now=monday)
    chans["email"].fail_next = 1  # the update fails once and waits for its retry
    dispatch.dispatch(db, settings, chans, worker="w", now=monday)
    report = closing.close_case(db, settings, case["id"], agent="Maria Lind",
                                happened="PostNord lost the parcel", done="we sent a new pair")
    assert report.counts["cancelled"] == 1
    dispatch.dispatch(db, settings, chans, worker="w")  # the follow-up is due now
    assert [o.template for o in chans["email"].sent] == ["private_ack", "followup_close"]
    assert rerun.rerun_case(db, settings, case["id"]).counts["requeued"] == 0
    # closed before its acknowledgment went out: only the follow-up goes
    ingest(db, settings, complaint("b1@x", email="bo@example.se"))
    other = next(c for c in cases.list_cases(db) if c["id"] != case["id"])
    closing.close_case(db, settings, other["id"], agent="Maria Lind",
                       happened="Your parcel was late", done="It has arrived")
    dispatch.dispatch(db, settings, chans, worker="w")
    assert [o.template for o in chans["email"].sent if o.recipient == "bo@example.se"] == \
        ["followup_close"]


def test_a_follow_up_must_say_what_happened_and_what_was_done(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    with pytest.raises(InputError, match="say what happened"):
        closing.close_case(db, settings, case["id"], agent="Maria", happened="  ", done="d")
    with pytest.raises(InputError, match="say what was done"):
        closing.draft_close(db, settings, case["id"], agent="Maria", happened="h", done="")
    assert cases.show(db, case["id"])["status"] == "open"


def test_a_refused_close_changes_nothing(db, settings):
    ingest(db, settings, complaint("a1@x"))
    [case] = cases.list_cases(db)
    closing.close_case(db, settings, case["id"], agent="Lisa", happened="h", done="d")
    with pytest.raises(InputError, match="already closed"):
        closing.close_case(db, settings, case["id"], agent="Mallory", happened="h", done="d",
                           fault="ours", gesture="RABATT50")
    shown = cases.show(db, case["id"])
    assert (shown["agent"], shown["fault"], shown["gesture"]) == ("Lisa", "unknown", None)


# -- re-run, SLA ------------------------------------------------------------------------

def test_rerun_requeues_failed_sends_and_never_resends_what_was_sent(db, settings):
    ingest(db, settings, complaint("a1@x"),
           complaint("111_1", 30, channel="facebook", text="Mitt paket har inte kommit!!"))
    chans = channels("email", "facebook")
    chans["facebook"].fail_next = 99
    settings = settings.model_copy(update={"care": settings.care.model_copy(
        update={"max_attempts": 1})})
    dispatch.dispatch(db, settings, chans, worker="w")
    assert sorted(statuses(db).values()) == ["failed", "sent"]
    [case] = cases.list_cases(db)
    report = rerun.rerun_case(db, settings, case["id"])
    assert report.counts["requeued"] == 1 and "queued" not in report.counts
    chans["facebook"].fail_next = 0
    dispatch.dispatch(db, settings, chans, worker="w", now=datetime.now(UTC) + timedelta(hours=1))
    assert len(chans["email"].sent) == 1 and len(chans["facebook"].sent) == 1
    assert sorted(statuses(db).values()) == ["sent", "sent"]


def test_sla_watch_flags_each_late_case_once(db, settings):
    ingest(db, settings, complaint("a1@x"))
    late = T0 + timedelta(minutes=settings.care.first_response_minutes + 1)
    first = cases.sla_watch(db, settings, now=late)
    again = cases.sla_watch(db, settings, now=late + timedelta(minutes=5))
    assert first.counts["breached"] == 1 and "breached" not in again.counts
    assert first.events[0][0] == "carecase.case.sla-breached"
    [row] = cases.board(db, settings, now=late)
    assert row["sla"] == "breached" and row["last_update"] == "never"
    with db.connection() as conn:  # 16:00 UTC is 17:00 in Stockholm in November
        conn.execute("UPDATE cases SET last_update_at = '2026-11-21 16:00:00+00'")
    assert cases.board(db, settings, now=late)[0]["last_update"] == "2026-11-21 17:00"


# -- incidents (P6) and announcements (P13) ---------------------------------------------

def test_an_incident_groups_the_storm_and_its_prevention_reaches_the_updates(db, settings):
    storm = [complaint(f"b{i}@x", i, email=f"kund{i}@example.se",
                       text="Ni har dragit pengarna två gånger för samma beställning!")
             for i in range(5)]
    ingest(db, settings, *storm)
    [incident] = incidents.list_incidents(db)
    assert incident["open_cases"] == 5 and incident["key"].startswith("billing-")
    incidents.set_prevention(db, incident["key"], "we have fixed the double charge in the "
                             "payment flow and added a check")
    updates.status_updates(db, settings, now=datetime(2026, 11, 23, 16, tzinfo=UTC))
    with db.connection() as conn:
        bodies = [r["body"] for r in conn.execute(
            "SELECT body FROM outbox WHERE template = 'status_update'")]
    assert len(bodies) == 5 and all("fixed the double charge" in b for b in bodies)
    with pytest.raises(NotFound):
        incidents.set_prevention(db, "no-such-incident", "x")


def test_an_announcement_is_posted_at_its_time_not_before(db, settings):
    at = datetime.now(UTC) + timedelta(hours=2)
    key = incidents.announce(db, "facebook", "Ikväll visas vi på TV. Vi finns här för er "
                             "hela kvällen.", at)
    assert incidents.announce(db, "facebook", "Ikväll visas vi på TV. Vi finns här för er "
                              "hela kvällen.", at) == key  # scheduling twice: one post
    chans = channels("facebook")
    assert dispatch.dispatch(db, settings, chans, worker="w").counts["claimed"] == 0
    dispatch.dispatch(db, settings, chans, worker="w", now=at + timedelta(seconds=1))
    [post] = chans["facebook"].sent
    assert post.action == "post" and post.key == key
    assert incidents.announcements(db)[0]["status"] == "sent"
    with pytest.raises(InputError):
        incidents.announce(db, "google", "hello", at)
