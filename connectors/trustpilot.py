"""Trustpilot service reviews in, company replies out, over httpx (connectors/http.py).

Auth: the OAuth client-credentials grant (Basic ``api_key:api_secret``) gives an access
token good for ~100 hours. It is fetched on the first call, cached with its expiry and
replaced shortly before it runs out; a 401 on a data call means it expired or was revoked
early, so we get a new one (with the refresh token when the grant gave one, else a new
grant) and try once more. A second 401, or a refused grant, is ``AuthFailed``. No key,
secret or token ever appears in a message, a repr or a log line.

Errors (through ``HttpClient``): 401 ``AuthFailed``, 403 ``PermissionDenied``, 429
``RateLimited`` (``Retry-After``, else 60 s), 5xx, timeouts and malformed JSON
``Transient``, retried ``retries`` times with backoff. Replying twice only replaces the
reply, so even a retried POST is harmless.

Cursor::

    {"since": "2026-11-21T09:12:00+00:00",    # createdAt of the newest review seen
     "edits_since": "2026-11-21T09:40:00+00:00",  # updatedAt of the newest edit seen
     "edits_scanned": "2026-11-21T09:45:00+00:00"}  # when the last edit scan began

Reviews are listed newest first (``orderBy=createdat.desc``) from ``startDateTime`` =
since minus ``overlap`` (reviews can be indexed a little late; re-reading a few is
harmless because messages are unique by id). Pages go out with ``cursor=None``; the last
page carries the new cursor.

Edits. A reviewer may edit a review days later ("Update: still no refund", five stars
down to one); that edit must be answered. The listing can only be ordered by creation
time or stars, so an edit of an older review is found by listing again, every
``edit_scan_every``, the reviews created within ``edit_window``, and taking those
updated since the last edit seen. An edit is a message of its own, as for Google:
``external_id`` ``<reviewId>@<updatedAt>``, ``created_at`` the edit's time,
``thread_id`` the reviewId, and the reply goes to the review (replacing ours there). A
review updated within seconds after our reply is skipped, in case replying moves the
review's own time (``moved_by_reply``): our reply must not come back as the consumer's
edit. An edit of a review written more than ``edit_window`` ago is not read; an
``edit_window`` of zero reads no edits. Should Trustpilot move ``updatedAt`` without the
consumer changing a word, the engine keeps that version but decides nothing on it
(``engine._unchanged``).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from carecase.model import Author, Message, Outgoing, is_version, version_id
from connectors.base import (
    AuthFailed,
    Batch,
    ChannelError,
    Cursor,
    Transient,
    Unsupported,
    review_of,
)
from connectors.http import HttpClient

TOKEN_PATH = "/v1/oauth/oauth-business-users-for-applications"
EXPIRY_MARGIN = 300.0  # renew a token this many seconds before it expires
REPLY_MOVES = timedelta(seconds=5)  # see moved_by_reply


def _when(value: str | None) -> datetime:
    """An aware datetime from the API's ISO time (naive means UTC)."""
    if not value:
        raise Transient("Trustpilot sent a review without createdAt")
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def edit_time(review: dict[str, Any]) -> datetime | None:
    """When the consumer last edited ``review``; None for a review as first written."""
    if not review.get("updatedAt"):
        return None
    updated = _when(review["updatedAt"])
    return updated if updated > _when(review.get("createdAt")) else None


def moved_by_reply(review: dict[str, Any]) -> bool:
    """Whether the review's time is our reply's doing: updated within ``REPLY_MOVES`` after
    the reply was written. Such a version holds nothing new from the consumer."""
    updated = edit_time(review)
    reply = review.get("companyReply") or {}
    replied = reply.get("updatedAt") or reply.get("createdAt")
    return bool(updated and replied) and \
        _when(replied) <= updated <= _when(replied) + REPLY_MOVES


