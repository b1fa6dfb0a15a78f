"""FacebookChannel against the fake Graph API over real HTTP on loopback."""

from __future__ import annotations

import itertools
import time
import traceback
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from carecase.model import Outgoing
from connectors.base import (
    AuthFailed,
    Batch,
    Channel,
    PermissionDenied,
    RateLimited,
    Transient,
    Unsupported,
)
from connectors.facebook import FacebookChannel, PrivateReplyAlreadySent
from sandbox.graph import GraphAPI, graph_time

TOKEN = "EAAGplantedFBsecret0123456789TOKEN"
ANN = {"id": "5550001", "name": "Ann Jensen"}
BOB = {"id": "5550002", "name": "Bob Svensson"}
_keys = itertools.count(1)


ADMIN = httpx.Client()  # one client: building an SSL context per call costs ~30 ms


@pytest.fixture(scope="module")
def graph_server() -> Iterator[GraphAPI]:
    with GraphAPI(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def graph(graph_server: GraphAPI) -> GraphAPI:
    admin(graph_server, "reset")  # one server per module, fresh state per test
    return graph_server


@pytest.fixture
def channel(graph: GraphAPI) -> Iterator[FacebookChannel]:
    ch = make_channel(graph)
    yield ch
    ch.close()


def make_channel(graph: GraphAPI, **kw: Any) -> FacebookChannel:
    kw.setdefault("page_size", 2)
    kw.setdefault("backoff", 0.01)
    return FacebookChannel(base_url=graph.url, page_id=graph.page_id, token=TOKEN, **kw)


def admin(graph: GraphAPI, path: str, body: dict[str, Any] | None = None,
          method: str = "POST") -> Any:
    response = ADMIN.request(method, f"{graph.url}/_admin/{path}", json=body)
    response.raise_for_status()
    return response.json()


def ago(**delta: float) -> str:
    return graph_time(datetime.now(UTC) - timedelta(**delta))


def out(action: str, target: str | None = None, body: str = "") -> Outgoing:
    return Outgoing(key=f"k{next(_keys)}", channel="facebook", action=action, target=target,
                    body=body)


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.messages]


def assert_no_token(exc: BaseException) -> None:
    text = "".join(traceback.format_exception(exc))  # the whole chain, causes included
    assert TOKEN not in str(exc) and TOKEN not in repr(exc) and TOKEN not in text


@pytest.fixture
def story(graph: GraphAPI) -> dict[str, Any]:
    """Two recent posts with comments, replies and one answer by the Page."""
    p1 = admin(graph, "posts", {"message": "Our Black Friday sale", "created_time": ago(hours=6)})
    p2 = admin(graph, "posts", {"message": "New opening hours", "created_time": ago(hours=3)})
    c = {}
    c["ann"] = admin(graph, "comments", {"post_id": p1["id"], "message": "My order never came",
                                         "from": ANN, "created_time": ago(hours=5)})
    c["bob"] = admin(graph, "comments", {"post_id": p1["id"], "message": "Great prices",
                                         "from": BOB, "created_time": ago(hours=4, minutes=30)})
    c["bob_re"] = admin(graph, "comments", {"post_id": p1["id"], "parent_id": c["ann"]["id"],
                                            "message": "Same here!", "from": BOB,
                                            "created_time": ago(hours=4)})
    c["page_re"] = admin(graph, "comments", {
        "post_id": p1["id"], "parent_id": c["ann"]["id"], "message": "Sorry, we'll check",
        "from": {"id": graph.page_id, "name": graph.page_name}, "created_time": ago(hours=3)})
    c["ann_re"] = admin(graph, "comments", {"post_id": p1["id"], "parent_id": c["ann"]["id"],
                                            "message": "Order 12345", "from": ANN,
                                            "created_time": ago(hours=2)})
    c["ann2"] = admin(graph, "comments", {"post_id": p2["id"], "message": "Open on Sunday?",
                                          "from": ANN, "created_time": ago(hours=1)})
    return {"posts": [p1, p2], "comments": c}


def test_is_a_channel(channel: FacebookChannel) -> None:
    assert isinstance(channel, Channel)
    assert TOKEN not in repr(channel)


