"""A fake X API v2 (the endpoints carecase uses through tweepy), in memory, on loopback.

Shapes follow the official reference (docs.x.com, X API v2):
  - GET  /2/users/:id/mentions        posts/timelines (user-mention-quickstart, API reference)
  - GET  /2/users/:id/tweets          posts/timelines (user posts timeline)
  - GET  /2/tweets/search/recent      posts/search (recent search; a small query subset)
  - POST /2/tweets                    posts/manage-tweets (create, reply)
  - PUT  /2/tweets/:id/hidden         posts/hide-replies
  - GET  /2/dm_events, GET /2/dm_conversations/with/:id/dm_events,
    POST /2/dm_conversations/with/:id/messages        direct-messages lookup/manage
  - GET  /2/users/me                  users/lookup
  - fundamentals/rate-limits: x-rate-limit-limit/-remaining/-reset (epoch s) on every
    response, and always on a 429 (tweepy 4.17 loops on a 429 without the reset header);
  - errors are RFC 7807 problems ({"title","detail","type","status"}), invalid parameters
    {"errors":[{"parameters","message"}],"title":"Invalid Request",...}.
⚠ 403 detail texts (hide in someone else's conversation, duplicate content) are
paraphrased, not copied from a primary source.

Auth: reads accept the app bearer token (or a user-context token); writes and DMs need
user context: OAuth 1.0a (the header's consumer key and access token are checked, the
signature is not) or an OAuth 2.0 user bearer token (``user_token``). An app-only bearer
on a write gets the API's 403 "Unsupported Authentication".

Admin (besides sandbox/base.py's): POST /_admin/tweets {text, author:{id,name,username},
conversation_id?, in_reply_to?, mention?, created_at?}; POST /_admin/dms {text,
sender:{id,name,username}, created_at?}; GET /_admin/state.
"""

from __future__ import annotations

import itertools
import re
import shlex
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

from sandbox.base import FakeAPI, Request, Response, route

PAGE_LIMITS = {"mentions": (5, 100, 10), "user_tweets": (5, 100, 10), "search": (10, 100, 10),
               "dm_events": (1, 100, 100)}
RATE_LIMITS = {"mentions": 450, "user_tweets": 1500, "search": 450, "create_tweet": 100,
               "hide": 50, "dm_events": 300, "dm_create": 200, "me": 75}
WINDOW = 15 * 60
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")


def _now_iso() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _problem(status: int, title: str, detail: str, type_: str = "about:blank") -> Response:
    return Response(status, {"title": title, "detail": detail, "type": type_, "status": status})


def _ok(headers: dict[str, str], body: Any, status: int = 200) -> Response:
    return Response(status, body, dict(headers))


