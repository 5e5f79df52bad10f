"""How much masking personal data costs the text detectors: sentiment and intent on clear vs masked text.

    python bench/pii_detector_effect.py [--data-dir ../shared/data]

(a) Customer sentiment on the 300 hand-labelled customer tweets (tests/fixtures/sentiment/twcs_customer_labels.csv,
    LABELLING.md) and on their 120 `heldout` ones: macro-F1 of stock VADER, the customer-service lexicon (the
    scorer the customer figures use) and the supervised scorer, on the clear text and on `mask_pii` text. In the
    masked run the supervised scorer is also fitted on masked training tweets, as it would be when the warehouse
    keeps only redacted text.
(b) The intent classifier on BANKING77: fitted on train.csv and scored on test.csv (3,080 queries), clear, and
    masked end to end (fitted on masked train.csv, scored on masked test.csv); accuracy and macro-F1 over the 77
    intents.
Tweets and queries carry no known names (the exports' customer and agent names are not in these data sets), so
masking here is the pattern detectors only; the script prints how many texts masking changed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from sklearn.metrics import f1_score

from etl.enrich import sentiment_model
from etl.enrich.evaluate_cs_lexicon import DEFAULT_DATA_DIR, LABELS_CSV, TWCS_CSV, macro_f1, read_twcs_texts
from etl.enrich.evaluate_sentiment import SCORERS, TRAINING_CSV, predictions
from etl.intents.classifier import fit_intent_model, predict_intents
from etl.pii.masking import mask_pii


def masked_all(texts: Sequence[str]) -> list[str]:
    return [mask_pii(text) for text in texts]


def changed_count(clear: Sequence[str], masked: Sequence[str]) -> int:
    return sum(a != b for a, b in zip(clear, masked, strict=True))


def sentiment_effect(texts: dict[int, str]) -> None:
    labels = pd.read_csv(LABELS_CSV, dtype={"tweet_id": "int64", "label": str, "split": str})
    training = pd.read_csv(TRAINING_CSV, dtype={"tweet_id": "int64", "label": str})
    train_clear = [texts[t] for t in training["tweet_id"]]
    train_masked = masked_all(train_clear)
    models = {
        "clear": sentiment_model.fit(train_clear, training["label"].tolist()),
        "masked": sentiment_model.fit(train_masked, training["label"].tolist()),
    }
    print(f"(a) customer sentiment; masking changed {changed_count(train_clear, train_masked)} of "
          f"{len(train_clear):,} training tweets")
    for name, chosen in (("all 300", labels), ("heldout 120", labels[labels["split"] == "heldout"])):
        clear = [texts[t] for t in chosen["tweet_id"]]
        masked = masked_all(clear)
        gold = chosen["label"].tolist()
        scored = {"clear": predictions(models["clear"], clear), "masked": predictions(models["masked"], masked)}
        print(f"  {name} labelled tweets, masking changed {changed_count(clear, masked)} of {len(clear)}")
        print(f"    {'scorer':<11} {'clear':>7} {'masked':>7}  (macro-F1)")
        for scorer in SCORERS:
            print(f"    {scorer:<11} {macro_f1(gold, scored['clear'][scorer]):>7.3f}"
                  f" {macro_f1(gold, scored['masked'][scorer]):>7.3f}")


def intent_effect(banking77: Path) -> None:
    train = pd.read_csv(banking77 / "train.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(banking77 / "test.csv", dtype=str, keep_default_na=False)
    ids = [f"banking77-train-{i}" for i in range(len(train))]
    truth = test["category"].tolist()
    runs = {"clear": (train["text"].tolist(), test["text"].tolist())}
    runs["masked"] = (masked_all(runs["clear"][0]), masked_all(runs["clear"][1]))
    print(f"(b) intent classifier on BANKING77; masking changed {changed_count(runs['clear'][0], runs['masked'][0])}"
          f" of {len(train):,} train and {changed_count(runs['clear'][1], runs['masked'][1])} of {len(test):,} test"
          " texts")
    print(f"    {'run':<7} {'accuracy':>8} {'macro-F1':>8}")
    for name, (train_texts, test_texts) in runs.items():
        model = fit_intent_model(train_texts, train["category"].tolist(), ids)
        predicted, _ = predict_intents(model, test_texts)
        accuracy = sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth)
        print(f"    {name:<7} {accuracy:>8.4f} {f1_score(truth, predicted, average='macro'):>8.4f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)
    sentiment_effect(read_twcs_texts(args.data_dir / TWCS_CSV))
    intent_effect(args.data_dir / "banking77")


if __name__ == "__main__":
    main()
