"""How well does identity matching merge the same customer's messages (P14)?

    python bench/merge_accuracy.py [FILE.jsonl ...]   # default: both bench/data sets
    python bench/merge_accuracy.py --seeds 1-6        # + fresh main-pool sets to tune on
    python bench/merge_accuracy.py --seeds 11-30 --holdout-pool   # + both pools, unseen

Runs labelled import-shaped messages in created_at order through Directory + decide
(merge -> that customer; suggest / new -> a new customer), then scores the grouping by
message pairs: precision = pairs put together that belong together / pairs put
together; recall = pairs put together that belong together / pairs that belong
together. Results go to bench/results.json under "merge_accuracy", one entry per file.
``--seeds`` adds sets made by ``make_merge_eval.build(seed, "main")`` (not saved): the
two files are one draw each, so tune on other seeds and keep the holdout for reporting.
``evaluate(lines)`` is the core, so the same figures can be computed from another
assignment (e.g. the database engine's) with ``pair_scores``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from carecase.identity import Directory, Profile, blocking_keys, decide, profile_with
from carecase.model import Author, Message

HERE = Path(__file__).parent
DEFAULT = [HERE / "data" / "merge_eval.jsonl", HERE / "data" / "merge_eval_holdout.jsonl"]
RESULTS = HERE / "results.json"


def to_message(line: Mapping) -> Message:
    """An import-shaped dict (design.md "Message import") as a Message."""
    author = line.get("author") or {}
    return Message(
        channel=line["channel"], external_id=str(line["external_id"]), text=line.get("text") or "",
        created_at=datetime.fromisoformat(line["created_at"]),
        author=Author(**{k: author.get(k) for k in ("id", "name", "handle", "email")}),
        thread_id=line.get("thread_id"), parent_id=line.get("parent_id"),
        public=line.get("public", True), url=line.get("url"), rating=line.get("rating"),
        order_ref=line.get("order_ref"), raw=line.get("raw") or {})


LABEL_KEYS = ("label", "person", "person_id", "true_customer", "customer_label", "truth")


def label_of(line: Mapping) -> object:
    """Who really wrote a labelled line: its "label" (or "person", "person_id", ...)."""
    for key in LABEL_KEYS:
        if line.get(key) is not None:
            return line[key]
    raise ValueError(f"line {line.get('external_id')!r} has no label (one of {LABEL_KEYS})")


def _pairs(counts: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in counts)


def pair_scores(assigned: list, labels: list) -> dict:
    """Pairwise precision/recall of an assignment of messages to customers vs. true labels."""
    together = _pairs(Counter(assigned).values())
    belong = _pairs(Counter(labels).values())
    right = _pairs(Counter(zip(assigned, labels, strict=True)).values())
    return {"precision": round(right / together, 4) if together else 1.0,
            "recall": round(right / belong, 4) if belong else 1.0,
            "pairs_predicted": together, "pairs_true": belong, "pairs_correct": right}


def evaluate(lines: Iterable[Mapping], accept_suggestions: bool = False) -> dict:
    """Match labelled lines in created_at order; return pair scores and counts.

    ``accept_suggestions`` treats every suggestion as confirmed by an agent: the recall
    the team reaches with the review queue, against the matcher's own.
    """
    rows = sorted(lines, key=lambda line: datetime.fromisoformat(line["created_at"]))
    directory, assigned, labels = Directory(), [], []
    actions: Counter[str] = Counter()
    suggested_right = 0
    for line in rows:
        msg = to_message(line)
        found = directory.candidates(blocking_keys(msg))
        decision = decide(msg, found, name_frequency=directory.name_count)
        actions[decision.action] += 1
        if decision.action == "merge" or (accept_suggestions and decision.action == "suggest"):
            profile = directory.get(decision.customer_id)
        else:
            profile = Profile(len(directory) + 1)
            if decision.action == "suggest":  # would an agent have found the right one?
                owner = directory.get(decision.customer_id)
                first = next(i for i, c in enumerate(assigned) if c == owner.customer_id)
                suggested_right += labels[first] == label_of(line)
        directory.add(profile_with(profile, msg))
        assigned.append(profile.customer_id)
        labels.append(label_of(line))
    return {**pair_scores(assigned, labels), "messages": len(rows), "people": len(set(labels)),
            "customers": len(set(assigned)), "merges": actions["merge"],
            "suggestions": actions["suggest"], "suggestions_right": suggested_right}


def save(key: str, value: dict, path: Path = RESULTS) -> None:
    """Read-modify-write one key of the shared results file."""
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _seeds(spec: str) -> list[int]:
    """'1-6' or '3,5,8' as a list of seeds."""
    out: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return out


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="labelled JSONL sets (default: both)")
    ap.add_argument("--seeds", type=_seeds, default=[],
                    help="also fresh main-pool sets for these seeds, e.g. 1-6 (not saved)")
    ap.add_argument("--holdout-pool", action="store_true",
                    help="with --seeds: also a holdout-pool set for each seed (seed + 100)")
    args = ap.parse_args(argv)
    sets = {}
    for path in args.files or DEFAULT:
        with path.open(encoding="utf-8") as fh:
            sets[path.name] = [json.loads(line) for line in fh if line.strip()]
    if args.seeds:
        sys.path.insert(0, str(HERE / "data"))
        from make_merge_eval import build
        sets.update({f"seed {s}": build(s, "main") for s in args.seeds})
        if args.holdout_pool:
            sets.update({f"holdout seed {s + 100}": build(s + 100, "holdout")
                         for s in args.seeds})
    out, totals = {}, Counter()
    for name, lines in sets.items():
        result = evaluate(lines)
        assisted = evaluate(lines, accept_suggestions=True)
        result["with_suggestions_accepted"] = {k: assisted[k] for k in ("precision", "recall")}
        if name.endswith(".jsonl"):
            out[name.removesuffix(".jsonl")] = result
        totals.update({k: result[k] for k in ("pairs_correct", "pairs_predicted",
                                               "pairs_true")})
        print(f"{name}: precision {result['precision']:.4f} recall {result['recall']:.4f} "
              f"| {result['messages']} messages, {result['people']} people, "
              f"{result['customers']} customers, {result['suggestions']} suggestions "
              f"({result['suggestions_right']} right); all suggestions accepted: precision "
              f"{assisted['precision']:.4f} recall {assisted['recall']:.4f}")
    if len(sets) > 2:
        print(f"all {len(sets)} sets, pairs pooled: precision "
              f"{totals['pairs_correct'] / totals['pairs_predicted']:.4f} recall "
              f"{totals['pairs_correct'] / totals['pairs_true']:.4f}")
    save("merge_accuracy", out)


if __name__ == "__main__":
    main(sys.argv[1:])
