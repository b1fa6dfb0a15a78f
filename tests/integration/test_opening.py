"""An agent gives a message carecase left without a case one (`carecase cases open`).

Real PostgreSQL; the engine run as the ingest flow runs it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecase import cases, closing, opening, rerun
from carecase.errors import InputError, NotFound
from carecase.model import Author
from tests.integration.test_engine import T0, msg, outbox, run

KARIN = Author(id="9100", name="Karin Berg")
# sarcasm: no word of it complains, so carecase reads it as neither complaint nor question
SARCASM = msg("facebook", "111_900", "Wow. Bara wow. 3 veckor.", 10, author=KARIN,
              thread_id="111_900")


def kind_of(db, external_id: str) -> tuple[str, int | None]:
    with db.connection() as conn:
        row = conn.execute("SELECT kind, case_id FROM messages WHERE external_id = %s",
                           (external_id,)).fetchone()
    return row["kind"], row["case_id"]


def test_a_comment_left_without_a_case_is_opened_by_hand_and_answered_once(db, settings):
    report = run(db, settings, SARCASM)
    assert report.counts["unanswered"] == 1  # the run's report (a Prefect artifact) says so
    assert "`carecase cases open facebook:111_900` if it needs an answer" in report.details[0]
    assert kind_of(db, "111_900") == ("other", None)  # the premise: nobody would answer it
    assert outbox(db) == []
    listed = cases.list_messages(db, without_case=True)
    assert [(m["channel"], m["external_id"], m["author"]) for m in listed] == \
        [("facebook", "111_900", "Karin Berg")]

    case_id, report = opening.open_case(db, settings, "facebook:111_900", agent="Lisa",
                                        now=T0 + timedelta(hours=2))
    assert report.counts["cases_opened"] == 1 and report.counts["queued"] == 2
    assert kind_of(db, "111_900") == ("complaint", case_id)
    shown = cases.show(db, case_id)
    assert shown["status"] == "open" and shown["agent"] == "Lisa"
    assert shown["language"] == "sv"
    [opened] = [e for e in shown["events"] if e["kind"] == "opened"]
    assert opened["actor"] == "Lisa"
    assert opened["detail"] == {"message": "facebook:111_900", "kind": "complaint",
                                "read_as": "other"}
    queued = {r["template"]: r for r in outbox(db)}
    assert set(queued) == {"public_ack", "private_ack"}
    assert queued["public_ack"]["target"] == "111_900"
    assert queued["public_ack"]["language"] == "sv"
    assert queued["private_ack"]["action"] == "private_reply"  # Messenger: no address known
    assert "Lisa" in queued["public_ack"]["body"]  # signed by the agent who opened it
    assert cases.list_messages(db, without_case=True) == []

    # nothing twice: opening it again is refused, a re-run queues nothing more
    with pytest.raises(InputError, match=rf"already in case {case_id}"):
        opening.open_case(db, settings, "facebook:111_900")
    bodies = {r["key"]: r["body"] for r in outbox(db)}
    rerun_report = rerun.rerun_case(db, settings, case_id)
    assert "queued" not in rerun_report.counts
    assert len(outbox(db)) == 2
    # and the re-run keeps what the agent said it is, and the answers' wording with it
    assert kind_of(db, "111_900") == ("complaint", case_id)
    assert {r["key"]: r["body"] for r in outbox(db)} == bodies


def test_a_question_is_answered_as_one(db, settings):
    praise = msg("facebook", "111_904", "Snygga skor!", author=Author(id="9200", name="Per"),
                 thread_id="111_904")
    assert "unanswered" not in run(db, settings, praise).counts  # thanked
    run(db, settings, SARCASM)
    case_id, _ = opening.open_case(db, settings, "facebook:111_900", kind="question")
    assert kind_of(db, "111_900") == ("question", case_id)
    assert {r["template"] for r in outbox(db) if r["case_id"] == case_id} == \
        {"public_ack", "private_ack"}
    with pytest.raises(InputError, match="kind 'praise' is not one of: complaint, question"):
        opening.open_case(db, settings, "facebook:111_900", kind="praise")


def test_the_customers_open_case_is_joined_not_a_second_one_opened(db, settings):
    later = msg("facebook", "111_901", "Mitt paket med order 123456 har fortfarande inte "
                "kommit!", 30, author=KARIN, thread_id="111_901")
    run(db, settings, SARCASM, later)
    assert kind_of(db, "111_900")[1] is None
    [case] = cases.list_cases(db)
    acks = len(outbox(db))
    case_id, report = opening.open_case(db, settings, "facebook:111_900")
    assert case_id == case["id"] and report.counts["cases_joined"] == 1
    assert len(cases.list_cases(db)) == 1
    new = outbox(db)[acks:]
    # the other thread is acknowledged in public; the private acknowledgment went already
    assert [(r["template"], r["target"]) for r in new] == [("public_ack", "111_900")]


def test_a_recently_closed_case_is_reopened(db, settings):
    complaint = msg("facebook", "111_800", "Min order 123456 har inte kommit, ingen svarar!",
                    author=KARIN, thread_id="111_800")
    run(db, settings, complaint)
    [case] = cases.list_cases(db)
    closing.close_case(db, settings, case["id"], agent="Lisa", happened="h", done="d")
    again = msg("facebook", "111_900", "Wow. Bara wow.", 60 * 24, author=KARIN,
                thread_id="111_900")
    run(db, settings, again, now=T0 + timedelta(days=1, hours=1))
    assert kind_of(db, "111_900") == ("other", None)
    case_id, report = opening.open_case(db, settings, "facebook:111_900",
                                        now=T0 + timedelta(days=1, hours=2))
    assert case_id == case["id"] and report.counts["cases_reopened"] == 1
    assert cases.show(db, case_id)["status"] == "open"
    keys = [r["key"] for r in outbox(db) if r["template"] == "private_ack"]
    assert keys[-1] == f"private-ack:{case_id}:2"  # a new acknowledgment for the reopening


@pytest.mark.parametrize(("ref", "error", "text"), [
    ("facebook:nope", NotFound, "there is no message 'facebook:nope'"),
    ("999999", NotFound, "there is no message '999999'"),
    ("myspace:1", InputError, "names no message: give CHANNEL:EXTERNAL_ID"),
    ("111_900", InputError, "names no message"),
])
def test_a_message_that_is_not_there_is_a_clear_error(db, settings, ref, error, text):
    run(db, settings, SARCASM)
    with pytest.raises(error, match=text):
        opening.open_case(db, settings, ref)
    assert cases.list_cases(db) == []


def test_our_own_and_quarantined_messages_get_no_case(db, settings):
    broken = msg("facebook", "111_902", "x", author=KARIN, quarantine="not valid UTF-8")
    run(db, settings, broken)
    with pytest.raises(InputError, match="was quarantined"):
        opening.open_case(db, settings, "facebook:111_902")
    with db.connection() as conn:
        conn.execute("INSERT INTO messages (channel, external_id, direction, text, created_at)"
                     " VALUES ('facebook', '111_903', 'out', 'Hej!', now())")
    with pytest.raises(InputError, match="one of our own messages"):
        opening.open_case(db, settings, "facebook:111_903")


def test_a_short_comment_is_answered_in_the_language_of_the_customers_case(db, settings):
    danish = msg("facebook", "111_910", "Min pakke er ikke kommet, og ingen svarer på mine "
                 "mails!", author=KARIN, thread_id="111_910")
    short = msg("facebook", "111_911", "Hmm...", 5, author=KARIN, thread_id="111_911")
    run(db, settings, danish)
    [case] = cases.list_cases(db)
    closing.close_case(db, settings, case["id"], agent="Lisa", happened="h", done="d")
    run(db, settings, short)
    assert kind_of(db, "111_911") == ("other", None)
    opening.open_case(db, settings, "facebook:111_911", kind="question")
    [ack] = [r for r in outbox(db) if r["target"] == "111_911" and r["template"] == "public_ack"]
    assert ack["language"] == "da"  # the case's, not the business's (sv)
