"""Messages and comments as people write them (tests/data/written/): each is read as
its line says. A line with a note is one carecase is known to read wrong: it is
expected to fail, and a strict xfail flags the day it is read right."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from carecase.classify import Rules, detect_language, kind_of
from carecase.moderation import moderation_reasons

WRITTEN = Path(__file__).parent.parent / "data" / "written"
RULES = Rules(own_domains=frozenset({"nordicshoes.example"}), brand="nordicshoes")


class Line(NamedTuple):
    expected: str
    language: str
    text: str
    note: str


def _lines(name: str) -> list[Line]:
    lines = []
    for raw in (WRITTEN / name).read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        expected, language, text, *note = raw.split("\t")
        lines.append(Line(expected, language, text, note[0] if note else ""))
    return lines


def _cases(name: str, known: str) -> list[pytest.param]:
    """One case a line; a line whose note names ``known`` is a strict xfail."""
    return [
        pytest.param(line, id=f"{line.language}-{line.text[:50]}", marks=[
            pytest.mark.xfail(strict=True, reason=part.removeprefix(known).strip())
            for part in line.note.split("; ") if part.startswith(known)])
        for line in _lines(name)
    ]


KINDS = _cases("messages.tsv", "kind:")
LANGUAGES = _cases("messages.tsv", "language:")
COMMENTS = _cases("comments.tsv", "reasons:")


def test_the_written_corpora_are_what_they_claim() -> None:
    messages, comments = _lines("messages.tsv"), _lines("comments.tsv")
    assert len(messages) >= 2865 and len(comments) >= 1893
    for line in messages:
        assert line.expected in ("complaint", "question", "praise", "other"), line
        assert line.language in ("da", "sv", "nb", "en"), line
    for line in comments:
        assert line.language in ("da", "sv", "nb", "en"), line
    # most comments must stay up: the corpus tests what must not be hidden (P1)
    assert sum(line.expected == "-" for line in comments) > len(comments) / 2
    assert len({line.text for line in messages}) == len(messages)


@pytest.mark.parametrize("line", KINDS)
def test_a_message_as_written_is_read_as_its_kind(line: Line) -> None:
    assert kind_of(line.text, None) == line.expected


@pytest.mark.parametrize("line", LANGUAGES)
def test_a_message_as_written_is_never_read_in_the_wrong_language(line: Line) -> None:
    # None: too short or too close to tell, for the author's earlier language or the
    # business's to decide (P15)
    assert detect_language(line.text, None) in (line.language, None)


@pytest.mark.parametrize("line", COMMENTS)
def test_a_comment_as_written_is_hidden_for_its_reasons_only(line: Line) -> None:
    expected = () if line.expected == "-" else tuple(line.expected.split(","))
    assert moderation_reasons(line.text, RULES) == expected
