"""The PII detectors on the hand-labelled messages, per entity type, and their speed on real support tweets.

    python bench/pii_labelled_set.py [--repeats 5] [--errors]

- tests/fixtures/pii/labelled_messages.jsonl (236 messages the detectors were tuned on) and holdout_messages.jsonl
  (64 written after they were frozen); README.md beside them says how they were written. Per entity type the
  gold spans (support), the spans found, true positives, precision and recall, counted two ways: exact span
  (same start, end and type) and character overlap (same type, at least one character shared).
- Speed: `find_pii` over the distinct texts of ../shared/data/twcs_random5000/twcs_small.csv (real customer and
  brand tweets of 2017) with no known names, then with two known names per text; texts per second in one process
  on one core, the median of --repeats runs, in wall-clock time and in CPU time of the process (the machine is
  shared: CPU time is what one core costs).
- --errors prints every missed and every spurious span.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from etl.pii.masking import find_pii
from etl.pii.scoring import EntityScore, score_by_entity, spans_from_entities

ROOT = Path(__file__).resolve().parents[1]
PII_FIXTURES = ROOT / "tests" / "fixtures" / "pii"
# the set the detectors were tuned on, and the one written after they were frozen
LABELLED_SETS = {"tuning set": PII_FIXTURES / "labelled_messages.jsonl",
                 "holdout set": PII_FIXTURES / "holdout_messages.jsonl"}
TWEETS = ROOT.parent / "shared" / "data" / "twcs_random5000" / "twcs_small.csv"


def read_labelled(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled_scores(messages: Sequence[dict], exact: bool) -> list[EntityScore]:
    pairs = [(spans_from_entities(m["entities"]), find_pii(m["text"], m["known_names"])) for m in messages]
    return score_by_entity(pairs, exact)


def texts_per_second(texts: Sequence[str], known_names: Sequence[str], repeats: int) -> tuple[float, float]:
    """(wall-clock, CPU) texts per second of `find_pii` over `texts`, each the median of `repeats` runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        for text in texts:
            find_pii(text, known_names)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return len(texts) / statistics.median(wall), len(texts) / statistics.median(cpu)


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def print_table(title: str, scores: Sequence[EntityScore]) -> None:
    print(title)
    print(f"  {'entity':<8} {'support':>7} {'found':>6} {'TP':>5} {'precision':>9} {'recall':>7}")
    for s in scores:
        print(f"  {s.entity:<8} {s.support:>7} {s.found:>6} {s.true_positives:>5} {_fmt(s.precision):>9}"
              f" {_fmt(s.recall):>7}")


def print_errors(messages: Sequence[dict]) -> None:
    for m in messages:
        gold = set(spans_from_entities(m["entities"]))
        found = set(find_pii(m["text"], m["known_names"]))
        for span in sorted(gold - found, key=lambda s: s.start):
            print(f"  missed   #{m['id']} {span.entity:<7} {m['text'][span.start:span.end]!r}")
        for span in sorted(found - gold, key=lambda s: s.start):
            print(f"  spurious #{m['id']} {span.entity:<7} {m['text'][span.start:span.end]!r}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    for name, path in LABELLED_SETS.items():
        messages = read_labelled(path)
        print(f"{name}: {path.name}, {len(messages)} messages, {sum(len(m['entities']) for m in messages)} gold spans")
        print_table("exact span match", labelled_scores(messages, exact=True))
        print_table("character-overlap match", labelled_scores(messages, exact=False))
        if args.errors:
            print_errors(messages)
    if not TWEETS.exists():
        print(f"{TWEETS} is absent: no speed figure")
        return
    texts = list(dict.fromkeys(pd.read_csv(TWEETS, usecols=["text"], dtype=str)["text"].fillna("")))
    for names in ((), ("Olivia Bennett", "Raj Patel")):
        wall, cpu = texts_per_second(texts, names, args.repeats)
        print(f"find_pii on {len(texts):,} distinct real tweets, known names {list(names)}: {wall:,.0f} texts/s"
              f" wall-clock, {cpu:,.0f} texts/s of CPU time (one process, median of {args.repeats})")


if __name__ == "__main__":
    main()