class TrustpilotChannel:
    """One Trustpilot business unit as a carecase channel (see the module docstring)."""

    def __init__(
        self, *, name: str = "trustpilot", base_url: str = "https://api.trustpilot.com",
        business_unit_id: str, business_user_id: str, api_key: str, api_secret: str,
        page_size: int = 100, timeout: float = 10.0, retries: int = 3, backoff: float = 0.5,
        overlap: timedelta = timedelta(minutes=5),
        edit_window: timedelta = timedelta(days=14),
        edit_scan_every: timedelta = timedelta(minutes=30),
    ) -> None:
        self.name = name
        self.business_unit_id, self.business_user_id = business_unit_id, business_user_id
        self.page_size, self.overlap = max(1, min(100, page_size)), overlap
        self.edit_window, self.edit_scan_every = edit_window, edit_scan_every
        self._api_key = api_key
        self._basic = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
        self._access: str | None = None
        self._refresh: str | None = None
        self._expires_at = 0.0
        self._http = HttpClient(base_url, timeout=timeout, retries=retries, backoff=backoff,
                                redact=(api_key, api_secret, self._basic), label=name)

    def __repr__(self) -> str:
        return f"TrustpilotChannel(name={self.name!r}, business_unit={self.business_unit_id!r})"

    # -- auth --------------------------------------------------------------------
    def _refused(self) -> AuthFailed:
        return AuthFailed(
            f"Trustpilot refused the API key for business unit {self.business_unit_id}: "
            f"check the secrets behind channels.{self.name}.api_key and api_secret")

    def _token(self) -> str:
        if self._access and time.time() < self._expires_at - EXPIRY_MARGIN:
            return self._access
        self._access = None
        body = None
        if self._refresh:  # only some grants give one; client credentials usually not
            try:
                body = self._grant("/refresh", {"grant_type": "refresh_token",
                                                "refresh_token": self._refresh})
            except AuthFailed:
                raise
            except ChannelError:  # refresh token expired or unknown: fall back to a grant
                body = None
        if body is None:
            body = self._grant("/accesstoken", {"grant_type": "client_credentials"})
        try:
            self._access = str(body["access_token"])
            self._expires_at = time.time() + float(body.get("expires_in") or 3600)
        except (KeyError, TypeError, ValueError) as exc:
            raise Transient("Trustpilot's token answer had no usable access_token") from exc
        self._refresh = body.get("refresh_token") or None
        return self._access

    def _grant(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            body = self._http.request_json(
                "POST", TOKEN_PATH + path, data=form,
                headers={"Authorization": f"Basic {self._basic}"})
        except AuthFailed:
            raise self._refused() from None  # the cause would only repeat the status
        if not isinstance(body, dict):
            raise Transient("Trustpilot's token answer was not an object")
        return body

    def _call(self, method: str, path: str, *, parse: bool = True, **kwargs: Any) -> Any:
        """A Bearer call; on a 401 get a new token once, then give up with AuthFailed."""
        for second in (False, True):
            headers = {"Authorization": f"Bearer {self._token()}"}
            try:
                if parse:
                    return self._http.request_json(method, path, headers=headers, **kwargs)
                return self._http.request(method, path, headers=headers, **kwargs)
            except AuthFailed:
                self._access = None  # expired or revoked before its time
                if second:
                    raise self._refused() from None
        raise AssertionError("unreachable")

    # -- poll --------------------------------------------------------------------
    def poll(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Yield reviews created since the cursor, newest first, one batch per page; then,
        when an edit scan is due, the reviews edited since the last one (module docstring).
        Only the last batch carries the cursor."""
        cursor = cursor or {}
        now = datetime.now(UTC)
        since_dt = _when(cursor["since"]) if cursor.get("since") else None
        newest = since_dt
        # A first poll (or a cursor from before edits were read) reads every review as it
        # stands: edits are looked for from now on.
        edits_since = _when(cursor["edits_since"]) if cursor.get("edits_since") else now
        scanned = _when(cursor["edits_scanned"]) if cursor.get("edits_scanned") else now
        start = since_dt - self.overlap if since_dt else None
        read: set[str] = set()
        for messages in self._pages(start):
            created = [_when(m.raw.get("createdAt")) for m in messages]
            newest = max([*created, *([newest] if newest else [])], default=None)
            edits_since = max([edits_since, *(m.created_at for m in messages if is_version(m))])
            read.update(m.external_id for m in messages)
            yield Batch(messages, None)
            if start is not None and any(c < start for c in created):
                break  # newest first: the rest is known
        if cursor.get("edits_since") and self.edit_window > timedelta(0) \
                and now - scanned >= self.edit_scan_every:
            scanned, floor = now, _when(cursor["edits_since"]) - self.overlap
            for messages in self._pages(now - self.edit_window):
                edits = [m for m in messages if is_version(m) and m.created_at > floor
                         and m.external_id not in read]
                edits_since = max([edits_since, *(m.created_at for m in edits)])
                if edits:
                    yield Batch(edits, None)
        yield Batch([], {"since": newest.isoformat() if newest else None,
                         "edits_since": edits_since.isoformat(),
                         "edits_scanned": scanned.isoformat()})

    def _pages(self, start: datetime | None) -> Iterator[list[Message]]:
        """The reviews created since ``start`` (all when None), newest first, a page at a
        time, until a short or empty page."""
        params: dict[str, Any] = {"perPage": self.page_size, "orderBy": "createdat.desc"}
        if start:
            params["startDateTime"] = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        path = f"/v1/private/business-units/{self.business_unit_id}/reviews"
        page = 1
        while True:
            body = self._call("GET", path, params={**params, "page": page})
            reviews = body.get("reviews") if isinstance(body, dict) else None
            if not isinstance(reviews, list):
                raise Transient("Trustpilot's review list had no 'reviews' array")
            yield [self._message(r) for r in reviews if not self._moved(r)]
            if len(reviews) < self.page_size:
                return
            page += 1

    @staticmethod
    def _moved(review: Any) -> bool:
        try:
            return moved_by_reply(review)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise Transient("Trustpilot sent a review in an unexpected shape") from exc

    def _message(self, review: Any) -> Message:
        try:
            rid = str(review["id"])
            consumer = review.get("consumer") or {}
            title, text = review.get("title") or "", review.get("text") or ""
            links = review.get("links") or []
            url = next((link["href"] for link in links
                        if "/v1/" not in link.get("href", "") and link.get("href")),
                       f"https://www.trustpilot.com/reviews/{rid}")
            edit = edit_time(review)
            return Message(
                channel="trustpilot", thread_id=rid,
                external_id=version_id(rid, review["updatedAt"]) if edit else rid,
                text=f"{title}\n{text}" if title else text,
                created_at=edit or _when(review.get("createdAt")),
                author=Author(id=consumer.get("id"), name=consumer.get("displayName"),
                              email=review.get("referralEmail") or None),
                rating=int(review["stars"]) if review.get("stars") is not None else None,
                order_ref=review.get("referenceId") or None, public=True, url=url,
                raw=review)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise Transient("Trustpilot sent a review in an unexpected shape") from exc

    # -- send --------------------------------------------------------------------
    def send(self, out: Outgoing) -> str | None:
        """Reply to the review ``out.target`` (a second reply replaces the first)."""
        if out.action != "reply" or not out.target:
            raise Unsupported(f"Trustpilot can only reply to a review, not {out.action!r}")
        review_id = review_of(out.target)
        self._call("POST", f"/v1/private/reviews/{review_id}/reply", parse=False,
                   json={"authorBusinessUserId": self.business_user_id, "message": out.body})
        return f"{review_id}:reply"

    def find_sent(self, out: Outgoing) -> str | None:
        """The reply's id when the review already carries our reply with this text."""
        if out.action != "reply" or not out.target:
            return None
        try:
            review = self._http.request_json("GET", f"/v1/reviews/{review_of(out.target)}",
                                             headers={"apikey": self._api_key})
        except AuthFailed:
            raise self._refused() from None
        reply = (review or {}).get("companyReply") if isinstance(review, dict) else None
        if reply and (reply.get("text") or "").strip() == out.body.strip():
            return f"{review_of(out.target)}:reply"
        return None

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()
