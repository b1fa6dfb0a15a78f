"""The production path of the README: a Prefect server, `prefect deploy --all`, a worker.

Slow (a real server and a worker process, ~40 s), and the proof that prefect.yaml's
deployments register and run as documented.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandbox.mail import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.slow
def test_deploy_all_and_a_worker_runs_a_deployment(tmp_path, database_url):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CARECASE_", "PREFECT_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_API_URL=api,
               PREFECT_SERVER_ANALYTICS_ENABLED="false", CARECASE_HOME=str(tmp_path / "h"))
    procs = []

    def start(*args: str, log: str) -> None:
        out = (tmp_path / log).open("wb")
        procs.append(subprocess.Popen([str(BIN / "prefect"), *args], env=env, cwd=ROOT,
                                      stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True))

    def prefect(*args: str) -> str:
        done = subprocess.run([str(BIN / "prefect"), *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    try:
        start("server", "start", "--host", "127.0.0.1", "--port", str(port), log="server.log")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        prefect("work-pool", "create", "carecase", "--type", "process")
        out = prefect("--no-prompt", "deploy", "--all")
        for name in ("ingest", "dispatch", "status-updates", "sla-watch", "close-case",
                     "rerun-case", "note-case", "open-case"):
            assert f"Deployment '{name}/{name}' successfully created" in out
        subprocess.run([sys.executable, "-c", "import sys; from prefect.blocks.system import "
                        "Secret; Secret(value=sys.argv[1]).save('carecase-database-url')",
                        database_url], env=env, check=True, timeout=60)
        start("worker", "start", "--pool", "carecase", log="worker.log")
        started = prefect("deployment", "run", "sla-watch/sla-watch")
        # The run this started, by its id: the schedules of prefect.yaml create runs of
        # their own meanwhile (ingest and dispatch every minute), and "any one run" was
        # sometimes a future scheduled one, never completed within the wait.
        run_id = re.search(r"UUID: ([0-9a-f-]{36})", started)
        assert run_id, started
        state = None
        run_deadline = time.monotonic() + 180  # its own budget: the server's may be spent
        while time.monotonic() < run_deadline:
            try:  # the server shares two cores with the worker's flow run: give it time
                run = httpx.get(f"{api}/flow_runs/{run_id[1]}", timeout=30).json()
            except httpx.HTTPError:
                time.sleep(2)
                continue
            state = run["state_name"]
            if state in ("Completed", "Failed", "Crashed"):
                break
            time.sleep(2)
        assert state == "Completed", (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        for proc in reversed(procs):
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
