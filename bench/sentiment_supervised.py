"""Throughput of the three sentiment scorers on distinct real customer texts, and the supervised fit time.

    python bench/sentiment_supervised.py [--repeats 3] [--data-dir ../shared/data]

Texts: the distinct texts of the 2,718 inbound tweets of ../shared/data/twcs_random5000 (2,716 distinct). Each
scorer scores all of them in one process; texts per second is the median of `--repeats` runs
(`etl.enrich.evaluate_sentiment.throughput`). The supervised scorer is fitted once on the 1,000 training tweets
(tests/fixtures/sentiment/twcs_customer_training_labels.csv) and its fit is timed separately, median of the same
number of runs. Other jobs on the machine move these figures a lot: read them as orders of magnitude.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd

from etl.enrich.evaluate_cs_lexicon import DEFAULT_DATA_DIR, TWCS_CSV, read_twcs_texts
from etl.enrich.evaluate_sentiment import fit_on_training_fixture, throughput


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    texts = read_twcs_texts(args.data_dir / TWCS_CSV)
    fits = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        model = fit_on_training_fixture(texts)
        fits.append(time.perf_counter() - started)
    frame = pd.read_csv(args.data_dir / TWCS_CSV, usecols=["text", "inbound"], dtype={"text": str})
    inbound = frame.loc[frame["inbound"].astype(bool), "text"].astype(str).tolist()
    speeds = throughput(model, inbound, args.repeats)
    print(f"supervised fit on 1,000 tweets: {statistics.median(fits):.2f} s (median of {args.repeats})")
    print(f"{len(set(inbound))} distinct inbound tweets, one process, median of {args.repeats}:")
    for name, speed in speeds.items():
        print(f"  {name:<11} {speed:>9,.0f} texts/s")


if __name__ == "__main__":
    main()
