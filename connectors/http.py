"""Shared httpx plumbing for the HTTP connectors (Facebook, Google, Trustpilot).

``HttpClient`` sends one request, maps the answer to our errors and retries what is worth
retrying, so each connector only says how its API spells an error::

    client = HttpClient("https://api.example.com", timeout=10, retries=3,
                        headers={"Authorization": f"Bearer {token}"}, redact=(token,),
                        error_for=status_error, label="example")
    data = client.request_json("GET", "/v1/things", params={"page": 1})

Policy, once for all connectors:

- ``error_for(response)`` turns a response into a ``ChannelError`` (or None when it is a
  success); the default ``status_error`` maps by HTTP status (401 AuthFailed, 403
  PermissionDenied, 429 RateLimited with ``Retry-After``, 5xx Transient, other 4xx
  ChannelError). APIs that spell errors in the body (Graph) pass their own.
- Timeouts, connection failures and malformed JSON are ``Transient``.
- ``Transient`` is retried ``retries`` times with exponential backoff and jitter
  (``backoff * 2**attempt``, half of it random, so many workers do not retry in step).
  ``RateLimited`` is retried only when its ``retry_at`` is at most ``max_wait`` seconds
  away; a longer wait is raised, so the flow reschedules instead of holding a worker.
  Everything else is raised at once.
- Every secret in ``redact`` is replaced by ``***`` in exception messages and log lines,
  and URLs are logged without their query string. Send tokens in headers, not in URLs.

``HighWater`` is the cursor logic shared by newest-first pollers (Facebook, Google).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from connectors.base import (
    AuthFailed,
    ChannelError,
    PermissionDenied,
    RateLimited,
    Transient,
)

log = logging.getLogger(__name__)

ErrorFor = Callable[[httpx.Response], ChannelError | None]
DEFAULT_RATE_WAIT = 60.0


def retry_at_from(response: httpx.Response, default: float = DEFAULT_RATE_WAIT) -> datetime:
    """When to try again, from a ``Retry-After`` header (seconds or HTTP date), else
    ``default`` seconds from now."""
    now = datetime.now(UTC)
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    if value:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return when if when.tzinfo else when.replace(tzinfo=UTC)
    return now + timedelta(seconds=default)


def status_error(response: httpx.Response) -> ChannelError | None:
    """The default mapping of an HTTP response to our errors, by status code."""
    status = response.status_code
    if status < 400:
        return None
    what = f"HTTP {status} on {response.request.method} {response.request.url.path}"
    if status == 401:
        return AuthFailed(f"{what}: credentials refused; check the account's token secret")
    if status == 403:
        return PermissionDenied(f"{what}: the account lacks a permission for this action")
    if status == 429:
        return RateLimited(f"{what}: rate limited", retry_at=retry_at_from(response))
    if status >= 500:
        return Transient(f"{what}: server error")
    return ChannelError(f"{what}: request refused")


class HttpClient:
    """One connector's HTTP session: base URL, auth headers, timeouts, retries, redaction.

    ``path`` may be relative to ``base_url`` or an absolute URL (a paging link). ``label``
    prefixes error messages (the channel name). ``sleep`` is injectable for tests.
    """

    def __init__(self, base_url: str, *, timeout: float = 10.0, retries: int = 3,
                 backoff: float = 0.5, max_wait: float = 5.0, redact: Iterable[str] = (),
                 headers: Mapping[str, str] | None = None, error_for: ErrorFor = status_error,
                 label: str = "http", sleep: Callable[[float], None] = time.sleep) -> None:
        self.retries, self.backoff, self.max_wait = retries, backoff, max_wait
        self.label, self.error_for, self._sleep = label, error_for, sleep
        self._secrets = tuple(s for s in redact if s)
        self._client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(timeout),
                                    headers=dict(headers or {}), follow_redirects=False)

    def __repr__(self) -> str:  # the default repr would show nothing secret, but say so
        return f"HttpClient({self.label!r}, base_url={str(self._client.base_url)!r})"

    def redact(self, text: str) -> str:
        """``text`` with every configured secret replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, data: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, retry: bool = True
                ) -> httpx.Response:
        """Send, map errors, retry as the module docstring says; return a success.

        ``retry=False`` for a request that is not idempotent (posting a reply): a timeout
        may hide a success, so the caller must look before trying again (find_sent).
        """
        return self._call(method, path, params, json, data, headers, parse=False,
                          retry=retry)[0]

    def request_json(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                     json: Any = None, data: Mapping[str, Any] | None = None,
                     headers: Mapping[str, str] | None = None, retry: bool = True) -> Any:
        """Like ``request``, and return the decoded JSON body (malformed -> Transient)."""
        return self._call(method, path, params, json, data, headers, parse=True,
                          retry=retry)[1]

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    # -- internals ---------------------------------------------------------------
    def _call(self, method: str, path: str, params: Any, json: Any, data: Any,
              headers: Any, *, parse: bool, retry: bool = True
              ) -> tuple[httpx.Response, Any]:
        attempt, retries = 0, self.retries if retry else 0
        while True:
            try:
                return self._once(method, path, params, json, data, headers, parse)
            except (Transient, RateLimited) as exc:
                delay = self._delay(exc, attempt)
                if delay is None or attempt >= retries:
                    raise
                attempt += 1
                log.warning("%s: %s; retry %d/%d in %.2f s", self.label, exc, attempt,
                            retries, delay)
                self._sleep(delay)

    def _delay(self, exc: ChannelError, attempt: int) -> float | None:
        if isinstance(exc, RateLimited):
            if exc.retry_at is None:
                return None
            wait = (exc.retry_at - datetime.now(UTC)).total_seconds()
            return max(wait, 0.0) if wait <= self.max_wait else None
        step = self.backoff * 2**attempt
        return step / 2 + random.uniform(0, step / 2)

    def _once(self, method: str, path: str, params: Any, json: Any, data: Any, headers: Any,
              parse: bool) -> tuple[httpx.Response, Any]:
        where = f"{method} {httpx.URL(path).path or path}"  # never the query: it may hold a token
        try:
            response = self._client.request(method, path, params=params, json=json, data=data,
                                             headers=headers)
        except httpx.TimeoutException as exc:
            raise Transient(self.redact(f"{self.label}: {where} timed out")) from exc
        except httpx.TransportError as exc:
            raise Transient(self.redact(f"{self.label}: {where} failed: "
                                        f"{type(exc).__name__}: {exc}")) from exc
        error = self.error_for(response)
        if error is not None:
            error.args = (self.redact(f"{self.label}: {error.args[0] if error.args else ''}"),)
            raise error
        if not parse:
            return response, None
        try:
            return response, response.json()
        except ValueError as exc:
            raise Transient(f"{self.label}: {where} answered malformed JSON "
                            f"(HTTP {response.status_code})") from exc


