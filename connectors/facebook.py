"""Facebook Page comments over the Graph API (httpx), behind ``connectors.base.Channel``.

Polling reads the Page's recent posts (``/{page}/feed``, newest first, at most ``max_posts``
within ``lookback_days``) and, for each, its comments with ``filter=stream`` (replies too,
flattened, each with its ``parent``) in ``reverse_chronological`` order, following
``paging.next`` (Graph cursors are never stored: they expire). A post's comments are read
until one older than the cursor's high-water mark. A post written on the Page by someone
else (a visitor post in ``/feed``) is yielded too, as its own thread.

Cursor (``connectors.http.HighWater``): ``{"since": ISO-8601 UTC time of the newest comment
or post seen, "ids": [their ids at exactly that time]}``. Graph times have one-second
resolution, so items at ``since`` are re-read and filtered by ``ids`` instead of being lost
at the boundary. Every batch but the last has ``cursor=None``; the last batch (possibly
empty) carries the new cursor, so an interrupted poll is re-read in full next time
(messages are unique downstream).

The Page's own posts and comments (``from.id == page_id``) are never yielded: answering
ourselves would loop. Error codes (not HTTP statuses, Graph throttles with 400/403) map as
guides/error-handling says: 102/104/190 AuthFailed; 4/17/32/613/80001-80014 RateLimited
(``retry_at`` from ``estimated_time_to_regain_access`` minutes, else 60 s); 1/2 and 5xx
Transient; 10, 100, 200-299, 368 and the rest PermissionDenied. The token travels in the
``Authorization`` header and is stripped from ``paging.next`` links, so it is never in a URL.

Private replies (Messenger, ``POST /{page}/messages``) are allowed once per comment. A
second one is refused by Graph and raised as ``PrivateReplyAlreadySent``; ``find_sent``
cannot look for earlier private replies (the Page's conversations cannot be searched by
comment) and returns None, so the dispatcher should treat ``PrivateReplyAlreadySent`` on
a retried outgoing as "sent before".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from carecase.errors import InputError
from carecase.model import Author, Message, Outgoing
from connectors.base import (
    AuthFailed,
    Batch,
    ChannelError,
    Cursor,
    PermissionDenied,
    RateLimited,
    Transient,
    Unsupported,
    too_old,
)
from connectors.http import DEFAULT_RATE_WAIT, HighWater, HttpClient, status_error

COMMENT_FIELDS = "id,message,from{id,name},created_time,parent{id},is_hidden,can_hide,permalink_url"
POST_FIELDS = "id,message,created_time,from{id,name},permalink_url"
AUTH_CODES = {102, 104, 190}
RATE_CODES = {4, 17, 32, 613, *range(80001, 80015)}
TRANSIENT_CODES = {1, 2}
ALREADY_REPLIED = 10900
GONE = (100, 33)  # the object does not exist (any more): a deleted comment


class PrivateReplyAlreadySent(PermissionDenied):
    """This comment already got its one private reply; Facebook allows no second."""

    # On a retried send this means our earlier attempt got through (dispatch records it).
    already_sent = True


def parse_graph_time(value: str) -> datetime:
    """``2026-11-21T09:12:00+0000`` -> an aware UTC datetime."""
    return datetime.fromisoformat(value).astimezone(UTC)


def _regain_at(response: httpx.Response) -> datetime:
    """When Graph says the throttle lifts: the largest ``estimated_time_to_regain_access``
    (minutes) in the business-use-case usage header, else a default wait."""
    minutes = 0
    for header in ("x-business-use-case-usage", "x-page-usage", "x-app-usage"):
        try:
            usage = json.loads(response.headers.get(header) or "{}")
        except ValueError:
            continue
        if not isinstance(usage, dict):
            continue
        # BUC usage is {page_id: [{...}]}; app/page usage is a flat {...}
        entries = [usage, *(e for v in usage.values() if isinstance(v, list) for e in v)]
        for entry in entries:
            if isinstance(entry, dict):
                minutes = max(minutes, int(entry.get("estimated_time_to_regain_access") or 0))
    wait = timedelta(minutes=minutes) if minutes else timedelta(seconds=DEFAULT_RATE_WAIT)
    return datetime.now(UTC) + wait


def graph_error(response: httpx.Response) -> ChannelError | None:
    """Map a Graph response to our errors by ``error.code`` (see the module docstring)."""
    try:
        error = response.json().get("error") if response.status_code >= 400 else None
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, dict):
        return status_error(response)
    code, subcode = error.get("code"), error.get("error_subcode")
    where = f"{response.request.method} {response.request.url.path}"
    what = f"Graph error {code}" + (f"/{subcode}" if subcode else "") + \
        f" on {where}: {error.get('message', '')}"
    if code in AUTH_CODES:
        return AuthFailed(f"{what}; renew the Page access token")
    if code in RATE_CODES:
        return RateLimited(f"{what}; throttled", retry_at=_regain_at(response))
    if code in TRANSIENT_CODES or error.get("is_transient") or response.status_code >= 500:
        return Transient(what)
    if code == ALREADY_REPLIED:
        return PrivateReplyAlreadySent(what)
    denied = PermissionDenied(what)
    denied.gone = (code, subcode) == GONE  # type: ignore[attr-defined]
    return denied


def _field(body: Any, key: str) -> str:
    """``body[key]`` of a success, or Transient: a 200 without it is a broken answer."""
    if not isinstance(body, dict) or not body.get(key):
        raise Transient(f"Graph answered a success without {key!r}")
    return str(body[key])


def _without_token(url: str) -> str:
    """A ``paging.next`` link minus its ``access_token`` (we authenticate by header)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != "access_token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


