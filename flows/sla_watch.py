"""The sla-watch flow (P3): flag open cases past their first-response target.

Every breach is emitted as the Prefect event ``carecase.case.sla-breached`` (resource
``carecase.case.<id>``) so an automation can page someone; the run also publishes the
open-case board under its stable artifact key.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from carecase.bootstrap import App
from carecase.report import Report
from flows.common import publish, publish_board, run_app


@task(cache_policy=NO_CACHE)
def find_breaches(app: App) -> Report:
    """Flag the open cases whose first response is overdue."""
    from carecase.cases import sla_watch

    return sla_watch(app.db, app.settings)


@task(cache_policy=NO_CACHE)
def open_case_board(app: App) -> list[dict]:
    """The open-case board: case, customer, channels, status, age, SLA, last update."""
    from carecase.cases import board

    return board(app.db, app.settings)


@flow(name="sla-watch", flow_run_name="sla-watch", log_prints=True)
def sla_watch_flow(database_url_block: str | None = None) -> dict[str, int]:
    """Flag SLA breaches, emit an event for each, and publish the open-case board.

    Args:
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    with run_app(database_url_block) as app:
        report = find_breaches(app)
        publish(report)
        publish_board(open_case_board(app))
    return report.counts


if __name__ == "__main__":
    sla_watch_flow()
