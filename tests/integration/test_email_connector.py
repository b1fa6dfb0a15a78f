"""EmailChannel against real servers on loopback: pymap (IMAP) and aiosmtpd (SMTP).

Nothing is mocked. pymap's dict backend starts with demo data: INBOX holds 4 messages
(without Message-IDs, so their ids are hashes of their bytes) and Sent holds 2.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from carecase.model import Outgoing
from connectors.base import AuthFailed, Channel, PermissionDenied, Transient, Unsupported
from connectors.email import EmailChannel, RecipientRateLimited
from connectors.email_compose import message_id_for
from connectors.email_parse import parse_email
from sandbox.mail import free_port, imap_server, smtp_server

CORPUS = Path(__file__).resolve().parents[1] / "data" / "mail"
DEMO_INBOX = 4
SMTP_USER, SMTP_PASSWORD = "shop-smtp", "smtp-Secret-9f2"


@pytest.fixture
def imap():
    with imap_server() as server:
        yield server


@pytest.fixture
def smtp():
    with smtp_server(user=SMTP_USER, password=SMTP_PASSWORD) as server:
        yield server


@pytest.fixture
def make_channel(imap, smtp):
    made: list[EmailChannel] = []

    def make(**overrides) -> EmailChannel:
        args = dict(
            imap_host=imap.host, imap_port=imap.port, username=imap.user,
            password=imap.password, smtp_host=smtp.host, smtp_port=smtp.port,
            smtp_username=SMTP_USER, smtp_password=SMTP_PASSWORD,
            from_address="kundeservice@butik.example", from_name="Butik Kundeservice",
            own_addresses=frozenset({"support@butik.example"}), timeout=10,
        )
        args.update(overrides)
        channel = EmailChannel(**args)
        made.append(channel)
        return channel

    yield make
    for channel in made:
        channel.close()


def mail(n: int, *, subject: str | None = None, body: str = "Hello") -> bytes:
    return (
        f"From: Customer {n} <customer{n}@example.com>\r\n"
        "To: kundeservice@butik.example\r\n"
        f"Subject: {subject or f'Question {n}'}\r\n"
        "Date: Thu, 20 Nov 2026 10:00:00 +0100\r\n"
        f"Message-ID: <test.{n}@example.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body} {n}\r\n"
    ).encode()


def drain(channel: EmailChannel, cursor):
    """All batches of one poll, as (messages, cursor) lists."""
    batches = list(channel.poll(cursor))
    messages = [m for b in batches for m in b.messages]
    return batches, messages, (batches[-1].cursor if batches else cursor)


def test_is_a_channel(make_channel):
    assert isinstance(make_channel(), Channel)


def test_poll_restart_nothing_lost_nothing_twice(imap, make_channel):
    first = make_channel(batch_size=3)
    batches, messages, cursor = drain(first, None)
    assert len(messages) == DEMO_INBOX
    for batch in batches:  # the cursor moves with exactly the messages of its batch
        assert batch.cursor["last_uid"] == max(m.raw["uid"] for m in batch.messages)
    first.close()

    for n in range(1, 6):
        imap.append("INBOX", mail(n))
    second = make_channel(batch_size=2)  # a restart: new instance, stored cursor
    batches, messages, cursor = drain(second, cursor)
    assert [m.external_id for m in messages] == [f"test.{n}@example.com" for n in range(1, 6)]
    assert [len(b.messages) for b in batches] == [2, 2, 1]

    # "n:*" matches the highest UID even when nothing is new: it must not come back.
    client = imap.client()
    client.select_folder("INBOX", readonly=True)
    assert client.search(["UID", f"{cursor['last_uid'] + 1}:*"]) == [cursor["last_uid"]]
    client.logout()
    assert drain(second, cursor)[1] == []

    imap.append("INBOX", mail(6))
    assert [m.external_id for m in drain(make_channel(), cursor)[1]] == ["test.6@example.com"]


def test_crash_after_first_batch_resumes_from_its_cursor(imap, make_channel):
    for n in range(1, 6):
        imap.append("INBOX", mail(n))
    polled = make_channel(batch_size=4).poll(None)
    first = next(polled)  # stored; then the process dies before the next batch
    polled.close()
    rest = drain(make_channel(batch_size=4), first.cursor)[1]
    ids = [m.external_id for m in first.messages + rest]
    assert len(ids) == DEMO_INBOX + 5 == len(set(ids))


def test_uidvalidity_change_rereads_everything_with_the_same_ids(imap, make_channel):
    client = imap.client()
    client.create_folder("Support")
    for n in range(1, 4):
        client.append("Support", mail(n))
    channel = make_channel(folder="Support")
    _, before, cursor = drain(channel, None)
    assert len(before) == 3

    # A real UIDVALIDITY change: the folder is recreated and refilled, plus one new mail.
    client.delete_folder("Support")
    client.create_folder("Support")
    for n in range(1, 5):
        client.append("Support", mail(n))
    client.logout()
    _batches, after, new_cursor = drain(make_channel(folder="Support"), cursor)
    assert new_cursor["uidvalidity"] != cursor["uidvalidity"]
    assert {m.external_id for m in before} < {m.external_id for m in after}
    assert len(after) == 4  # all re-read; the store's unique (channel, external_id) dedups

    # A cursor from another UIDVALIDITY on an unchanged folder: the same, all again.
    stale = dict(new_cursor, uidvalidity=new_cursor["uidvalidity"] + 1)
    assert [m.external_id for m in drain(channel, stale)[1]] == [m.external_id for m in after]


def test_poll_peeks_and_leaves_mail_unread(imap, make_channel):
    imap.append("INBOX", mail(1))
    drain(make_channel(), None)
    client = imap.client()
    client.select_folder("INBOX", readonly=True)
    uid = client.search(["HEADER", "Message-ID", "<test.1@example.com>"])[0]
    assert b"\\Seen" not in client.get_flags([uid])[uid]
    client.logout()


def test_thirty_megabyte_mail_is_quarantined_with_its_headers(imap, make_channel):
    # pymap advertises APPENDLIMIT=1000000000, so a real 30 MB message fits.
    big = mail(1, subject="Photos of the damage") + b"x" * 76 + b"\r\n"
    big += (b"y" * 76 + b"\r\n") * (30 * 1024 * 1024 // 78)
    imap.append("INBOX", big)
    imap.append("INBOX", mail(2))
    messages = drain(make_channel(), None)[1]
    huge = next(m for m in messages if m.external_id == "test.1@example.com")
    assert huge.quarantine.startswith("too_large: ")
    assert f"> {25 * 1024 * 1024}" in huge.quarantine
    assert huge.text == "" and huge.subject == "Photos of the damage"
    assert huge.raw["headers"]["From"] == "Customer 1 <customer1@example.com>"
    assert huge.author.email == "customer1@example.com"
    assert huge.raw["size"] > 30 * 1024 * 1024
    assert next(m for m in messages if m.external_id == "test.2@example.com").quarantine is None


def test_whole_corpus_through_imap(imap, make_channel):
    files = sorted(CORPUS.glob("*.eml"))
    expected = {}
    client = imap.client()
    for path in files:
        # An MTA delivers CRLF lines; the files on disk use LF.
        raw = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        client.append("INBOX", raw)
        expected[parse_email(raw).external_id] = path.name
    client.logout()
    channel = make_channel(batch_size=7)
    _batches, messages, cursor = drain(channel, None)
    assert len(messages) == DEMO_INBOX + len(files)
    got = {m.external_id: m for m in messages}
    assert len(got) == len(messages)
    # Ids from Message-IDs survive the trip; hashes are of the bytes the server stores
    # (pymap normalises some line endings of the garbage file), so only those differ.
    missing = {name for eid, name in expected.items() if eid not in got}
    assert missing == {"31_garbage.eml"}
    for message in messages:
        assert message.text or message.quarantine, message.external_id
    assert got["many.21@example.com"].raw["recipients"] == 500
    assert got["20261128090002.ABCDEF@mx.butik.example"].raw["headers"]["Return-Path"] == "<>"
    # our shop's contact form (from butik.example, our domain) is the customer's mail
    assert got["form.42.1732960920@butik.example"].author.email == "mette.hansen@example.dk"
    # A full re-read (UIDVALIDITY reset) gives exactly the same ids, hashes included.
    stale = dict(cursor, uidvalidity=cursor["uidvalidity"] + 1)
    assert [m.external_id for m in drain(channel, stale)[1]] == list(got)


def test_processed_folder_gets_the_handled_mail(imap, make_channel):
    client = imap.client()
    client.create_folder("Processed")
    client.logout()
    for n in range(1, 4):
        imap.append("INBOX", mail(n))
    channel = make_channel(processed_folder="Processed", batch_size=2)
    _batches, messages, cursor = drain(channel, None)
    assert len(messages) == DEMO_INBOX + 3
    client = imap.client()
    assert client.select_folder("INBOX")[b"EXISTS"] == 0
    assert client.select_folder("Processed")[b"EXISTS"] == DEMO_INBOX + 3
    client.logout()
    assert drain(channel, cursor)[1] == []


def test_idle_wait_wakes_on_new_mail(imap, make_channel):
    channel = make_channel()
    assert channel.idle_wait(0.5) is False
    timer = threading.Timer(0.5, imap.append, args=("INBOX", mail(1)))
    timer.start()
    started = time.monotonic()
    try:
        assert channel.idle_wait(10) is True
    finally:
        timer.join()
    assert time.monotonic() - started < 5
    assert [m.external_id for m in drain(channel, None)[1]][-1] == "test.1@example.com"


def test_imap_bad_password_is_auth_failed_without_the_password(make_channel, caplog):
    caplog.set_level(logging.DEBUG)
    channel = make_channel(password="imap-Wrong-77")
    with pytest.raises(AuthFailed) as err:
        list(channel.poll(None))
    assert "demouser@127.0.0.1" in str(err.value)
    assert "imap-Wrong-77" not in str(err.value) and "imap-Wrong-77" not in caplog.text


def test_unreachable_servers_are_transient(make_channel):
    closed = free_port()
    with pytest.raises(Transient):
        list(make_channel(imap_port=closed).poll(None))
    with pytest.raises(Transient):
        make_channel(smtp_port=closed).send(reply())


# ---- SMTP ----------------------------------------------------------------------------

LONG_IDS = [f"CAF{n:02d}{'x' * 70}@mail.gmail.com" for n in range(14)]


def reply(key: str = "case-7:ack:1", **overrides) -> Outgoing:
    args = dict(
        key=key, channel="email", action="send", recipient="Mette.Hansen@example.dk",
        subject="Min pakke er ikke kommet", body="Hej Mette\n\nVi undersøger sagen.",
        target="20261120094107.1234@mail.example.dk",
        headers={"In-Reply-To": "<20261120094107.1234@mail.example.dk>",
                 "References": "<root.0@mail.example.dk>"},
    )
    args.update(overrides)
    return Outgoing(**args)


def test_send_threads_the_reply(smtp, make_channel):
    out = reply(html="<p>Hej Mette</p><p>Vi undersøger sagen.</p>")
    message_id = make_channel().send(out)
    assert message_id == message_id_for(out.key, "butik.example").strip("<>")
    [got] = smtp.messages
    assert got.rcpt_tos == ["Mette.Hansen@example.dk"]
    assert got.mail_from == "kundeservice@butik.example" and got.login == SMTP_USER
    msg = got.message
    assert msg["Message-ID"] == f"<{message_id}>"
    assert msg["In-Reply-To"] == "<20261120094107.1234@mail.example.dk>"
    assert msg["References"] == "<root.0@mail.example.dk> <20261120094107.1234@mail.example.dk>"
    assert msg["Subject"] == "Re: Min pakke er ikke kommet"
    assert msg["From"] == "Butik Kundeservice <kundeservice@butik.example>"
    assert msg.get_content_type() == "multipart/alternative"
    assert "Vi undersøger sagen." in msg.get_body(("plain",)).get_content()
    assert "<p>Hej Mette</p>" in msg.get_body(("html",)).get_content()
    assert "Auto-Submitted" not in msg


def test_acknowledgment_is_marked_automatic_and_not_re_re(smtp, make_channel):
    out = reply(subject="SV: Re: Min pakke", headers={"Auto-Submitted": "auto-replied"})
    make_channel().send(out)
    msg = smtp.messages[0].message
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["Subject"] == "Re: Min pakke"
    assert msg["In-Reply-To"] == "<20261120094107.1234@mail.example.dk>"  # from out.target


def test_long_references_are_never_encoded(smtp, make_channel):
    refs = " ".join(f"<{i}>" for i in LONG_IDS[:-1])
    out = reply(target=LONG_IDS[-1], headers={"In-Reply-To": f"<{LONG_IDS[-1]}>",
                                              "References": refs})
    make_channel().send(out)
    raw = smtp.messages[0].raw
    assert b"=?utf-8?" not in raw.lower()
    header_block = raw.split(b"\r\n\r\n", 1)[0].decode()
    references = next(line for line in header_block.split("\r\n")
                      if line.startswith("References: "))
    ids = references.removeprefix("References: ").split(" ")
    assert ids[0] == f"<{LONG_IDS[0]}>" and ids[-1] == f"<{LONG_IDS[-1]}>"  # root + parent
    assert 2 <= len(ids) <= 10 and len(references) < 998
    assert f"In-Reply-To: <{LONG_IDS[-1]}>\r\n" in header_block


def test_smtp_bad_login_is_auth_failed_naming_the_user_only(smtp, make_channel, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthFailed) as err:
        make_channel(smtp_password="smtp-Wrong-55").send(reply())
    assert f"{SMTP_USER}@127.0.0.1:{smtp.port}" in str(err.value)
    assert "smtp-Wrong-55" not in str(err.value) and "smtp-Wrong-55" not in caplog.text
    assert SMTP_PASSWORD not in caplog.text
    assert smtp.messages == []


def test_find_sent_recognises_an_earlier_send_after_a_restart(smtp, imap, make_channel):
    out = reply(key="case-9:status:2026-11-20")
    assert make_channel().find_sent(out) is None
    sent_id = make_channel().send(out)
    # A crash before the outbox recorded it; the restarted dispatcher asks first.
    assert make_channel().find_sent(out) == sent_id
    assert make_channel().find_sent(reply(key="case-9:status:2026-11-21")) is None
    client = imap.client()
    client.select_folder("Sent", readonly=True)
    [uid] = client.search(["HEADER", "Message-ID", f"<{sent_id}>"])
    assert b"\\Seen" in client.get_flags([uid])[uid]
    client.logout()
    assert len(smtp.messages) == 1


def test_rate_limit_per_address(smtp, make_channel):
    channel = make_channel(rate_limit_per_hour=2)
    channel.send(reply(key="k1"))
    channel.send(reply(key="k2", recipient="METTE.hansen@example.dk"))
    with pytest.raises(RecipientRateLimited) as err:
        channel.send(reply(key="k3"))
    assert "mette.hansen@example.dk" in str(err.value) and err.value.retryable
    assert err.value.retry_at is not None
    channel.send(reply(key="k4", recipient="someone.else@example.dk"))
    assert len(smtp.messages) == 3


@pytest.mark.parametrize("address", [
    "support@butik.example", "Kundeservice@Butik.example", "MAILER-DAEMON@mx.example.com",
    "postmaster@example.com", "noreply@shop.example", "no-reply@x.example",
    "no_reply@shop.example", "do_not_reply@x.example", "not-an-address",
])
def test_refuses_own_and_robot_addresses(smtp, make_channel, address):
    with pytest.raises(Unsupported):
        make_channel().send(reply(recipient=address))
    assert smtp.messages == []


def test_refusals_by_the_smtp_server(smtp, make_channel):
    smtp.rcpt_responses["gone@example.dk"] = "550 5.1.1 No such user here"
    smtp.rcpt_responses["busy@example.dk"] = "451 4.3.0 Try again later"
    with pytest.raises(PermissionDenied, match=r"550 5\.1\.1 No such user here"):
        make_channel().send(reply(recipient="gone@example.dk"))
    with pytest.raises(Transient, match="451"):
        make_channel().send(reply(recipient="busy@example.dk"))
    with pytest.raises(Unsupported):
        make_channel().send(reply(action="hide"))


def test_a_server_echoing_the_password_does_not_leak_it(smtp, make_channel):
    smtp.rcpt_responses["echo@example.dk"] = f"550 5.7.1 login {SMTP_PASSWORD} not allowed"
    with pytest.raises(PermissionDenied) as err:
        make_channel().send(reply(recipient="echo@example.dk"))
    assert SMTP_PASSWORD not in str(err.value) and "login *** not allowed" in str(err.value)


def test_missing_folder_is_permission_denied(make_channel):
    with pytest.raises(PermissionDenied, match="'Nope'"):
        list(make_channel(folder="Nope").poll(None))
