"""The status-updates flow (P7): one update per open case per local day, at 17:00.

Scheduled by cron in the business's time zone (prefect.yaml, serve.py). The work is
``carecase.updates.status_updates``, idempotent per case and local day, so a second run,
a retried run or a run on the day of a daylight-saving change sends nothing twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from carecase.bootstrap import App
from carecase.report import Report
from flows.common import publish, publish_board, run_app
from flows.dispatch import dispatch_flow


@task(cache_policy=NO_CACHE)
def queue_updates(app: App, on: date | None, now: datetime | None) -> Report:
    """Queue today's status update for every open case that is due one."""
    from carecase.updates import status_updates

    return status_updates(app.db, app.settings, on=on, now=now)


@task(cache_policy=NO_CACHE)
def open_case_board(app: App) -> list[dict]:
    """The open-case board: case, customer, channels, status, age, SLA, last update."""
    from carecase.cases import board

    return board(app.db, app.settings)


def run_name() -> str:
    """``status-updates-2026-10-25``, or ``status-updates-today`` for a scheduled run."""
    from prefect.runtime import flow_run

    return f"status-updates-{flow_run.parameters.get('on') or 'today'}"


def scheduled_for() -> datetime:
    """When this run was scheduled, not when it started: a 17:00 run started after
    midnight (no worker was up) is Monday's, whose updates are then too late to send
    (dispatch cancels them), not Tuesday's sent at night with Tuesday's 17:00 run then
    finding them sent. A run started by hand is scheduled when it was asked for."""
    from prefect.runtime import flow_run

    at = flow_run.scheduled_start_time
    return datetime.fromtimestamp(at.timestamp(), UTC)


@flow(name="status-updates", flow_run_name=run_name, log_prints=True)
def status_updates_flow(on: date | None = None, now: datetime | None = None,
                        database_url_block: str | None = None) -> dict[str, int]:
    """Send every open case's customer the day's status update, then publish the board.

    Args:
        on: the local day to run for; today in the business's time zone, the only day
            an update may be for (a missed day's news go with the next update).
        now: the moment to act as (default: when the run was scheduled).
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    with run_app(database_url_block) as app:
        report = queue_updates(app, on, now or scheduled_for())
        publish(report)
        dispatch_flow(database_url_block=database_url_block)
        publish_board(open_case_board(app))
    return report.counts


if __name__ == "__main__":
    status_updates_flow()
