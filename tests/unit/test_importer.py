"""One line of a JSONL import: what it becomes, and what it is refused for."""

from __future__ import annotations

import pytest

from carecase.errors import InputError
from carecase.importer import parse

LINE = {"external_id": "m1", "text": "Please cancel my order 123456.",
        "created_at": "2026-11-21T08:05:00+01:00", "author": {"name": "Liam Berg"}}


@pytest.mark.parametrize(("channel", "public"), [
    ("email", False), ("facebook", True), ("x", True), ("trustpilot", True), ("google", True),
])
def test_public_left_out_is_what_the_channel_is(channel, public):
    assert parse({**LINE, "channel": channel}).public is public
    assert parse({**LINE, "channel": channel, "public": None}).public is public


def test_a_public_email_or_a_public_that_is_no_boolean_is_refused():
    with pytest.raises(InputError, match=r"public must be false \(or left out\) for an e-mail"):
        parse({**LINE, "channel": "email", "public": True})
    with pytest.raises(InputError, match="public must be true or false, got 'no'"):
        parse({**LINE, "channel": "facebook", "public": "no"})
    assert parse({**LINE, "channel": "facebook", "public": False}).public is False  # a DM
