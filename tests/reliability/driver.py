"""A worker process for the kill tests: ``python -m tests.reliability.driver MODE``.

MODE is ``ingest`` (poll every channel, store and decide), ``dispatch`` (send what is
due) or ``both``. Settings come from the environment (CARECASE_DATABASE_URL,
CARECASE_CONFIG and the secrets' variables), as for ``carecase``. After its imports it
prints ``ready`` and flushes, so the test can kill it at a random point of real work;
it then repeats its passes (bounded: 200 passes or 30 s) and exits.

``REL_DIE`` makes the process SIGKILL itself at the worst moment, deterministically:
``after_send`` right after a channel accepted a send (before dispatch records it),
``before_sent_copy`` after an e-mail's SMTP submission but before its copy in Sent.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any


def _die(*_: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(channels: dict[str, Any], how: str | None) -> None:
    for ch in channels.values():
        if how == "after_send":
            send = ch.send

            def dying_send(out: Any, send: Any = send) -> Any:
                send(out)
                _die()

            ch.send = dying_send
        elif how == "before_sent_copy" and ch.name == "email":
            ch._append_sent = _die


def main(mode: str) -> None:
    from carecase import dispatch, engine
    from carecase.bootstrap import make_channels, open_app

    with open_app() as app:
        channels = make_channels(app.settings)
        arm(channels, os.environ.get("REL_DIE"))
        print("ready", flush=True)
        deadline = time.monotonic() + 30
        for n in range(200):
            if time.monotonic() > deadline:
                break
            if mode in ("ingest", "both"):
                for name, ch in channels.items():
                    engine.ingest(app.db, app.settings, ch, account=name)
            if mode in ("dispatch", "both"):
                dispatch.dispatch(app.db, app.settings, channels, limit=5,
                                  worker=f"driver-{os.getpid()}-{n}")
        for ch in channels.values():
            ch.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "both")
