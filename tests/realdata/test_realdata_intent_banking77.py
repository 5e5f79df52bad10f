"""The product's intent classifier on BANKING77 (Casanueva et al. 2020): trained on train.csv, measured on test.csv.

An independent TF-IDF + logistic regression reaches 0.913 accuracy on this test set; the issue asks the product's
classifier for at least 0.90 (bench/intent_banking77.py reports the full figures).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.intents.classifier import FITTED, fit_intent_model, predict_intents
from tests.conftest import SHARED_DATA

BANKING77 = SHARED_DATA / "banking77"

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def test_banking77_test_accuracy_reaches_090() -> None:
    train = pd.read_csv(BANKING77 / "train.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(BANKING77 / "test.csv", dtype=str, keep_default_na=False)
    assert (len(train), len(test)) == (10_003, 3_080)  # the published split sizes
    model = fit_intent_model(train["text"].tolist(), train["category"].tolist(),
                             [f"train-{i}" for i in range(len(train))])
    assert model.status == FITTED
    assert len(model.intents) == 77
    assert model.n_train + model.n_heldout == 10_003
    predicted, confidences = predict_intents(model, test["text"].tolist())
    accuracy = float(np.mean(np.array(predicted) == test["category"].to_numpy()))
    assert accuracy >= 0.90
    assert ((confidences > 0) & (confidences <= 1)).all()