def _invalid(param: str, value: str, message: str) -> Response:
    return Response(400, {
        "errors": [{"parameters": {param: [value]}, "message": message}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request"})


class XAPI(FakeAPI):
    """The fake X API v2; see the module docstring."""

    name: ClassVar[str] = "x"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: int = 0, *,
                 user_id: str = "1800000000000000001", username: str = "carecase_shop",
                 display_name: str = "Carecase Shop", bearer_token: str = "sandbox-bearer",
                 user_token: str | None = "sandbox-user-token",
                 consumer_key: str = "sandbox-consumer-key",
                 access_token: str = "sandbox-access-token") -> None:
        self.brand = {"id": user_id, "name": display_name, "username": username}
        self.bearer_token, self.user_token = bearer_token, user_token
        self.consumer_key, self.access_token = consumer_key, access_token
        super().__init__(host, port, seed)

    # -- state -------------------------------------------------------------------
    def reset(self) -> None:
        super().reset()
        with self.lock:
            self._ids = itertools.count(1_860_000_000_000_000_000, 1_000)
            self.users: dict[str, dict[str, str]] = {self.brand["id"]: dict(self.brand)}
            self.tweets: dict[str, dict[str, Any]] = {}  # id -> tweet (+ "_mention")
            self.hidden: set[str] = set()
            self.dms: dict[str, dict[str, Any]] = {}
            self.posted: list[str] = []  # ids of tweets created through POST /2/tweets
            self.dms_sent: list[str] = []
            self.windows: dict[str, tuple[float, int]] = {}  # endpoint -> (reset, used)

    def state(self) -> dict[str, Any]:
        strip = lambda t: {k: v for k, v in t.items() if not k.startswith("_")}  # noqa: E731
        return {"calls": len(self.calls), "tweets": [strip(t) for t in self.tweets.values()],
                "replies": [strip(self.tweets[i]) for i in self.posted],
                "hidden": sorted(self.hidden), "dms_sent": [self.dms[i] for i in self.dms_sent]}

    def next_id(self) -> str:
        return str(next(self._ids))

    def add_tweet(self, text: str, author: dict[str, str], *, in_reply_to: str | None = None,
                  conversation_id: str | None = None, mention: bool | None = None,
                  created_at: str | None = None) -> dict[str, Any]:
        """Store a post as if someone wrote it on X (admin and POST /2/tweets)."""
        with self.lock:
            self.users.setdefault(author["id"], dict(author))
            tid = self.next_id()
            tweet: dict[str, Any] = {"id": tid, "text": text, "author_id": author["id"],
                                     "created_at": created_at or _now_iso(),
                                     "edit_history_tweet_ids": [tid]}
            parent = self.tweets.get(in_reply_to) if in_reply_to else None
            if in_reply_to:
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": in_reply_to}]
                tweet["in_reply_to_user_id"] = parent["author_id"] if parent else None
            tweet["conversation_id"] = (
                conversation_id or (parent["conversation_id"] if parent else None) or tid)
            if mention is None:  # the mentions timeline: @-mentions and replies to the brand
                mention = (f"@{self.brand['username']}".lower() in text.lower()
                           or tweet.get("in_reply_to_user_id") == self.brand["id"])
            tweet["_mention"] = bool(mention)
            self.tweets[tid] = tweet
            return tweet

    def add_dm(self, text: str, sender: dict[str, str], recipient_id: str | None = None,
               created_at: str | None = None) -> dict[str, Any]:
        with self.lock:
            self.users.setdefault(sender["id"], dict(sender))
            other = recipient_id or self.brand["id"]
            conv = "-".join(sorted((sender["id"], other), key=int))
            eid = self.next_id()
            event = {"id": eid, "event_type": "MessageCreate", "text": text,
                     "sender_id": sender["id"], "dm_conversation_id": conv,
                     "created_at": created_at or _now_iso(),
                     "participant_ids": sorted({sender["id"], other})}
            self.dms[eid] = event
            return event

    # -- admin -------------------------------------------------------------------
    def admin(self, request: Request) -> Response | dict | None:
        if request.method != "POST":
            return None
        spec = request.json() or {}
        if request.path == "/_admin/tweets":
            tweet = self.add_tweet(spec["text"], spec["author"],
                                   in_reply_to=spec.get("in_reply_to"),
                                   conversation_id=spec.get("conversation_id"),
                                   mention=spec.get("mention"), created_at=spec.get("created_at"))
            return {k: v for k, v in tweet.items() if not k.startswith("_")}
        if request.path == "/_admin/dms":
            return self.add_dm(spec["text"], spec["sender"], spec.get("recipient_id"),
                               spec.get("created_at"))
        return None

    # -- auth, limits, errors ----------------------------------------------------
    def error_response(self, mode: str, request: Request) -> Response:
        # Every answer carries the rate-limit headers; a 429 says when the window resets.
        headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449",
                   "x-rate-limit-reset": str(int(time.time()) + WINDOW)}
        if mode == "429":
            response = _problem(429, "Too Many Requests", "Too Many Requests")
            headers.update({"x-rate-limit-remaining": "0",
                            "x-rate-limit-reset": str(int(time.time()) + 60)})
        elif mode == "expired_token":
            response = _problem(401, "Unauthorized", "Unauthorized")
        else:
            response = _problem(500, "Internal Server Error", "Internal Server Error")
        response.headers.update(headers)
        return response

    def _auth(self, request: Request, *, user: bool) -> Response | None:
        """None when allowed, else the API's 401/403."""
        header = request.headers.get("authorization", "")
        if header.startswith("OAuth "):
            fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
            if (fields.get("oauth_consumer_key") == self.consumer_key
                    and fields.get("oauth_token") == self.access_token):
                return None
            return _problem(401, "Unauthorized", "Unauthorized")
        token = header.removeprefix("Bearer ")
        if token and token == self.user_token:
            return None
        if token and token == self.bearer_token:
            if not user:
                return None
            return _problem(
                403, "Unsupported Authentication",
                "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint."
                "  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User"
                " Context].", "https://api.twitter.com/2/problems/unsupported-authentication")
        return _problem(401, "Unauthorized", "Unauthorized")

    def _limit(self, endpoint: str) -> tuple[Response | None, dict[str, str]]:
        """Count a call in its 15-minute window; a 429 when the window is spent."""
        with self.lock:
            now = time.time()
            reset, used = self.windows.get(endpoint, (now + WINDOW, 0))
            if now >= reset:
                reset, used = now + WINDOW, 0
            used += 1
            self.windows[endpoint] = (reset, used)
        limit = RATE_LIMITS.get(endpoint, 300)
        headers = {"x-rate-limit-limit": str(limit),
                   "x-rate-limit-remaining": str(max(0, limit - used)),
                   "x-rate-limit-reset": str(int(reset))}
        if used > limit:
            response = _problem(429, "Too Many Requests", "Too Many Requests")
            response.headers.update(headers)
            return response, headers
        return None, headers

    def _guard(self, request: Request, endpoint: str, *,
               user: bool = False) -> tuple[Response | None, dict[str, str]]:
        """(the 401/403/429 to send or None, the rate-limit headers for the answer)."""
        denied = self._auth(request, user=user)
        if denied is not None:
            return denied, {}
        return self._limit(endpoint)

    # -- rendering ---------------------------------------------------------------
    def _render(self, tweet: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        keep = fields | set(DEFAULT_TWEET_FIELDS)
        return {k: v for k, v in tweet.items()
                if k in keep and not k.startswith("_") and v is not None}

    def _page(self, request: Request, rl: dict[str, str], endpoint: str,
              items: list[dict[str, Any]], token_param: str, user_key: str,
              fields_param: str) -> Response:
        """One newest-first page with since_id/until_id, max_results and a next token."""
        low, high, default = PAGE_LIMITS[endpoint]
        raw = request.query.get("max_results", str(default))
        if not raw.isdigit() or not low <= int(raw) <= high:
            return _invalid("max_results", raw, f"The `max_results` query parameter value "
                            f"[{raw}] is not between {low} and {high}")
        since = request.query.get("since_id")
        items = sorted(items, key=lambda t: int(t["id"]), reverse=True)
        if since:
            items = [t for t in items if int(t["id"]) > int(since)]
        if request.query.get("until_id"):
            items = [t for t in items if int(t["id"]) < int(request.query["until_id"])]
        token = request.query.get(token_param)
        if token:
            if not re.fullmatch(r"pt[0-9a-f]+", token):
                return _invalid(token_param, token, f"The `{token_param}` query parameter "
                                f"value [{token}] is not valid")
            before = int(token[2:], 16)
            items = [t for t in items if int(t["id"]) < before]
        page, rest = items[: int(raw)], items[int(raw):]
        if not page:
            return _ok(rl, {"meta": {"result_count": 0}})
        fields = set(filter(None, request.query.get(fields_param, "").split(",")))
        if fields_param == "tweet.fields":
            data = [self._render(t, fields) for t in page]
        else:
            keep = fields | {"id", "event_type", "text"}
            data = [{k: v for k, v in e.items() if k in keep} for e in page]
        body: dict[str, Any] = {"data": data}
        if user_key in request.query.get("expansions", "").split(","):
            ids = dict.fromkeys(str(t[user_key]) for t in page)
            body["includes"] = {"users": [self.users[i] for i in ids if i in self.users]}
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0]["id"],
                                "oldest_id": page[-1]["id"]}
        if rest:
            meta["next_token"] = f"pt{int(page[-1]['id']):x}"
        body["meta"] = meta
        return _ok(rl, body)

    # -- reads -------------------------------------------------------------------
    @route("GET", r"/2/users/me", "me")
    def me(self, request: Request) -> Response:
        denied, rl = self._guard(request, "me", user=True)
        return denied or _ok(rl, {"data": self.brand})

    @route("GET", r"/2/users/(?P<id>\d+)/mentions", "mentions")
    def mentions(self, request: Request) -> Response:
        denied, rl = self._guard(request, "mentions")
        if denied:
            return denied
        uid = request.params["id"]
        with self.lock:
            items = [t for t in self.tweets.values() if t["_mention"]] \
                if uid == self.brand["id"] else []
        return self._page(request, rl, "mentions", items, "pagination_token", "author_id",
                          "tweet.fields")

    @route("GET", r"/2/users/(?P<id>\d+)/tweets", "user_tweets")
    def user_tweets(self, request: Request) -> Response:
        denied, rl = self._guard(request, "user_tweets")
        if denied:
            return denied
        with self.lock:
            items = [t for t in self.tweets.values() if t["author_id"] == request.params["id"]]
        return self._page(request, rl, "user_tweets", items, "pagination_token", "author_id",
                          "tweet.fields")

    @route("GET", r"/2/tweets/search/recent", "search")
    def search(self, request: Request) -> Response:
        denied, rl = self._guard(request, "search")
        if denied:
            return denied
        query = request.query.get("query", "")
        if not query:
            return _invalid("query", "", "The `query` query parameter can not be empty")
        with self.lock:
            items = [t for t in self.tweets.values() if self._matches(t, query)]
        return self._page(request, rl, "search", items, "next_token", "author_id", "tweet.fields")

    def _matches(self, tweet: dict[str, Any], query: str) -> bool:
        """A subset of the search operators: words, "phrases", -negation, from:, is:reply."""
        author = self.users.get(tweet["author_id"], {}).get("username", "").lower()
        for term in shlex.split(query):
            negate = term.startswith("-")
            term = term.lstrip("-").lower()
            if term.startswith("from:"):
                hit = author == term[5:].lstrip("@")
            elif term.startswith("conversation_id:"):
                hit = tweet["conversation_id"] == term.split(":", 1)[1]
            elif term == "is:reply":
                hit = "referenced_tweets" in tweet
            elif term.startswith("is:") or term == "or":
                continue
            else:
                hit = term in tweet["text"].lower()
            if hit == negate:
                return False
        return True

    @route("GET", r"/2/dm_events", "dm_events")
    def dm_events(self, request: Request) -> Response:
        return self.dm_events_with(request)

    @route("GET", r"/2/dm_conversations/with/(?P<pid>\d+)/dm_events", "dm_events")
    def dm_events_with(self, request: Request) -> Response:
        participant = request.params.get("pid")
        denied, rl = self._guard(request, "dm_events", user=True)
        if denied:
            return denied
        with self.lock:
            items = [e for e in self.dms.values()
                     if participant is None or participant in e["participant_ids"]]
        types = request.query.get("event_types")
        if types:
            items = [e for e in items if e["event_type"] in types.split(",")]
        return self._page(request, rl, "dm_events", items, "pagination_token", "sender_id",
                          "dm_event.fields")

    # -- writes ------------------------------------------------------------------
    @route("POST", r"/2/tweets", "create_tweet")
    def create_tweet(self, request: Request) -> Response:
        denied, rl = self._guard(request, "create_tweet", user=True)
        if denied:
            return denied
        spec = request.json() or {}
        text = spec.get("text") or ""
        target = (spec.get("reply") or {}).get("in_reply_to_tweet_id")
        with self.lock:
            if target and target not in self.tweets:
                return _problem(403, "Forbidden", "You attempted to reply to a Tweet that is "
                                "deleted or not visible to you.")
            if any(self.tweets[i]["text"] == text for i in self.posted):
                return _problem(403, "Forbidden",
                                "You are not allowed to create a Tweet with duplicate content.")
            tweet = self.add_tweet(text, self.brand, in_reply_to=target, mention=False)
            self.posted.append(tweet["id"])
        data = {"id": tweet["id"], "text": text, "edit_history_tweet_ids": [tweet["id"]]}
        return _ok(rl, {"data": data}, 201)

    @route("PUT", r"/2/tweets/(?P<id>\d+)/hidden", "hide")
    def hide(self, request: Request) -> Response:
        denied, rl = self._guard(request, "hide", user=True)
        if denied:
            return denied
        hidden = bool((request.json() or {}).get("hidden"))
        with self.lock:
            tweet = self.tweets.get(request.params["id"])
            root = self.tweets.get(tweet["conversation_id"]) if tweet else None
            if tweet is None or root is None or root["author_id"] != self.brand["id"] \
                    or tweet is root:
                return _problem(403, "Forbidden", "You can only hide or unhide replies to "
                                "conversations you authored.")
            (self.hidden.add if hidden else self.hidden.discard)(tweet["id"])
        return _ok(rl, {"data": {"hidden": hidden}})

    @route("POST", r"/2/dm_conversations/with/(?P<pid>\d+)/messages", "dm_create")
    def dm_create(self, request: Request) -> Response:
        denied, rl = self._guard(request, "dm_create", user=True)
        if denied:
            return denied
        text = (request.json() or {}).get("text")
        if not text:
            return _invalid("text", "", "The `text` field is required")
        event = self.add_dm(text, self.brand, request.params["pid"])
        with self.lock:
            self.dms_sent.append(event["id"])
        return _ok(rl, {"data": {"dm_conversation_id": event["dm_conversation_id"],
                                           "dm_event_id": event["id"]}}, 201)
