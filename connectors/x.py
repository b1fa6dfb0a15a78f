"""X (Twitter) API v2 through tweepy: mentions, brand search and DMs in; replies, hides,
posts and DMs out.

tweepy 4.17 hard-codes ``https://api.twitter.com`` and sends through ``client.session``;
we give it a ``requests.Session`` that rewrites that prefix to ``base_url`` (a fake or a
regional endpoint), sets a timeout (tweepy sets none) and adds the bearer token itself,
so the token never reaches tweepy's debug log of request headers.

Errors are mapped at the edge: ``TooManyRequests`` -> ``RateLimited`` (``retry_at`` from
``x-rate-limit-reset``), ``Unauthorized`` -> ``AuthFailed``, ``Forbidden`` ->
``PermissionDenied`` (with X's own reason), 5xx, connection errors, timeouts and bodies
that are not JSON -> ``Transient``. Reads (and hides, which are idempotent) are retried
with backoff on ``Transient``; creating writes are not, because a timed-out POST may have
landed: the dispatcher calls ``find_sent`` before trying again.

Cursor (one per X account)::

    {"mentions_since_id": "186…", "search_since_id": "186…", "dm_since": "186…",
     "budget": {"month": "2026-11", "reads": 812, "posts": 40}}

The API pages newest first, so pages go out with ``cursor=None`` and a source's
high-water mark moves only with its last page. ``dm_since`` is the newest DM event id
seen (the DM endpoint has no ``since_id``).

Monthly budget (X bills per post read and written): ``reads`` counts the posts and DM
events fetched, ``posts`` every write that creates something (tweets, replies, DMs). The
counts travel in the cursor, so they are persisted with the messages they paid for; give
``budget_store`` (a dict you persist) to count sends between polls too. Once a count has
reached its limit the channel raises ``BudgetExceeded`` instead of calling the API. The
flows build a channel each run, so dispatch counts the month's posts in the outbox as
well, and holds the next until the month is over (``carecase.dispatch._budget_guard``).
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

from carecase.model import Author, Message, Outgoing
from connectors.base import (
    AuthFailed,
    Batch,
    BudgetExceeded,
    ChannelError,
    Cursor,
    PermissionDenied,
    RateLimited,
    Transient,
    Unsupported,
    too_old,
)

log = logging.getLogger(__name__)

TWITTER = "https://api.twitter.com"
_PLACEHOLDER = "carecase-bearer"  # what tweepy sees instead of the real token
TWEET_FIELDS = ["author_id", "conversation_id", "created_at", "in_reply_to_user_id",
                "referenced_tweets"]
USER_FIELDS = ["name", "username"]
DM_FIELDS = ["id", "event_type", "text", "sender_id", "dm_conversation_id", "created_at"]


class _Session(requests.Session):
    """Sends tweepy's requests to ``base_url`` with a timeout and the real bearer token."""

    def __init__(self, base_url: str, timeout: float, bearer_token: str) -> None:
        super().__init__()
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._bearer = bearer_token

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        if url.startswith(TWITTER):
            url = self._base + url[len(TWITTER):]
        headers = dict(kwargs.get("headers") or {})
        if headers.get("Authorization") == f"Bearer {_PLACEHOLDER}":
            headers["Authorization"] = f"Bearer {self._bearer}"
        kwargs["headers"] = headers
        kwargs.setdefault("timeout", self._timeout)
        return super().request(method, url, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<x session to {self._base}>"


def _quiet_oauth_loggers() -> None:
    """oauthlib and requests_oauthlib log the consumer key and access token at DEBUG:
    keep them at INFO or above so no secret reaches a log line (children inherit this)."""
    for name in ("oauthlib", "requests_oauthlib"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)


def _id(value: Any) -> int:
    return int(value) if value not in (None, "") else 0


class XChannel:
    """One X account as a carecase channel (see the module docstring)."""

    def __init__(
        self, *, name: str = "x", base_url: str = TWITTER, user_id: str, username: str,
        bearer_token: str, consumer_key: str | None = None, consumer_secret: str | None = None,
        access_token: str | None = None, access_token_secret: str | None = None,
        search_query: str | None = None, read_dms: bool = False,
        monthly_read_budget: int | None = None, monthly_post_budget: int | None = None,
        budget_store: dict | None = None, page_size: int = 100, timeout: float = 10.0,
        retries: int = 3, backoff: float = 0.5,
    ) -> None:
        self.name = name
        self.user_id, self.username = str(user_id), username.lstrip("@")
        self.search_query, self.read_dms = search_query, read_dms
        self.read_limit, self.post_limit = monthly_read_budget, monthly_post_budget
        self.budget = budget_store if budget_store is not None else {}
        self.page_size, self.retries, self.backoff = page_size, retries, backoff
        # Writes and DMs need user context: OAuth 1.0a when its four values are given,
        # else the bearer token must itself be an OAuth 2.0 user-context token.
        self._user_auth = all((consumer_key, consumer_secret, access_token, access_token_secret))
        self._client = tweepy.Client(
            bearer_token=_PLACEHOLDER, consumer_key=consumer_key,
            consumer_secret=consumer_secret, access_token=access_token,
            access_token_secret=access_token_secret, wait_on_rate_limit=False)
        self._client.session.close()
        self._client.session = _Session(base_url, timeout, bearer_token)
        if self._user_auth:
            _quiet_oauth_loggers()

    def __repr__(self) -> str:
        return f"XChannel(name={self.name!r}, username={self.username!r})"

    # -- calls and errors --------------------------------------------------------
    def _call(self, what: str, fn: Callable[..., Any], *args: Any, retry: bool = True,
              **kwargs: Any) -> Any:
        """Call tweepy, map its errors, retry ``Transient`` ones with backoff."""
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(1, attempts + 1):
            try:
                return fn(*args, **kwargs)
            except tweepy.TooManyRequests as exc:
                reset = getattr(exc, "reset_time", None)
                retry_at = datetime.fromtimestamp(reset, UTC) if reset else None
                raise RateLimited(f"X rate limit hit on {what}; retry at {retry_at}",
                                  retry_at=retry_at) from exc
            except tweepy.Unauthorized as exc:
                raise AuthFailed(f"X refused the credentials of @{self.username} on {what}: "
                                 "check the account's token references") from exc
            except tweepy.Forbidden as exc:
                reason = "; ".join(map(str, exc.api_messages)) or "forbidden"
                raise PermissionDenied(f"X refused {what} for @{self.username}: {reason}") from exc
            except (tweepy.TwitterServerError, requests.ConnectionError, requests.Timeout,
                    requests.JSONDecodeError) as exc:
                error = Transient(f"X {what} failed ({type(exc).__name__}) "
                                  f"after {attempt} attempt(s)")
                if attempt == attempts:
                    raise error from exc
                log.warning("%s; retrying", error)
                time.sleep(self.backoff * 2 ** (attempt - 1))
            except tweepy.HTTPException as exc:  # 400, 404 and other refusals: not retried
                reason = "; ".join(map(str, exc.api_messages)) or str(exc.response.status_code)
                raise ChannelError(f"X rejected {what}: {reason}") from exc
        raise AssertionError("unreachable")

    # -- budget ------------------------------------------------------------------
    def _month(self) -> str:
        month = datetime.now(UTC).strftime("%Y-%m")
        if self.budget.get("month") != month:
            self.budget.update(month=month, reads=0, posts=0)
        return month

    def _merge_budget(self, stored: dict | None) -> None:
        month = self._month()
        if stored and stored.get("month") == month:
            for key in ("reads", "posts"):
                self.budget[key] = max(self.budget.get(key, 0), int(stored.get(key, 0)))

    def _check(self, kind: str, limit: int | None) -> None:
        self._month()
        used = self.budget.get(kind, 0)
        if limit is not None and used >= limit:
            raise BudgetExceeded(
                f"The X {kind} budget for {self.budget['month']} is spent: {used} of {limit} "
                f"used. Raise channels.{self.name}.monthly_{kind[:-1]}_budget or wait for "
                "next month.")

    def _spend(self, kind: str, n: int) -> None:
        self._month()
        self.budget[kind] = self.budget.get(kind, 0) + n

    def _max_results(self, low: int) -> int:
        wanted = self.page_size
        if self.read_limit is not None:  # don't fetch much more than the budget has left
            wanted = min(wanted, self.read_limit - self.budget.get("reads", 0))
        return max(low, min(100, wanted))

    # -- poll --------------------------------------------------------------------
    def poll(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Yield new mentions, then brand-search hits, then DMs (see the module docstring)."""
        cur: Cursor = dict(cursor or {})
        self._merge_budget(cur.get("budget"))
        spent = self.budget.get("reads", 0)
        seen: set[str] = set()
        sources = [("mentions_since_id", self._fetch_mentions, 5)]
        if self.search_query:
            sources.append(("search_since_id", self._fetch_search, 10))
        try:
            for key, fetch, low in sources:
                yield from self._poll_tweets(cur, key, fetch, low, seen)
            if self.read_dms:
                yield from self._poll_dms(cur)
        except BudgetExceeded:
            if self.budget.get("reads", 0) != spent:  # persist what this pass paid for
                yield Batch([], {**cur, "budget": dict(self.budget)})
            raise

    def _fetch_mentions(self, since: str | None, token: str | None, low: int) -> Any:
        return self._call("reading mentions", self._client.get_users_mentions, self.user_id,
                          since_id=since, pagination_token=token,
                          max_results=self._max_results(low), expansions=["author_id"],
                          tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS)

    def _fetch_search(self, since: str | None, token: str | None, low: int) -> Any:
        return self._call("searching recent posts", self._client.search_recent_tweets,
                          self.search_query, since_id=since, next_token=token,
                          max_results=self._max_results(low), expansions=["author_id"],
                          tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS)

    def _poll_tweets(self, cur: Cursor, key: str, fetch: Callable[..., Any], low: int,
                     seen: set[str]) -> Iterator[Batch]:
        since = cur.get(key)
        newest, token = since, None
        while True:
            self._check("reads", self.read_limit)
            resp = fetch(since, token, low)
            tweets = resp.data or []
            self._spend("reads", len(tweets))
            users = {str(u.id): u for u in resp.includes.get("users", [])}
            messages = []
            for tweet in tweets:
                tid = str(tweet.id)
                if _id(tid) > _id(newest):
                    newest = tid
                if str(tweet.author_id) == self.user_id or tid in seen:
                    continue  # our own posts are never inbound; search repeats mentions
                seen.add(tid)
                messages.append(self._tweet_message(tweet, users.get(str(tweet.author_id))))
            token = resp.meta.get("next_token")
            if not token:
                cur[key] = newest
                yield Batch(messages, {**cur, "budget": dict(self.budget)})
                return
            yield Batch(messages, None)

    def _tweet_message(self, tweet: Any, user: Any) -> Message:
        username = user.username if user else None
        parent = next((str(r["id"]) for r in tweet.data.get("referenced_tweets") or []
                       if r.get("type") == "replied_to"), None)
        conversation = str(tweet.conversation_id or tweet.id)
        # X lets an account hide only replies in a conversation it started: known here for
        # a reply to our own first post (one further down the thread cannot be told)
        hideable = parent is not None and parent == conversation and \
            str(tweet.data.get("in_reply_to_user_id")) == str(self.user_id)
        raw = {"tweet": tweet.data, "user": user.data if user else None, "hideable": hideable}
        return Message(
            channel="x", external_id=str(tweet.id), text=tweet.text,
            created_at=tweet.created_at or datetime.now(UTC),
            author=Author(id=str(tweet.author_id), name=user.name if user else None,
                          handle=f"@{username}" if username else None),
            thread_id=conversation, parent_id=parent, public=True,
            url=f"https://x.com/{username or 'i/web'}/status/{tweet.id}", raw=raw)

    def _poll_dms(self, cur: Cursor) -> Iterator[Batch]:
        since = cur.get("dm_since")
        newest, token = since, None
        while True:
            self._check("reads", self.read_limit)
            resp = self._call(
                "reading direct messages", self._client.get_direct_message_events,
                event_types="MessageCreate", dm_event_fields=DM_FIELDS,
                expansions=["sender_id"], user_fields=USER_FIELDS, pagination_token=token,
                max_results=self._max_results(1), user_auth=self._user_auth)
            events = resp.data or []
            self._spend("reads", len(events))
            users = {str(u.id): u for u in resp.includes.get("users", [])}
            fresh = [e for e in events if _id(e.id) > _id(since)]
            for event in fresh:
                if _id(event.id) > _id(newest):
                    newest = str(event.id)
            messages = [self._dm_message(e, users.get(str(e.sender_id))) for e in fresh
                        if str(e.sender_id) != self.user_id]
            token = resp.meta.get("next_token")
            # No since_id for DMs: stop at the first page that reaches what we have seen.
            if not token or len(fresh) < len(events):
                cur["dm_since"] = newest
                yield Batch(messages, {**cur, "budget": dict(self.budget)})
                return
            yield Batch(messages, None)

    def _dm_message(self, event: Any, user: Any) -> Message:
        data = event.data
        created = data.get("created_at")
        return Message(
            channel="x", external_id=f"dm:{event.id}", text=event.text or "",
            created_at=datetime.fromisoformat(created) if created else datetime.now(UTC),
            author=Author(id=str(event.sender_id), name=user.name if user else None,
                          handle=f"@{user.username}" if user else None),
            thread_id=data.get("dm_conversation_id"), public=False,
            raw={"event": data, "user": user.data if user else None})

    # -- send --------------------------------------------------------------------
    def send(self, out: Outgoing) -> str | None:
        """Perform one outgoing: reply/post -> tweet id, DM -> event id, hide -> None."""
        if out.action in ("hide", "unhide"):
            fn = self._client.hide_reply if out.action == "hide" else self._client.unhide_reply
            self._call(f"{out.action} of {out.target}", fn, out.target,
                       user_auth=self._user_auth)
            return None
        if out.action not in ("reply", "post", "private_reply", "send"):
            raise Unsupported(f"X cannot {out.action!r} here: an account can only hide "
                              "replies to its own posts, not delete others' posts")
        self._check("posts", self.post_limit)
        if out.action in ("reply", "post"):
            reply_to = out.target if out.action == "reply" else None
            resp = self._call(f"posting {out.action}", self._client.create_tweet,
                              text=out.body, in_reply_to_tweet_id=reply_to,
                              user_auth=self._user_auth, retry=False)
            self._spend("posts", 1)
            return str(resp.data["id"])
        resp = self._call("sending a direct message", self._client.create_direct_message,
                          participant_id=out.recipient, text=out.body,
                          user_auth=self._user_auth, retry=False)
        self._spend("posts", 1)
        return str(resp.data["dm_event_id"])

    def find_sent(self, out: Outgoing) -> str | None:
        """Look on X for an earlier send of ``out`` (our timeline, or the DM thread): the
        same words (as X stores them: ``same_text``), not older than ``out`` was queued."""
        body = out.body
        if out.action in ("reply", "post"):
            token = None
            for _ in range(2):  # our 200 latest posts: a retry comes soon after a crash
                self._check("reads", self.read_limit)
                resp = self._call("reading our timeline", self._client.get_users_tweets,
                                  self.user_id, max_results=100, pagination_token=token,
                                  tweet_fields=["referenced_tweets", "conversation_id",
                                                "created_at"])
                self._spend("reads", len(resp.data or []))
                for tweet in resp.data or []:
                    parent = next((str(r["id"]) for r in tweet.data.get("referenced_tweets")
                                   or [] if r.get("type") == "replied_to"), None)
                    wanted = out.target if out.action == "reply" else None
                    if parent == wanted and same_text(tweet.text, body) and \
                            not too_old(out, tweet.created_at):
                        return str(tweet.id)
                token = resp.meta.get("next_token")
                if not token:
                    break
            return None
        if out.action in ("private_reply", "send") and out.recipient:
            self._check("reads", self.read_limit)
            resp = self._call("reading a DM conversation",
                              self._client.get_direct_message_events,
                              participant_id=out.recipient, dm_event_fields=DM_FIELDS,
                              event_types="MessageCreate", max_results=100,
                              user_auth=self._user_auth)
            self._spend("reads", len(resp.data or []))
            for event in resp.data or []:
                if str(event.sender_id) == self.user_id and same_text(event.text, body) \
                        and not too_old(out, event.created_at):
                    return str(event.id)
        return None  # hides are idempotent: doing one again is harmless

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.session.close()


# A link as written (with or without its scheme) or as X stores it (t.co)
_LINK = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+(?:/\S*)?")


def same_text(stored: str | None, sent: str) -> bool:
    """Whether the text X stores is the text we sent: X gives &, < and > back as HTML
    entities and wraps every link, with or without its scheme, in a t.co link, so links
    on both sides are compared as links."""
    def norm(text: str) -> str:
        return " ".join(_LINK.sub("<link>", text).split())
    return norm(html.unescape(stored or "")) == norm(sent)
