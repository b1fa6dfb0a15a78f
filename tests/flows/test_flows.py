"""The flows under Prefect's test harness, against the sandbox, pymap/aiosmtpd and PostgreSQL.

One session harness (~14 s); each test its own database and sandbox. The story is the
demo's (sandbox/scenarios/demo.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from carecase import config
from sandbox.scenarios import demo as story

pytestmark = [pytest.mark.prefect, pytest.mark.slow]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SURVEY = ("survey", "enkät", "spørgeskema", "undersøkelse", "rate us", "betygsätt")


def state(fake) -> dict:
    return httpx.get(fake.url + "/_admin/state", timeout=5).json()


def outbox(app, where: str = "true") -> list[dict]:
    with app.db.connection() as conn:
        return conn.execute(f"SELECT * FROM outbox WHERE {where} ORDER BY id").fetchall()


def case_of(app, channel: str, text_start: str) -> int:
    with app.db.connection() as conn:
        row = conn.execute(
            "SELECT case_id FROM messages WHERE channel = %s AND text LIKE %s",
            (channel, text_start + "%")).fetchone()
    assert row and row["case_id"], f"no case for the {channel} message {text_start!r}"
    return row["case_id"]


def sent_counts(sb) -> Counter:
    """Everything the fakes and the SMTP server received from us."""
    fb, x, g, tp = (state(f) for f in (sb.facebook, sb.x, sb.google, sb.trustpilot))
    return Counter({
        "smtp": len(sb.smtp.messages),
        "facebook": sum(len(fb[k]) for k in ("page_replies", "private_replies", "moderation")),
        "x": len(x["replies"]) + len(x["dms_sent"]) + len(x["hidden"]),
        "google": len(g.get("replies", [])),
        "trustpilot": sum(1 for r in tp["reviews"] if r.get("companyReply")),
    })


@pytest.fixture
def played(flow_app, sandbox):
    """The story played into the sandbox and ingested (with its dispatch)."""
    from flows.ingest import ingest_flow

    told = story.play(sandbox)
    ingest_flow()
    return told


def test_demo_story_end_to_end(flow_app, sandbox, played) -> None:
    from carecase.cases import board
    from flows.sla_watch import sla_watch_flow

    anna = case_of(flow_app, "email", "Hej!")
    assert case_of(flow_app, "facebook", "Hur tänker ni") == anna  # one customer, one case
    assert case_of(flow_app, "x", "@carecase_shop tredje dagen") == anna
    acks = outbox(flow_app, f"case_id = {anna} AND status = 'sent'")
    assert {"public_ack", "private_ack"} <= {r["template"] for r in acks}
    assert {r["channel"] for r in acks if r["template"] == "public_ack"} >= {"facebook", "x"}
    assert not sandbox.smtp.to("per.holm@example.se")  # never answer a machine (P16)
    # her e-mail is answered by e-mail, whichever channel's batch was read first
    assert {m["To"] for m in sandbox.smtp.messages} >= {"ola.nordmann@example.no",
                                                       "anna.lindqvist@example.se"}
    with flow_app.db.connection() as conn:  # the billing storm is one incident of all 8
        [billing] = conn.execute("SELECT incident, count(*) AS n FROM cases WHERE incident "
                                 "LIKE 'billing-%' GROUP BY incident").fetchall()
    assert billing["n"] == 8

    fb, x = state(sandbox.facebook), state(sandbox.x)
    assert len(fb["page_replies"]) >= 2 and fb["private_replies"] and x["replies"]
    card = [c for c in fb["comments"] if "4111" in c["message"]]
    assert card and card[0]["is_hidden"]  # house rule (P2): hidden, not deleted
    assert "4111 1111" not in str(outbox(flow_app))  # never repeated anywhere
    thanked = outbox(flow_app, "template = 'thank_you' AND status = 'sent'")
    assert {r["channel"] for r in thanked} == {"google", "trustpilot"}  # P11
    assert state(sandbox.google)["replies"]
    assert not outbox(flow_app, "status = 'failed'")

    assert sla_watch_flow() is not None
    rows = board(flow_app.db, flow_app.settings)
    assert len(rows) >= 5 and any(r["case"] == anna for r in rows)


def test_ingest_retries_nothing_but_skips_a_rate_limited_channel(flow_app, sandbox) -> None:
    from prefect.variables import Variable

    from flows.ingest import ingest_flow, pause_key

    story.play(sandbox)
    httpx.post(sandbox.x.url + "/_admin/faults", json={"endpoint": "*", "mode": "429",
                                                        "count": 1000})
    ingest_flow(dispatch=False)  # the others are ingested; X waits for its reset
    assert case_of(flow_app, "email", "Hej!")
    assert Variable.get(pause_key("x"))
    calls = state(sandbox.x)["calls"]
    ingest_flow(dispatch=False)
    assert state(sandbox.x)["calls"] == calls  # skipped until retry_at: not even asked


def test_ingest_of_one_channel_refuses_an_unknown_or_disabled_one(flow_app, sandbox,
                                                                    monkeypatch, caplog) -> None:
    from carecase.errors import InputError
    from flows.ingest import ingest_flow

    with pytest.raises(InputError, match="there is no channel 'myspace'"):
        ingest_flow(channel="myspace", dispatch=False)
    channels = flow_app.settings.channels
    off = channels.model_copy(update={"x": channels.x.model_copy(update={"enabled": False})})
    monkeypatch.setattr(flow_app, "settings",
                        flow_app.settings.model_copy(update={"channels": off}))
    with pytest.raises(InputError, match=r"channel 'x' is not enabled: set enabled = true"):
        ingest_flow(channel="x", dispatch=False)
    assert state(sandbox.x)["calls"] == 0  # not polled
    none = channels.model_copy(update={n: getattr(channels, n).model_copy(
        update={"enabled": False}) for n in config.CHANNEL_NAMES})
    monkeypatch.setattr(flow_app, "settings",
                        flow_app.settings.model_copy(update={"channels": none}))
    with caplog.at_level(logging.WARNING):
        assert ingest_flow(dispatch=False) == {}
    assert "no channel is enabled: set enabled = true under [channels.NAME]" in caplog.text


def test_a_17_oclock_run_started_after_midnight_sends_nothing_at_night(
        flow_app, sandbox) -> None:
    from prefect.client.orchestration import get_client
    from prefect.flow_engine import run_flow
    from prefect.states import Scheduled

    from flows.ingest import ingest_flow
    from flows.status_updates import status_updates_flow

    yesterday = datetime.now(STOCKHOLM).date() - timedelta(days=1)
    story.play(sandbox, now=datetime.combine(yesterday, datetime.min.time(), STOCKHOLM)
               + timedelta(hours=9))
    ingest_flow()
    sent = len(sandbox.smtp.messages)
    # yesterday's 17:00 run, started only now: a flow run scheduled then, run here
    at_five = datetime.combine(yesterday, flow_app.settings.care.status_update_time, STOCKHOLM)
    with get_client(sync_client=True) as client:
        late_run = client.create_flow_run(status_updates_flow,
                                          state=Scheduled(scheduled_time=at_five))
    assert run_flow(status_updates_flow, flow_run=late_run)["queued"] >= 1  # yesterday's
    late = outbox(flow_app, "template = 'status_update'")
    assert late and {r["key"][-10:] for r in late} == {yesterday.isoformat()}
    assert {r["status"] for r in late} == {"cancelled"}  # ... too late to send
    assert len(sandbox.smtp.messages) == sent
    assert status_updates_flow()["queued"] == len(late)  # today's run is not taken by it


def test_status_updates_once_per_case_per_local_day_across_dst(flow_app, sandbox) -> None:
    from flows.ingest import ingest_flow
    from flows.status_updates import status_updates_flow

    story.play(sandbox, now=datetime(2026, 10, 23, 9, 0, tzinfo=UTC))
    ingest_flow()
    # 24 Oct is CEST (+2), 25 Oct the change (2 am CEST -> 3 am... back to CET +1), 26 CET
    for day in (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)):
        at_five = datetime.combine(day, flow_app.settings.care.status_update_time,
                                   STOCKHOLM)
        for now in (at_five, at_five + timedelta(minutes=5)):  # a second run that day
            status_updates_flow(on=day, now=now)
        updates = outbox(flow_app, "template = 'status_update'")
        per_case = Counter(row["case_id"] for row in updates)
        assert per_case and set(per_case.values()) == {(day - date(2026, 10, 23)).days}
    # one late-evening run on the 25th in UTC terms is still the 25th locally
    status_updates_flow(on=date(2026, 10, 25),
                        now=datetime(2026, 10, 25, 22, 30, tzinfo=UTC))
    assert set(Counter(r["case_id"] for r in
                       outbox(flow_app, "template = 'status_update'")).values()) == {3}


def test_close_case_sends_the_follow_up_and_public_notes_never_a_survey(
        flow_app, sandbox, played) -> None:
    from flows.close_case import CloseCaseParams, close_case_flow

    anna = case_of(flow_app, "email", "Hej!")
    before = len(sandbox.smtp.to(story.ANNA["email"]))
    close_case_flow(CloseCaseParams(
        case_id=anna, agent="Stéphanie Olsson", fault="third_party",
        happened="SnabbBud levererade utan att ringa innan",
        done="vi har bytt till en kurir som ringer en timme innan",
        gesture="20 % rabatt med koden TACK20"))

    mails = sandbox.smtp.to(story.ANNA["email"])[before:]
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    assert "Stéphanie Olsson" in body and "TACK20" in body
    assert not any(word in body.lower() for word in SURVEY)
    notes = outbox(flow_app, f"case_id = {anna} AND template = 'public_resolution'")
    assert {r["channel"] for r in notes} >= {"facebook", "x"}
    assert all(r["status"] == "sent" for r in notes)
    with flow_app.db.connection() as conn:
        status = conn.execute("SELECT status FROM cases WHERE id = %s", (anna,)).fetchone()
    assert status["status"] == "closed"


def test_close_case_waits_for_approval_and_sends_the_edited_text(
        database_url, tmp_path, sandbox, monkeypatch, prefect_harness) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.flow_runs import resume_flow_run

    from flows.close_case import CloseCaseParams, close_case_flow
    from flows.common import use_app
    from flows.ingest import ingest_flow
    from tests.flows.conftest import make_app

    app = make_app(database_url, tmp_path / "home", sandbox, monkeypatch, approval=True)
    with app, use_app(app):
        story.play(sandbox)
        ingest_flow()
        anna = case_of(app, "email", "Hej!")
        before = len(sandbox.smtp.to(story.ANNA["email"]))
        edited = "Hej Anna! Nu ringer kuriren alltid innan. Hälsningar, Stéphanie"
        result: dict = {}
        runner = threading.Thread(target=lambda: result.update(counts=close_case_flow(
            CloseCaseParams(case_id=anna, agent="Stéphanie", happened="kuriren ringde inte",
                            done="ny kurir"))))
        runner.start()
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                    name=FlowRunFilterName(any_=[f"close-case-{anna}"])),
                    sort=FlowRunSort.START_TIME_DESC, limit=5)
                if runs and runs[0].state.is_paused():
                    break
                time.sleep(0.5)
            else:
                pytest.fail("close-case did not pause for approval")
        assert len(sandbox.smtp.to(story.ANNA["email"])) == before  # nothing sent yet
        resume_flow_run(runs[0].id, run_input={"approve": True, "text": edited})
        runner.join(60)
        assert "counts" in result
        mails = sandbox.smtp.to(story.ANNA["email"])[before:]
        assert len(mails) == 1 and edited in mails[0].get_body(("plain",)).get_content()


def test_rerun_does_not_resend(flow_app, sandbox, played) -> None:
    from flows.rerun_case import rerun_case_flow

    anna = case_of(flow_app, "email", "Hej!")
    sent = sent_counts(sandbox)
    rows = len(outbox(flow_app, "status = 'sent'"))
    assert rerun_case_flow(anna) is not None
    assert sent_counts(sandbox) == sent
    assert len(outbox(flow_app, "status = 'sent'")) == rows


def test_an_agent_opens_a_case_for_a_comment_carecase_left_unanswered(flow_app, sandbox,
                                                                      played) -> None:
    from flows.ingest import ingest_flow
    from flows.open_case import OpenParams, open_case_flow

    [comment] = [c for c in played.posted["facebook"] if c.get("message") == story.SARCASM]
    with flow_app.db.connection() as conn:
        assert conn.execute("SELECT case_id FROM messages WHERE external_id = %s",
                            (comment["id"],)).fetchone() == {"case_id": None}

    def replies() -> list[dict]:
        fb = state(sandbox.facebook)
        ours = set(fb["page_replies"])
        return [c for c in fb["comments"] if c["id"] in ours and c["parent_id"] == comment["id"]]

    assert replies() == []
    sent = sent_counts(sandbox)
    counts = open_case_flow(OpenParams(message=f"facebook:{comment['id']}", agent="Lisa"))
    assert counts["cases_opened"] == 1
    assert len(replies()) == 1 and "Lisa" in replies()[0]["message"]
    assert [r["comment_id"] for r in state(sandbox.facebook)["private_replies"]
            ].count(comment["id"]) == 1  # the private acknowledgment, by Messenger
    # and once: a second dispatch, or the ingest that follows, sends nothing more
    ingest_flow()
    assert len(replies()) == 1
    assert sent_counts(sandbox)["facebook"] == sent["facebook"] + 2


def test_two_dispatch_runs_at_once_send_each_message_once(flow_app, sandbox) -> None:
    from flows.dispatch import dispatch_flow
    from flows.ingest import ingest_flow

    story.play(sandbox)
    ingest_flow(dispatch=False)
    queued = outbox(flow_app, "status = 'queued'")
    assert len(queued) > 5
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(dispatch_flow(limit=1000)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 2
    rows = outbox(flow_app, f"id <= {queued[-1]['id']}")
    assert all(r["status"] == "sent" for r in rows if r["action"] != "hide")
    ids = [r["external_id"] for r in rows if r["external_id"]]
    assert len(ids) == len(set(ids))
    msg_ids = [m["Message-ID"] for m in sandbox.smtp.messages]
    assert len(msg_ids) == len(set(msg_ids))
    assert len(sandbox.smtp.messages) == sum(1 for r in rows if r["channel"] == "email")


def test_note_case_goes_into_the_next_status_update(flow_app, sandbox, played) -> None:
    from flows.note_case import NoteParams, note_case_flow
    from flows.status_updates import status_updates_flow

    anna = case_of(flow_app, "email", "Hej!")
    note_case_flow(NoteParams(case_id=anna, text="Kuriren har lovat att ringa i morgon.",
                              for_customer=True, author="Stéphanie"))
    status_updates_flow()
    update = outbox(flow_app, f"case_id = {anna} AND template = 'status_update'")
    assert update and "Kuriren har lovat" in update[-1]["body"]
