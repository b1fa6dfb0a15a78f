"""The dispatch flow: send what is due in the outbox through its channel.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` by ``carecase.dispatch.dispatch``, so any
number of dispatch runs (and workers) can run at once without sending anything twice;
retries and backoff live in the outbox rows, not in Prefect retries.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from carecase.bootstrap import App
from carecase.report import Report
from flows.common import close_quietly, open_channel, publish, run_app, worker_name


@task(cache_policy=NO_CACHE)
def send_due(app: App, *, worker: str, limit: int) -> tuple[Report, list[str]]:
    """Send up to ``limit`` due outbox rows through the enabled channels."""
    from carecase.dispatch import dispatch

    logger = get_run_logger()
    channels, broken = {}, []
    for name in app.settings.channels.enabled():
        try:
            channels[name] = open_channel(app.settings, name)
        except Exception as exc:  # one bad channel must not stop the others' sends
            logger.error("channel %s cannot be opened: %s", name, exc)
            broken.append(f"{name}: {exc}")
    try:
        return dispatch(app.db, app.settings, channels, worker=worker, limit=limit), broken
    finally:
        for channel in channels.values():
            close_quietly(channel)


@flow(name="dispatch", flow_run_name="dispatch", log_prints=True)
def dispatch_flow(limit: int = 200, database_url_block: str | None = None) -> dict[str, int]:
    """Send queued messages (acknowledgments, updates, follow-ups); never one twice.

    Args:
        limit: at most this many outbox rows in this run; the rest wait for the next.
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    with run_app(database_url_block) as app:
        report, broken = send_due(app, worker=worker_name(), limit=limit)
    publish(report)
    if broken:
        raise RuntimeError("channels that could not be opened: " + "; ".join(broken))
    return report.counts


if __name__ == "__main__":
    dispatch_flow()
