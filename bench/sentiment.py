"""Throughput of the product's sentiment step against one stock VADER analyzer in a loop.

    python bench/sentiment.py --count 50000 --processes 2 --scale 12000

Three ways of scoring the same messages are timed:
- "stock VADER, 1 process": one analyzer, every text scored in a plain loop (no deduplication); the usual way;
- "score_texts stock, N processes": the pipeline's scoring function alone (deduplication and the process pool);
- "product step, N processes": the enrichment step itself (`etl.enrich.sentiment.score_new_messages`) on a
  DuckDB table of the messages: it reads the unscored messages, scores every message with stock VADER and
  every customer message again with the customer-service layer, each through the pool, and writes both sets
  of rows to core.enr_message_sentiment. It does more work than the loop (two scores per customer message,
  the database reads and writes), which is the point: it is what a pipeline run costs.
Message sets of `--count` messages each:
- demo, natural duplicates: the demo's messages-*.jsonl (`cxpulse generate --format canonical`, generated into a
  temporary folder unless --demo-dir is given), in file order, with their author roles;
- demo, unique: the same with " #<row number>" appended to each text, so no two are equal;
- twcs, unique: the 5,000 real inbound and outbound support tweets of ../shared/data/twcs_random5000 cycled, with
  the row number appended, inbound tweets as customer messages and replies as agent ones (skipped when absent).
Every method's time includes analyzer construction and process start-up.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import orjson
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from etl.enrich.sentiment import STEPS, score_new_messages, score_texts
from etl.warehouse import DuckDBWarehouse

TWCS_CSV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "twcs_random5000" / "twcs_small.csv"
Method = Callable[[pd.DataFrame], object]


def stock_loop(messages: pd.DataFrame) -> list[float]:
    """One analyzer, one process, every text scored (no deduplication)."""
    analyzer = SentimentIntensityAnalyzer()
    return [analyzer.polarity_scores(text)["compound"] for text in messages["message_text"]]


def pooled(processes: int) -> Method:
    def run(messages: pd.DataFrame) -> list[float]:
        return score_texts(messages["message_text"].tolist(), processes=processes)["compound"].tolist()
    return run


def product_step(processes: int, work_dir: Path) -> Method:
    """The enrichment step on a fresh DuckDB file holding the messages (the load is not timed)."""
    def run(messages: pd.DataFrame) -> dict[str, int]:
        path = work_dir / f"bench-{time.monotonic_ns()}.duckdb"
        connection = duckdb.connect(str(path))
        try:
            warehouse = DuckDBWarehouse(connection)
            warehouse.execute("create schema if not exists core")
            for statement in STEPS[0].ddl:
                warehouse.execute(statement)
            connection.register("bench_frame", messages)
            connection.execute("create table core.bench_messages as select * from bench_frame")
            connection.unregister("bench_frame")
            started = time.perf_counter()
            scored = score_new_messages(warehouse, "core.bench_messages", processes=processes)
            run.seconds = time.perf_counter() - started  # type: ignore[attr-defined]
            return scored
        finally:
            connection.close()
            path.unlink(missing_ok=True)
    return run


def frame_of(texts: Sequence[str], roles: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "message_id": [f"M{i:09d}" for i in range(len(texts))],
        "author_role": list(roles),
        "message_text": list(texts),
        "text_hash": [hashlib.md5(t.encode()).hexdigest() for t in texts],
    })


def first_n_cycled(items: Sequence[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    return list(itertools.islice(itertools.cycle(items), count))


def demo_messages(demo_dir: Path) -> list[tuple[str, str]]:
    """(text, author_role) of every demo message, in file order."""
    rows = []
    for path in sorted(demo_dir.glob("messages-*.jsonl")):
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    record = orjson.loads(line)
                    rows.append((str(record["text"]), str(record["author_role"])))
    return rows


def twcs_messages() -> list[tuple[str, str]]:
    if not TWCS_CSV.exists():
        return []
    frame = pd.read_csv(TWCS_CSV, usecols=["text", "inbound"], dtype=str)
    return [(text, "customer" if inbound == "True" else "agent")
            for text, inbound in zip(frame["text"], frame["inbound"], strict=True)]


def generate_demo(out: Path, scale: int) -> None:
    cxpulse = str(Path(sys.executable).with_name("cxpulse"))
    subprocess.run([cxpulse, "generate", "--out", str(out), "--scale", str(scale), "--format", "canonical"],
                   check=True, capture_output=True)


def message_sets(demo: Sequence[tuple[str, str]], twcs: Sequence[tuple[str, str]],
                 count: int) -> dict[str, pd.DataFrame]:
    natural = first_n_cycled(demo, count)
    sets = {
        "demo, natural duplicates": frame_of([t for t, _ in natural], [r for _, r in natural]),
        "demo, unique": frame_of([f"{t} #{i}" for i, (t, _) in enumerate(natural)], [r for _, r in natural]),
    }
    if twcs:
        cycled = first_n_cycled(twcs, count)
        sets["twcs, unique"] = frame_of([f"{t} #{i}" for i, (t, _) in enumerate(cycled)], [r for _, r in cycled])
    return sets


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--demo-dir", type=Path, help="a `cxpulse generate --format canonical` folder")
    parser.add_argument("--scale", type=int, default=12_000, help="demo scale when generating")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        demo_dir = args.demo_dir
        if demo_dir is None:
            demo_dir = Path(tmp) / "demo"
            generate_demo(demo_dir, args.scale)
        demo = demo_messages(demo_dir)
        step = product_step(args.processes, Path(tmp))
        methods: dict[str, Method] = {
            "stock VADER, 1 process": stock_loop,
            f"score_texts stock, {args.processes} proc": pooled(args.processes),
            f"product step, {args.processes} proc": step,
        }
        print(f"{'message set':<26} {'texts':>8} {'distinct':>9} {'customer':>9} {'method':<28} {'seconds':>8} "
              f"{'texts/s':>9}")
        for name, messages in message_sets(demo, twcs_messages(), args.count).items():
            distinct = messages["message_text"].nunique()
            customer = int((messages["author_role"] == "customer").sum())
            for method_name, method in methods.items():
                started = time.perf_counter()
                method(messages)
                seconds = getattr(method, "seconds", None) or time.perf_counter() - started
                print(f"{name:<26} {len(messages):>8,} {distinct:>9,} {customer:>9,} {method_name:<28} "
                      f"{seconds:>8.1f} {len(messages) / seconds:>9,.0f}")


if __name__ == "__main__":
    main()
