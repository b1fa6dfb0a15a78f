"""`carecase sandbox` then `carecase ingest` / `carecase dispatch` from another process,
exactly as the sandbox's printout tells a user to."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import httpx


def test_sandbox_then_ingest_and_dispatch_from_the_shell(tmp_path, database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARECASE_")}
    sandbox = subprocess.Popen([sys.executable, "-m", "carecase.cli", "sandbox"], cwd=tmp_path,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = sandbox.stdout.readline()
            lines.append(line)
            if "Ctrl-C stops it" in line or not line:
                break
        text = "".join(lines)
        assert "Ctrl-C stops it" in text, text
        exports = dict(re.findall(r"export (\w+)=(\S+)", text))
        facebook = re.search(r"facebook\s+(http://\S+)", text)[1]
        page = httpx.get(f"{facebook}/_admin/state").json()["page"]["id"]
        post = httpx.post(f"{facebook}/_admin/posts", json={"message": "Nyheter!"}).json()
        httpx.post(f"{facebook}/_admin/comments", json={
            "post_id": post["id"], "from": {"id": "777", "name": "Eva Lund"},
            "message": "Mitt paket har inte kommit och ingen svarar, vad händer?"})
        shell = {**env, **exports, "CARECASE_DATABASE_URL": database_url,
                 "CARECASE_HOME": str(tmp_path / "home")}

        def carecase(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "carecase.cli", *args], env=shell,
                                  capture_output=True, text=True, timeout=120)

        ingested = carecase("ingest", "--channel", "facebook")
        assert ingested.returncode == 0, ingested.stderr
        sent = carecase("dispatch")
        assert sent.returncode == 0, sent.stderr
        cases = json.loads(carecase("cases", "list", "--json").stdout)
        assert [c["customer"] for c in cases] == ["Eva Lund"]
        state = httpx.get(f"{facebook}/_admin/state").json()
        assert len(state["page_replies"]) == 1 and state["page"]["id"] == page
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)
    assert sandbox.returncode == 0
