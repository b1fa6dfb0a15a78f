"""TrustpilotChannel against the fake Trustpilot API (sandbox/trustpilot.py) over real HTTP."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from carecase.model import Outgoing
from connectors.base import (
    AuthFailed,
    ChannelError,
    PermissionDenied,
    RateLimited,
    Transient,
    Unsupported,
)
from connectors.trustpilot import TrustpilotChannel, edit_time, moved_by_reply
from sandbox.trustpilot import TrustpilotAPI

BU, BIZ_USER = "5f1a2b3c4d5e6f7a8b9c0d1e", "60aa11bb22cc33dd44ee55ff"
KEY, SECRET = "TPKEY-SECRET-a1b2", "TPSECRET-SECRET-c3d4"


@pytest.fixture
def api():
    with TrustpilotAPI(business_unit_id=BU, business_user_id=BIZ_USER, api_key=KEY,
                       api_secret=SECRET) as fake:
        yield fake


def channel(api: TrustpilotAPI, **kwargs) -> TrustpilotChannel:
    args = dict(base_url=api.url, business_unit_id=BU, business_user_id=BIZ_USER, api_key=KEY,
                api_secret=SECRET, retries=2, backoff=0.01, timeout=5.0)
    args.update(kwargs)
    return TrustpilotChannel(**args)


def admin(api: TrustpilotAPI, path: str, body: dict | None = None) -> dict:
    response = httpx.request("POST" if body is not None else "GET", f"{api.url}/_admin/{path}",
                             json=body)
    response.raise_for_status()
    return response.json()


def review(api: TrustpilotAPI, minutes_ago: float = 0, **spec) -> dict:
    created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    spec.setdefault("createdAt", created.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    spec.setdefault("title", "Late delivery")
    spec.setdefault("text", "The parcel came a week late.")
    spec.setdefault("stars", 2)
    spec.setdefault("consumer", {"id": "c-1", "displayName": "Ole Hansen"})
    return admin(api, "reviews", spec)


def fault(api: TrustpilotAPI, mode: str, endpoint: str = "reviews", count: int = 1,
          seconds: float = 5.0) -> None:
    admin(api, "faults", {"endpoint": endpoint, "mode": mode, "count": count,
                          "seconds": seconds})


def drain(ch: TrustpilotChannel, cursor: dict | None) -> tuple[list, dict | None]:
    messages, last = [], None
    for batch in ch.poll(cursor):
        messages.extend(batch.messages)
        last = batch.cursor or last
    return messages, last


def grants(api: TrustpilotAPI) -> int:
    return admin(api, "state")["grants"]


def test_first_poll_normalises_invited_and_organic_reviews(api):
    invited = review(api, 10, stars=1, referenceId="ORD-1042",
                     referralEmail="ole@example.dk", language="da")
    organic = review(api, 5, title="", text="Great service", stars=5,
                     consumer={"id": "c-2", "displayName": "Kim"})
    ch = channel(api)
    messages, cursor = drain(ch, None)
    assert [m.external_id for m in messages] == [organic["id"], invited["id"]]
    m = messages[1]
    assert m.channel == "trustpilot" and m.thread_id == invited["id"] and m.public
    assert m.text == "Late delivery\nThe parcel came a week late." and m.rating == 1
    assert m.author.id == "c-1" and m.author.name == "Ole Hansen"
    assert m.author.email == "ole@example.dk" and m.order_ref == "ORD-1042"
    assert m.url == f"https://www.trustpilot.com/reviews/{invited['id']}"
    assert m.created_at.tzinfo is not None and m.raw["referenceId"] == "ORD-1042"
    assert messages[0].text == "Great service" and messages[0].author.email is None
    assert messages[0].order_ref is None
    assert datetime.fromisoformat(cursor["since"]) == messages[0].created_at
    ch.close()


def test_incremental_poll_reads_from_the_cursor(api):
    old = [review(api, age)["id"] for age in (120, 60, 30)]
    ch = channel(api)
    _, cursor = drain(ch, None)
    new = review(api, 0, text="Still waiting")
    messages, cursor2 = drain(ch, cursor)
    # The newest old review is inside the 5-minute overlap and read again (harmless: ids
    # are unique in the store); the others are not fetched at all.
    assert [m.external_id for m in messages] == [new["id"], old[2]]
    assert datetime.fromisoformat(cursor2["since"]) > datetime.fromisoformat(cursor["since"])
    ch.close()


def test_restart_in_the_middle_of_paging_loses_nothing(api):
    posted = {review(api, 60 - i)["id"] for i in range(23)}
    first = channel(api, page_size=5)
    batches = first.poll(None)
    batch = next(batches)
    assert len(batch.messages) == 5 and batch.cursor is None
    batches.close()
    first.close()
    second = channel(api, page_size=5)
    seen = {m.external_id for m in batch.messages}
    out = list(second.poll(None))
    seen.update(m.external_id for b in out for m in b.messages)
    assert seen == posted and len(posted) == 23
    assert all(b.cursor is None for b in out[:-1]) and out[-1].cursor["since"]
    second.close()


def test_reply_is_visible_and_found_again(api):
    target = review(api, 1)
    ch = channel(api)
    out = Outgoing(key="r1", channel="trustpilot", action="reply",
                   body="We are sorry, Ole. Your refund is on its way.", target=target["id"])
    assert ch.find_sent(out) is None
    assert ch.send(out) == f"{target['id']}:reply"
    stored = admin(api, "state")["reviews"][0]
    assert stored["companyReply"]["text"] == out.body
    assert ch.find_sent(out) == f"{target['id']}:reply"
    other = Outgoing(key="r2", channel="trustpilot", action="reply", body="Different",
                     target=target["id"])
    assert ch.find_sent(other) is None
    with pytest.raises(Unsupported):
        ch.send(Outgoing(key="h", channel="trustpilot", action="hide", target=target["id"]))
    ch.close()


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def test_an_edited_review_is_read_again_as_a_message_of_its_own(api):
    """Three days after a five-star review the consumer edits it down to one star: the
    next edit scan reads the edit as a new message on the same review; the scan after it
    finds nothing new."""
    kept = review(api, 3 * 24 * 60, stars=5, title="Super", text="Fast and friendly")
    ch = channel(api, edit_scan_every=timedelta(0))
    first, cursor = drain(ch, None)
    assert [m.external_id for m in first] == [kept["id"]]
    assert set(cursor) == {"since", "edits_since", "edits_scanned"}
    # the newest review is re-read in the overlap (harmless: ids are unique in the store)
    assert [m.external_id for m in drain(ch, cursor)[0]] == [kept["id"]]
    time.sleep(0.002)  # the sandbox stamps milliseconds
    edited = admin(api, f"reviews/{kept['id']}", {
        "stars": 1, "title": "Update", "text": "The soles came off. Nobody answers my mails."})
    messages, cursor = drain(ch, cursor)
    version = f"{kept['id']}@{edited['updatedAt']}"
    assert [m.external_id for m in messages] == [version]
    [m] = messages
    assert m.thread_id == kept["id"] and m.rating == 1 and m.author.id == "c-1"
    assert m.text == "Update\nThe soles came off. Nobody answers my mails."
    assert m.created_at == datetime.fromisoformat(edited["updatedAt"])
    assert datetime.fromisoformat(cursor["edits_since"]) == m.created_at
    # read again in the overlap, the same version: the store keeps one
    assert [m.external_id for m in drain(ch, cursor)[0]] == [version]
    ch.close()


def test_edits_are_looked_for_every_scan_interval_within_the_window(api):
    recent = review(api, 2 * 24 * 60, text="Good shoes")
    ancient = review(api, 20 * 24 * 60, text="Fine")
    newest = review(api, 60, text="Ok")  # the one the overlap reads again
    ch = channel(api, edit_scan_every=timedelta(hours=1), edit_window=timedelta(days=14))
    _, first = drain(ch, None)
    for r in (recent, ancient):
        admin(api, f"reviews/{r['id']}", {"stars": 1, "text": "Broke after a week"})
    # the scan is not due yet: nothing is listed but the new reviews' window
    messages, cursor = drain(ch, first)
    assert [m.external_id for m in messages] == [newest["id"]]
    assert cursor["edits_scanned"] == first["edits_scanned"]
    due = {**cursor, "edits_scanned": iso(datetime.now(UTC) - timedelta(hours=2))}
    messages, after = drain(ch, due)
    # the review written 20 days ago is past the 14-day window and not read again
    assert [m.external_id for m in messages] == [newest["id"], messages[1].external_id]
    assert messages[1].thread_id == recent["id"] and messages[1].rating == 1
    assert datetime.fromisoformat(after["edits_scanned"]) > datetime.fromisoformat(
        due["edits_scanned"])
    off = channel(api, edit_scan_every=timedelta(0), edit_window=timedelta(0))
    assert [m.external_id for m in drain(off, due)[0]] == [newest["id"]]  # no edits read
    # a cursor from before edits were read: edits are looked for from now on
    messages, upgraded = drain(ch, {"since": cursor["since"]})
    assert [m.external_id for m in messages] == [newest["id"]]
    assert set(upgraded) == {"since", "edits_since", "edits_scanned"}
    for c in (ch, off):
        c.close()


def test_a_reply_to_an_edit_goes_to_its_review_and_is_no_edit_itself(api):
    target = review(api, 60, stars=4, text="Nice")
    edited = admin(api, f"reviews/{target['id']}", {"stars": 1, "text": "Broken"})
    ch = channel(api, edit_scan_every=timedelta(0))
    [m], cursor = drain(ch, None)  # edited before we first read it: read as the edit
    assert m.external_id == f"{target['id']}@{edited['updatedAt']}"
    out = Outgoing(key="e1", channel="trustpilot", action="reply",
                   body="Sorry to hear that, Ole.", target=m.external_id)
    assert ch.find_sent(out) is None
    assert ch.send(out) == f"{target['id']}:reply"
    [stored] = admin(api, "state")["reviews"]
    assert stored["companyReply"]["text"] == out.body
    assert ch.find_sent(out) == f"{target['id']}:reply"
    assert edit_time(stored) == m.created_at and not moved_by_reply(stored)
    assert [m.external_id for m in drain(ch, cursor)[0]] == [m.external_id]  # the same
    # a review updated just after our reply: if replying moved the review's own time, our
    # reply would otherwise come back as the consumer's edit
    replied = datetime.fromisoformat(stored["companyReply"]["createdAt"])
    for seconds, moved in ((0, True), (4, True), (-1, False), (6, False)):
        version = {**stored, "updatedAt": iso(replied + timedelta(seconds=seconds))}
        assert moved_by_reply(version) is moved, seconds
    assert edit_time({**stored, "updatedAt": stored["createdAt"]}) is None
    assert edit_time({**stored, "updatedAt": None}) is None
    admin(api, f"reviews/{target['id']}", {"updatedAt": iso(replied + timedelta(seconds=1))})
    assert drain(ch, cursor)[0] == []  # skipped by the listing and the edit scan alike
    ch.close()


@pytest.mark.parametrize("change", [{"companyReply": "thanks"}, {"updatedAt": "yesterday"},
                                    {"companyReply": {"text": "Hi", "createdAt": 7},
                                     "updatedAt": "2099-01-01T00:00:00.000Z"}])
def test_a_review_in_an_unexpected_shape_is_transient_not_a_crash(api, change):
    target = review(api, 1)
    api.reviews[target["id"]].update(change)  # as a changed API might send it
    with pytest.raises(Transient, match="unexpected shape"):
        drain(channel(api), None)


def test_token_is_cached_then_renewed_when_it_expires(api):
    target = review(api, 1)["id"]
    ch = channel(api)
    drain(ch, None)
    ch.send(Outgoing(key="a", channel="trustpilot", action="reply", body="Hi", target=target))
    drain(ch, None)
    assert grants(api) == 1  # one grant for several calls
    admin(api, "expire_tokens", {})
    messages, _ = drain(ch, None)  # 401 -> new token -> same call again, transparently
    assert len(messages) == 1 and grants(api) == 2
    fault(api, "expired_token")
    assert len(drain(ch, None)[0]) == 1 and grants(api) == 3
    ch.close()


def test_refresh_token_is_used_when_the_grant_gives_one():
    with TrustpilotAPI(business_unit_id=BU, business_user_id=BIZ_USER, api_key=KEY,
                       api_secret=SECRET, refresh_tokens=True) as api:
        review(api, 1)
        ch = channel(api)
        drain(ch, None)
        admin(api, "expire_tokens", {})
        assert len(drain(ch, None)[0]) == 1
        assert [name for name, _ in api.calls].count("refresh") == 1
        ch.close()


def test_revoked_key_is_auth_failed_without_secrets(api):
    review(api, 1)
    ch = channel(api)
    drain(ch, None)
    admin(api, "revoke_key", {})
    with pytest.raises(AuthFailed, match=f"refused the API key for business unit {BU}"):
        drain(ch, None)
    with pytest.raises(AuthFailed):
        drain(channel(api, api_secret="wrong"), None)


def test_faults_map_to_our_errors(api):
    review(api, 1)
    fault(api, "429")
    with pytest.raises(RateLimited) as info:
        drain(channel(api), None)
    wait = (info.value.retry_at - datetime.now(UTC)).total_seconds()
    assert 20 < wait <= 30  # from Retry-After
    fault(api, "500", count=10)
    calls = len(api.calls)
    with pytest.raises(Transient):
        drain(channel(api), None)
    assert [n for n, _ in api.calls[calls:]].count("reviews") == 3  # 1 + 2 retries
    httpx.delete(f"{api.url}/_admin/faults").raise_for_status()
    fault(api, "500", count=2)
    assert len(drain(channel(api), None)[0]) == 1  # the fault clears within the retries
    fault(api, "malformed", count=5)
    with pytest.raises(Transient, match="malformed"):
        drain(channel(api), None)
    httpx.delete(f"{api.url}/_admin/faults").raise_for_status()
    fault(api, "timeout", count=1, seconds=2.0)
    started = time.monotonic()
    with pytest.raises(Transient, match="timed out"):
        drain(channel(api, timeout=0.5, retries=0), None)
    assert time.monotonic() - started < 1.9


def test_forbidden_business_unit_is_permission_denied(api):
    with pytest.raises(PermissionDenied):
        drain(channel(api, business_unit_id="ffffffffffffffffffffffff"), None)
    target = review(api, 1)["id"]
    with pytest.raises(PermissionDenied):
        channel(api, business_user_id="someone-else").send(
            Outgoing(key="x", channel="trustpilot", action="reply", body="Hi", target=target))


def test_no_secret_in_errors_reprs_or_logs(api, caplog):
    caplog.set_level(logging.DEBUG)
    review(api, 1)
    errors: list[Exception] = []
    ch = channel(api)
    for mode in ("429", "500", "malformed", "expired_token"):
        fault(api, mode, count=10)
        try:
            drain(ch, None)
        except ChannelError as exc:
            errors.append(exc)
        httpx.delete(f"{api.url}/_admin/faults").raise_for_status()
    tokens = list(api.tokens)  # every token issued so far
    admin(api, "revoke_key", {})
    for attempt in (ch, channel(api)):
        try:
            drain(attempt, None)
        except ChannelError as exc:
            errors.append(exc)
    assert len(errors) == 6
    text = " ".join([str(e) + repr(e) + repr(e.__cause__) for e in errors]
                    + [repr(ch), caplog.text])
    assert "HTTP Request" in caplog.text  # httpx did log its requests
    for secret in [KEY, SECRET, *filter(None, tokens)]:
        assert secret not in text
