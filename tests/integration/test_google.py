"""GoogleReviewsChannel (and connectors.http) against the fake Business Profile API."""

from __future__ import annotations

import itertools
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from carecase.model import Outgoing
from connectors.base import (
    AuthFailed,
    Batch,
    Channel,
    ChannelError,
    PermissionDenied,
    RateLimited,
    Transient,
    Unsupported,
)
from connectors.google_reviews import GoogleReviewsChannel, edit_time
from sandbox.google import GoogleAPI, rfc3339

TOKEN = "ya29.PLANTEDgoogleSECRET0123456789"
ADMIN = httpx.Client()
_keys = itertools.count(1)


@pytest.fixture(scope="module")
def google_server() -> Iterator[GoogleAPI]:
    with GoogleAPI(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def google(google_server: GoogleAPI) -> GoogleAPI:
    admin(google_server, "reset")
    return google_server


@pytest.fixture
def channel(google: GoogleAPI) -> Iterator[GoogleReviewsChannel]:
    ch = make_channel(google)
    yield ch
    ch.close()


def make_channel(google: GoogleAPI, **kw: Any) -> GoogleReviewsChannel:
    kw.setdefault("page_size", 2)
    kw.setdefault("backoff", 0.01)
    return GoogleReviewsChannel(base_url=google.url, account_id=google.account_id,
                                location_id=google.location_id, token=TOKEN, **kw)


def admin(google: GoogleAPI, path: str, body: dict[str, Any] | None = None,
          method: str = "POST") -> Any:
    response = ADMIN.request(method, f"{google.url}/_admin/{path}", json=body)
    response.raise_for_status()
    return response.json()


def ago(**delta: float) -> str:
    return rfc3339(datetime.now(UTC) - timedelta(**delta))


def out(action: str, target: str | None, body: str = "") -> Outgoing:
    return Outgoing(key=f"g{next(_keys)}", channel="google", action=action, target=target,
                    body=body)


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.messages]


def assert_no_token(exc: BaseException) -> None:
    text = "".join(traceback.format_exception(exc))
    assert TOKEN not in str(exc) and TOKEN not in repr(exc) and TOKEN not in text


@pytest.fixture
def reviews(google: GoogleAPI) -> list[dict[str, Any]]:
    """Five reviews, one per star, the five-star one rating-only."""
    specs = [("Ann Jensen", 1, "Parcel lost, nobody answers"), ("Bob", "TWO", "Slow"),
             ("Cid", 3, "OK"), ("Dora", "FOUR", "Nice shop"), ("Eva", 5, None)]
    return [admin(google, "reviews", {"displayName": name, "starRating": stars,
                                      "comment": text, "createTime": ago(hours=10 - i)})
            for i, (name, stars, text) in enumerate(specs)]


def test_is_a_channel(channel: GoogleReviewsChannel) -> None:
    assert isinstance(channel, Channel)
    assert TOKEN not in repr(channel)


def test_first_poll_reads_every_page_and_maps_stars(channel: GoogleReviewsChannel,
                                                    reviews: list[dict[str, Any]]) -> None:
    batches = list(channel.poll(None))
    assert len(batches) == 4  # 2 + 2 + 1 reviews, then the cursor
    assert all(b.cursor is None for b in batches[:-1]) and batches[-1].messages == []
    assert ids(batches) == [r["reviewId"] for r in reversed(reviews)]  # newest first
    by_id = {m.external_id: m for b in batches for m in b.messages}
    assert [by_id[r["reviewId"]].rating for r in reviews] == [1, 2, 3, 4, 5]
    first = by_id[reviews[0]["reviewId"]]
    # no stable reviewer id: the author of this review, which ties its versions together
    assert first.author.id == f"review/{reviews[0]['reviewId']}"
    assert first.author.name == "Ann Jensen"
    assert first.text == "Parcel lost, nobody answers" and first.channel == "google"
    assert first.thread_id == reviews[0]["reviewId"] and first.public
    assert first.created_at.utcoffset() == timedelta(0)
    assert first.raw["starRating"] == "ONE"
    assert by_id[reviews[4]["reviewId"]].text == ""  # rating-only review
    cursor = batches[-1].cursor
    assert cursor == {"since": datetime.fromisoformat(reviews[4]["updateTime"]).isoformat(),
                      "ids": [reviews[4]["reviewId"]]}


