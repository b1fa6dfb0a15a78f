"""The rerun-case flow: re-classify and re-match one case, re-queue what failed.

``carecase.rerun.rerun_case`` applies the current rules and templates to the case's
messages and re-queues failed sends only; what was sent stays sent (the outbox's
idempotency keys), so the dispatch that follows sends nothing twice.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from carecase.bootstrap import App
from carecase.report import Report
from flows.common import publish, run_app
from flows.dispatch import dispatch_flow


@task(cache_policy=NO_CACHE)
def rerun(app: App, case_id: int) -> Report:
    """Re-run the engine over one case's messages."""
    from carecase.rerun import rerun_case

    return rerun_case(app.db, app.settings, case_id)


@flow(name="rerun-case", flow_run_name="rerun-case-{case_id}", log_prints=True)
def rerun_case_flow(case_id: int, database_url_block: str | None = None) -> dict[str, int]:
    """Re-classify and re-match a case's messages with the current rules; re-queue failures.

    Args:
        case_id: the case to re-run (as shown on the open-case board).
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    with run_app(database_url_block) as app:
        report = rerun(app, case_id)
        publish(report)
        dispatch_flow(database_url_block=database_url_block)
    return report.counts


if __name__ == "__main__":
    import sys

    rerun_case_flow(int(sys.argv[1]))
