"""One line of a JSONL import: what it becomes, and what it is refused for."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
from pathlib import Path

import pytest

from carecase.errors import InputError
from carecase.importer import extra_fields, parse, read, read_stream
from carecase.model import Message

ROOT = Path(__file__).resolve().parents[2]

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


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-12:00", "0001-01-01T02:30:00+01:00",
                                "9999-12-31T23:00:00+00:00", "1969-12-31T23:59:59Z",
                                "2201-01-01T00:00:00Z"])
def test_a_time_outside_1970_to_2200_is_refused_before_it_overflows(at):
    """Near the edges of Python's datetime range (years 1-9999) the engine's time
    arithmetic overflowed after the line had passed, and the whole import failed."""
    with pytest.raises(InputError) as info:
        parse({**LINE, "channel": "email", "created_at": at})
    assert str(info.value) == f"created_at '{at}' is not between 1970 and 2200"


@pytest.mark.parametrize("at", ["1970-01-01T00:00:00Z", "2200-12-31T23:59:59+00:00"])
def test_the_first_and_last_times_taken(at):
    assert parse({**LINE, "channel": "email", "created_at": at}).created_at.year in (1970, 2200)


def _read(*lines: bytes) -> list[tuple[int, object]]:
    return list(read_stream(io.BytesIO(b"".join(line + b"\n" for line in lines))))


def _line(**fields) -> bytes:
    return json.dumps({**LINE, "channel": "email", **fields}).encode()


@pytest.mark.parametrize(("text", "reason"), [
    (b'"raw": {"score": NaN}', "NaN is no JSON value"),
    (b'"score": Infinity', "Infinity is no JSON value"),
    (b'"raw": [-Infinity]', "-Infinity is no JSON value"),
    (b'"raw": {"n": 1e400}', "the number 1e400 is too large to store"),
    (b'"raw": {"n": ' + b"7" * 5000 + b"}", "a number of more than 4300 digits"),
])
def test_what_json_or_the_database_cannot_hold_is_refused_at_parse_time(text, reason):
    """PostgreSQL's jsonb refused NaN later, and the whole batch with it."""
    line = _line()[:-1] + b", " + text + b"}"
    [(number, error)] = _read(line)
    assert number == 1 and isinstance(error, InputError) and reason in str(error)


def test_nesting_deeper_than_any_channel_payload_is_refused_without_recursion():
    """~900 levels passed json.loads and then ran the cleaning's recursion out of stack."""
    def nested(levels: int) -> bytes:
        return b'{"a": ' * levels + b"1" + b"}" * levels

    deep, fine = (_line()[:-1] + b', "raw": ' + nested(n) + b"}" for n in (900, 63))
    [(_, error), (_, ok)] = _read(deep, fine)
    assert isinstance(error, InputError) and str(error) == "nested more than 64 levels deep"
    assert isinstance(ok, Message)
    [(_, error)] = _read(_line()[:-1] + b', "raw": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert str(error) == "nested more than 64 levels deep"  # beyond json's own limit too


def test_a_byte_order_mark_at_the_start_of_the_file_is_read_past():
    [(_, first), (_, second)] = _read(b"\xef\xbb\xbf" + _line(external_id="m1"),
                                      _line(external_id="m2"))
    assert isinstance(first, Message) and first.external_id == "m1"
    assert isinstance(second, Message)


def test_fields_beyond_the_shape_are_kept_in_raw_extra_an_authors_too():
    msg = parse({**LINE, "channel": "email", "label": "person-1", "raw": {"x": 1},
                 "author": {"email": "a@x.se", "phone": "+46701112233", "crm_id": "C-77"}})
    assert msg.raw == {"x": 1, "_extra": {
        "label": "person-1", "author": {"crm_id": "C-77", "phone": "+46701112233"}}}
    assert extra_fields(msg) == ["author.crm_id", "author.phone", "label"]
    assert parse({**LINE, "channel": "email"}).raw == {}


def test_dash_reads_standard_input_a_line_at_a_time(monkeypatch):
    """`carecase import -` said "file '-' does not exist". Standard input is read as a
    file is, line by line: the first message comes before the input has ended."""
    read_end, write_end = os.pipe()
    with open(read_end, "rb") as reader, open(write_end, "wb", buffering=0) as writer:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(reader))
        lines = read("-")
        got: list[object] = []

        def first() -> None:
            try:
                got.append(next(lines))
            except Exception as exc:  # the assertions below say what went wrong
                got.append(exc)

        writer.write(_line(external_id="m1") + b"\n")
        waiting = threading.Thread(target=first, daemon=True)
        waiting.start()
        waiting.join(10)  # a reader that waits for the end of the input is still waiting
        [(number, msg)] = got
        writer.write(b"not json\n" + _line(external_id="m3") + b"\n")
        writer.close()
        assert number == 1 and isinstance(msg, Message) and msg.external_id == "m1"
        rest = list(lines)
        assert [n for n, _ in rest] == [2, 3] and isinstance(rest[0][1], InputError)
        assert rest[1][1].external_id == "m3"


def test_the_readmes_import_example_imports_as_it_is_pasted():
    """The README showed its example message over three lines, and each of them was
    skipped as a bad line when pasted into a file."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1]
    example = section.split("```json\n", 1)[1].split("```", 1)[0]
    [(_, msg)] = list(read_stream(io.BytesIO(example.encode())))
    assert isinstance(msg, Message), msg
    assert (msg.channel, msg.external_id, msg.author.name) == ("facebook", "111_222",
                                                               "Anna Andersson")
