"""``carecase demo``: the whole story on a fresh machine, watched in the Prefect UI.

Starts, in order: the embedded PostgreSQL (in a demo folder), a Prefect server with its UI
on http://127.0.0.1:4200 (its own SQLite in the demo folder), the sandbox channels with a
local IMAP/SMTP pair, plays the story of ``sandbox/scenarios/demo.py`` (each demo afresh:
the last one's data is removed first), runs ingest and
sla-watch once so the UI has runs, artifacts and the case board at once, then serves all
deployments on their schedules. Ctrl-C or SIGTERM stops everything: the served runs, the
Prefect server, the sandbox, and the embedded database (which is left clean).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

HOST = "127.0.0.1"


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)  # runs every cleanup in run_demo's ExitStack


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) != 0


def start_prefect_server(home: Path, port: int, timeout: float = 90.0) -> subprocess.Popen:
    """``prefect server start`` in its own session; returns once /api/health answers."""
    if not _port_free(HOST, port):
        raise SystemExit(f"port {port} is in use: stop what runs there or pass another port")
    exe = Path(sys.executable).with_name("prefect")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "prefect"]
    log = (home / "prefect-server.log").open("ab")
    proc = subprocess.Popen([*cmd, "server", "start", "--host", HOST, "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    url = f"http://{HOST}:{port}/api/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the Prefect server exited ({proc.returncode}); "
                             f"see {home / 'prefect-server.log'}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_process(proc)
    raise SystemExit(f"the Prefect server did not answer on {url} within {timeout:.0f}s")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def banner(port: int, sb: object, story: object) -> str:
    ui = f"http://{HOST}:{port}"
    urls = "\n".join(f"    {name:<11}{url}" for name, url in sb.urls().items())
    return f"""
carecase demo is running.

  Prefect UI         {ui}
  Flow runs          {ui}/runs            ingest, dispatch, sla-watch (every 1-5 min)
  Case board         {ui}/artifacts       artifact "open-case-board"
  Deployments        {ui}/deployments
    status-updates   "Run > Quick run": today's 17:00 update to every open case, now
    close-case       "Run > Custom run": a form (case id from the board, agent, what
                     happened and was done, fault, gesture): the personal follow-up
    note-case        a note for the customer's next status update
    rerun-case       re-run one case (by id)
    open-case        a form: give a case to the comment the ingest run's artifact
                     names as unanswered (facebook:ID), as a complaint or question

  The story ({len(story.posted.get('email', []))} e-mails, \
{len(story.posted.get('facebook', [])) - 1} Facebook comments, \
{len(story.posted.get('x', []))} X posts, 2 reviews) is in the sandbox:
{urls}
  Sent e-mails are kept by the local SMTP server; each fake shows its state at
  <url>/_admin/state.

Ctrl-C stops everything.
"""


def fresh_home(home: str | Path, port: int) -> Path:
    """The demo's folder, emptied: every demo plays the story anew (the fakes post the
    same comments again, which a kept database would take for ones it has seen). Refused
    while a demo runs, as its Prefect server's port shows, so its database is kept."""
    home = Path(home).resolve()
    if not _port_free(HOST, port):
        raise SystemExit(f"port {port} is in use: is a demo running already? Stop it "
                         "(Ctrl-C) or stop what runs there, then start this one")
    if home.exists():
        print(f"starting afresh: the last demo's data in {home} is removed")
        clean(home)
    home.mkdir(parents=True, exist_ok=True)
    return home


def run_demo(home: str | Path | None = None, *, port: int = 4200) -> None:
    """Run the demo until Ctrl-C / SIGTERM (see the module docstring)."""
    home = fresh_home(home or ".carecase/demo", port)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    os.environ.pop("CARECASE_DATABASE_URL", None)  # the demo uses the embedded database
    os.environ.update({
        "CARECASE_HOME": str(home), "CARECASE_CONFIG": str(home / "carecase.toml"),
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_API_URL": f"http://{HOST}:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # schedule the served runs within seconds, not the default minute
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "10",
        "PREFECT_UI_API_URL": f"http://{HOST}:{port}/api",
    })
    from carecase import config
    from carecase.bootstrap import open_app
    from flows.common import use_app
    from sandbox.run import run_sandbox, write_demo_config
    from sandbox.scenarios import demo as scenario

    with ExitStack() as stack:
        print("starting the sandbox channels and the local IMAP/SMTP servers ...")
        sb = stack.enter_context(run_sandbox(HOST))
        write_demo_config(home / "carecase.toml", sb)
        print(f"starting the embedded PostgreSQL in {home / 'pgdata'} ...")
        app = stack.enter_context(open_app(config.load()))
        print(f"starting the Prefect server on http://{HOST}:{port} (about 15 s) ...")
        server = start_prefect_server(home, port)
        stack.callback(stop_process, server)
        story = scenario.play(sb)
        print(banner(port, sb, story))
        from flows.ingest import ingest_flow
        from flows.serve import serve_all
        from flows.sla_watch import sla_watch_flow

        with use_app(app):  # the first runs in this process, so the UI fills at once
            for first in (ingest_flow, sla_watch_flow):
                try:
                    first()
                except Exception as exc:  # visible in the UI; the demo goes on
                    print(f"{first.name} failed: {exc} (see the run in the UI)")
        print(f"sent so far: {len(sb.smtp.messages)} e-mails; serving the deployments ...")
        serve_all(app.settings)
    print("carecase demo stopped.")


def clean(home: str | Path = ".carecase/demo") -> None:
    """Forget the demo's data (database, Prefect history)."""
    shutil.rmtree(Path(home), ignore_errors=True)


if __name__ == "__main__":
    run_demo()