def test_incremental_poll_returns_new_and_edited_reviews(google: GoogleAPI,
                                                         channel: GoogleReviewsChannel,
                                                         reviews: list[dict[str, Any]]) -> None:
    cursor = list(channel.poll(None))[-1].cursor
    assert ids(list(channel.poll(cursor))) == []
    same = admin(google, "reviews", {"displayName": "Finn", "starRating": 2, "comment": "Meh",
                                     "createTime": reviews[4]["updateTime"]})
    new = admin(google, "reviews", {"displayName": "Gry", "starRating": 1, "comment": "Bad"})
    edited = admin(google, f"reviews/{reviews[0]['reviewId']}",
                   {"starRating": 4, "comment": "They found it after all"})
    batches = list(channel.poll(cursor))
    version = f"{edited['reviewId']}@{edited['updateTime']}"  # an edit: a message of its own
    assert sorted(ids(batches)) == sorted([same["reviewId"], new["reviewId"], version])
    again = {m.external_id: m for b in batches for m in b.messages}[version]
    assert again.rating == 4 and again.text == "They found it after all"
    assert again.thread_id == edited["reviewId"]
    assert again.author.id == f"review/{edited['reviewId']}"
    assert again.created_at == datetime.fromisoformat(edited["updateTime"])
    assert ids(list(channel.poll(batches[-1].cursor))) == []


def test_an_edit_is_answered_on_its_review_and_our_reply_is_no_edit(
        google: GoogleAPI, channel: GoogleReviewsChannel, reviews: list[dict[str, Any]]) -> None:
    review_id = reviews[0]["reviewId"]
    edited = admin(google, f"reviews/{review_id}", {"starRating": 1, "comment": "Still lost"})
    version = f"{review_id}@{edited['updateTime']}"
    reply = out("reply", version, "We are looking into it, Ann.")
    assert channel.send(reply) == f"{review_id}:reply"
    stored = {r["reviewId"]: r for r in admin(google, "state", method="GET")["reviews"]
              }[review_id]
    assert stored["reviewReply"]["comment"] == reply.body
    assert channel.find_sent(reply) == f"{review_id}:reply"
    assert edit_time(edited) == datetime.fromisoformat(edited["updateTime"])
    assert edit_time({**edited, "updateTime": edited["createTime"]}) is None  # as written
    # a review whose time is no later than our reply's is no edit: if replying moved the
    # review's time, our own reply would otherwise come back as one
    assert edit_time(stored) is None
    assert edit_time({**stored, "updateTime": stored["reviewReply"]["updateTime"]}) is None
    again = admin(google, f"reviews/{review_id}", {"comment": "Still lost, a week now"})
    assert edit_time(again) == datetime.fromisoformat(again["updateTime"])  # after ours


def test_restart_in_the_middle_of_paging_loses_nothing(google: GoogleAPI,
                                                       channel: GoogleReviewsChannel,
                                                       reviews: list[dict[str, Any]]) -> None:
    cursor = list(channel.poll(None))[-1].cursor
    new = {admin(google, "reviews", {"displayName": f"N{i}", "starRating": 3,
                                     "comment": f"new {i}"})["reviewId"] for i in range(5)}
    first = make_channel(google)
    polling = first.poll(cursor)
    taken = next(polling)
    assert taken.cursor is None
    polling.close()  # the worker dies before the last page
    first.close()
    batches = list(channel.poll(cursor))
    assert set(ids(batches)) == new


