"""The intent classifier: TF-IDF word and character n-grams + logistic regression, with a calibrated confidence.

Pure: texts and labels in, a fitted model and its measured quality out; nothing is read, written or downloaded.

Method (measured on BANKING77 by bench/intent_banking77.py, figures in the README):
- features: TF-IDF of word 1-2-grams and of character 3-5-grams within word boundaries (`char_wb`), both with
  sublinear term frequency, lower-cased; the two blocks are concatenated;
- estimator: multinomial logistic regression (lbfgs, C = 25, deterministic);
- split: a fixed ~20 % of each intent is held out, chosen by a hash of the contact id (within each intent the
  examples are ordered by the hash and every fifth is held out, so the split is stratified and the same on every
  run and engine; an intent with fewer than 5 examples is kept whole for training). The estimator is fitted on the
  training part only, and it is this estimator that scores: the held-out accuracy, macro-F1 and per-intent
  precision/recall are those of exactly the model that labels contacts;
- confidence: the softmax of the logits divided by a temperature T (temperature scaling, Guo et al. 2017). T is
  fitted by minimising the negative log-likelihood on the held-out part (it does not change which intent wins, so
  accuracy is untouched). The expected calibration error after scaling is measured honestly by cross-fitting:
  the held-out part is halved by another hash, T is fitted on one half and the ECE measured on the other, both
  ways, and the two halves pooled. `ece_before` is the held-out ECE of the raw softmax (T = 1).

Too little to learn from (fewer than MIN_LABELLED labelled texts, fewer than two intents once intents with fewer
than MIN_EXAMPLES_PER_INTENT examples are set aside, or no held-out example) gives a model with status
"insufficient_data" and the reason; it cannot score.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.pipeline import Pipeline, make_union
from threadpoolctl import threadpool_limits

CODE_VERSION = "intent-clf-1"
METHOD = "tfidf-w12-cwb35-lr-c25-temp"
FITTED = "fitted"
INSUFFICIENT = "insufficient_data"
MIN_LABELLED = 50
MIN_EXAMPLES_PER_INTENT = 2
HELDOUT_EVERY = 5  # every fifth example of an intent, in hash order, is held out (20 %)
REGULARISATION_C = 25.0
ECE_BINS = 15
HIGH_FROM = 0.8
MEDIUM_FROM = 0.6
_TEMPERATURE_BOUNDS = (0.05, 20.0)


@dataclass(frozen=True)
class IntentQuality:
    """Held-out precision and recall of one intent (None when the intent was never predicted / never held out)."""

    intent: str
    precision: float | None
    recall: float | None
    support: int


@dataclass(frozen=True)
class IntentModel:
    status: str
    reason: str | None
    version: str
    n_train: int = 0
    n_heldout: int = 0
    heldout_accuracy: float | None = None
    heldout_macro_f1: float | None = None
    per_intent: tuple[IntentQuality, ...] = ()
    intents: tuple[str, ...] = ()
    estimator: Pipeline | None = field(default=None, repr=False, compare=False)
    temperature: float = 1.0
    heldout_ece_before: float | None = None  # raw softmax (T = 1) on the held-out part
    heldout_ece_after: float | None = None  # temperature-scaled, cross-fitted on the held-out halves
    set_aside_intents: tuple[str, ...] = ()  # intents with too few examples to learn, left out of training

    @property
    def is_fitted(self) -> bool:
        return self.status == FITTED


def _digest(salt: str, text: str) -> int:
    return int(hashlib.sha256(f"{salt}:{text}".encode()).hexdigest(), 16)


def heldout_mask(ids: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """True for the held-out examples: within each intent, ordered by a hash of the id, every fifth one.

    The position counts from 1, so an intent with fewer than HELDOUT_EVERY examples has none held out.
    """
    by_intent: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_intent[label].append(i)
    mask = np.zeros(len(ids), dtype=bool)
    for positions in by_intent.values():
        ordered = sorted(positions, key=lambda i: (_digest("cxpulse-intent-split", str(ids[i])), str(ids[i])))
        for rank, i in enumerate(ordered, start=1):
            mask[i] = rank % HELDOUT_EVERY == 0
    return mask


def training_data_hash(texts: Sequence[str], labels: Sequence[str], ids: Sequence[str]) -> str:
    """A fingerprint of the labelled data, independent of row order (12 hex digits)."""
    digest = hashlib.sha256()
    for row in sorted(zip((str(i) for i in ids), labels, texts, strict=True)):
        for part in row:
            digest.update(part.encode())
            digest.update(b"\x1f")
        digest.update(b"\x1e")
    return digest.hexdigest()[:12]


def model_version(data_hash: str) -> str:
    return f"{CODE_VERSION}/{METHOD}/{data_hash}"


def _new_estimator(random_state: int) -> Pipeline:
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True, min_df=2),
    )
    return Pipeline([
        ("features", features),
        ("logistic", LogisticRegression(C=REGULARISATION_C, max_iter=2000, random_state=random_state)),
    ])


def _logits(estimator: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Class logits, one column per class (a binary model's single score d becomes [0, d]: same softmax)."""
    scores = estimator.decision_function(list(texts))
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def _negative_log_likelihood(logits: np.ndarray, truth: np.ndarray, temperature: float) -> float:
    scaled = logits / temperature
    top = scaled.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(scaled - top).sum(axis=1))
    return float(np.mean(log_norm - scaled[np.arange(len(truth)), truth]))