class FacebookChannel:
    """A Facebook Page's comments: poll, reply, private reply, hide/unhide/delete, post."""

    def __init__(self, *, name: str = "facebook", base_url: str = "https://graph.facebook.com",
                 api_version: str = "v25.0", page_id: str, token: str, page_size: int = 50,
                 timeout: float = 10.0, retries: int = 3, max_posts: int = 25,
                 lookback_days: int = 7, backoff: float = 0.5) -> None:
        self.name, self.page_id = name, page_id
        self.page_size, self.max_posts, self.lookback_days = page_size, max_posts, lookback_days
        self._v = "/" + api_version.strip("/")
        self._http = HttpClient(
            base_url, timeout=timeout, retries=retries, backoff=backoff, redact=(token,),
            headers={"Authorization": f"Bearer {token}"}, error_for=graph_error, label=name)

    def __repr__(self) -> str:
        return f"FacebookChannel(name={self.name!r}, page_id={self.page_id!r})"

    # -- reading -----------------------------------------------------------------
    def poll(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Yield new visitor posts and comments page by page; the last batch carries the
        new cursor."""
        mark = HighWater(cursor)
        for post in self._recent_posts():
            by_visitor = (post.get("from") or {}).get("id") not in (None, self.page_id)
            if mark.fresh(parse_graph_time(post["created_time"]), post["id"]) and by_visitor:
                yield Batch([self._message(post, post["id"], is_post=True)])
            for page in self._pages(f"{self._v}/{post['id']}/comments", {
                "fields": COMMENT_FIELDS, "filter": "stream",
                "order": "reverse_chronological", "limit": self.page_size,
            }):
                messages = []
                for comment in page:
                    created = parse_graph_time(comment["created_time"])
                    if mark.older(created):
                        break  # newest first: the rest of this post is known
                    mine = (comment.get("from") or {}).get("id") == self.page_id
                    if mark.fresh(created, comment["id"]) and not mine:
                        messages.append(self._message(comment, post["id"]))
                if messages:
                    yield Batch(messages)
                if page and mark.older(parse_graph_time(page[-1]["created_time"])):
                    break
        yield Batch([], cursor=mark.cursor())

    def _recent_posts(self) -> Iterator[dict[str, Any]]:
        horizon = datetime.now(UTC) - timedelta(days=self.lookback_days)
        count = 0
        for page in self._pages(f"{self._v}/{self.page_id}/feed", {
                "fields": POST_FIELDS, "limit": min(self.page_size, self.max_posts)}):
            for post in page:
                if count >= self.max_posts or parse_graph_time(post["created_time"]) < horizon:
                    return
                count += 1
                yield post

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Each page's ``data``, following ``paging.next`` until it is absent."""
        url: str | None = path
        while url:
            body = self._http.request_json("GET", url, params=params)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise Transient(f"{self.name}: GET {path} answered without a data list")
            yield body["data"]
            nxt = (body.get("paging") or {}).get("next")
            url, params = (_without_token(nxt), None) if nxt else (None, None)

    def _message(self, item: dict[str, Any], post_id: str, *, is_post: bool = False
                 ) -> Message:
        """A comment (or a visitor's post: its own thread, no parent) as a ``Message``."""
        author = item.get("from") or {}
        parent = None if is_post else (item.get("parent") or {}).get("id")
        return Message(
            channel=self.name, external_id=item["id"], text=item.get("message") or "",
            created_at=parse_graph_time(item["created_time"]),
            author=Author(id=author.get("id"), name=author.get("name")),
            thread_id=parent or item["id"], parent_id=None if is_post else parent or post_id,
            public=True, url=item.get("permalink_url"), raw={**item, "post_id": post_id},
        )

    # -- writing -----------------------------------------------------------------
    def send(self, out: Outgoing) -> str | None:
        """Perform ``out``: reply/private_reply/post return the new id, moderation None."""
        # Creating posts, replies and private replies is not idempotent: never retried
        # here (a timeout may hide a success); dispatch retries after find_sent looked.
        action = out.action
        if action == "post":
            return _field(self._http.request_json(
                "POST", f"{self._v}/{self.page_id}/feed", data={"message": out.body},
                retry=False), "id")
        target = self._target(out)
        if action == "reply":
            return _field(self._http.request_json(
                "POST", f"{self._v}/{target}/comments", data={"message": out.body},
                retry=False), "id")
        if action == "private_reply":
            body = self._http.request_json("POST", f"{self._v}/{self.page_id}/messages", json={
                "recipient": {"comment_id": target}, "message": {"text": out.body}},
                retry=False)
            return _field(body, "message_id")
        if action in ("hide", "unhide"):
            self._http.request_json("POST", f"{self._v}/{target}",
                                    data={"is_hidden": "true" if action == "hide" else "false"})
            return None
        if action == "delete":
            # not retried here: a retry after a timeout that hid a success is told the
            # comment does not exist; dispatch retries after find_sent looked (GONE: done)
            self._http.request_json("DELETE", f"{self._v}/{target}", retry=False)
            return None
        raise Unsupported(f"{self.name}: cannot {action!r} on Facebook")

    def find_sent(self, out: Outgoing) -> str | None:
        """An earlier send of ``out`` on Facebook, if any (see the module docstring).

        reply: the Page's reply with the same text in the target's thread -> its id;
        post: the Page's recent post with the same text -> its id; hide/unhide/delete:
        ``out.target`` when the comment is already in that state; private_reply: None.
        """
        if out.action == "private_reply":
            return None
        if out.action == "post":
            for post in self._recent_posts():
                if (post.get("from") or {}).get("id") == self.page_id and \
                        (post.get("message") or "").strip() == out.body.strip() and \
                        not too_old(out, parse_graph_time(post["created_time"])):
                    return post["id"]
            return None
        target = self._target(out)
        try:
            comment = self._http.request_json(
                "GET", f"{self._v}/{target}", params={"fields": "id,is_hidden,parent{id}"})
        except PermissionDenied as exc:
            if getattr(exc, "gone", False):  # a deleted comment (100/33)
                return target if out.action == "delete" else None
            if out.action != "reply":
                raise  # a permission error is no sign of an earlier send
            comment = {}  # a visitor's post has no parent field: it is its own thread
        if out.action in ("hide", "unhide"):
            return target if bool(comment.get("is_hidden")) == (out.action == "hide") else None
        if out.action != "reply":
            return None
        thread = (comment.get("parent") or {}).get("id") or target
        for page in self._pages(f"{self._v}/{thread}/comments", {
                "fields": "id,message,from{id,name},created_time", "filter": "stream",
                "limit": self.page_size}):
            for reply in page:
                if (reply.get("from") or {}).get("id") == self.page_id and \
                        (reply.get("message") or "").strip() == out.body.strip() and \
                        not too_old(out, parse_graph_time(reply["created_time"])
                                    if reply.get("created_time") else None):
                    return reply["id"]
        return None

    def _target(self, out: Outgoing) -> str:
        if not out.target:
            raise InputError(f"{self.name}: {out.action!r} needs a target comment id")
        return out.target

    def close(self) -> None:
        """Release the HTTP connections."""
        self._http.close()