def test_first_poll_reads_comments_and_replies_over_pages(channel: FacebookChannel,
                                                          story: dict[str, Any]) -> None:
    batches = list(channel.poll(None))
    c = story["comments"]
    assert sorted(ids(batches)) == sorted(c[k]["id"] for k in ("ann", "bob", "bob_re",
                                                               "ann_re", "ann2"))
    assert len(batches) > 3  # several pages with page_size=2
    assert all(b.cursor is None for b in batches[:-1])
    last = batches[-1]
    assert last.messages == [] and last.cursor is not None
    assert last.cursor["ids"] == [c["ann2"]["id"]]
    assert datetime.fromisoformat(last.cursor["since"]) == \
        datetime.strptime(c["ann2"]["created_time"], "%Y-%m-%dT%H:%M:%S%z")

    by_id = {m.external_id: m for b in batches for m in b.messages}
    top, reply = by_id[c["ann"]["id"]], by_id[c["bob_re"]["id"]]
    p1 = story["posts"][0]["id"]
    assert (top.thread_id, top.parent_id) == (c["ann"]["id"], p1)
    assert (reply.thread_id, reply.parent_id) == (c["ann"]["id"], c["ann"]["id"])
    assert reply.author.id == BOB["id"] and reply.author.name == BOB["name"]
    assert top.text == "My order never came" and top.public and top.channel == "facebook"
    assert top.created_at.tzinfo is not None and top.created_at.utcoffset() == timedelta(0)
    assert top.url and top.url.startswith("https://www.facebook.com/")
    assert top.raw["post_id"] == p1 and top.raw["is_hidden"] is False


def test_page_own_posts_and_comments_are_ignored(graph: GraphAPI, channel: FacebookChannel,
                                                 story: dict[str, Any]) -> None:
    visitor = admin(graph, "posts", {"message": "Where is my parcel?", "from": ANN,
                                     "created_time": ago(minutes=30)})
    got = ids(list(channel.poll(None)))
    assert story["comments"]["page_re"]["id"] not in got
    assert all(p["id"] not in got for p in story["posts"])  # the Page's own posts
    assert visitor["id"] in got  # a customer's post on the Page is a message


def test_incremental_poll_returns_only_new_ones(graph: GraphAPI, channel: FacebookChannel,
                                                story: dict[str, Any]) -> None:
    cursor = list(channel.poll(None))[-1].cursor
    c, p1, p2 = story["comments"], *[p["id"] for p in story["posts"]]
    # one comment in the same second as the mark: must not be lost at the boundary
    same = admin(graph, "comments", {"post_id": p1, "message": "Still waiting", "from": BOB,
                                     "created_time": c["ann2"]["created_time"]})
    new = admin(graph, "comments", {"post_id": p2, "message": "Hello?", "from": ANN})
    batches = list(channel.poll(cursor))
    assert sorted(ids(batches)) == sorted([same["id"], new["id"]])
    cursor2 = batches[-1].cursor
    again = list(channel.poll(cursor2))
    assert ids(again) == [] and again[-1].cursor == cursor2


def test_old_posts_outside_lookback_are_not_read(graph: GraphAPI, channel: FacebookChannel,
                                                 story: dict[str, Any]) -> None:
    old = admin(graph, "posts", {"message": "Summer sale", "created_time": ago(days=10)})
    late = admin(graph, "comments", {"post_id": old["id"], "message": "late", "from": ANN})
    assert late["id"] not in ids(list(channel.poll(None)))
    limited = make_channel(graph, max_posts=1)
    assert ids(list(limited.poll(None))) == [story["comments"]["ann2"]["id"]]
    limited.close()


def test_restart_in_the_middle_of_paging_loses_nothing(graph: GraphAPI,
                                                       channel: FacebookChannel,
                                                       story: dict[str, Any]) -> None:
    cursor = list(channel.poll(None))[-1].cursor
    p1 = story["posts"][0]["id"]
    new = {admin(graph, "comments", {"post_id": p1, "message": f"new {i}", "from": ANN,
                                     "created_time": ago(seconds=50 - i)})["id"]
           for i in range(5)}
    first = make_channel(graph)
    polling = first.poll(cursor)
    taken = [next(polling), next(polling)]  # then the worker dies
    assert all(b.cursor is None for b in taken)
    polling.close()
    first.close()
    second = make_channel(graph)
    batches = list(second.poll(cursor))  # the stored cursor never moved
    second.close()
    assert set(ids(batches)) == new
    assert set(ids(taken)) | set(ids(batches)) == new


