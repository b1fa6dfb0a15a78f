"""Prefect overhead: the wall time of one ingest flow run with nothing new.

    python -m bench.prefect_overhead [--runs 5]

On Prefect's temporary local server (no PREFECT_API_URL; PREFECT_HOME in a temporary
folder), against the whole sandbox with nothing to read: ``flows.ingest.ingest_flow()``
(every channel polled, then the dispatch subflow) after one warm-up run (which also
starts the temporary server and reads the sandbox's demo mail), timed ``--runs`` times.
The same work without Prefect (``engine.ingest`` per channel, then ``dispatch``) is
timed too, so the overhead is the difference. Writes results.json "prefect_overhead".
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.common import Timer, fresh_database, save, server, show


def plain_pass(app: Any) -> None:
    from carecase import dispatch, engine
    from carecase.bootstrap import make_channels

    channels = make_channels(app.settings)
    try:
        for name, ch in channels.items():
            engine.ingest(app.db, app.settings, ch, account=name)
        dispatch.dispatch(app.db, app.settings, channels, worker="bench")
    finally:
        for ch in channels.values():
            ch.close()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.pop("PREFECT_API_URL", None)
        os.environ["PREFECT_HOME"] = str(Path(tmp) / "prefect")
        os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
        try:
            from flows.common import use_app
            from flows.ingest import ingest_flow
        except ImportError as exc:
            figures = {"missing": f"flows.ingest is not importable: {exc}"}
            show("Prefect overhead", figures)
            save("prefect_overhead", figures)
            return figures
        from carecase import config
        from carecase.bootstrap import open_app
        from sandbox.run import run_sandbox, write_demo_config

        with server() as srv, fresh_database(srv, "overhead") as url, run_sandbox() as sb:
            path = write_demo_config(Path(tmp) / "carecase.toml", sb)
            settings = config.load(path, env={"CARECASE_DATABASE_URL": url,
                                              "CARECASE_HOME": str(Path(tmp) / "home")})
            with open_app(settings) as app, use_app(app):
                with Timer() as first:
                    ingest_flow()  # starts the temporary server; reads the demo mail
                flow_times, plain_times = [], []
                for _ in range(args.runs):
                    with Timer() as t:
                        counts = ingest_flow()
                    flow_times.append(t.seconds)
                    with Timer() as t:
                        plain_pass(app)
                    plain_times.append(t.seconds)
            flow_s, plain_s = statistics.median(flow_times), statistics.median(plain_times)
            figures = {
                "server": "Prefect temporary local server",
                "first_run_s (incl. server start)": round(first.seconds, 2),
                "ingest_flow_median_s": round(flow_s, 2),
                "ingest_flow_runs_s": [round(x, 2) for x in flow_times],
                "same_work_without_prefect_median_s": round(plain_s, 2),
                "prefect_overhead_s": round(flow_s - plain_s, 2),
                "last_run_counts": counts,
            }
            show("Prefect overhead", figures)
            save("prefect_overhead", figures, url=url)
    return figures


if __name__ == "__main__":
    main()
