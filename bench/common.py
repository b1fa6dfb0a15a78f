"""What every benchmark shares: a database to run on, seeded realistic messages, results.

Database: with ``CARECASE_DATABASE_URL`` set, each bench creates a database of its own on
that server (and drops it after); without it, a private embedded PostgreSQL (pgserver)
is started in a temporary folder. Either way the bench runs on a fresh, migrated database.

Messages: ``generate(n, seed)`` yields import-shaped dicts (design.md "Message import")
for people writing in Swedish, Danish, Norwegian and English on all five channels, with
the names and texts of ``bench/data/make_merge_eval.py``. About 30 % of messages come
from a person who wrote before, usually on another channel, under another name form.

Results: ``save(key, figures)`` read-modify-writes ``bench/results.json`` (one key per
bench) with the machine the figures came from.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
sys.path.insert(0, str(ROOT / "bench" / "data"))
from make_merge_eval import COURIER, DOMAINS, FIRST, SURNAMES, TEXTS  # noqa: E402

sys.path.pop(0)

CHANNELS = ("email", "facebook", "x", "trustpilot", "google")
CHANNEL_WEIGHTS = (30, 30, 15, 15, 10)
LANGS = ("sv", "da", "nb", "en")
LANG_WEIGHTS = (4, 3, 2, 1)
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


# -- machine and results ---------------------------------------------------------------

def machine(url: str | None = None) -> dict[str, Any]:
    """Where the figures came from: cores, CPU, Python, PostgreSQL, date."""
    info: dict[str, Any] = {
        "cores": os.cpu_count(), "python": platform.python_version(),
        "platform": platform.platform(terse=True), "cpu": _cpu_model(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    if url:
        with psycopg.connect(url) as conn:
            info["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
        info["database"] = "CARECASE_DATABASE_URL" if os.environ.get(
            "CARECASE_DATABASE_URL") else "embedded pgserver"
    return info


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def save(key: str, figures: dict[str, Any], *, url: str | None = None,
         path: Path = RESULTS) -> None:
    """Store ``figures`` under ``key`` in results.json, with the machine, keeping the rest."""
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = {**figures, "machine": machine(url)}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def show(title: str, figures: dict[str, Any]) -> None:
    print(f"\n== {title}")
    for k, v in figures.items():
        print(f"  {k:<32} {v}")


# -- databases -------------------------------------------------------------------------

@contextmanager
def server() -> Iterator[str]:
    """A PostgreSQL we may create databases on: CARECASE_DATABASE_URL, else embedded."""
    url = os.environ.get("CARECASE_DATABASE_URL")
    if url:
        yield url
        return
    from carecase.store.db import start_embedded

    with tempfile.TemporaryDirectory(prefix="carecase-bench-") as home:
        url, pg = start_embedded(Path(home))
        try:
            yield url
        finally:
            pg.cleanup()


@contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    """A new, migrated database ``name`` on the server; dropped after."""
    from carecase.store import migrate

    db = f"carecase_bench_{name}_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    url = make_conninfo(server_url, dbname=db)
    try:
        with psycopg.connect(url) as conn:
            migrate.upgrade(conn)
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def settings_for(url: str, home: Path, config: str | None = None, **env: str) -> Any:
    """Settings on database ``url`` (config text written to home/carecase.toml)."""
    from carecase import config as cfg

    home.mkdir(parents=True, exist_ok=True)
    path = home / "carecase.toml"
    path.write_text(config or BENCH_CONFIG, encoding="utf-8")
    return cfg.load(env={"CARECASE_DATABASE_URL": url, "CARECASE_HOME": str(home),
                         "CARECASE_CONFIG": str(path), **env})


BENCH_CONFIG = """\
[business]
name = "Nordhem"
signature = "Nordhem kundtjänst"
email = "care@nordhem.example"
phone = "+46 8 123 45 67"
timezone = "Europe/Stockholm"
language = "sv"

[care]
skip_opened_within_hours = 0

[channels.email]
enabled = true
from_address = "care@nordhem.example"

