"""A fake Facebook Graph API for one Page: its posts, comments, replies and private replies.

Shapes follow Meta's documentation (developers.facebook.com/docs/…):

- graph-api/reference/page/feed, …/reference/comment, …/reference/object/comments
  (``filter=toplevel|stream``, ``order=[reverse_]chronological``, ``summary``, the fields);
- graph-api/results (``paging.cursors.before/after``; ``paging.next``, a full URL, is absent
  on the last page);
- graph-api/reference/comment "Updating" / changelog v2.2 (``POST /{comment-id}?is_hidden=``
  -> ``{"success": true}``) and "Deleting" (``DELETE /{comment-id}``);
- messenger-platform/discovery/private-replies (``POST /{page-id}/messages`` with
  ``recipient.comment_id``; one message per comment, within 7 days of the comment);
- messenger-platform/error-codes (``10 / 2018278`` "This message is sent outside of allowed
  window"; ⚠ ``10900`` "Activity already replied to" is the code the legacy private_replies
  edge used for a second reply; the current page does not list one for /messages);
- graph-api/guides/error-handling (``{"error": {message, type, code, error_subcode,
  fbtrace_id}}``; 190 token, 10/200-299 permission, 4/17/32/613 throttling);
- graph-api/overview/rate-limiting (``X-App-Usage``, ``X-Business-Use-Case-Usage`` with
  ``estimated_time_to_regain_access`` in minutes).

Threads are two levels deep as on Facebook: a reply to a reply is filed under the
top-level comment (what the Facebook UI does; ⚠ not confirmed for the API).

Admin routes, beside those of ``FakeAPI``::

    POST   /_admin/posts       {id?, message, created_time?, from?}          -> the post
    POST   /_admin/comments    {post_id, parent_id?, message, from, created_time?} -> comment
    POST   /_admin/permission  {endpoint: NAME|"*", code?: 200, message?}  deny an endpoint
    DELETE /_admin/permission  allow everything again
    POST   /_admin/config      {token?, regain_minutes?}
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sandbox.base import FakeAPI, Request, Response, route

V = r"/(?P<version>v\d+\.\d+)"
GRAPH_TIME = "%Y-%m-%dT%H:%M:%S%z"
PRIVATE_REPLY_WINDOW = timedelta(days=7)
COMMENT_FIELDS = ("id", "message", "from", "created_time")  # Graph's default fields
POST_FIELDS = ("id", "message", "created_time")


def graph_time(value: datetime) -> str:
    """Graph's timestamp format: ``2026-11-21T09:12:00+0000``."""
    return value.astimezone(UTC).strftime(GRAPH_TIME)


