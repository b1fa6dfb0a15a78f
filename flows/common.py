"""What every flow shares: the app for a run, channels with their secrets, and publishing.

A flow opens the app (settings + database pool) *inside* its run with ``run_app()``,
never at import time. Subflows in the same process reuse the app their parent opened,
and a test (or the demo) can hand its own open app to the flows with ``use_app(app)``.

Secrets are loaded inside the run: a channel's ``*_block`` reference through Prefect's
``Secret`` block (``block_loader``), the database URL through ``database_url_block``.
Nothing here logs or publishes a secret: reports carry counts, case ids and texts only.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from carecase.bootstrap import App, make_channel, open_app
from carecase.config import Settings
from carecase.errors import ConfigError
from carecase.report import Report

BOARD_KEY = "open-case-board"

_current: App | None = None


def load_secret(name: str) -> str:
    """The value of the Prefect Secret block ``name`` (only inside a run)."""
    from prefect.blocks.system import Secret

    try:
        return Secret.load(name).get()
    except ValueError as exc:  # Prefect's "Unable to find block document named ..."
        raise ConfigError(
            f"the Prefect Secret block {name!r} does not exist: create it in the UI "
            f"(Blocks > Secret) or with `prefect block create secret`"
        ) from exc


block_loader = load_secret


@contextmanager
def use_app(app: App) -> Iterator[App]:
    """Make the flows of this process use ``app`` (tests and the demo)."""
    global _current
    previous, _current = _current, app
    try:
        yield app
    finally:
        _current = previous


@contextmanager
def run_app(database_url_block: str | None = None) -> Iterator[App]:
    """The app for this run: the one in use in this process, else a new one, closed after."""
    if _current is not None:
        yield _current
        return
    from carecase import config

    settings = config.load()
    if database_url_block:
        settings = settings.model_copy(update={"database_url": load_secret(database_url_block)})
    with use_app(open_app(settings)) as app:
        try:
            yield app
        finally:
            app.close()


def open_channel(settings: Settings, name: str) -> Any:
    """The connector for channel ``name``, its secrets loaded now (inside the run)."""
    return make_channel(settings, name, block_loader=block_loader)


def close_quietly(channel: Any) -> None:
    close = getattr(channel, "close", None)
    if close is not None:
        close()


def worker_name() -> str:
    """Who claims outbox rows: host, process and flow run, as dispatch records them."""
    from prefect.runtime import flow_run

    run_id = str(flow_run.id or "local")[:8]
    return f"{socket.gethostname()}:{os.getpid()}:{run_id}"


def artifact_key(name: str) -> str:
    """A valid artifact key (lowercase letters, digits, dashes) from a report's name."""
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "report"


def publish(report: Report, *, key: str | None = None) -> Report:
    """Publish a run's report: a table artifact of its counts, and its events."""
    from prefect.artifacts import create_table_artifact

    rows = report.rows() or [{"what": "nothing to do", "count": 0}]
    details = "\n".join(f"- {line}" for line in report.details[:50])
    more = len(report.details) - 50
    if more > 0:
        details += f"\n- … and {more} more"
    if key is None:  # one stable key per flow, so the UI shows each run's table in turn
        from prefect.runtime import flow_run

        key = artifact_key(f"{flow_run.flow_name or report.name}-report")
    create_table_artifact(
        table=rows,
        key=key,
        description=f"**{report.name}**\n\n{details}" if details else f"**{report.name}**",
    )
    publish_events(report)
    return report


def publish_events(report: Report) -> None:
    """Emit the report's case events as Prefect events (for automations)."""
    from prefect.events import emit_event

    for name, case_id, payload in report.events:
        emit_event(
            event=name,
            resource={"prefect.resource.id": f"carecase.case.{case_id}",
                      "prefect.resource.name": f"case {case_id}"},
            payload=payload,
        )


def publish_board(rows: list[dict[str, Any]]) -> None:
    """The open-case board under its stable key, so the UI shows its history."""
    from prefect.artifacts import create_table_artifact

    table = [{k: _cell(v) for k, v in row.items()} for row in rows]
    create_table_artifact(
        table=table or [{"case": "-", "status": "no open cases"}],
        key=BOARD_KEY,
        description=f"Open cases: {len(rows)}",
    )


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