def test_reply_is_stored_and_recognised(google: GoogleAPI, channel: GoogleReviewsChannel,
                                        reviews: list[dict[str, Any]]) -> None:
    review_id = reviews[0]["reviewId"]
    reply = out("reply", review_id, "We are sorry, Ann. Please write to us.")
    assert channel.find_sent(reply) is None
    assert channel.send(reply) == f"{review_id}:reply"
    state = admin(google, "state", method="GET")
    stored = {r["reviewId"]: r for r in state["reviews"]}[review_id]
    assert stored["reviewReply"]["comment"] == reply.body
    assert state["replies"] == [{"action": "reply", "reviewId": review_id,
                                 "comment": reply.body}]
    assert channel.find_sent(reply) == f"{review_id}:reply"
    assert channel.find_sent(out("reply", review_id, "Another text")) is None
    assert channel.find_sent(out("reply", "no-such-review", "x")) is None
    assert channel.send(out("delete", review_id)) is None
    assert "reviewReply" not in {r["reviewId"]: r for r in
                                 admin(google, "state", method="GET")["reviews"]}[review_id]
    with pytest.raises(ChannelError, match="404"):
        channel.send(out("reply", "no-such-review", "x"))
    with pytest.raises(Unsupported):
        channel.send(out("hide", review_id))


@pytest.mark.parametrize("mode, error", [
    ("429", RateLimited), ("500", Transient), ("malformed", Transient),
    ("expired_token", AuthFailed)])
def test_faults_map_to_channel_errors(google: GoogleAPI, channel: GoogleReviewsChannel,
                                      reviews: list[dict[str, Any]], mode: str,
                                      error: type) -> None:
    admin(google, "faults", {"endpoint": "reviews", "mode": mode, "count": 10})
    with pytest.raises(error) as caught:
        list(channel.poll(None))
    assert_no_token(caught.value)


def test_rate_limit_waits_only_when_short(google: GoogleAPI, channel: GoogleReviewsChannel,
                                          reviews: list[dict[str, Any]]) -> None:
    admin(google, "faults", {"endpoint": "reviews", "mode": "429", "count": 1})
    with pytest.raises(RateLimited) as caught:  # no Retry-After: 60 s, back to the flow
        list(channel.poll(None))
    wait = (caught.value.retry_at - datetime.now(UTC)).total_seconds()
    assert 55 < wait <= 60
    admin(google, "config", {"retry_after": 1})
    admin(google, "faults", {"endpoint": "reviews", "mode": "429", "count": 1})
    started = time.monotonic()
    assert len(ids(list(channel.poll(None)))) == 5  # a 1 s wait is taken in place
    assert time.monotonic() - started >= 0.9


def test_server_errors_are_retried_until_they_clear(google: GoogleAPI,
                                                    reviews: list[dict[str, Any]]) -> None:
    ch = make_channel(google, retries=2)
    admin(google, "faults", {"endpoint": "reviews", "mode": "500", "count": 2})
    assert len(ids(list(ch.poll(None)))) == 5
    admin(google, "faults", {"endpoint": "reviews", "mode": "500", "count": 10})
    google.calls.clear()
    with pytest.raises(Transient):
        list(ch.poll(None))
    assert len(google.calls) == 3
    ch.close()


def test_timeout_and_permission(google: GoogleAPI, reviews: list[dict[str, Any]]) -> None:
    ch = make_channel(google, timeout=0.5, retries=1)
    admin(google, "faults", {"endpoint": "reviews", "mode": "timeout", "seconds": 2,
                             "count": 2})
    with pytest.raises(Transient, match="timed out") as caught:
        list(ch.poll(None))
    assert_no_token(caught.value)
    admin(google, "faults", method="DELETE")
    admin(google, "permission")
    with pytest.raises(PermissionDenied) as denied:
        ch.send(out("reply", reviews[0]["reviewId"], "Hi"))
    assert_no_token(denied.value)
    with pytest.raises(PermissionDenied):
        ch.find_sent(out("reply", reviews[0]["reviewId"], "Hi"))
    ch.close()


def test_wrong_token_is_auth_failed(google: GoogleAPI, channel: GoogleReviewsChannel) -> None:
    admin(google, "config", {"token": "rotated"})
    with pytest.raises(AuthFailed, match="401") as caught:
        list(channel.poll(None))
    assert_no_token(caught.value)