def parse_time(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else datetime.now(UTC)


def field_names(spec: str | None, default: tuple[str, ...]) -> set[str]:
    """Top-level names of a ``fields=`` spec: ``from{id,name},parent{id}`` -> from, parent."""
    if not spec:
        return set(default)
    for _ in range(3):  # drop nested selections, innermost first
        spec = re.sub(r"\{[^{}]*\}", "", spec)
    return {name.strip() for name in spec.split(",") if name.strip()} | {"id"}


def graph_error(status: int, code: int, message: str, subcode: int | None = None,
                **extra: Any) -> Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    error["fbtrace_id"] = "A" + secrets.token_hex(8)
    return Response(status, {"error": error})


def _cursor(key: tuple[float, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _uncursor(value: str) -> tuple[float, ...] | None:
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(value.encode())))
    except (ValueError, TypeError):
        return None  # an unknown cursor reads from the start


class GraphAPI(FakeAPI):
    """The fake Graph API; ``token`` is the Page access token it accepts."""

    name = "facebook"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: int = 0, *,
                 page_id: str = "104000000000001", page_name: str = "Carecase Demo Shop",
                 token: str = "sandbox-facebook-token") -> None:
        self.page_id, self.page_name, self._token = page_id, page_name, token
        super().__init__(host, port, seed)

    # -- state -----------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.token = self._token
            self.posts: dict[str, dict[str, Any]] = {}
            self.comments: dict[str, dict[str, Any]] = {}
            self.page_replies: list[str] = []
            self.private_replies: dict[str, dict[str, Any]] = {}
            self.moderation: list[dict[str, Any]] = []
            self.denied: dict[str, tuple[int, str]] = {}
            self.regain_minutes = 5
            self._seq = itertools.count(1)
            self._psids: dict[str, str] = {}

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "page": {"id": self.page_id, "name": self.page_name},
            "posts": [self._strip(p) for p in self.posts.values()],
            "comments": [self._public(c, None, full=True) for c in self.comments.values()],
            "page_replies": list(self.page_replies),
            "private_replies": list(self.private_replies.values()),
            "moderation": list(self.moderation),
        }

    def add_post(self, message: str, *, id: str | None = None, created_time: str | None = None,
                 author: dict[str, str] | None = None) -> dict[str, Any]:
        """Publish a post on the Page (by the Page unless ``author`` is given)."""
        with self.lock:
            seq = next(self._seq)
            post_id = id or f"{self.page_id}_{900000 + seq}"
            when = parse_time(created_time)
            post = {
                "id": post_id, "message": message, "created_time": graph_time(when),
                "updated_time": graph_time(when),
                "from": author or {"id": self.page_id, "name": self.page_name},
                "permalink_url": f"https://www.facebook.com/{post_id.replace('_', '/posts/')}",
                "_key": (when.timestamp(), seq),
            }
            self.posts[post_id] = post
            return self._strip(post)

    def add_comment(self, post_id: str, message: str, author: dict[str, str], *,
                    parent_id: str | None = None, created_time: str | None = None
                    ) -> dict[str, Any]:
        """Add a comment (or a reply when ``parent_id`` is given) as ``author``."""
        with self.lock:
            if post_id not in self.posts:
                raise KeyError(post_id)
            if parent_id is not None:
                parent_id = self._thread_of(parent_id)
            seq = next(self._seq)
            object_id = post_id.split("_")[-1]
            comment_id = f"{object_id}_{500000 + seq}"
            when = parse_time(created_time)
            comment = {
                "id": comment_id, "message": message, "from": dict(author),
                "created_time": graph_time(when), "post_id": post_id, "parent_id": parent_id,
                "is_hidden": False, "deleted": False,
                "can_hide": author.get("id") != self.page_id,
                "permalink_url": f"{self.posts[post_id]['permalink_url']}"
                                 f"?comment_id={comment_id.split('_')[-1]}",
                "_key": (when.timestamp(), seq),
            }
            self.comments[comment_id] = comment
            self.posts[post_id]["updated_time"] = graph_time(datetime.now(UTC))
            return self._public(comment, None, full=True)

    # -- helpers ---------------------------------------------------------------
    @staticmethod
    def _strip(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if not k.startswith("_")}

    def _thread_of(self, comment_id: str) -> str:
        """The top-level comment a reply belongs under (threads are two levels deep)."""
        comment = self.comments[comment_id]
        return comment["parent_id"] or comment_id

    def _public(self, c: dict[str, Any], fields: set[str] | None, *, full: bool = False
                ) -> dict[str, Any]:
        out = {
            "id": c["id"], "message": c["message"], "from": c["from"],
            "created_time": c["created_time"], "is_hidden": c["is_hidden"],
            "can_hide": c["can_hide"], "permalink_url": c["permalink_url"],
        }
        if c["parent_id"]:
            out["parent"] = {"id": c["parent_id"]}
        if full:  # admin view: what the real API never shows
            out.update(post_id=c["post_id"], parent_id=c["parent_id"], deleted=c["deleted"])
            return out
        return {k: v for k, v in out.items() if fields is None or k in fields}

    def _live(self, object_id: str) -> dict[str, Any] | None:
        comment = self.comments.get(object_id)
        return comment if comment is not None and not comment["deleted"] else None

    def _moderated(self, action: str, object_id: str) -> dict[str, Any]:
        self.moderation.append({"action": action, "id": object_id,
                                "at": graph_time(datetime.now(UTC))})
        return {"success": True}

    def _missing(self, request: Request, object_id: str) -> Response:
        verb = "post" if request.method == "POST" else request.method.lower()
        return graph_error(
            400, 100,
            f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot "
            "be loaded due to missing permissions, or does not support this operation.", 33)

    def _page(self, request: Request, items: list[dict[str, Any]], reverse: bool,
              render: Any) -> dict[str, Any]:
        """Cursor paging as graph-api/results describes it."""
        items = sorted(items, key=lambda i: i["_key"], reverse=reverse)
        after = _uncursor(request.query.get("after", "")) if "after" in request.query else None
        if after is not None:
            items = [i for i in items if (i["_key"] < after if reverse else i["_key"] > after)]
        limit = max(1, min(int(request.query.get("limit", "25")), 100))
        chunk = items[:limit]
        body: dict[str, Any] = {"data": [render(i) for i in chunk]}
        if chunk:
            body["paging"] = {"cursors": {"before": _cursor(chunk[0]["_key"]),
                                          "after": _cursor(chunk[-1]["_key"])}}
            if len(items) > limit:
                query = {**request.query, "after": _cursor(chunk[-1]["_key"])}
                body["paging"]["next"] = f"{self.url}{request.path}?{urlencode(query)}"
        return body

    # -- dispatch: auth, permissions, usage headers -----------------------------
    def _endpoint(self, request: Request) -> str | None:
        return next((name for method, pattern, name, _fn in self._routes
                     if method == request.method and pattern.match(request.path)), None)

    def _token_of(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else \
            request.arg("access_token")

    def _usage_headers(self, throttled: bool = False) -> dict[str, str]:
        calls = len(self.calls)
        pct = 100 if throttled else min(99, calls)
        usage = {"call_count": pct, "total_cputime": pct // 2, "total_time": pct // 2}
        buc = {self.page_id: [{"type": "pages", **usage,
                               "estimated_time_to_regain_access":
                                   self.regain_minutes if throttled else 0}]}
        return {"X-App-Usage": json.dumps(usage), "X-Page-Usage": json.dumps(usage),
                "X-Business-Use-Case-Usage": json.dumps(buc)}

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_admin/"):
            return super().handle(request)
        endpoint = self._endpoint(request)
        token = self._token_of(request)
        if token is None:
            response = graph_error(400, 104, "An access token is required to request this "
                                   "resource.")
        elif token != self.token:
            response = graph_error(400, 190, "Invalid OAuth access token - Cannot parse "
                                   "access token")
        elif endpoint is not None and (denial := self.denied.get(endpoint, self.denied.get("*"))):
            code, message = denial
            response = graph_error(403, code, message)
        else:
            response = super().handle(request)
        error = response.body.get("error") if isinstance(response.body, dict) else None
        throttled = isinstance(error, dict) and error.get("code") in (4, 17, 32, 613)
        response.headers.update(self._usage_headers(throttled))
        return response

    def error_response(self, mode: str, request: Request) -> Response:
        if mode == "429":  # Graph throttles with a 4xx and an error code, never HTTP 429
            return graph_error(400, 32, "(#32) Page request limit reached")
        if mode == "expired_token":
            return graph_error(400, 190, "Error validating access token: Session has expired "
                               "on Saturday, 21-Nov-26 09:00:00 PST.", 463)
        return graph_error(500, 2, "An unexpected error has occurred. Please retry your "
                           "request later.", is_transient=True)

    def admin(self, request: Request) -> Response | dict | list | None:
        path, method = request.path, request.method
        spec = request.json() if request.body else {}
        if path == "/_admin/posts" and method == "POST":
            return self.add_post(spec["message"], id=spec.get("id"),
                                 created_time=spec.get("created_time"), author=spec.get("from"))
        if path == "/_admin/comments" and method == "POST":
            try:
                return self.add_comment(spec["post_id"], spec["message"], spec["from"],
                                        parent_id=spec.get("parent_id"),
                                        created_time=spec.get("created_time"))
            except KeyError as exc:
                return Response(400, {"error": f"unknown or missing {exc}"})
        if path == "/_admin/permission" and method == "POST":
            code = int(spec.get("code", 200))
            self.denied[spec.get("endpoint", "*")] = (
                code, spec.get("message") or f"(#{code}) Permissions error")
            return {"ok": True}
        if path == "/_admin/permission" and method == "DELETE":
            self.denied.clear()
            return {"ok": True}
        if path == "/_admin/config" and method == "POST":
            self.token = spec.get("token", self.token)
            self.regain_minutes = int(spec.get("regain_minutes", self.regain_minutes))
            return {"ok": True}
        return None

    # -- the API ---------------------------------------------------------------
    @route("GET", V + r"/(?P<page>[^/]+)/(?:feed|posts)", "feed")
    def get_feed(self, request: Request) -> Response | dict:
        if request.params["page"] != self.page_id:
            return self._missing(request, request.params["page"])
        fields = field_names(request.query.get("fields"), POST_FIELDS)
        with self.lock:
            return self._page(request, list(self.posts.values()), True,
                              lambda p: {k: v for k, v in self._strip(p).items() if k in fields})

    @route("POST", V + r"/(?P<page>[^/]+)/feed", "publish")
    def publish(self, request: Request) -> Response | dict:
        message = request.arg("message")
        if request.params["page"] != self.page_id or not message:
            return graph_error(400, 100, "(#100) Invalid parameter")
        return {"id": self.add_post(message)["id"]}

    @route("GET", V + r"/(?P<obj>[^/]+)/comments", "comments")
    def get_comments(self, request: Request) -> Response | dict:
        obj = request.params["obj"]
        stream = request.query.get("filter") == "stream"
        fields = field_names(request.query.get("fields"), COMMENT_FIELDS)
        with self.lock:
            live = [c for c in self.comments.values() if not c["deleted"]]
            if obj in self.posts:
                items = [c for c in live if c["post_id"] == obj and (stream or not c["parent_id"])]
            elif self._live(obj):
                items = [c for c in live if c["parent_id"] == obj]
            else:
                return self._missing(request, obj)
            order = request.query.get("order", "chronological")
            body = self._page(request, items, order == "reverse_chronological",
                              lambda c: self._public(c, fields))
            if request.query.get("summary") in ("true", "1"):
                body["summary"] = {"order": order, "total_count": len(items),
                                   "can_comment": True}
            return body

    @route("POST", V + r"/(?P<obj>[^/]+)/comments", "reply")
    def post_comment(self, request: Request) -> Response | dict:
        obj, message = request.params["obj"], request.arg("message")
        with self.lock:
            if obj in self.posts:
                post_id, parent = obj, None
            elif (target := self._live(obj)) is not None:
                post_id, parent = target["post_id"], obj
            else:
                return self._missing(request, obj)
            if not message:
                return graph_error(400, 100, "(#100) Missing message or attachment")
            page = {"id": self.page_id, "name": self.page_name}
            comment = self.add_comment(post_id, message, page, parent_id=parent)
            self.page_replies.append(comment["id"])
            return {"id": comment["id"]}

    @route("POST", V + r"/(?P<page>[^/]+)/messages", "messages")
    def send_message(self, request: Request) -> Response | dict:
        spec = request.json() if "json" in request.headers.get("content-type", "") else {}
        recipient = (spec or {}).get("recipient") or {}
        text = ((spec or {}).get("message") or {}).get("text")
        comment_id = recipient.get("comment_id")
        with self.lock:
            comment = self._live(comment_id or "")
            if request.params["page"] != self.page_id or comment is None or not text:
                return graph_error(400, 100, "(#100) The parameter recipient is required or "
                                   "refers to an object that cannot be messaged", 2018001)
            if comment_id in self.private_replies:
                return graph_error(400, 10900, "Activity already replied to")
            created = datetime.strptime(comment["created_time"], GRAPH_TIME)
            if datetime.now(UTC) - created > PRIVATE_REPLY_WINDOW:
                return graph_error(400, 10, "(#10) This message is sent outside of allowed "
                                   "window.", 2018278)
            psid = self._psids.setdefault(comment["from"]["id"],
                                          str(24000000000000000 + len(self._psids) + 1))
            sent = {"comment_id": comment_id, "text": text, "recipient_id": psid,
                    "message_id": "m_" + secrets.token_urlsafe(24)}
            self.private_replies[comment_id] = sent
            return {"recipient_id": psid, "message_id": sent["message_id"]}

    @route("GET", V + r"/(?P<obj>[^/]+)", "object")
    def get_object(self, request: Request) -> Response | dict:
        obj = request.params["obj"]
        with self.lock:
            if obj in self.posts:
                # a Post has no "parent" field (it has parent_id): Graph refuses to read it
                if "parent" in field_names(request.query.get("fields"), ()):
                    return graph_error(400, 100, "(#100) Tried accessing nonexisting field "
                                       "(parent) on node type (Post)")
                return self._strip(self.posts[obj])
            comment = self._live(obj)
            if comment is None:
                return self._missing(request, obj)
            return self._public(comment, field_names(request.query.get("fields"),
                                                     COMMENT_FIELDS))

    @route("POST", V + r"/(?P<obj>[^/]+)", "moderate")
    def update_comment(self, request: Request) -> Response | dict:
        obj, hidden = request.params["obj"], request.arg("is_hidden")
        with self.lock:
            comment = self._live(obj)
            if comment is None:
                return self._missing(request, obj)
            if hidden not in ("true", "false", True, False):
                return graph_error(400, 100, "(#100) Invalid parameter")
            if not comment["can_hide"]:
                return graph_error(400, 100, "(#100) This comment cannot be hidden")
            comment["is_hidden"] = hidden in ("true", True)
            return self._moderated("hide" if comment["is_hidden"] else "unhide", obj)

    @route("DELETE", V + r"/(?P<obj>[^/]+)", "delete")
    def delete_comment(self, request: Request) -> Response | dict:
        obj = request.params["obj"]
        with self.lock:
            comment = self._live(obj)
            if comment is None:
                return self._missing(request, obj)
            comment["deleted"] = True
            return self._moderated("delete", obj)
