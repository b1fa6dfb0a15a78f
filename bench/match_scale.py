"""How fast is matching against a large customer base?

    python bench/match_scale.py [--customers 100000] [--messages 2000]

Builds a Directory of synthetic customers with realistic Nordic/English names (the
common surnames shared by thousands, and their texts' topics read as the engine stores
them), then times traits + blocking_keys + candidates + decide for new messages, half
from known customers under another name form (weeks later, so rarely a merge: the point
is speed and that blocking finds them), half from new people. Prints mean and p95
milliseconds per message; writes bench/results.json key "match_scale". Goal: <= 5 ms a
message (the issue's "time per message"; the mean).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from carecase.identity import Directory, Profile, blocking_keys, decide, read_texts, traits
from carecase.model import Author, Message

sys.path.insert(0, str(Path(__file__).parent / "data"))
from make_merge_eval import FIRST, NICK, SURNAMES, TEXTS
from merge_accuracy import save

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def random_name(r: random.Random) -> tuple[str, str, str]:
    lang = r.choices(list(FIRST), [4, 3, 3, 1])[0]
    first = r.choice(FIRST[lang][r.choice("fm")])
    names, weights = zip(*SURNAMES[lang], strict=True)
    return lang, first, r.choices(names, weights)[0]


def customer(r: random.Random, cid: int) -> Profile:
    lang, first, last = random_name(r)
    local = f"{first}.{last}{r.randint(1, 99)}".lower().replace(" ", "")
    topic = r.choice(list(TEXTS[lang]["topics"].values()))
    last_seen = T0 - timedelta(hours=r.uniform(0, 24 * 60))
    texts = (r.choice(topic).format(courier="PostNord", product="lampan", days=3),)
    # as the engine holds a customer: the texts' topics and channel mentions read when
    # they were stored (batch.profile_of), not again for each message scored against it
    topics, hints = read_texts(texts)
    return Profile(
        customer_id=cid, names=(f"{first} {last}",),
        identities=frozenset({("email", f"{local}@example.com"),
                              ("facebook", str(10**15 + cid))}),
        last_seen=last_seen, texts=texts, text_topics=topics, text_hints=hints)


def message(r: random.Random, known: Profile | None, i: int) -> Message:
    if known:
        first, last = known.names[0].split(" ", 1)
    else:
        _, first, last = random_name(r)
    form = r.choice(["full", "initial", "nick", "handle"])
    name = {"full": f"{first} {last}", "initial": f"{first} {last[0]}.",
            "nick": f"{NICK.get(first, first)} {last}", "handle": first}[form]
    handle = f"{first}{last}".lower() if form == "handle" else None
    channel = "x" if handle else r.choice(["facebook", "google", "trustpilot"])
    return Message(channel, f"m{i}", "Mitt paket har inte kommit, PostNord svarar inte.",
                   T0 + timedelta(minutes=i), Author(id=str(i), name=name, handle=handle))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--messages", type=int, default=2_000)
    args = ap.parse_args()
    r = random.Random(100)
    directory = Directory()
    started = time.perf_counter()
    profiles = [customer(r, cid) for cid in range(1, args.customers + 1)]
    for p in profiles:
        directory.add(p)
    built = time.perf_counter() - started
    # The 100k customers stand for the database's rows, which the engine never holds as
    # Python objects: kept out of the collector's full passes, one of which (0.8 s over
    # them all) otherwise falls on a message and adds 0.4 ms to the mean.
    gc.freeze()
    timings, candidates, actions = [], [], {"merge": 0, "suggest": 0, "new": 0}
    known_found = 0
    for i in range(args.messages):
        known = r.choice(profiles) if i % 2 == 0 else None
        msg = message(r, known, i)
        t = time.perf_counter()
        known_traits = traits(msg)  # once, as the engine's preparing worker does
        found = directory.candidates(blocking_keys(msg, known=known_traits))
        decision = decide(msg, found, name_frequency=directory.name_count,
                          known=known_traits)
        timings.append((time.perf_counter() - t) * 1000)
        candidates.append(len(found))
        actions[decision.action] += 1
        known_found += known is not None and known in found
    timings.sort()
    result = {"customers": args.customers, "messages": args.messages,
              "build_seconds": round(built, 1),
              "mean_ms": round(statistics.fmean(timings), 3),
              "p95_ms": round(timings[int(0.95 * len(timings)) - 1], 3),
              "max_ms": round(timings[-1], 3),
              "mean_candidates": round(statistics.fmean(candidates), 1),
              "known_in_candidates": round(known_found / ((args.messages + 1) // 2), 3),
              **actions}
    print(f"{args.customers} customers indexed in {built:.1f} s; per message: "
          f"mean {result['mean_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms, "
          f"{result['mean_candidates']} candidates on average, known customer among them "
          f"{result['known_in_candidates']:.1%}; {actions}")
    save("match_scale", result)


if __name__ == "__main__":
    main()