@pytest.mark.parametrize("mode, error", [
    ("429", RateLimited), ("500", Transient), ("malformed", Transient),
    ("expired_token", AuthFailed)])
def test_faults_map_to_channel_errors(graph: GraphAPI, channel: FacebookChannel,
                                      story: dict[str, Any], mode: str, error: type) -> None:
    admin(graph, "faults", {"endpoint": "feed", "mode": mode, "count": 10})
    with pytest.raises(error) as caught:
        list(channel.poll(None))
    assert_no_token(caught.value)


def test_throttling_is_not_retried_and_carries_retry_at(graph: GraphAPI,
                                                        channel: FacebookChannel) -> None:
    admin(graph, "config", {"regain_minutes": 7})
    admin(graph, "faults", {"endpoint": "feed", "mode": "429", "count": 1})
    with pytest.raises(RateLimited) as caught:
        list(channel.poll(None))
    retry_at = caught.value.retry_at
    assert retry_at is not None
    wait = (retry_at - datetime.now(UTC)).total_seconds()
    assert 6 * 60 < wait <= 7 * 60
    assert len(graph.calls) == 1  # a 7-minute wait goes back to the flow, not a sleep


def test_server_errors_are_retried_until_they_clear(graph: GraphAPI, story: dict[str, Any],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    ch = make_channel(graph, retries=3)
    admin(graph, "faults", {"endpoint": "comments", "mode": "500", "count": 2})
    assert len(ids(list(ch.poll(None)))) == 5
    admin(graph, "faults", {"endpoint": "feed", "mode": "500", "count": 10})
    graph.calls.clear()
    with pytest.raises(Transient) as caught:
        list(ch.poll(None))
    assert len(graph.calls) == 4  # the first try and three retries
    assert_no_token(caught.value)
    assert "retry 3/3" in caplog.text and TOKEN not in caplog.text
    ch.close()


def test_timeout_is_transient(graph: GraphAPI) -> None:
    ch = make_channel(graph, timeout=0.5, retries=1)
    admin(graph, "faults", {"endpoint": "feed", "mode": "timeout", "seconds": 2, "count": 2})
    started = time.monotonic()
    with pytest.raises(Transient, match="timed out") as caught:
        list(ch.poll(None))
    assert time.monotonic() - started < 3
    assert_no_token(caught.value)
    ch.close()


def test_wrong_token_and_missing_permission(graph: GraphAPI, channel: FacebookChannel,
                                            story: dict[str, Any]) -> None:
    admin(graph, "permission", {"endpoint": "reply", "code": 200,
                                "message": "(#200) Requires pages_manage_engagement"})
    with pytest.raises(PermissionDenied, match="200") as caught:
        channel.send(out("reply", story["comments"]["ann"]["id"], "Hi"))
    assert_no_token(caught.value)
    admin(graph, "permission", method="DELETE")
    admin(graph, "config", {"token": "another-token"})
    with pytest.raises(AuthFailed, match="190") as caught:
        list(channel.poll(None))
    assert_no_token(caught.value)


def test_reply_hide_unhide_delete_are_visible_in_the_fake(graph: GraphAPI,
                                                          channel: FacebookChannel,
                                                          story: dict[str, Any]) -> None:
    c = story["comments"]
    reply_id = channel.send(out("reply", c["bob"]["id"], "Thank you, Bob!"))
    assert channel.send(out("hide", c["ann_re"]["id"])) is None
    state = admin(graph, "state", method="GET")
    comments = {x["id"]: x for x in state["comments"]}
    assert reply_id in state["page_replies"]
    assert comments[reply_id]["parent_id"] == c["bob"]["id"]
    assert comments[reply_id]["from"]["id"] == graph.page_id
    assert comments[c["ann_re"]["id"]]["is_hidden"] is True
    channel.send(out("unhide", c["ann_re"]["id"]))
    channel.send(out("delete", c["bob_re"]["id"]))
    state = admin(graph, "state", method="GET")
    comments = {x["id"]: x for x in state["comments"]}
    assert comments[c["ann_re"]["id"]]["is_hidden"] is False
    assert comments[c["bob_re"]["id"]]["deleted"] is True
    assert [m["action"] for m in state["moderation"]] == ["hide", "unhide", "delete"]
    got = ids(list(channel.poll(None)))
    assert reply_id not in got and c["bob_re"]["id"] not in got
    post_id = channel.send(out("post", body="We are open on Sunday."))
    assert post_id in [p["id"] for p in admin(graph, "state", method="GET")["posts"]]


def test_private_reply_once_per_comment_and_within_seven_days(graph: GraphAPI,
                                                              channel: FacebookChannel,
                                                              story: dict[str, Any]) -> None:
    target = story["comments"]["ann"]["id"]
    message_id = channel.send(out("private_reply", target, "Please send us your order no."))
    assert message_id and message_id.startswith("m_")
    sent = admin(graph, "state", method="GET")["private_replies"]
    assert [(s["comment_id"], s["message_id"]) for s in sent] == [(target, message_id)]
    with pytest.raises(PrivateReplyAlreadySent) as caught:
        channel.send(out("private_reply", target, "Hello again"))
    assert isinstance(caught.value, PermissionDenied)
    assert_no_token(caught.value)
    assert channel.find_sent(out("private_reply", target, "x")) is None  # cannot tell
    old_post = admin(graph, "posts", {"message": "Old", "created_time": ago(days=9)})
    old = admin(graph, "comments", {"post_id": old_post["id"], "message": "hello",
                                    "from": BOB, "created_time": ago(days=8)})
    with pytest.raises(PermissionDenied, match="2018278"):
        channel.send(out("private_reply", old["id"], "Too late"))


def test_find_sent_recognises_what_was_done(graph: GraphAPI, channel: FacebookChannel,
                                            story: dict[str, Any]) -> None:
    c = story["comments"]
    reply = out("reply", c["bob_re"]["id"], "We are on it, Bob.")
    assert channel.find_sent(reply) is None
    sent_id = channel.send(reply)  # to a reply: filed under the top-level comment
    assert channel.find_sent(reply) == sent_id
    assert channel.find_sent(out("reply", c["bob_re"]["id"], "Something else")) is None

    hide = out("hide", c["ann_re"]["id"])
    assert channel.find_sent(hide) is None
    channel.send(hide)
    assert channel.find_sent(hide) == c["ann_re"]["id"]
    assert channel.find_sent(out("unhide", c["ann_re"]["id"])) is None

    delete = out("delete", c["bob"]["id"])
    assert channel.find_sent(delete) is None
    channel.send(delete)
    assert channel.find_sent(delete) == c["bob"]["id"]

    post = out("post", body="Status: all parcels shipped.")
    assert channel.find_sent(post) is None
    post_id = channel.send(post)
    assert channel.find_sent(post) == post_id


def test_an_earlier_send_is_never_one_from_before_the_row_was_queued(
        graph: GraphAPI, channel: FacebookChannel) -> None:
    # yesterday's post with the same words is not today's: it would be recorded as sent
    admin(graph, "posts", {"message": "Status: all parcels shipped.",
                           "created_time": ago(days=1)})
    post = replace(out("post", body="Status: all parcels shipped."),
                   queued_at=datetime.now(UTC))
    assert channel.find_sent(post) is None
    post_id = channel.send(post)
    assert channel.find_sent(post) == post_id


def test_a_delete_whose_answer_timed_out_is_found_done_not_failed(graph: GraphAPI,
                                                                  story: dict[str, Any]) -> None:
    ch = make_channel(graph, timeout=0.3, retries=2)
    target = story["comments"]["bob"]["id"]
    admin(graph, "faults", {"endpoint": "delete", "mode": "timeout", "seconds": 0.8,
                            "count": 1})
    with pytest.raises(Transient, match="timed out"):  # not retried into "does not exist"
        ch.send(out("delete", target))
    time.sleep(0.8)  # the fake did the work before it answered
    assert ch.find_sent(out("delete", target)) == target  # dispatch records it as done
    ch.close()


def test_a_reply_to_a_visitors_post_is_found_again(graph: GraphAPI,
                                                   channel: FacebookChannel) -> None:
    visitor = admin(graph, "posts", {"message": "My boots fell apart!", "from": BOB})
    reply = out("reply", visitor["id"], "Sorry Bob, we are on it.")
    assert channel.find_sent(reply) is None
    sent = channel.send(reply)
    assert channel.find_sent(reply) == sent


def test_unknown_action_and_missing_target(channel: FacebookChannel) -> None:
    with pytest.raises(Unsupported):
        channel.send(out("send", "1_2", "hi"))
    with pytest.raises(Exception, match="needs a target"):
        channel.send(out("reply", None, "hi"))
