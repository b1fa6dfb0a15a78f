"""The ingest flow: poll every enabled channel account, then dispatch.

One task per channel account, run side by side: each polls its account through all its
batches with ``carecase.engine.ingest`` (store, match, decide and move the cursor in one
transaction per batch). Only transient errors are retried, with backoff. A rate-limited
channel is skipped until the reset time it was given (kept in a Prefect Variable, so every
worker sees it) and never holds up the others. Dispatch then runs as a task of the same
run (the dispatch deployment sends on its own schedule as well).

A flow-run process (a served or worker run) starts before the run's scheduled time; it
loads the language models (about a second) in the meantime, not while a customer waits.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.variables import Variable

from carecase.bootstrap import App, channel_names
from carecase.classify import warm_up
from carecase.report import Report
from flows.common import close_quietly, open_channel, publish, run_app, worker_name
from flows.dispatch import send_due

RETRY_DELAYS = [10, 30, 90]
DISPATCH_LIMIT = 200

if os.environ.get("PREFECT__FLOW_RUN_ID"):  # this process was started to run a flow
    threading.Thread(target=warm_up, name="warm-language-models", daemon=True).start()


def only_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry when the channel said the failure is temporary (``exc.retryable``)."""
    from connectors.base import RateLimited

    try:
        state.result()
    except RateLimited:
        return False  # handled in the task: skipped until its reset, not retried now
    except Exception as exc:
        return bool(getattr(exc, "retryable", False))
    return False


def pause_key(channel: str, account: str | None = None) -> str:
    return f"carecase-rate-limited-{channel}" + (f"-{account}" if account else "")


def paused_until(channel: str, account: str | None = None) -> datetime | None:
    """When a rate-limited channel may be polled again (None: now)."""
    value = Variable.get(pause_key(channel, account), default=None)
    until = datetime.fromisoformat(value) if isinstance(value, str) and value else None
    return until if until and until > datetime.now(UTC) else None


@task(cache_policy=NO_CACHE, retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=only_transient, task_run_name="poll-{channel}")
def poll_channel(app: App, channel: str, account: str | None = None) -> Report:
    """Poll one channel account and run the engine on what it returns."""
    from carecase.engine import ingest
    from connectors.base import RateLimited

    logger = get_run_logger()
    until = paused_until(channel, account)
    if until is not None:
        logger.info("%s is rate limited until %s: skipped", channel, until.isoformat())
        report = Report(f"ingest {channel}")
        report.add(f"{channel} skipped (rate limited)")
        return report
    connector = open_channel(app.settings, channel)
    try:
        return ingest(app.db, app.settings, connector, account=account)
    except RateLimited as exc:
        retry_at = exc.retry_at or datetime.now(UTC)
        Variable.set(pause_key(channel, account), retry_at.isoformat(), overwrite=True)
        logger.warning("%s is rate limited until %s: %s", channel, retry_at.isoformat(), exc)
        report = Report(f"ingest {channel}")
        report.add(f"{channel} rate limited")
        return report
    finally:
        close_quietly(connector)


@flow(name="ingest", flow_run_name="ingest", log_prints=True)
def ingest_flow(channel: str | None = None, dispatch: bool = True,
                database_url_block: str | None = None) -> dict[str, int]:
    """Poll every enabled channel (or just ``channel``), store and decide, then dispatch.

    Args:
        channel: poll only this channel (email, facebook, x, trustpilot, google).
        dispatch: send what is due in the outbox afterwards, in this run.
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    broken: list[str] = []
    with run_app(database_url_block) as app:
        names = channel_names(app.settings, channel)
        if not names:  # the run succeeds (dispatch may still have work), but says so
            get_run_logger().warning("no channel is enabled: set enabled = true under "
                                     "[channels.NAME] in carecase.toml")
        futures = [poll_channel.submit(app, name) for name in names]
        report, failed = Report("ingest"), []
        for name, future in zip(names, futures, strict=True):
            future.wait()
            if future.state.is_completed():
                report.merge(future.result())
            else:
                failed.append(name)
                report.add(f"{name} failed")
        if dispatch:  # first: the customers waiting for an answer come before the report
            sent, broken = send_due(app, worker=worker_name(), limit=DISPATCH_LIMIT)
            report.merge(sent)
        publish(report)
    problems = [f"polling failed for: {', '.join(failed)} (see the task runs)"] if failed else []
    if broken:  # after dispatch: one broken channel must not stop sending
        problems.append("channels that could not be opened: " + "; ".join(broken))
    if problems:
        raise RuntimeError("; ".join(problems))
    return report.counts


if __name__ == "__main__":
    ingest_flow()
