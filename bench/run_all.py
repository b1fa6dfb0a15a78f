"""Every benchmark in turn (``make bench``); each writes its key of bench/results.json.

    python -m bench.run_all [--quick] [--only NAME ...]

``--quick`` runs small sizes (a smoke test of the benches, not figures to publish).
A bench that fails is reported and the others still run; the exit status is 1 then.
bench/merge_accuracy.py and bench/match_scale.py run as scripts (they import their
data from bench/data by path), each in a process of its own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _script(name: str, *args: str) -> Callable[[list[str]], None]:
    def run(_: list[str]) -> None:
        subprocess.run([sys.executable, str(HERE / f"{name}.py"), *args], check=True,
                       cwd=HERE.parent, timeout=3600)

    return run


def _module(name: str) -> Callable[[list[str]], None]:
    def run(argv: list[str]) -> None:
        module = __import__(f"bench.{name}", fromlist=["main"])
        module.main(argv)

    return run


BENCHES: dict[str, tuple[Callable[[list[str]], None], list[str], list[str]]] = {
    # name: (runner, arguments for --quick, arguments for a full run)
    "ingest": (_module("ingest"), ["--sizes", "2000"], ["--profile"]),
    "memory": (_module("memory"), ["--lines", "5000"], []),
    "fanout": (_module("fanout"), ["--cases", "1000"], []),
    "dispatch_rate": (_module("dispatch_rate"), ["--facebook", "100", "--email", "30"], []),
    "prefect_overhead": (_module("prefect_overhead"), ["--runs", "2"], []),
    "time_to_ack": (_module("time_to_ack"), ["--posts", "5", "--interval", "2"], []),
    "match_scale": (_script("match_scale"), [], []),
    "merge_accuracy": (_script("merge_accuracy"), [], []),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", nargs="+", choices=sorted(BENCHES))
    args = ap.parse_args(argv)
    failed = []
    for name, (run, quick, full) in BENCHES.items():
        if args.only and name not in args.only:
            continue
        print(f"\n######## {name}", flush=True)
        started = time.perf_counter()
        try:
            run(quick if args.quick else full)
        except (Exception, SystemExit) as exc:
            failed.append(name)
            print(f"{name} FAILED: {exc!r}")
            traceback.print_exc()
        print(f"######## {name}: {time.perf_counter() - started:.0f} s", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    print("\nall benches ran; figures in bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
