"""Stock VADER, the customer-service lexicon and the supervised scorer against people, and how fast each scores.

    python -m etl.enrich.evaluate_sentiment [--data-dir ../shared/data] [--repeats 3]

- The supervised scorer is fitted on tests/fixtures/sentiment/twcs_customer_training_labels.csv (1,000 hand-labelled
  customer tweets, TRAINING_LABELLING.md) and on nothing else.
- Customer tweets: macro-F1 and per-class F1 of the three scorers on all 300 tweets of twcs_customer_labels.csv
  (none of them in the supervised training), and on its 120 `heldout` tweets (the lexicon was tuned on the other 180,
  so only the 120 are unseen by it).
- VADER's tweet ground truth (4,200 tweets, human mean on -4..+4) in three classes: negative below -0.5, positive
  above +0.5, neutral between (MEAN_CUTOFF: a mean within half a scale point of zero is read as neutral).
- Throughput on the distinct texts of the 2,718 inbound tweets: texts per second of each scorer in one process,
  the median of `--repeats` runs (the supervised fit is not timed; the lexicon features are).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.enrich import sentiment_model
from etl.enrich.cs_lexicon import label
from etl.enrich.evaluate_cs_lexicon import (
    DEFAULT_DATA_DIR,
    LABELS_CSV,
    TWCS_CSV,
    VADER_TWEETS,
    adapted_compound,
    f1_per_class,
    macro_f1,
    read_twcs_texts,
    read_vader_tweets,
    stock_compound,
)

TRAINING_CSV = LABELS_CSV.with_name("twcs_customer_training_labels.csv")
MEAN_CUTOFF = 0.5
SCORERS = ("stock", "lexicon", "supervised")
CLASSES = sentiment_model.CLASSES


@dataclass(frozen=True)
class Scores:
    n: int
    macro_f1: dict[str, float]
    per_class: dict[str, dict[str, float]]


def vader_mean_class(mean: float, cutoff: float = MEAN_CUTOFF) -> str:
    """The human mean rating (-4..+4) as a class: negative below -cutoff, positive above +cutoff."""
    if mean < -cutoff:
        return "negative"
    if mean > cutoff:
        return "positive"
    return "neutral"


def fit_on_training_fixture(texts: dict[int, str], path: Path = TRAINING_CSV) -> sentiment_model.SentimentModel:
    """The supervised scorer fitted on the hand-labelled training tweets only."""
    labels = pd.read_csv(path, dtype={"tweet_id": "int64", "label": str})
    return sentiment_model.fit([texts[t] for t in labels["tweet_id"]], labels["label"].tolist())


def predictions(model: sentiment_model.SentimentModel, texts: Sequence[str]) -> dict[str, list[str]]:
    """Each scorer's class of each text."""
    return {
        "stock": [label(c) for c in stock_compound(texts)],
        "lexicon": [label(c) for c in adapted_compound(texts)],
        "supervised": sentiment_model.predict(model, list(texts)),
    }


def scores_of(gold: Sequence[str], predicted: dict[str, list[str]]) -> Scores:
    return Scores(
        n=len(gold),
        macro_f1={name: macro_f1(gold, p) for name, p in predicted.items()},
        per_class={name: {cls: f1_per_class(gold, p, cls) for cls in CLASSES} for name, p in predicted.items()},
    )


def customer_tweet_scores(model: sentiment_model.SentimentModel, texts: dict[int, str],
                          path: Path = LABELS_CSV) -> dict[str, Scores]:
    """Scores on all 300 evaluation tweets and on their 120 `heldout` ones."""
    labels = pd.read_csv(path, dtype={"tweet_id": "int64", "label": str, "split": str})
    out = {}
    for name, chosen in (("all 300", labels), ("heldout 120", labels[labels["split"] == "heldout"])):
        tweets = [texts[t] for t in chosen["tweet_id"]]
        out[name] = scores_of(chosen["label"].tolist(), predictions(model, tweets))
    return out


def vader_tweet_scores(model: sentiment_model.SentimentModel, path: Path) -> Scores:
    means, tweets = read_vader_tweets(path)
    return scores_of([vader_mean_class(m) for m in means], predictions(model, tweets))


def throughput(model: sentiment_model.SentimentModel, texts: Sequence[str], repeats: int) -> dict[str, float]:
    """Texts per second of each scorer on `texts` (made distinct first), median of `repeats` runs, one process."""
    distinct = list(dict.fromkeys(texts))
    runs: dict[str, Callable[[], object]] = {
        "stock": lambda: stock_compound(distinct),
        "lexicon": lambda: adapted_compound(distinct),
        "supervised": lambda: sentiment_model.score(model, distinct),
    }
    out = {}
    for name, run in runs.items():
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
        out[name] = len(distinct) / statistics.median(seconds)
    return out


def _print_scores(title: str, scores: Scores) -> None:
    print(f"{title} (n={scores.n})")
    print(f"  {'scorer':<11} {'macro-F1':>8}   " + "  ".join(f"{cls:>8}" for cls in CLASSES))
    for name in SCORERS:
        per = "  ".join(f"{scores.per_class[name][cls]:>8.3f}" for cls in CLASSES)
        print(f"  {name:<11} {scores.macro_f1[name]:>8.3f}   {per}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    texts = read_twcs_texts(args.data_dir / TWCS_CSV)
    model = fit_on_training_fixture(texts)
    print(f"supervised scorer {sentiment_model.MODEL_CODE_VERSION} fitted on {TRAINING_CSV.name}")
    for name, scores in customer_tweet_scores(model, texts).items():
        _print_scores(f"customer tweets, {name}", scores)
    _print_scores(f"VADER tweets ground truth, human mean cut at ±{MEAN_CUTOFF}",
                  vader_tweet_scores(model, args.data_dir / VADER_TWEETS))
    frame = pd.read_csv(args.data_dir / TWCS_CSV, usecols=["text", "inbound"], dtype={"text": str})
    inbound = frame.loc[frame["inbound"].astype(bool), "text"].astype(str).tolist()
    speeds = throughput(model, inbound, args.repeats)
    print(f"throughput on {len(set(inbound))} distinct inbound tweets, one process, median of {args.repeats}: "
          + ", ".join(f"{name} {speed:,.0f} texts/s" for name, speed in speeds.items()))


if __name__ == "__main__":
    main()