[channels.facebook]
enabled = true
page_id = "104000000000001"

[channels.x]
enabled = true
user_id = "1500000000000000001"
username = "nordhem"

[channels.trustpilot]
enabled = true

[channels.google]
enabled = true
"""


# -- messages ---------------------------------------------------------------------------

@dataclass
class Person:
    lang: str
    first: str
    last: str
    email: str
    ids: dict[str, str]
    order: str


def _person(r: random.Random, n: int) -> Person:
    lang = r.choices(LANGS, LANG_WEIGHTS)[0]
    first = r.choice(FIRST[lang][r.choice("fm")])
    names, weights = zip(*SURNAMES[lang], strict=True)
    last = r.choices(names, weights)[0]
    local = r.choice([f"{first}.{last}", f"{first}{last}{r.randint(1, 99)}",
                      f"{first[0]}{last}", f"{first}_{r.randint(60, 99)}"])
    local = local.lower().replace(" ", "").replace("ø", "o").replace("å", "a") \
        .replace("ä", "a").replace("ö", "o").replace("æ", "ae")
    email = f"{local}{n}@{r.choice(DOMAINS[lang])}"
    return Person(lang, first, last, email, {}, str(r.randint(100000, 999999)))


def _text(r: random.Random, p: Person, channel: str) -> tuple[str, str | None, int | None]:
    t = TEXTS[p.lang]
    topic = r.choices(list(t["topics"]), [5, 3, 3, 3, 2, 2, 2, 2, 3, 1, 1])[0] \
        if len(t["topics"]) == 11 else r.choice(list(t["topics"]))
    body = r.choice(t["topics"][topic]).format(
        courier=COURIER[p.lang], product=r.choice(t["products"]), days=r.randint(2, 9),
        order=p.order)
    if r.random() < 0.4:
        body += " " + r.choice(t["order"]).format(order=p.order)
    if channel == "email":
        body = f"{r.choice(t['greeting'])}\n\n{body}\n\n{r.choice(t['signoff'])}\n{p.first}"
    rating = None
    if channel in ("trustpilot", "google"):
        rating = 5 if topic == "praise" else r.choice([1, 1, 2, 3])
    subject = t["subject"].get(topic) if channel == "email" else None
    return body, subject, rating


def _quoted(r: random.Random, kb: int) -> str:
    """About ``kb`` KB of quoted history, as a reply quotes the thread below it: distinct
    for every message, so no memo table can share it."""
    lines, size = ["", "-----Original Message-----"], 0
    while size < kb * 1024:
        t = TEXTS[r.choice(list(TEXTS))]
        line = "> " + r.choice(r.choice(list(t["topics"].values()))).format(
            courier="PostNord", product=r.choice(t["products"]), days=r.randint(2, 9),
            order=r.randint(100000, 999999))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def generate(n: int, seed: int = 1, repeat: float = 0.3, quoted_kb: int = 0
             ) -> Iterator[dict[str, Any]]:
    """``n`` import-shaped messages; ``repeat`` of them from people who wrote before.
    ``quoted_kb``: each e-mail also quotes that much of an earlier thread."""
    r = random.Random(seed)
    people: list[Person] = []
    at = START
    for i in range(n):
        at += timedelta(seconds=r.expovariate(1 / 20))
        if people and r.random() < repeat:
            p = r.choice(people[-5000:])  # returning within days, not months
        else:
            p = _person(r, len(people))
            people.append(p)
        channel = r.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        text, subject, rating = _text(r, p, channel)
        if quoted_kb and channel == "email":
            text += "\n" + _quoted(r, quoted_kb)
        yield _shape(r, p, channel, i, at, text, subject, rating)


def _shape(r: random.Random, p: Person, channel: str, i: int, at: datetime, text: str,
           subject: str | None, rating: int | None) -> dict[str, Any]:
    name = r.choice([f"{p.first} {p.last}", f"{p.first} {p.last[0]}.", p.first]) \
        if channel != "email" else f"{p.first} {p.last}"
    author: dict[str, Any] = {"id": None, "name": name, "handle": None, "email": None}
    thread, parent, public = None, None, True
    if channel == "email":
        ext = f"<{i}.{r.getrandbits(32):x}@mail.{p.email.split('@')[1]}>"
        author["email"], thread, public = p.email, ext, False
    elif channel == "facebook":
        author["id"] = p.ids.setdefault("facebook", str(10**15 + r.getrandbits(40)))
        ext = f"104000000000001_{900000 + i}"
        thread, parent = ext, "104000000000001_900000"
    elif channel == "x":
        author["id"] = p.ids.setdefault("x", str(10**17 + r.getrandbits(48)))
        author["handle"] = f"{p.first}{p.last}"[:15].lower()
        ext = str(1_800_000_000_000_000_000 + i)
        thread = ext
        text = "@nordhem " + text
    elif channel == "trustpilot":
        author["id"] = p.ids.setdefault("trustpilot", f"{r.getrandbits(96):024x}")
        ext = f"{r.getrandbits(96):024x}"
    else:
        author["id"] = p.ids.setdefault("google", str(10**20 + r.getrandbits(60)))
        ext = f"AbFvOq{r.getrandbits(120):030x}"
    return {"channel": channel, "external_id": ext, "thread_id": thread, "parent_id": parent,
            "author": author, "text": text, "created_at": at.isoformat(), "public": public,
            "url": None, "rating": rating, "order_ref": None, "subject": subject,
            "raw": {"bench": i}}


def messages(n: int, seed: int = 1) -> list[Any]:
    """``generate`` parsed into ``Message`` objects (what the engine takes)."""
    from carecase.importer import parse

    return [parse(d) for d in generate(n, seed)]


def write_jsonl(path: Path, n: int, seed: int = 1, quoted_kb: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for d in generate(n, seed, quoted_kb=quoted_kb):
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    return path


class CpuMeter:
    """The CPU seconds spent while a block runs, by whom: ``main`` (this process),
    ``children`` (the child processes it reaped meanwhile: an import's preparing worker),
    ``postgres`` (the backends serving ``url``'s database, read from /proc, so only when
    the server runs on this machine), and ``machine`` (every core's busy time, from
    /proc/stat: also autovacuum, the checkpointer and anything else running). Where
    /proc cannot tell, a figure is None.

    On a machine with few cores these say how fast an import could go at all: CPU
    seconds over the number of cores is the shortest wall time that work can take,
    whatever runs in parallel with what."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self.seconds: dict[str, float | None] = {}

    def __enter__(self) -> CpuMeter:
        self._start = _usage()
        self._backends = _backend_cpu(self.url) if self.url else None
        return self

    def __exit__(self, *exc: object) -> None:
        end = _usage()
        self.seconds = {k: None if end[k] is None or self._start[k] is None
                        else round(end[k] - self._start[k], 2) for k in end}
        now = _backend_cpu(self.url) if self.url else None
        before = self._backends
        # a backend that connected meanwhile counts from nothing, one seen at the start
        # from what it had spent by then
        self.seconds["postgres"] = None if now is None or before is None else round(
            sum(spent - before.get(pid, 0.0) for pid, spent in now.items()), 2)


def _usage() -> dict[str, float | None]:
    main, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                           resource.RUSAGE_CHILDREN))
    return {"main": main.ru_utime + main.ru_stime,
            "children": children.ru_utime + children.ru_stime, "machine": _machine_busy()}


def _ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _ticks()  # utime + stime


def _backend_cpu(url: str) -> dict[int, float] | None:
    """CPU seconds so far of each backend connected to url's database (not this query's)."""
    with psycopg.connect(url) as conn:
        pids = [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")]
    spent = {pid: cpu for pid in pids if (cpu := _process_cpu(pid)) is not None}
    return spent if spent or not pids else None  # none readable: another machine's


def _machine_busy() -> float | None:
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = values[:7]
    return (user + nice + system + irq + softirq) / _ticks()


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
