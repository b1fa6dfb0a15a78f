"""Flow tests: Prefect's test harness for the session, the sandbox, and an app on it.

The harness is a temporary Prefect server with its own SQLite database (~14 s to start,
once per session). Each test gets a fresh carecase database (the root conftest's
``database_url``), a fresh sandbox (fakes + pymap + aiosmtpd on free loopback ports) and
an app whose carecase.toml points every channel at it; the flows use that app through
``flows.common.use_app``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before Prefect starts its server: no analytics (and no "database is locked" noise).
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

from carecase import config
from carecase.bootstrap import App
from carecase.store.db import open_database
from sandbox.run import Sandbox, run_sandbox, write_demo_config


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox() as sb:
        yield sb


def make_app(database_url: str, home: Path, sb: Sandbox, monkeypatch: pytest.MonkeyPatch,
             *, approval: bool = False) -> App:
    secrets: dict[str, str] = {}
    path = write_demo_config(home / "carecase.toml", sb, approval=approval, environ=secrets)
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    settings = config.load(path, env={"CARECASE_DATABASE_URL": database_url,
                                      "CARECASE_HOME": str(home)})
    return App(settings, open_database(settings.database_url, settings.home, max_size=6))


@pytest.fixture
def flow_app(prefect_harness: None, database_url: str, tmp_path: Path, sandbox: Sandbox,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    """An app on this test's database and sandbox, in use by the flows."""
    from prefect.variables import Variable

    from flows.common import use_app
    from flows.ingest import pause_key

    for name in config.CHANNEL_NAMES:  # no rate-limit pause left over from another test
        Variable.unset(pause_key(name))
    app = make_app(database_url, tmp_path / "home", sandbox, monkeypatch)
    with app, use_app(app):
        yield app
