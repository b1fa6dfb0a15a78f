"""The part of the engine's work that depends on a message alone, done before a batch
takes the engine lock: cleaning the text, classifying it (language, kind, moderation,
machine), computing its blocking keys and reading what matching needs of it
(``identity.traits``: identity keys, name forms, topics, channel mentions).

``prepare`` does it in the calling process. An import of many batches runs it in a
worker process instead (``Prefetch``), one batch ahead, so that it overlaps with the
serialised part (matching, cases, replies and the writes) of the batch before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from carecase import classify, identity
from carecase.model import Classification, Message

log = logging.getLogger(__name__)
MAX_TEXT = 100_000


@dataclass(slots=True)
class Prepared:
    """A message ready for the serialised section. ``cls.language`` is None where the
    text does not tell, or tells only two it may be (``cls.between``): the author's
    earlier language decides, under the lock; ``cls`` is None for a quarantined message."""

    msg: Message
    cls: Classification | None
    keys: list[str]
    traits: identity.Traits


def prepare(messages: Iterable[Message], rules: classify.Rules,
            pattern: str = identity.ORDER_PATTERN) -> list[Prepared]:
    """Clean, classify, key and read ``messages`` (one batch)."""
    msgs = [sanitize(m) for m in messages]
    live = [m for m in msgs if not m.quarantine]
    readings = dict(zip(map(id, live), classify.read_languages([m.text for m in live]),
                        strict=True))
    return [_prepared(m, None if m.quarantine else
                      classify.content(m, rules, readings[id(m)]), pattern)
            for m in msgs]


def _prepared(msg: Message, cls: Classification | None, pattern: str) -> Prepared:
    traits = identity.traits(msg, pattern)
    return Prepared(msg, cls, identity.blocking_keys(msg, pattern, traits), traits)


# --- one batch ahead, in a worker process --------------------------------------------
# What the worker finds for a message
Found = tuple[Classification | None, list[str], identity.Traits]
_worker_args: tuple[classify.Rules, str] | None = None


def _start_worker(rules: classify.Rules, pattern: str) -> None:
    global _worker_args
    _worker_args = (rules, pattern)
    classify.warm_up()
    release_free_memory()


def _prepare_in_worker(messages: list[Message]) -> list[Found]:
    """What the worker sends back: each message's classification, keys and traits, not
    the message again (the caller has it: a second copy of a batch of long e-mails in the
    main process cost tens of MB, and unpickling it cost time)."""
    assert _worker_args is not None
    found = [(p.cls, p.keys, p.traits) for p in prepare(messages, *_worker_args)]
    release_free_memory()
    return found


def release_free_memory() -> None:
    """Give the pages the C allocator holds free back to the system (glibc's
    ``malloc_trim``; elsewhere nothing).

    lingua loads its models and scores a batch in threads of its own, and glibc keeps
    what they free in arenas of their own. The worker stood at 250-320 MB after loading
    the models and 190 MB once trimmed; in a 100k import it held 285 MB untrimmed and
    245 MB trimmed after each batch. A trim takes a few milliseconds. (The import
    process gains nothing from it: 182 against 183 MB.)"""
    if trim := _malloc_trim():
        trim(0)


@cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


class Prefetch:
    """Prepare ``chunks`` in a worker process, ``ahead`` chunks in advance.

    Iterating yields each chunk's ``list[Prepared]`` in order. A chunk is sent to the
    worker only when the one ``ahead`` before it is handed out, so memory stays flat
    however long the input. If the worker cannot start or dies, the rest is prepared
    in this process (logged), so an import never fails for want of a helper.
    """

    def __init__(self, chunks: Iterable[list[Message]], rules: classify.Rules,
                 pattern: str, *, ahead: int = 2) -> None:
        self._chunks = iter(chunks)
        self._args = (rules, pattern)
        self._ahead = ahead
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Prefetch:
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=self._args)
        except (OSError, ValueError) as exc:  # e.g. no semaphores in a sandbox
            log.warning("preparing in this process: no worker process (%s)", exc)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __iter__(self) -> Iterator[list[Prepared]]:
        pending: deque[tuple[list[Message], Future[list[Found]] | None]] = deque()
        while True:
            while len(pending) < self._ahead and (chunk := next(self._chunks, None)):
                pending.append((chunk, self._submit(chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            yield self._result(chunk, future)

    def _submit(self, chunk: list[Message]) -> Future[list[Found]] | None:
        if self._pool is None:
            return None
        try:
            return self._pool.submit(_prepare_in_worker, chunk)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._give_up(exc)
            return None

    def _result(self, chunk: list[Message], future: Future[list[Found]] | None
                ) -> list[Prepared]:
        if future is not None:
            try:
                found = future.result()
            except BrokenProcessPool as exc:
                self._give_up(exc)
            else:  # the worker cleaned its copies; this cleans the ones stored here
                return [Prepared(sanitize(m), *f) for m, f in zip(chunk, found, strict=True)]
        return prepare(chunk, *self._args)

    def _give_up(self, exc: BaseException) -> None:
        log.warning("the preparing worker process stopped (%s); going on in this process",
                    exc)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


# --- cleaning ------------------------------------------------------------------------
def sanitize(msg: Message) -> Message:
    """Text PostgreSQL can store: no NUL, no lone surrogates (from JSON "\\udcff" escapes
    or undecodable bytes); overlong texts and names are cut. A connector's raw payload
    keeps a cut text whole; raw["_cut"] says how long it was, for any message."""
    text = _clean(msg.text or "")
    msg.text = text[:MAX_TEXT]
    msg.external_id = _clean(msg.external_id)
    msg.thread_id, msg.parent_id = _clean(msg.thread_id), _clean(msg.parent_id)
    msg.url, msg.order_ref = _clean(msg.url), _clean(msg.order_ref)
    msg.raw = _clean(msg.raw)
    if len(text) > MAX_TEXT:
        msg.raw = {**msg.raw, "_cut": {"text": len(text), "kept": MAX_TEXT}}
    if msg.subject:
        msg.subject = _clean(msg.subject)[:1000]
    a = msg.author
    msg.author = type(a)(**{k: _clean(getattr(a, k)) for k in ("id", "name", "handle",
                                                                "email")})
    if msg.author.name and len(msg.author.name) > 500:
        msg.author = replace(msg.author, name=msg.author.name[:500])
    return msg


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")
        if not value.isascii():
            value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
        return value
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
