"""The fake Graph API's own rules, called in-process (no socket traffic)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.facebook import _without_token
from sandbox.base import Request, Response
from sandbox.graph import GraphAPI, field_names

TOKEN = "unit-token"
ANN = {"id": "5550001", "name": "Ann"}


@pytest.fixture
def graph() -> Iterator[GraphAPI]:
    fake = GraphAPI(token=TOKEN)  # bound but never started: handle() is called directly
    yield fake
    fake._server.server_close()


def call(graph: GraphAPI, method: str, path: str, query: dict[str, str] | None = None,
         body: dict[str, Any] | None = None, token: str | None = TOKEN) -> Response:
    query = dict(query or {})
    if token is not None:
        query["access_token"] = token
    raw = json.dumps(body).encode() if body is not None else b""
    headers = {"content-type": "application/json"} if body is not None else {}
    return graph.handle(Request(method, path, query, headers, raw))


@pytest.fixture
def thread(graph: GraphAPI) -> dict[str, Any]:
    post = graph.add_post("Sale")
    top = graph.add_comment(post["id"], "Where is my order?", ANN)
    reply = graph.add_comment(post["id"], "Me too", {"id": "2", "name": "Bo"},
                              parent_id=top["id"])
    deeper = graph.add_comment(post["id"], "And me", {"id": "3", "name": "Cy"},
                               parent_id=reply["id"])
    return {"post": post, "top": top, "reply": reply, "deeper": deeper}


def test_field_names() -> None:
    assert field_names("id,message,from{id,name},parent{id}", ()) == {
        "id", "message", "from", "parent"}
    assert field_names("message", ()) == {"id", "message"}
    assert field_names(None, ("id", "x")) == {"id", "x"}


def test_toplevel_by_default_stream_flattens_replies(graph: GraphAPI,
                                                     thread: dict[str, Any]) -> None:
    path = f"/v25.0/{thread['post']['id']}/comments"
    top = call(graph, "GET", path).body["data"]
    assert [c["id"] for c in top] == [thread["top"]["id"]]
    assert set(top[0]) == {"id", "message", "from", "created_time"}  # Graph's defaults
    stream = call(graph, "GET", path, {"filter": "stream", "fields": "id,parent{id}",
                                       "summary": "true"}).body
    assert [c.get("parent", {}).get("id") for c in stream["data"]] == [
        None, thread["top"]["id"], thread["top"]["id"]]  # a reply to a reply: same thread
    assert stream["summary"]["total_count"] == 3


def test_paging_next_is_a_full_url_and_absent_on_the_last_page(graph: GraphAPI,
                                                               thread: dict[str, Any]) -> None:
    path = f"/v25.0/{thread['post']['id']}/comments"
    first = call(graph, "GET", path, {"filter": "stream", "limit": "2"}).body
    nxt = first["paging"]["next"]
    assert nxt.startswith(graph.url + path)
    assert parse_qs(urlsplit(nxt).query)["access_token"] == [TOKEN]  # as Graph does
    assert "access_token" not in _without_token(nxt)
    query = {k: v[-1] for k, v in parse_qs(urlsplit(nxt).query).items()}
    second = call(graph, "GET", path, query, token=None).body
    assert len(second["data"]) == 1 and "next" not in second["paging"]


def test_auth_errors_and_usage_headers(graph: GraphAPI, thread: dict[str, Any]) -> None:
    path = f"/v25.0/{graph.page_id}/feed"
    ok = call(graph, "GET", path)
    assert ok.status == 200
    usage = json.loads(ok.headers["X-Business-Use-Case-Usage"])
    assert usage[graph.page_id][0]["estimated_time_to_regain_access"] == 0
    assert call(graph, "GET", path, token="bad").body["error"]["code"] == 190
    assert call(graph, "GET", path, token=None).body["error"]["code"] == 104


def test_page_comments_cannot_be_hidden_and_deleted_ones_are_gone(
        graph: GraphAPI, thread: dict[str, Any]) -> None:
    mine = call(graph, "POST", f"/v25.0/{thread['top']['id']}/comments",
                body={"message": "Sorry!"}).body["id"]
    refused = call(graph, "POST", f"/v25.0/{mine}", {"is_hidden": "true"})
    assert refused.status == 400 and refused.body["error"]["code"] == 100
    assert call(graph, "DELETE", f"/v25.0/{thread['reply']['id']}").body == {"success": True}
    gone = call(graph, "GET", f"/v25.0/{thread['reply']['id']}")
    assert gone.body["error"]["error_subcode"] == 33


def test_private_reply_rules(graph: GraphAPI, thread: dict[str, Any]) -> None:
    body = {"recipient": {"comment_id": thread["top"]["id"]}, "message": {"text": "Hi"}}
    path = f"/v25.0/{graph.page_id}/messages"
    sent = call(graph, "POST", path, body=body).body
    assert sent["message_id"].startswith("m_") and sent["recipient_id"]
    again = call(graph, "POST", path, body=body).body["error"]
    assert again["code"] == 10900
