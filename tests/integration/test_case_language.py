"""A case's language (P15): an agent's choice (`cases set --language`) stays.

The daily update and the closing follow-up are written in the case's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carecase import cases, updates
from carecase.errors import InputError
from carecase.model import Author
from tests.integration.test_engine import msg, outbox, run

EVENING = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 17:00 in Stockholm: the daily update
JAMIE = Author(name="Jamie Cole", email="jamie.cole@example.com")
ENGLISH = msg("email", "j2@mail.example", "Hello, I ordered a pair of boots three weeks ago "
              "(order 40512) and they still have not arrived. Where is my parcel?", 30,
              author=JAMIE)


def language_events(db, case_id: int) -> list[tuple[str, dict]]:
    return [(e["actor"], e["detail"]) for e in cases.show(db, case_id)["events"]
            if e["kind"] == "updated" and "language" in e["detail"]]


def status_update(db, settings) -> dict:
    updates.status_updates(db, settings, now=EVENING)
    [row] = [r for r in outbox(db) if r["template"] == "status_update"]
    return row


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
