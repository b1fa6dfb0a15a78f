"""Google Business Profile reviews (My Business API v4 over httpx) as a ``Channel``.

Polling lists the location's reviews with ``orderBy=updateTime desc`` and follows
``nextPageToken`` until a review older than the cursor's high-water mark.

Cursor: ``{"since": the newest ``updateTime`` seen (ISO-8601 UTC), "ids": [reviewIds at
exactly that time]}``; as for Facebook, reviews at ``since`` are re-read and filtered by
``ids``, and only the last (possibly empty) batch carries the cursor.

An edited review comes back with a newer ``updateTime`` and the same ``reviewId``. A
reviewer who edits a review to complain ("Update: they never answered", five stars down
to one) must be answered, so an edit is a message of its own: ``external_id`` is
``<reviewId>@<updateTime>`` (``created_at`` the edit's time), ``thread_id`` the reviewId,
and replies go to the review. A review whose ``updateTime`` is no later than our reply's
is not taken for an edit, in case replying moves the review's own time.

Google reviewers have no stable id, so ``author.id`` is ``review/<reviewId>``: the author
of that review, which ties its versions to one customer (``author.name`` is the display
name). Errors map by HTTP status (``connectors.http.status_error``): 401 AuthFailed, 403
PermissionDenied, 429 RateLimited (``Retry-After`` if sent, else 60 s), 5xx Transient.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from carecase.errors import InputError
from carecase.model import Author, Message, Outgoing, version_id
from connectors.base import (
    Batch,
    ChannelError,
    Cursor,
    Transient,
    Unsupported,
    review_of,
)
from connectors.http import HighWater, HttpClient, status_error

_NANOS = re.compile(r"(\.\d{6})\d+")
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}


def parse_google_time(value: str) -> datetime:
    """RFC 3339 with any fraction (Google sends up to nanoseconds) -> aware UTC."""
    # fromisoformat takes at most 6 fraction digits
    return datetime.fromisoformat(_NANOS.sub(r"\1", value)).astimezone(UTC)


def edit_time(review: dict[str, Any]) -> datetime | None:
    """When the reviewer last edited ``review``; None for a review as first written, or
    one whose time our reply may have moved (no later than the reply's)."""
    if not review.get("createTime"):
        return None
    updated = parse_google_time(review["updateTime"])
    if updated <= parse_google_time(review["createTime"]):
        return None
    replied = (review.get("reviewReply") or {}).get("updateTime")
    if replied and updated <= parse_google_time(replied):
        return None
    return updated


class GoogleReviewsChannel:
    """One Business Profile location's reviews: poll, reply (create/replace), delete reply."""

    def __init__(self, *, name: str = "google",
                 base_url: str = "https://mybusiness.googleapis.com", account_id: str,
                 location_id: str, token: str, page_size: int = 50, timeout: float = 10.0,
                 retries: int = 3, backoff: float = 0.5) -> None:
        self.name = name
        self.page_size = max(1, min(page_size, 50))  # the API's maximum
        self._location = f"/v4/accounts/{account_id}/locations/{location_id}"
        self._http = HttpClient(
            base_url, timeout=timeout, retries=retries, backoff=backoff, redact=(token,),
            headers={"Authorization": f"Bearer {token}"}, error_for=status_error, label=name)

    def __repr__(self) -> str:
        return f"GoogleReviewsChannel(name={self.name!r}, location={self._location!r})"

    def poll(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Yield new or edited reviews page by page; the last batch carries the cursor."""
        mark = HighWater(cursor)
        params: dict[str, Any] = {"pageSize": self.page_size, "orderBy": "updateTime desc"}
        while True:
            body = self._http.request_json("GET", f"{self._location}/reviews", params=params)
            if not isinstance(body, dict):
                raise Transient(f"{self.name}: the reviews list is not a JSON object")
            messages, older_reached = [], False
            for review in body.get("reviews") or []:
                updated = parse_google_time(review["updateTime"])
                if mark.older(updated):
                    older_reached = True  # newest first: the rest is known
                    break
                if mark.fresh(updated, review["reviewId"]):
                    messages.append(self._message(review))
            if messages:
                yield Batch(messages)
            token = body.get("nextPageToken")
            if older_reached or not token:
                break
            params = {**params, "pageToken": token}
        yield Batch([], cursor=mark.cursor())

    def _message(self, review: dict[str, Any]) -> Message:
        reviewer, review_id = review.get("reviewer") or {}, review["reviewId"]
        created = parse_google_time(review.get("createTime") or review["updateTime"])
        edit = edit_time(review)
        return Message(
            channel=self.name, thread_id=review_id,
            external_id=version_id(review_id, review["updateTime"]) if edit else review_id,
            text=review.get("comment") or "", created_at=edit or created,
            author=Author(id=f"review/{review_id}", name=reviewer.get("displayName")),
            rating=STARS.get(review.get("starRating", "")), public=True, raw=review,
        )

    def send(self, out: Outgoing) -> str | None:
        """reply (target=reviewId) -> ``"<reviewId>:reply"``; delete -> removes our reply."""
        if out.action not in ("reply", "delete"):
            raise Unsupported(f"{self.name}: cannot {out.action!r} on Google reviews")
        if not out.target:
            raise InputError(f"{self.name}: {out.action!r} needs a target review id")
        path = f"{self._location}/reviews/{review_of(out.target)}/reply"
        if out.action == "delete":
            self._http.request("DELETE", path)
            return None
        self._http.request_json("PUT", path, json={"comment": out.body})
        return f"{review_of(out.target)}:reply"

    def find_sent(self, out: Outgoing) -> str | None:
        """``"<reviewId>:reply"`` when the review already carries ``out.body`` as its reply."""
        if out.action != "reply" or not out.target:
            return None
        try:
            review = self._http.request_json("GET",
                                             f"{self._location}/reviews/{review_of(out.target)}")
        except ChannelError as exc:
            if type(exc) is not ChannelError:  # auth, permission, throttling: say so
                raise
            return None  # 404: the review is gone, nothing was (or can be) sent
        reply = (review.get("reviewReply") or {}).get("comment") or ""
        return f"{review_of(out.target)}:reply" if reply.strip() == out.body.strip() else None

    def close(self) -> None:
        """Release the HTTP connections."""
        self._http.close()
