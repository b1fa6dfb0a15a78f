"""Clues (P14): what a message is about, channel mentions, and how crowded the hours are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from carecase import clues
from carecase.identity import channel_hints, order_refs  # still importable from identity

T0 = datetime(2026, 3, 17, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("Mitt paket har stått still hos PostNord i fem dagar.", {"delivery"}),
    ("Pakken min har ligget stille hos GLS.", {"delivery"}),
    ("Fel vara i paketet, det var inte lampan.", {"wrong_item"}),  # "paketet" alone: no
    ("Tyvärr var lampan skadad vid leverans.", {"damaged"}),  # the damage, not the courier
    ("Hvor bliver min refusion af?", {"refund"}),
    ("I can see two payments to you on my account.", {"billing"}),
    ("Ni har dragit pengarna två gånger för samma beställning!", {"billing"}),
    ("Jeg kan se to træk fra jer på kontoen.", {"billing"}),
    # twice is not about money unless a charge is: the demo's courier complaint
    ("Jag har nu missat leveransen av order 48213 två gånger.", {"delivery"}),
    ("Kuriren ringde inte, I missed the delivery twice.", {"delivery"}),
    ("Returlabelen I sendte kan ikke printes.", {"return"}),
    ("Koden dere ga meg sier ugyldig.", {"discount"}),
    ("The charger was not in the box.", {"missing"}),
    ("Snabb leverans och lampan är toppen, tack!", {"praise"}),  # praise wins
    ("Något nytt?", set()),
])
def test_topics(text, expected):
    assert clues.topics(text) == expected


def test_channel_hints_and_order_refs_moved_but_still_exported():
    assert channel_hints("Jag har även skrivit på Facebook.") == {"facebook"}
    assert order_refs("ordre nr. 123456") == ["123456"]


def test_same_matter_in_other_words_speaks_for():
    weight, note = clues.matter("Hvor bliver min refusion af?",
                                ("Har ikke fået pengene tilbage for lampen.",), hours=2)
    assert weight > 0 and "refund" in note


def test_a_different_matter_the_same_day_speaks_against():
    weight, _ = clues.matter("Rabattkoden virker ikke.", ("Lampen kom i stykker.",), hours=3)
    assert weight < 0


def test_a_follow_up_or_a_thank_you_says_nothing_either_way():
    assert clues.matter("Noget nyt?", ("Lampen kom i stykker.",), hours=3)[0] == 0
    assert clues.matter("Tak for hjælpen i går, det hele løste sig.",
                        ("Lampen kom i stykker.",), hours=20)[0] == 0


def test_time_apart():
    assert clues.time_apart(2)[0] > clues.time_apart(20)[0] > clues.time_apart(50)[0] > 0
    assert clues.time_apart(24 * 30)[0] < 0


def test_time_apart_falls_smoothly():
    weights = [clues.time_apart(h / 4)[0] for h in range(1, 4 * 24 * 20)]
    assert all(a >= b for a, b in pairwise(weights))  # never rises
    assert max(a - b for a, b in pairwise(weights)) < 0.1  # no cliff
    assert clues.time_apart(5.9)[0] == clues.time_apart(1)[0]  # within hours: the most


def counts(recent_per_hour: int, per_day: int):
    """name_frequency for hour and day keys: so many customers wrote per hour / day."""
    def freq(key: str) -> int:
        return recent_per_hour if key.startswith("a:") else per_day if key.startswith("d:") \
            else 0
    return freq


def test_crowd_is_one_on_an_ordinary_day_and_high_in_a_surge():
    assert clues.crowd(T0, None) == 1.0  # unknown
    assert clues.crowd(T0, counts(1, 12)) < 1.5  # 6 of 84 in a week: ordinary
    assert clues.crowd(T0, counts(8, 12)) > 5  # 48 in six hours: a courier surge


def test_a_young_database_is_not_a_surge():
    assert clues.crowd(T0, counts(1, 1)) < 3


def test_keys_for_activity_and_first_names():
    assert clues.activity_keys(T0) == ["a:2026-03-17T12", "d:2026-03-17"]
    hours, days = clues.window_keys(T0 + timedelta(minutes=30))
    assert hours[0] == "a:2026-03-17T12" and hours[-1] == "a:2026-03-17T07"
    assert len(days) == 7 and days[-1] == "d:2026-03-11"
    assert clues.first_name_keys(["anna"], T0, (0, 1)) == ["f:anna@2026-03-17",
                                                           "f:anna@2026-03-16"]
