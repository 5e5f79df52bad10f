"""Message signals of real support tweets: the step's `signals_frame` against one `message_signals` call per message.

    python bench/message_signals.py --repeats 5 --copies 4

The messages: the 5,000 tweets of ../shared/data/twcs_random5000/twcs_small.csv (inbound ones as customer
messages, replies as bot turns so that every rule is tried), repeated `--copies` times in a row, as a day's
export repeats templated and copied texts. In one process, interleaved, `--repeats` times:
- "per message": `message_signals(text, role)` for every message, what the step did before (each rule
  normalising the text again);
- "signals_frame": what the step does now (each distinct (text, role) matched once, its text normalised once).
Both give the same frame (checked). Printed: median seconds, messages/s and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from etl.enrich.message_signals import SIGNAL_COLUMNS, message_signals, signals_frame

TWCS_CSV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "twcs_random5000" / "twcs_small.csv"


def per_message(texts: list[str], roles: list[str]) -> pd.DataFrame:
    return pd.DataFrame([message_signals(t, r) for t, r in zip(texts, roles, strict=True)], columns=SIGNAL_COLUMNS)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args(argv)
    frame = pd.read_csv(TWCS_CSV, usecols=["text", "inbound"], dtype=str, keep_default_na=False)
    texts = frame["text"].tolist() * args.copies
    roles = ["customer" if inbound == "True" else "bot" for inbound in frame["inbound"]] * args.copies
    if not per_message(texts, roles).equals(signals_frame(texts, roles)):
        raise SystemExit("signals_frame differs from message_signals")
    methods: dict[str, Callable[[], object]] = {
        "per message": lambda: per_message(texts, roles),
        "signals_frame": lambda: signals_frame(texts, roles),
    }
    timings: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(args.repeats):
        for name, work in methods.items():
            started = time.perf_counter()
            work()
            timings[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"{len(texts):,} messages ({len(set(zip(texts, roles, strict=True))):,} distinct), {args.repeats} repeats")
    for name, seconds in medians.items():
        print(f"{name:<16} {seconds:>8.3f} s {len(texts) / seconds:>10,.0f} messages/s")
    print(f"ratio per message / signals_frame: {medians['per message'] / medians['signals_frame']:.2f}x")


if __name__ == "__main__":
    main()
