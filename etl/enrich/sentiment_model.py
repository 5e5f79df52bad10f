"""A supervised sentiment scorer for customer messages: pure fit and predict, no I/O.

Features: TF-IDF over characters (2–5-grams within word boundaries, so misspellings and "delayed"/"delay" share
features), plus the customer-service lexicon's own VADER scores (compound, positive, neutral, negative of
`etl.enrich.cs_lexicon`), so the model starts from what the lexicon knows and learns the deployment's words on
top. Classifier: multinomial logistic regression with balanced class weights (positive messages are rare in
support traffic). Word 1–2-grams added to the characters did no better in 5-fold cross-validation on the
training tweets (macro-F1 0.611 against 0.621 without them; docs/sentiment_evaluation.md), so they are left out.
Everything is deterministic (lbfgs, no random state), so the same labels always give the same model.

Labels are `negative`, `neutral` or `positive`. `score` turns the class probabilities into rows shaped like
VADER's (compound, positive, neutral, negative, sentiment_label) so the models read them unchanged:
- `sentiment_label` is the most probable class;
- `positive` / `neutral` / `negative` are the class probabilities;
- `compound` keeps the sign of the label and VADER's ±0.05 thresholds: `-P(negative)` for a negative message,
  `+P(positive)` for a positive one, and `0.05 × (P(positive) − P(negative))` (strictly inside ±0.05) for a neutral
  one, so `compound < -0.05` holds exactly when the label is negative, as for every other scorer.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from etl.enrich import cs_lexicon

MODEL_CODE_VERSION = "supervised-1"
CLASSES = ("negative", "neutral", "positive")
# Fewer labels than this, or fewer than MIN_PER_CLASS of any class, and no model is fitted (see `fit_refusal`).
MIN_LABELS = 200
MIN_PER_CLASS = 20
NEUTRAL_BAND = 0.05
REGULARISATION_C = 4.0
CHAR_MIN_DF = 2  # a character n-gram seen in one message only is noise (on sets smaller than MIN_LABELS: 1)


@dataclass(frozen=True)
class SentimentModel:
    """A fitted scorer: the vectoriser and the classifier (kept in memory only; refitted from labels)."""

    chars: TfidfVectorizer
    classifier: LogisticRegression

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.classifier.classes_)


def fit_refusal(labels: Sequence[str], min_labels: int = MIN_LABELS,
                min_per_class: int = MIN_PER_CLASS) -> str | None:
    """Why no model should be fitted on `labels`, or None when there are enough.

    A three-class scorer needs every class: with fewer than `min_per_class` examples of one, the held-out fifth
    holds about four, and its F1 cannot be told apart from chance; below `min_labels` in all, the TF-IDF
    vocabulary is mostly words seen once.
    """
    counts = Counter(labels)
    unknown = set(counts) - set(CLASSES)
    if unknown:
        raise ValueError(f"unknown sentiment labels: {sorted(unknown)}")
    if len(labels) < min_labels:
        return f"only {len(labels)} labelled customer messages, and a fit needs {min_labels}"
    short = [f"{counts.get(cls, 0)} {cls}" for cls in CLASSES if counts.get(cls, 0) < min_per_class]
    if short:
        return f"too few labels of a class: {', '.join(short)}, and a fit needs {min_per_class} of each"
    return None


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """The customer-service lexicon's compound, positive, neutral and negative scores of each text."""
    analyzer = cs_lexicon.adapted_analyzer()
    rows = []
    for text in texts:
        scores = analyzer.polarity_scores(cs_lexicon.mark_phrases(text))
        rows.append((scores["compound"], scores["pos"], scores["neu"], scores["neg"]))
    return np.asarray(rows, dtype=float).reshape(len(texts), 4)


def _features(chars: TfidfVectorizer, texts: Sequence[str]) -> csr_matrix:
    return hstack([chars.transform(texts), csr_matrix(lexicon_features(texts))]).tocsr()


def fit(texts: Sequence[str], labels: Sequence[str], min_labels: int = MIN_LABELS,
        min_per_class: int = MIN_PER_CLASS) -> SentimentModel:
    """Fit the scorer on labelled texts (raises ValueError when `fit_refusal` gives a reason)."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    refusal = fit_refusal(labels, min_labels, min_per_class)
    if refusal:
        raise ValueError(refusal)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True,
                            min_df=CHAR_MIN_DF if len(texts) >= min_labels else 1)
    chars.fit(texts)
    classifier = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=3000)
    classifier.fit(_features(chars, texts), list(labels))
    return SentimentModel(chars, classifier)


def probabilities(model: SentimentModel, texts: Sequence[str]) -> pd.DataFrame:
    """P(class) of each text, one column per class in CLASSES order."""
    if not texts:
        return pd.DataFrame(columns=list(CLASSES), dtype=float)
    proba = model.classifier.predict_proba(_features(model.chars, texts))
    frame = pd.DataFrame(proba, columns=list(model.classes))
    return frame.reindex(columns=list(CLASSES), fill_value=0.0)


def predict(model: SentimentModel, texts: Sequence[str]) -> list[str]:
    """The most probable class of each text."""
    proba = probabilities(model, texts)
    return [CLASSES[int(i)] for i in np.argmax(proba.to_numpy(), axis=1)] if len(proba) else []


def compound_of(label: str, p_negative: float, p_positive: float) -> float:
    """A VADER-shaped compound whose ±0.05 thresholds give back `label` (see the module docstring)."""
    if label == "negative":
        return -p_negative
    if label == "positive":
        return p_positive
    return NEUTRAL_BAND * (p_positive - p_negative)


def score(model: SentimentModel, texts: Sequence[str]) -> pd.DataFrame:
    """compound, positive, neutral, negative and sentiment_label of each text (identical texts scored once)."""
    unique = list(dict.fromkeys(texts))
    proba = probabilities(model, unique)
    labels = [CLASSES[int(i)] for i in np.argmax(proba.to_numpy(), axis=1)] if unique else []
    by_text = {
        text: (compound_of(lab, float(row["negative"]), float(row["positive"])), float(row["positive"]),
               float(row["neutral"]), float(row["negative"]), lab)
        for text, lab, (_, row) in zip(unique, labels, proba.iterrows(), strict=True)
    }
    return pd.DataFrame([by_text[t] for t in texts],
                        columns=["compound", "positive", "neutral", "negative", "sentiment_label"])


def training_hash(texts: Sequence[str], labels: Sequence[str]) -> str:
    """A hash of the training set (order-independent) and the model code version: the model's identity."""
    digest = hashlib.sha256(MODEL_CODE_VERSION.encode())
    for text, lab in sorted(zip(texts, labels, strict=True)):
        digest.update(b"\x1e" + text.encode("utf-8") + b"\x1f" + lab.encode())
    return digest.hexdigest()


def heldout_split(key: str, heldout_share_percent: int = 20) -> bool:
    """True when `key` (an interaction or message id) falls in the held-out share; depends only on the key."""
    digit = int(hashlib.sha256(f"cxpulse-sentiment-model:{key}".encode()).hexdigest(), 16) % 100
    return digit < heldout_share_percent
