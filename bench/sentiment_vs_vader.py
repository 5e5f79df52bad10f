"""cxpulse's sentiment scoring of customer texts against stock VADER, on distinct real support tweets.

    python bench/sentiment_vs_vader.py --repeats 5

The texts: the inbound (customer) tweets of ../shared/data/twcs_random5000/twcs_small.csv, deduplicated
(their count is printed). In one process, interleaved, `--repeats` times:
- "stock VADER": one `SentimentIntensityAnalyzer` (created once, before the repeats) and
  `polarity_scores(text)` over every text in a plain loop; the yardstick;
- "cxpulse": `etl.enrich.sentiment.score_customer_texts`, the function the enrichment step scores customer
  messages with; it gives both the stock VADER scores and the customer-service layer's score of each text.
  Its analyzers are built by one warm-up call before the repeats (as the yardstick's is); a process pool,
  when the function starts one, is started inside the timed call, as the step does;
- "PII masking": `etl.pii.masking.mask_pii` over the same texts (what ingest spends on them before
  enrichment reads the masked text); shown for scale, not part of the ratio.
Printed: the median seconds and texts/s of each, and the ratio stock VADER seconds / cxpulse seconds (above 1:
cxpulse is faster).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from etl.enrich.sentiment import score_customer_texts
from etl.pii.masking import mask_pii

TWCS_CSV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "twcs_random5000" / "twcs_small.csv"


def distinct_customer_tweets(path: Path = TWCS_CSV) -> list[str]:
    """The inbound tweets' texts, each distinct text once, in file order."""
    frame = pd.read_csv(path, usecols=["text", "inbound"], dtype=str, keep_default_na=False)
    return list(dict.fromkeys(frame.loc[frame["inbound"] == "True", "text"]))


def seconds_of(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    texts = distinct_customer_tweets()
    analyzer = SentimentIntensityAnalyzer()
    score_customer_texts(texts[:10])
    methods: dict[str, Callable[[], object]] = {
        "stock VADER, 1 process": lambda: [analyzer.polarity_scores(text) for text in texts],
        "cxpulse score_customer_texts": lambda: score_customer_texts(texts),
        "  same, 2-process pool forced": lambda: score_customer_texts(texts, processes=2, parallel_from_texts=0),
        "PII masking (mask_pii)": lambda: [mask_pii(text) for text in texts],
    }
    timings: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(args.repeats):
        for name, work in methods.items():
            timings[name].append(seconds_of(work))
    print(f"{len(texts):,} distinct customer tweets (twcs_random5000 inbound), {args.repeats} repeats, medians")
    print(f"{'method':<32} {'seconds':>8} {'texts/s':>9}")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, seconds in medians.items():
        print(f"{name:<32} {seconds:>8.3f} {len(texts) / seconds:>9,.0f}")
    ratio = medians["stock VADER, 1 process"] / medians["cxpulse score_customer_texts"]
    print(f"ratio stock VADER seconds / cxpulse seconds: {ratio:.2f}x")


if __name__ == "__main__":
    main()