class HighWater:
    """A newest-first poll's position: ``{"since": ISO time, "ids": [ids at that time]}``.

    APIs that list newest first can only stop at "older than what we had". Timestamps
    have coarse resolution (Graph: seconds), so items stamped exactly ``since`` are
    re-read and told apart by ``ids`` rather than lost at the boundary.
    """

    def __init__(self, cursor: Mapping[str, Any] | None) -> None:
        since = (cursor or {}).get("since")
        self.since = datetime.fromisoformat(since).astimezone(UTC) if since else None
        self._seen = set((cursor or {}).get("ids") or ())
        self._newest, self._newest_ids = self.since, set(self._seen)

    def older(self, when: datetime) -> bool:
        """True when ``when`` is before the mark: a newest-first listing can stop here."""
        return self.since is not None and when < self.since

    def fresh(self, when: datetime, item_id: str) -> bool:
        """True for an item not covered by the mark; remembers it for the next cursor."""
        if self.older(when) or (when == self.since and item_id in self._seen):
            return False
        if self._newest is None or when > self._newest:
            self._newest, self._newest_ids = when, {item_id}
        elif when == self._newest:
            self._newest_ids.add(item_id)
        return True

    def cursor(self) -> dict[str, Any]:
        """The cursor covering everything seen so far."""
        return {"since": self._newest.isoformat() if self._newest else None,
                "ids": sorted(self._newest_ids)}
