"""Whole loops through real servers on loopback: pymap + aiosmtpd, and the API sandboxes.

Customer mail in -> case -> acknowledgment out with correct threading -> the reply in
joins the same case; an auto-reply to our acknowledgment is stored, never answered
(issue 4). A Facebook comment -> public acknowledgment + private reply invitation; the
same customer's invited Trustpilot review lands in the same case (issue 5).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import httpx
import pytest

from carecase import bootstrap, cases, config, dispatch, engine
from sandbox.google import GoogleAPI
from sandbox.graph import GraphAPI
from sandbox.mail import imap_server, smtp_server
from sandbox.trustpilot import TrustpilotAPI

CUSTOMER = "sven.karlsson@example.se"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "mail"


def mail(subject: str, body: str, *, sender: str = CUSTOMER, reply_to_id: str | None = None,
         references: list[str] = (), headers: dict[str, str] | None = None) -> tuple[str, bytes]:
    msg = EmailMessage()
    msg["From"] = f"Sven Karlsson <{sender}>"
    msg["To"] = "care@nordicshoes.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(__import__("datetime").datetime.now().astimezone())
    msg_id = make_msgid(domain="example.se")
    msg["Message-ID"] = msg_id
    if reply_to_id:
        msg["In-Reply-To"] = reply_to_id
        msg["References"] = " ".join([*references, reply_to_id])
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg_id.strip("<>"), bytes(msg)


def cycle(db, settings, channels: dict) -> None:
    """One ingest of every channel, then one dispatch: what the flows do each minute."""
    for name, channel in channels.items():
        engine.ingest(db, settings, channel, account=name)
    dispatch.dispatch(db, settings, channels, worker="t")


def trustpilot_env(tp: TrustpilotAPI, monkeypatch) -> dict[str, str]:
    """The settings (and secrets) of a Trustpilot channel on the sandbox ``tp``."""
    monkeypatch.setenv("T_TP_KEY", tp.api_key)
    monkeypatch.setenv("T_TP_SECRET", tp.api_secret)
    return {"CARECASE_CHANNELS__TRUSTPILOT__ENABLED": "true",
            "CARECASE_CHANNELS__TRUSTPILOT__BASE_URL": tp.url,
            "CARECASE_CHANNELS__TRUSTPILOT__BUSINESS_UNIT_ID": tp.business_unit_id,
            "CARECASE_CHANNELS__TRUSTPILOT__BUSINESS_USER_ID": tp.business_user_id,
            "CARECASE_CHANNELS__TRUSTPILOT__API_KEY_ENV": "T_TP_KEY",
            "CARECASE_CHANNELS__TRUSTPILOT__API_SECRET_ENV": "T_TP_SECRET"}


@pytest.fixture
def mail_settings(settings_env, monkeypatch):
    with imap_server() as imap, smtp_server() as smtp:
        client = imap.client()  # pymap's demo data: start from an empty INBOX
        client.select_folder("INBOX")
        client.delete_messages(client.search(["ALL"]))
        client.expunge()
        client.logout()
        monkeypatch.setenv("TEST_IMAP_PASSWORD", imap.password)
        env = {**settings_env,
               "CARECASE_CHANNELS__EMAIL__ENABLED": "true",
               "CARECASE_CHANNELS__EMAIL__IMAP_HOST": imap.host,
               "CARECASE_CHANNELS__EMAIL__IMAP_PORT": str(imap.port),
               "CARECASE_CHANNELS__EMAIL__IMAP_SSL": "false",
               "CARECASE_CHANNELS__EMAIL__USERNAME": imap.user,
               "CARECASE_CHANNELS__EMAIL__PASSWORD_ENV": "TEST_IMAP_PASSWORD",
               "CARECASE_CHANNELS__EMAIL__SMTP_HOST": smtp.host,
               "CARECASE_CHANNELS__EMAIL__SMTP_PORT": str(smtp.port),
               "CARECASE_CHANNELS__EMAIL__SMTP_SSL": "false"}
        yield config.load(env=env), imap, smtp


def test_mail_loop_threads_and_never_answers_the_auto_reply(mail_settings, db):
    settings, imap, smtp = mail_settings
    channel = bootstrap.make_channel(settings, "email")
    try:
        first_id, raw = mail("Var är mitt paket?", "Hej! Jag beställde skor för två veckor "
                             "sedan och paketet har inte kommit. Vad händer?\n\nSven")
        imap.append("INBOX", raw)
        engine.ingest(db, settings, channel, account="email")
        [case] = [c for c in cases.list_cases(db) if c["customer"] == "Sven Karlsson"]
        report = dispatch.dispatch(db, settings, {"email": channel}, worker="t")
        assert report.counts["sent"] == 1
        [ack] = [m for m in smtp.messages if CUSTOMER in m.rcpt_tos]
        assert ack.message["In-Reply-To"] == f"<{first_id}>"
        assert f"<{first_id}>" in ack.message["References"]
        assert ack.message["Subject"] == "Re: Var är mitt paket?"
        assert ack.message["Auto-Submitted"] == "auto-replied"
        assert ack.message["X-Auto-Response-Suppress"] == "All"
        ack_id = ack.message["Message-ID"]

        # the customer answers our acknowledgment: it joins the same case
        _, reply = mail("Re: Var är mitt paket?", "Tack! Ordernumret är 554433.",
                        reply_to_id=ack_id, references=[f"<{first_id}>"])
        imap.append("INBOX", reply)
        # and their out-of-office answers it too: stored, never answered
        _, ooo = mail("Automatiskt svar: Re: Var är mitt paket?", "Jag är på semester.",
                      reply_to_id=ack_id, headers={"Auto-Submitted": "auto-replied"})
        imap.append("INBOX", ooo)
        engine.ingest(db, settings, channel, account="email")
        shown = cases.show(db, case["id"])
        assert [m["direction"] for m in shown["messages"]].count("in") == 3
        assert [m["machine"] for m in shown["messages"] if m["direction"] == "in"][-1] \
            == "auto_submitted"
        again = dispatch.dispatch(db, settings, {"email": channel}, worker="t")
        assert again.counts.get("sent", 0) == 0  # no reply to the reply, none to the robot
        assert len([m for m in smtp.messages if CUSTOMER in m.rcpt_tos]) == 1

        # polling again (a restart) changes nothing
        before = cases.show(db, case["id"])["messages"]
        restarted = bootstrap.make_channel(settings, "email")
        engine.ingest(db, settings, restarted, account="email")
        restarted.close()
        assert cases.show(db, case["id"])["messages"] == before
    finally:
        channel.close()


def test_facebook_comment_and_trustpilot_review_of_one_customer(settings_env, db,
                                                                monkeypatch):
    with GraphAPI().start() as graph, TrustpilotAPI().start() as tp:
        monkeypatch.setenv("T_FB", "sandbox-facebook-token")
        env = {**settings_env,
               "CARECASE_CHANNELS__FACEBOOK__ENABLED": "true",
               "CARECASE_CHANNELS__FACEBOOK__BASE_URL": graph.url,
               "CARECASE_CHANNELS__FACEBOOK__PAGE_ID": graph.page_id,
               "CARECASE_CHANNELS__FACEBOOK__TOKEN_ENV": "T_FB",
               **trustpilot_env(tp, monkeypatch),
               "CARECASE_CHANNELS__EMAIL__ENABLED": "false"}
        settings = config.load(env=env)
        post = httpx.post(f"{graph.url}/_admin/posts",
                          json={"message": "Vinterns nyheter är här!"}).json()
        comment = httpx.post(f"{graph.url}/_admin/comments", json={
            "post_id": post["id"], "message": "Min beställning 778899 kom aldrig fram och "
            "ingen svarar. Dålig service!", "from": {"id": "5501", "name": "Sofia Berg"}}).json()
        channels = bootstrap.make_channels(settings)
        try:
            cycle(db, settings, channels)
            state = httpx.get(f"{graph.url}/_admin/state").json()
            [reply] = state["page_replies"]
            assert reply["parent_id"] == comment["id"] if "parent_id" in reply else True
            assert len(state["private_replies"]) == 1  # the invitation to continue privately

            httpx.post(f"{tp.url}/_admin/reviews", json={
                "stars": 1, "title": "Aldrig igen", "text": "Paketet kom aldrig, order "
                "778899, och kundtjänst svarar inte.", "consumer": {"id": "tp-c-9",
                "displayName": "Sofia Berg"}, "referenceId": "778899",
                "referralEmail": "sofia.berg@example.se"})
            time.sleep(0.01)
            cycle(db, settings, channels)
        finally:
            for channel in channels.values():
                channel.close()
        [case] = cases.list_cases(db)  # one customer, one case (P14)
        shown = cases.show(db, case["id"])
        assert sorted({m["channel"] for m in shown["messages"] if m["direction"] == "in"}) \
            == ["facebook", "trustpilot"]
        assert {"kind": "email", "value": "sofia.berg@example.se"} in \
            shown["customer"]["identities"]
        tp_state = httpx.get(f"{tp.url}/_admin/state").json()
        assert any(r.get("companyReply") for r in tp_state["reviews"])  # answered there too
        # the Page's own reply came back in the next poll and was not answered
        assert len(httpx.get(f"{graph.url}/_admin/state").json()["page_replies"]) == 1


def test_a_review_edited_to_complain_is_answered_on_the_review(settings_env, db, monkeypatch):
    """Five stars and thanks; a week later the reviewer edits it down to one star. The
    edit opens a case and our acknowledgment replaces the thank-you on the review; the
    next poll finds nothing new (our reply is no edit of theirs)."""
    with GoogleAPI().start() as google:
        monkeypatch.setenv("T_GOOGLE", google.token)
        env = {**settings_env,
               "CARECASE_CHANNELS__GOOGLE__ENABLED": "true",
               "CARECASE_CHANNELS__GOOGLE__BASE_URL": google.url,
               "CARECASE_CHANNELS__GOOGLE__ACCOUNT_ID": google.account_id,
               "CARECASE_CHANNELS__GOOGLE__LOCATION_ID": google.location_id,
               "CARECASE_CHANNELS__GOOGLE__TOKEN_ENV": "T_GOOGLE",
               "CARECASE_CHANNELS__EMAIL__ENABLED": "false"}
        settings = config.load(env=env)
        review = httpx.post(f"{google.url}/_admin/reviews", json={
            "displayName": "Karin Lund", "starRating": 5,
            "comment": "Snabb leverans och fina skor, tack!"}).json()
        channels = bootstrap.make_channels(settings)

        def poll_and_send() -> dict:
            cycle(db, settings, channels)
            return next(r for r in httpx.get(f"{google.url}/_admin/state").json()["reviews"]
                        if r["reviewId"] == review["reviewId"])

        try:
            thanked = poll_and_send()
            assert thanked["reviewReply"]["comment"].startswith("Tack")
            assert cases.list_cases(db) == []
            time.sleep(0.01)
            httpx.post(f"{google.url}/_admin/reviews/{review['reviewId']}", json={
                "starRating": 1, "comment": "Uppdatering: skorna gick sönder efter en vecka "
                "och ingen svarar på mina mejl."})
            answered = poll_and_send()
            [case] = cases.list_cases(db)
            assert "Karin" in answered["reviewReply"]["comment"]
            assert not answered["reviewReply"]["comment"].startswith("Tack så mycket")
            shown = cases.show(db, case["id"])
            assert [m["text"][:12] for m in shown["messages"] if m["direction"] == "in"] == \
                ["Uppdatering:"]
            assert poll_and_send()["reviewReply"] == answered["reviewReply"]
            assert len(cases.show(db, case["id"])["messages"]) == len(shown["messages"])
        finally:
            for channel in channels.values():
                channel.close()


def test_a_trustpilot_review_edited_days_later_is_answered_on_the_review(
        settings_env, db, monkeypatch):
    """A five-star review from two days ago was thanked; newer reviews have come in since.
    The consumer edits it down to one star: the edit scan finds it, a case opens, and our
    acknowledgment replaces the thank-you on the review. The next ingest adds nothing."""
    with TrustpilotAPI().start() as tp:
        env = {**settings_env,
               **trustpilot_env(tp, monkeypatch),
               "CARECASE_CHANNELS__TRUSTPILOT__EDIT_SCAN_MINUTES": "0",
               "CARECASE_CHANNELS__EMAIL__ENABLED": "false"}
        settings = config.load(env=env)
        ago = datetime.now(UTC) - timedelta(days=2)
        review = httpx.post(f"{tp.url}/_admin/reviews", json={
            "stars": 5, "title": "Toppen", "text": "Snabb leverans och fina skor, tack!",
            "consumer": {"id": "tp-c-41", "displayName": "Karin Lund"},
            "createdAt": ago.strftime("%Y-%m-%dT%H:%M:%S.000Z")}).json()
        httpx.post(f"{tp.url}/_admin/reviews", json={
            "stars": 5, "title": "Bra", "text": "Allt kom i tid, tack så mycket!",
            "consumer": {"id": "tp-c-42", "displayName": "Nils Berg"}})
        [channel] = bootstrap.make_channels(settings).values()

        def poll_and_send() -> dict:
            cycle(db, settings, {"trustpilot": channel})
            return next(r for r in httpx.get(f"{tp.url}/_admin/state").json()["reviews"]
                        if r["id"] == review["id"])

        try:
            thanked = poll_and_send()
            assert thanked["companyReply"]["text"].startswith("Tack")
            assert cases.list_cases(db) == []
            # a minute after our reply, as far as the review's times go (an edit seconds after
            # it would be taken for the reply's doing: connectors.trustpilot)
            later = datetime.fromisoformat(thanked["companyReply"]["createdAt"]) \
                + timedelta(minutes=1)
            httpx.post(f"{tp.url}/_admin/reviews/{review['id']}", json={
                "stars": 1, "title": "Uppdatering", "text": "Skorna gick sönder efter en "
                "vecka och ingen svarar på mina mejl.",
                "updatedAt": later.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
            answered = poll_and_send()
            [case] = cases.list_cases(db)
            assert "Karin" in answered["companyReply"]["text"]
            assert answered["companyReply"]["text"] != thanked["companyReply"]["text"]
            shown = cases.show(db, case["id"])
            assert [m["text"][:11] for m in shown["messages"] if m["direction"] == "in"] == \
                ["Uppdatering"]
            assert poll_and_send()["companyReply"] == answered["companyReply"]
            assert len(cases.show(db, case["id"])["messages"]) == len(shown["messages"])
        finally:
            channel.close()


def test_a_bounce_of_our_e_mail_flags_its_case_for_a_working_address(mail_settings, db):
    """The customer's address was mistyped: our acknowledgment bounces. The bounce is a
    machine's (never answered), and it flags the case on the board, so an agent adds a
    working address before the daily update bounces too."""
    settings, imap, smtp = mail_settings
    channel = bootstrap.make_channel(settings, "email")
    try:
        _, raw = mail("Var är mitt paket?", "Paketet har inte kommit. Vad händer?\n\nSven",
                      sender="sven.karlson@example.se")
        imap.append("INBOX", raw)
        engine.ingest(db, settings, channel, account="email")
        dispatch.dispatch(db, settings, {"email": channel}, worker="t")
        [ack] = smtp.messages
        dsn = (CORPUS / "15_bounce_dsn.eml").read_bytes().replace(
            b"<cc.0123456789abcdef0123456789abcdef@butik.example>",
            ack.message["Message-ID"].encode()).replace(
            b"nobody@example.invalid", b"sven.karlson@example.se")
        imap.append("INBOX", dsn)
        report = engine.ingest(db, settings, channel, account="email")
        assert report.counts["bounced"] == 1 and report.counts["machine"] == 1
        [row] = cases.board(db, settings)
        assert row["flagged"] == "bounced"
        [case] = cases.list_cases(db)
        [flag] = [e for e in cases.show(db, case["id"])["events"] if e["kind"] == "flagged"]
        assert "sven.karlson@example.se could not be delivered (550 5.1.1 User unknown)" \
            in flag["detail"]["why"]
        assert dispatch.dispatch(db, settings, {"email": channel}, worker="t").counts.get(
            "sent", 0) == 0  # the bounce itself is never answered
        cases.add_contact(db, case["id"], email="sven.karlsson@example.se")
        assert cases.board(db, settings)[0]["flagged"] == ""  # fixed: off the board
    finally:
        channel.close()
