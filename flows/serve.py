"""Serve every deployment from one process: the single-machine way (``carecase serve``).

The same deployments and schedules as prefect.yaml, except that the status-update time,
its weekdays-only option, the time zone and the ingest interval come from the settings
(``care`` and ``business``), so changing carecase.toml moves the 17:00 run. No work pool
or worker is needed; SIGTERM/Ctrl-C pauses the schedules and stops (Prefect's ``serve``).
"""

from __future__ import annotations

from datetime import timedelta

from carecase.config import Settings

DISPATCH_EVERY = timedelta(minutes=1)
SLA_WATCH_EVERY = timedelta(minutes=5)
# Start a scheduled run's process this long before its time: starting Python, Prefect
# and the language models takes a few seconds, which would otherwise come after the
# scheduled time, while a customer waits for the acknowledgment (Prefect's default is 10
# s, with a poll every 10 s, so a run was often found only just before its time).
PREFETCH_SECONDS = 30


def ingest_every(settings: Settings) -> timedelta:
    """How often ingest runs: ``care.ingest_every_seconds`` (a minute by default)."""
    return timedelta(seconds=settings.care.ingest_every_seconds)


def prefetch_seconds(settings: Settings) -> int:
    """``PREFETCH_SECONDS``, but at most half the ingest interval: a run's process (with
    its language models, about 200 MB) then starts half an interval after the run before
    it began, which has ended by then unless it had much to do, rather than beside it."""
    return min(PREFETCH_SECONDS, settings.care.ingest_every_seconds // 2)


def status_update_cron(settings: Settings) -> str:
    """``0 17 * * *`` from care.status_update_time (``1-5`` with weekdays_only)."""
    at = settings.care.status_update_time
    days = "1-5" if settings.care.weekdays_only else "*"
    return f"{at.minute} {at.hour} * * {days}"


def deployments(settings: Settings) -> list:
    """The RunnerDeployments of all flows, with their schedules."""
    from prefect.schedules import Cron, Interval

    from flows.close_case import close_case_flow
    from flows.dispatch import dispatch_flow
    from flows.ingest import ingest_flow
    from flows.note_case import note_case_flow
    from flows.open_case import open_case_flow
    from flows.rerun_case import rerun_case_flow
    from flows.sla_watch import sla_watch_flow
    from flows.status_updates import status_updates_flow

    tz = settings.business.timezone
    return [
        ingest_flow.to_deployment("ingest", schedules=[Interval(ingest_every(settings))],
                                  concurrency_limit=1),
        dispatch_flow.to_deployment("dispatch", schedules=[Interval(DISPATCH_EVERY)]),
        status_updates_flow.to_deployment(
            "status-updates", schedules=[Cron(status_update_cron(settings), timezone=tz)]),
        sla_watch_flow.to_deployment("sla-watch", schedules=[Interval(SLA_WATCH_EVERY)]),
        close_case_flow.to_deployment("close-case"),
        rerun_case_flow.to_deployment("rerun-case"),
        note_case_flow.to_deployment("note-case"),
        open_case_flow.to_deployment("open-case"),
    ]


def require_server() -> None:
    """Refuse to serve without a Prefect server to schedule the runs: with no
    PREFECT_API_URL, Prefect starts a temporary one whose services never schedule a
    run, so nothing would ever run (and Ctrl-C would then hang on it)."""
    from prefect.settings import get_current_settings

    from carecase.errors import InputError

    if not get_current_settings().api.url:
        raise InputError(
            "carecase serve needs a Prefect server to schedule its runs: start one "
            "(`prefect server start`, its UI on http://127.0.0.1:4200) and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api, or point PREFECT_API_URL at "
            "yours (`make demo` does all of this for you)")


def serve_all(settings: Settings | None = None, *, limit: int | None = None) -> None:
    """Serve all deployments until SIGINT/SIGTERM (blocks)."""
    from prefect import serve

    from carecase import config

    require_server()
    settings = settings or config.load()
    serve(*deployments(settings), limit=limit, prefetch_seconds=prefetch_seconds(settings))


if __name__ == "__main__":
    serve_all()