def fit_temperature(logits: np.ndarray, truth: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of the true classes (`truth`: column indices)."""
    result = minimize_scalar(lambda log_t: _negative_log_likelihood(logits, truth, float(np.exp(log_t))),
                             bounds=tuple(np.log(_TEMPERATURE_BOUNDS)), method="bounded")
    return float(np.exp(result.x))


def expected_calibration_error(confidences: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE: the share-weighted mean gap between accuracy and mean confidence over equal-width confidence bins.

    Bin b holds confidences in ((b-1)/bins, b/bins]; the first bin also takes 0.
    """
    confidences = np.asarray(confidences, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if len(confidences) == 0:
        raise ValueError("no predictions to measure calibration on")
    bin_of = np.clip(np.ceil(confidences * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for b in np.unique(bin_of):
        in_bin = bin_of == b
        total += in_bin.sum() * abs(correct[in_bin].mean() - confidences[in_bin].mean())
    return float(total / len(confidences))


def _cross_fitted_ece(logits: np.ndarray, truth: np.ndarray, ids: Sequence[str]) -> float:
    """ECE after temperature scaling, T fitted on one half of the held-out part and measured on the other."""
    half = np.array([_digest("cxpulse-intent-calibration", str(i)) % 2 == 0 for i in ids], dtype=bool)
    if half.all() or not half.any():
        half = np.arange(len(truth)) % 2 == 0
    confidences = np.empty(len(truth))
    for measured in (half, ~half):
        if not measured.any():
            continue
        fitted_on = ~measured
        temperature = fit_temperature(logits[fitted_on], truth[fitted_on]) if fitted_on.any() else 1.0
        confidences[measured] = softmax(logits[measured], temperature).max(axis=1)
    correct = logits.argmax(axis=1) == truth
    return expected_calibration_error(confidences, correct)


def _insufficient(reason: str, version: str, set_aside: tuple[str, ...] = ()) -> IntentModel:
    return IntentModel(status=INSUFFICIENT, reason=reason, version=version, set_aside_intents=set_aside)


def fit_intent_model(texts: Sequence[str], labels: Sequence[str], ids: Sequence[str], *,
                     random_state: int = 0) -> IntentModel:
    """Fit the classifier on labelled texts (`ids` choose the held-out split) and measure it on the held-out part."""
    texts = [str(t) for t in texts]
    labels = [str(label) for label in labels]
    ids = [str(i) for i in ids]
    if not len(texts) == len(labels) == len(ids):
        raise ValueError(f"{len(texts)} texts, {len(labels)} labels and {len(ids)} ids: they must be as many")
    version = model_version(training_data_hash(texts, labels, ids))
    if len(texts) < MIN_LABELLED:
        return _insufficient(f"{len(texts)} labelled texts, fewer than the {MIN_LABELLED} needed", version)
    counts: dict[str, int] = defaultdict(int)
    for label in labels:
        counts[label] += 1
    set_aside = tuple(sorted(label for label, n in counts.items() if n < MIN_EXAMPLES_PER_INTENT))
    kept = [i for i, label in enumerate(labels) if counts[label] >= MIN_EXAMPLES_PER_INTENT]
    learnable = sorted({labels[i] for i in kept})
    plural = "" if len(set_aside) == 1 else "s"
    aside_note = (f" ({len(set_aside)} intent{plural} with fewer than {MIN_EXAMPLES_PER_INTENT} examples set aside: "
                  f"{', '.join(set_aside)})") if set_aside else ""
    if len(learnable) < 2:
        return _insufficient(f"{len(learnable)} intent with at least {MIN_EXAMPLES_PER_INTENT} examples, "
                             f"two are needed{aside_note}", version, set_aside)
    if len(kept) < MIN_LABELLED:
        return _insufficient(f"{len(kept)} labelled texts of intents with at least {MIN_EXAMPLES_PER_INTENT} "
                             f"examples, fewer than the {MIN_LABELLED} needed{aside_note}", version, set_aside)
    kept_texts = [texts[i] for i in kept]
    kept_labels = [labels[i] for i in kept]
    kept_ids = [ids[i] for i in kept]
    heldout = heldout_mask(kept_ids, kept_labels)
    if not heldout.any():
        return _insufficient(f"no intent has the {HELDOUT_EVERY} examples needed to hold one out for measuring"
                             f"{aside_note}", version, set_aside)
    train_texts = [t for t, h in zip(kept_texts, heldout, strict=True) if not h]
    train_labels = [label for label, h in zip(kept_labels, heldout, strict=True) if not h]
    test_texts = [t for t, h in zip(kept_texts, heldout, strict=True) if h]
    test_labels = [label for label, h in zip(kept_labels, heldout, strict=True) if h]
    test_ids = [i for i, h in zip(kept_ids, heldout, strict=True) if h]

    estimator = _new_estimator(random_state)
    # one BLAS/OpenMP thread: on shared cores the threads' waiting cost more than they saved (25 s vs 41 s on
    # BANKING77 with the machine loaded)
    with threadpool_limits(1):
        estimator.fit(train_texts, train_labels)
    for _, vectorizer in estimator.named_steps["features"].transformer_list:
        vectorizer.stop_words_ = None  # the terms cut by min_df: kept only for introspection, and large
    classes = tuple(str(c) for c in estimator.classes_)
    class_index = {c: k for k, c in enumerate(classes)}
    logits = _logits(estimator, test_texts)
    truth = np.array([class_index[label] for label in test_labels])
    predicted = [classes[k] for k in logits.argmax(axis=1)]
    correct = logits.argmax(axis=1) == truth
    temperature = fit_temperature(logits, truth)

    precision, recall, _, support = precision_recall_fscore_support(
        test_labels, predicted, labels=list(classes), zero_division=np.nan)
    predicted_counts = {c: predicted.count(c) for c in classes}
    per_intent = tuple(
        IntentQuality(
            intent=c,
            precision=None if predicted_counts[c] == 0 else float(precision[k]),
            recall=None if support[k] == 0 else float(recall[k]),
            support=int(support[k]),
        )
        for k, c in enumerate(classes)
    )
    held_intents = sorted(set(test_labels))
    return IntentModel(
        status=FITTED,
        reason=f"fitted{aside_note}" if set_aside else None,
        version=version,
        n_train=len(train_texts),
        n_heldout=len(test_texts),
        heldout_accuracy=float(correct.mean()),
        heldout_macro_f1=float(f1_score(test_labels, predicted, labels=held_intents, average="macro",
                                        zero_division=0.0)),
        per_intent=per_intent,
        intents=classes,
        estimator=estimator,
        temperature=temperature,
        heldout_ece_before=expected_calibration_error(softmax(logits).max(axis=1), correct),
        heldout_ece_after=_cross_fitted_ece(logits, truth, test_ids),
        set_aside_intents=set_aside,
    )


def predict_proba(model: IntentModel, texts: Sequence[str]) -> np.ndarray:
    """Calibrated class probabilities (columns in model.intents order)."""
    if not model.is_fitted or model.estimator is None:
        raise ValueError(f"the intent model cannot score: {model.reason}")
    if len(texts) == 0:
        return np.zeros((0, len(model.intents)))
    # each distinct text is vectorised once (contacts often open with the same words)
    distinct, position = np.unique(np.array([str(t) for t in texts], dtype=object), return_inverse=True)
    return softmax(_logits(model.estimator, distinct.tolist()), model.temperature)[position.ravel()]


def knows_a_word(model: IntentModel, texts: Sequence[str]) -> np.ndarray:
    """Whether each text holds at least one word (or word pair) the model learnt from.

    A text of unseen words ("zzzz qqqq") has no word feature: the model would answer with its class priors and
    intercepts alone, which can be a confident guess about nothing.
    """
    if model.estimator is None or len(texts) == 0:
        return np.zeros(len(texts), dtype=bool)
    word_vectoriser = model.estimator.named_steps["features"].transformer_list[0][1]
    return np.asarray(word_vectoriser.transform([str(t) for t in texts]).getnnz(axis=1) > 0)


def predict_intents(model: IntentModel, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The most likely intent of each text and its calibrated confidence (0-1).

    A text with no word the model learnt from gets confidence 0: it falls below any floor (unclassified).
    """
    probabilities = predict_proba(model, texts)
    if len(probabilities) == 0:
        return [], np.zeros(0)
    best = probabilities.argmax(axis=1)
    confidences = probabilities[np.arange(len(best)), best]
    confidences = np.where(knows_a_word(model, texts), confidences, 0.0)
    return [model.intents[k] for k in best], confidences


def confidence_band(confidence: float, high_from: float = HIGH_FROM, medium_from: float = MEDIUM_FROM) -> str:
    """"High" from `high_from` (inclusive), "Medium" from `medium_from`, else "Low" (also for a missing value)."""
    if not medium_from <= high_from:
        raise ValueError(f"medium_from {medium_from} is above high_from {high_from}")
    if confidence is None or np.isnan(confidence):
        return "Low"
    if confidence >= high_from:
        return "High"
    if confidence >= medium_from:
        return "Medium"
    return "Low"
