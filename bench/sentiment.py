"""Throughput of sentiment scoring: one stock VADER analyzer in a loop against `etl.enrich.sentiment.score_texts`.

    python bench/sentiment.py --count 200000 --processes 2

`score_texts` scores each distinct text once and spreads the distinct texts over a process pool, so it is measured
on three message sets of `--count` texts each:
- demo, natural duplicates: the texts of the demo's messages-*.jsonl (`cxpulse generate --format canonical`,
  generated into a temporary folder unless --demo-dir is given), in file order;
- demo, unique: the same texts with " #<row number>" appended, so no two are equal;
- twcs, unique: the 5,000 real support tweets of ../shared/data/twcs_random5000 cycled, with the row number
  appended (skipped when that file is absent).
Both methods time everything they need, analyzer construction and process start-up included.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from etl.enrich.sentiment import score_texts

TWCS_CSV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "twcs_random5000" / "twcs_small.csv"


def stock_loop(texts: Sequence[str]) -> list[float]:
    """One analyzer, one process, every text scored (no deduplication)."""
    analyzer = SentimentIntensityAnalyzer()
    return [analyzer.polarity_scores(text)["compound"] for text in texts]


def pooled(processes: int) -> Callable[[Sequence[str]], list[float]]:
    def run(texts: Sequence[str]) -> list[float]:
        return score_texts(texts, processes=processes)["compound"].tolist()
    return run


def first_n_cycled(texts: Sequence[str], count: int) -> list[str]:
    return list(itertools.islice(itertools.cycle(texts), count))


def numbered(texts: Sequence[str]) -> list[str]:
    return [f"{text} #{i}" for i, text in enumerate(texts)]


def demo_texts(demo_dir: Path) -> list[str]:
    texts = []
    for path in sorted(demo_dir.glob("messages-*.jsonl")):
        with path.open("rb") as handle:
            texts.extend(str(orjson.loads(line)["text"]) for line in handle if line.strip())
    return texts


def generate_demo(out: Path, scale: int) -> None:
    cxpulse = str(Path(sys.executable).with_name("cxpulse"))
    subprocess.run([cxpulse, "generate", "--out", str(out), "--scale", str(scale), "--format", "canonical"],
                   check=True, capture_output=True)


def timed(method: Callable[[Sequence[str]], list[float]], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    method(texts)
    return time.perf_counter() - start


def message_sets(demo: Sequence[str], twcs: Sequence[str], count: int) -> dict[str, list[str]]:
    sets = {
        "demo, natural duplicates": first_n_cycled(demo, count),
        "demo, unique": numbered(first_n_cycled(demo, count)),
    }
    if twcs:
        sets["twcs, unique"] = numbered(first_n_cycled(twcs, count))
    return sets


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--demo-dir", type=Path, help="a `cxpulse generate --format canonical` folder")
    parser.add_argument("--scale", type=int, default=48_000, help="demo scale when generating")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        demo_dir = args.demo_dir
        if demo_dir is None:
            demo_dir = Path(tmp) / "demo"
            generate_demo(demo_dir, args.scale)
        demo = demo_texts(demo_dir)
    twcs = pd.read_csv(TWCS_CSV, usecols=["text"], dtype=str)["text"].tolist() if TWCS_CSV.exists() else []
    methods = {"stock VADER, 1 process": stock_loop, f"score_texts, {args.processes} processes": pooled(args.processes)}
    print(f"{'message set':<26} {'texts':>8} {'distinct':>9} {'method':<26} {'seconds':>8} {'texts/s':>9}")
    for name, texts in message_sets(demo, twcs, args.count).items():
        distinct = len(set(texts))
        for method_name, method in methods.items():
            seconds = timed(method, texts)
            print(f"{name:<26} {len(texts):>8,} {distinct:>9,} {method_name:<26} {seconds:>8.1f} "
                  f"{len(texts) / seconds:>9,.0f}")


if __name__ == "__main__":
    main()
