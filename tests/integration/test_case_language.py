"""A case's language follows its customer (P15): a message in another of our languages,
long enough to tell, moves it; a short one, one whose text tells no language or one in a
language we do not write does not; an agent's choice (`cases set --language`) stays.

The daily update and the closing follow-up are written in the case's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from carecase import cases, closing, opening, updates
from carecase.errors import InputError
from carecase.model import Author
from tests.integration.test_engine import T0, msg, outbox, run

EVENING = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 17:00 in Stockholm: the daily update
JAMIE = Author(name="Jamie Cole", email="jamie.cole@example.com")
# too short to tell: read in the business's language (sv)
SHORT = msg("email", "j1@mail.example", "Order 40512 ???", author=JAMIE)
ENGLISH = msg("email", "j2@mail.example", "Hello, I ordered a pair of boots three weeks ago "
              "(order 40512) and they still have not arrived. Where is my parcel?", 30,
              author=JAMIE)
DANISH = msg("email", "j9@mail.example", "Hej, jeg har stadig ikke modtaget min pakke. "
             "Hvornår kommer den?", 90, author=JAMIE)


def language_events(db, case_id: int) -> list[tuple[str, dict]]:
    return [(e["actor"], e["detail"]) for e in cases.show(db, case_id)["events"]
            if e["kind"] == "updated" and "language" in e["detail"]]


def status_update(db, settings) -> dict:
    updates.status_updates(db, settings, now=EVENING)
    [row] = [r for r in outbox(db) if r["template"] == "status_update"]
    return row


@pytest.mark.parametrize("one_batch", [False, True], ids=["later", "same-batch"])
def test_a_case_opened_by_a_short_message_moves_to_the_customers_english(db, settings,
                                                                          one_batch):
    if one_batch:
        run(db, settings, SHORT, ENGLISH)
    else:
        run(db, settings, SHORT)
        assert cases.list_cases(db)[0]["language"] == "sv"  # the premise
        run(db, settings, ENGLISH)
    [case] = cases.list_cases(db)
    assert case["language"] == "en"
    assert language_events(db, case["id"]) == [("carecase", {
        "language": "en", "was": "sv", "message": "email:j2@mail.example",
        "why": "the customer wrote in en"})]
    update = status_update(db, settings)
    assert update["language"] == "en" and "Here is today's update" in update["body"]
    assert "Next update: Tuesday" in update["body"]  # the next update's day in English too
    follow_up = closing.draft_close(db, settings, case["id"], agent="Lisa",
                                    happened="Your parcel was delayed",
                                    done="We sent a new pair")
    assert follow_up.language == "en"


@pytest.mark.parametrize("kept", [
    msg("email", "j3@mail.example", "Guten Tag, meine Bestellung ist noch nicht angekommen. "
        "Wo ist mein Paket bitte?", 60, author=JAMIE),
    msg("email", "j4@mail.example", "ok", 60, author=JAMIE),
    # long enough, but its text tells no language: read in the business's (sv)
    msg("email", "j5@mail.example", "Order 40512 ??? 1234 5678 #99", 60, author=JAMIE),
], ids=["german", "short", "no-language"])
def test_only_a_message_that_tells_one_of_our_languages_moves_the_case(db, settings, kept):
    opened = msg("email", "j0@mail.example", "Where is my order??", author=JAMIE)
    run(db, settings, opened)
    [case] = cases.list_cases(db)
    assert case["language"] == "en"  # the premise: short, but English for sure
    run(db, settings, kept)
    assert cases.list_cases(db)[0]["language"] == "en"
    run(db, settings, DANISH)
    assert cases.list_cases(db)[0]["language"] == "da"
    assert [d["language"] for _, d in language_events(db, case["id"])] == ["da"]


def test_the_acknowledgment_of_the_message_that_moved_the_case_is_in_its_language(
        db, settings):
    # a review too short to tell, then an English e-mail: the e-mail gets the case's
    # first private acknowledgment (no private route was known before), in English
    short = msg("google", "g-40", "Order 123456 ???", author=Author(name="Jamie Cole"),
                rating=1)
    email = msg("email", "j6@mail.example", "Hello, about order 123456: the boots I ordered "
                "three weeks ago have still not arrived. Where are they?", 30, author=JAMIE)
    run(db, settings, short)
    run(db, settings, email)
    [case] = cases.list_cases(db)
    assert case["language"] == "en" and case["messages"] == 2
    acks = {r["template"]: r for r in outbox(db)}
    assert acks["public_ack"]["language"] == "sv"  # the review's, before the e-mail
    assert acks["private_ack"]["language"] == "en"
    assert "Thank you for getting in touch" in acks["private_ack"]["body"]


def test_an_agents_choice_of_language_stays_after_the_customer_writes_in_another(
        db, settings):
    run(db, settings, ENGLISH)
    [case] = cases.list_cases(db)
    cases.set_case(db, case["id"], language="da", actor="Lisa")
    assert language_events(db, case["id"]) == [("Lisa", {"language": "da"})]
    swedish = msg("email", "j7@mail.example", "Hej, jag har fortfarande inte fått mitt "
                  "paket. När kommer det?", 60, author=JAMIE)
    run(db, settings, swedish, ENGLISH)  # and what carecase read before, again: no change
    assert cases.list_cases(db)[0]["language"] == "da"
    assert len(language_events(db, case["id"])) == 1
    assert status_update(db, settings)["language"] == "da"


@pytest.mark.parametrize("language", ["de", "", "EN", "swedish"])
def test_a_language_carecase_does_not_write_is_refused(db, settings, language):
    run(db, settings, ENGLISH)
    [case] = cases.list_cases(db)
    with pytest.raises(InputError, match=rf"language {language!r} is not one carecase "
                       r"writes in: give one of da \(Danish\), sv \(Swedish\), nb "
                       r"\(Norwegian\), en \(English\)"):
        cases.set_case(db, case["id"], language=language)
    assert cases.list_cases(db)[0]["language"] == "en"


def test_a_comment_opened_by_hand_moves_the_case_it_reopens_not_one_written_to_since(
        db, settings):
    karin = Author(id="9100", name="Karin Berg")
    english = msg("facebook", "111_50", "Well. That was something else, I must say.",
                  author=karin, thread_id="111_50")
    swedish = msg("facebook", "111_51", "Mitt paket med order 123456 har fortfarande inte "
                  "kommit!", 10, author=karin, thread_id="111_51")
    run(db, settings, english, swedish)  # the first read as neither: left without a case
    [case] = cases.list_cases(db)
    opening.open_case(db, settings, "facebook:111_50", now=T0 + timedelta(hours=2))
    assert cases.list_cases(db)[0]["language"] == "sv"  # she wrote Swedish since
    closing.close_case(db, settings, case["id"], agent="Lisa", happened="h", done="d")
    later = msg("facebook", "111_52", "Well. That was something else, I must say.",
                60 * 24, author=karin, thread_id="111_52")
    run(db, settings, later, now=T0 + timedelta(days=1, hours=1))
    _, report = opening.open_case(db, settings, "facebook:111_52",
                                  now=T0 + timedelta(days=1, hours=2))
    assert report.counts["cases_reopened"] == 1
    assert cases.list_cases(db)[0]["language"] == "en"
    assert [d["message"] for _, d in language_events(db, case["id"])] == ["facebook:111_52"]
