"""The intent classifier on BANKING77: trained on train.csv through the product's API, reported on test.csv.

    python bench/intent_banking77.py [--runs 3] [--score-copies 4]

`fit_intent_model` holds out a stratified fifth of train.csv itself (its own held-out figures) and fits on the
rest, so the model scored on test.csv was fitted on about 8,000 of the 10,003 training texts. Reported:
- test accuracy, macro-F1 (sklearn, over the 77 intents) and expected calibration error (15 equal-width bins)
  of the calibrated confidence, and of the raw softmax (temperature 1) for comparison;
- the model's own held-out figures (accuracy, macro-F1, ECE before/after temperature scaling);
- fit seconds and scoring texts/s (`predict_intents` on test.csv repeated --score-copies times, each copy
  made distinct by a suffix so every text is vectorised), each the median of --runs runs, in wall-clock seconds
  and in CPU seconds of the process (the machine is shared: CPU time is what one core costs);
- peak resident memory of the process (getrusage), which includes the Python interpreter and the data.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from etl.intents.classifier import expected_calibration_error, fit_intent_model, predict_intents, softmax

BANKING77 = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "banking77"


def read_split(name: str) -> pd.DataFrame:
    return pd.read_csv(BANKING77 / f"{name}.csv", dtype=str, keep_default_na=False)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--score-copies", type=int, default=4)
    args = parser.parse_args(argv)
    if not BANKING77.exists():
        sys.exit(f"{BANKING77} is absent")
    train, test = read_split("train"), read_split("test")
    ids = [f"banking77-train-{i}" for i in range(len(train))]

    fit_seconds, models = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        models.append(fit_intent_model(train["text"].tolist(), train["category"].tolist(), ids))
        fit_seconds.append(time.perf_counter() - started)
    model = models[-1]
    if len({m.version for m in models}) != 1:
        sys.exit("fits of the same data gave different versions")

    texts = test["text"].tolist()
    # every copy made distinct, so that predict_intents' deduplication does not flatter the rate
    copies = [f"{text} #{n}" for n in range(args.score_copies) for text in texts]
    rates, cpu_rates = [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        predict_intents(model, copies)
        rates.append(len(copies) / (time.perf_counter() - started))
        cpu_rates.append(len(copies) / (time.process_time() - cpu_started))

    predicted, confidences = predict_intents(model, texts)
    truth = test["category"].to_numpy()
    correct = np.array(predicted) == truth
    raw_confidence = softmax(model.estimator.decision_function(texts)).max(axis=1)  # type: ignore[union-attr]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("model version", model.version),
        ("training texts (fit) / held out by the model", f"{model.n_train:,} / {model.n_heldout:,}"),
        ("model's held-out accuracy / macro-F1", f"{model.heldout_accuracy:.4f} / {model.heldout_macro_f1:.4f}"),
        ("model's held-out ECE raw -> calibrated (cross-fitted)",
         f"{model.heldout_ece_before:.4f} -> {model.heldout_ece_after:.4f} (T = {model.temperature:.3f})"),
        ("test texts", f"{len(test):,}"),
        ("test accuracy", f"{correct.mean():.4f}"),
        ("test macro-F1", f"{f1_score(truth, predicted, average='macro'):.4f}"),
        ("test ECE raw softmax -> calibrated",
         f"{expected_calibration_error(raw_confidence, correct):.4f} -> "
         f"{expected_calibration_error(confidences, correct):.4f}"),
        (f"fit seconds (median of {args.runs})", f"{statistics.median(fit_seconds):.1f}"
         f"  [{', '.join(f'{s:.1f}' for s in fit_seconds)}]"),
        (f"scoring texts/s (median of {args.runs}, {len(copies):,} texts)", f"{statistics.median(rates):,.0f}"
         f"  [{', '.join(f'{r:,.0f}' for r in rates)}]"),
        (f"scoring texts per CPU second (median of {args.runs})", f"{statistics.median(cpu_rates):,.0f}"
         f"  [{', '.join(f'{r:,.0f}' for r in cpu_rates)}]"),
        ("load average when done (1 min)", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"),
        ("peak resident memory (process)", f"{peak_mib:,.0f} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    print("python bench/intent_banking77.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
