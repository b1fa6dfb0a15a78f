"""The ingest bench's CPU account (bench.common.CpuMeter): who spent the CPU an import
took, which is what says how fast it could go at all on a machine's cores."""

from __future__ import annotations

import subprocess
import sys
import time

import psycopg

from bench.common import CpuMeter

SPIN = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass"
BACKEND_WORK = "SELECT count(*) FROM generate_series(1, 4000000)"


def _spin(seconds: float) -> None:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def test_the_meter_counts_this_process_its_reaped_child_and_the_database_backend(
        database_url):
    with psycopg.connect(database_url) as conn:  # connected before the meter starts
        conn.execute("SELECT 1")
        with CpuMeter(database_url) as cpu:
            _spin(0.4)
            subprocess.run([sys.executable, "-c", SPIN.format(s=0.4)], check=True)
            conn.execute(BACKEND_WORK)
    s = cpu.seconds
    assert 0.35 <= s["main"] < 5
    assert 0.35 <= s["children"] < 5  # the interpreter's start-up comes on top
    # The server runs on this machine in every test setup here (embedded or CI's).
    assert s["postgres"] is not None and 0.1 <= s["postgres"] < 10
    # the machine's busy time holds them all (counted in clock ticks: a little slack)
    assert s["machine"] >= s["main"] + s["children"] + s["postgres"] - 0.1


def test_the_meter_counts_a_backend_that_connects_while_it_runs_from_nothing(database_url):
    late = None
    try:
        with CpuMeter(database_url) as cpu:
            late = psycopg.connect(database_url)  # as a pool opens one more connection
            late.execute(BACKEND_WORK)
    finally:
        if late is not None:
            late.close()
    assert cpu.seconds["postgres"] is not None and 0.1 <= cpu.seconds["postgres"] < 10
    assert cpu.seconds["main"] < cpu.seconds["postgres"]  # the work was the server's
