"""Stock VADER against the customer-service layer, on hand-labelled customer tweets and VADER's own ground truth.

    python -m etl.enrich.evaluate_cs_lexicon [--data-dir ../shared/data]

Prints macro-F1 (negative / neutral / positive) of stock and adapted scoring on the `tune` and `heldout` splits of
tests/fixtures/sentiment/twcs_customer_labels.csv (texts read from twcs_random5000/twcs_small.csv, which is not
stored in the repo), and the Pearson r of both with the human mean on vader_groundtruth/tweets_GroundTruth.txt.
"""

from __future__ import annotations

import argparse
import csv
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.enrich.cs_lexicon import label
from etl.enrich.sentiment import ADAPTED, ADAPTED_VERSION, ANALYZER_VERSION, STOCK, score_texts

REPO_ROOT = Path(__file__).resolve().parents[2]
LABELS_CSV = REPO_ROOT / "tests" / "fixtures" / "sentiment" / "twcs_customer_labels.csv"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
TWCS_CSV = Path("twcs_random5000") / "twcs_small.csv"
VADER_TWEETS = Path("vader_groundtruth") / "tweets_GroundTruth.txt"
CLASSES = ("negative", "neutral", "positive")
SPLITS = ("tune", "heldout")


@dataclass(frozen=True)
class LabelledText:
    tweet_id: int
    label: str
    split: str
    text: str


def f1_per_class(gold: Sequence[str], predicted: Sequence[str], cls: str) -> float:
    """F1 of one class; 0 when it is undefined (no true positive), as scikit-learn does with zero_division=0."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    true_pos = sum(1 for g, p in zip(gold, predicted, strict=True) if g == cls and p == cls)
    false_pos = sum(1 for g, p in zip(gold, predicted, strict=True) if g != cls and p == cls)
    false_neg = sum(1 for g, p in zip(gold, predicted, strict=True) if g == cls and p != cls)
    if true_pos == 0:
        return 0.0
    return 2 * true_pos / (2 * true_pos + false_pos + false_neg)


def macro_f1(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str] = CLASSES) -> float:
    """Unweighted mean of the per-class F1 over `classes`."""
    return sum(f1_per_class(gold, predicted, cls) for cls in classes) / len(classes)


def read_labels(path: Path = LABELS_CSV) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_twcs_texts(path: Path) -> dict[int, str]:
    frame = pd.read_csv(path, usecols=["tweet_id", "text"], dtype={"tweet_id": "int64", "text": str})
    return dict(zip(frame["tweet_id"], frame["text"], strict=True))


def labelled_texts(labels: list[dict[str, str]], texts: dict[int, str]) -> list[LabelledText]:
    """Each labelled row joined to its tweet text (every label must find its text)."""
    return [LabelledText(int(row["tweet_id"]), row["label"], row["split"], texts[int(row["tweet_id"])])
            for row in labels]


def read_vader_tweets(path: Path) -> tuple[list[float], list[str]]:
    """(human mean ratings, texts) of tweets_GroundTruth.txt: tab-separated ID, mean, text, CRLF line ends."""
    means: list[float] = []
    texts: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if not line:
                continue
            _, mean, text = line.split("\t", 2)
            means.append(float(mean))
            texts.append(text)
    return means, texts


def stock_compound(texts: Sequence[str]) -> list[float]:
    """Stock VADER compound of each text, through the pipeline's own scoring function (one process)."""
    return score_texts(list(texts), processes=1, scorer=STOCK)["compound"].tolist()


def adapted_compound(texts: Sequence[str]) -> list[float]:
    """Customer-service compound of each text, through the pipeline's own scoring function (one process)."""
    return score_texts(list(texts), processes=1, scorer=ADAPTED)["compound"].tolist()


def split_scores(rows: Sequence[LabelledText]) -> dict[str, tuple[int, float, float]]:
    """Per split: (n, stock macro-F1, adapted macro-F1)."""
    out = {}
    for split in SPLITS:
        chosen = [row for row in rows if row.split == split]
        gold = [row.label for row in chosen]
        texts = [row.text for row in chosen]
        stock = [label(c) for c in stock_compound(texts)]
        adapted = [label(c) for c in adapted_compound(texts)]
        out[split] = (len(chosen), macro_f1(gold, stock), macro_f1(gold, adapted))
    return out


def vader_tweets_r(path: Path) -> tuple[int, float, float]:
    """(n, Pearson r of stock VADER with the human mean, r of the adapted scoring)."""
    means, texts = read_vader_tweets(path)
    stock_r = statistics.correlation(stock_compound(texts), means)
    adapted_r = statistics.correlation(adapted_compound(texts), means)
    return len(texts), stock_r, adapted_r


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)
    rows = labelled_texts(read_labels(), read_twcs_texts(args.data_dir / TWCS_CSV))
    print(f"stock: {ANALYZER_VERSION}   adapted: {ADAPTED_VERSION}")
    print(f"{'split':<8} {'n':>4} {'stock macro-F1':>15} {'adapted macro-F1':>17}")
    for split, (n, stock, adapted) in split_scores(rows).items():
        print(f"{split:<8} {n:>4} {stock:>15.3f} {adapted:>17.3f}")
    n, stock_r, adapted_r = vader_tweets_r(args.data_dir / VADER_TWEETS)
    print(f"tweets_GroundTruth (n={n}) Pearson r with the human mean: stock {stock_r:.3f}, adapted {adapted_r:.3f}")


if __name__ == "__main__":
    main()
