"""How good the detectors are, from people's labels (feedback.labels): pure functions over the small frame of
the labels that count (the latest per conversation, message and detector).

- Wilson score interval for a proportion (95% by default).
- Per detector and version: number of labels, precision and recall with their intervals.
  * restatement (binary): precision = of the conversations it flagged (predicted yes), the share labelled yes;
    recall = of those labelled yes, the share it flagged.
  * sentiment: per class (negative, neutral, positive), and their macro average.
  * intent: per intent, and the macro average over the intents with labels.
  * escalation_trigger: precision only (the share of its triggers labelled right); recall is not measured.
A figure with no denominator is None with a reason, never 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

Z_95 = 1.959963984540054  # the standard normal's 97.5% quantile
ALL = "(all)"
NO_LABELS = "not measured — no labels yet"
TRIGGER_RECALL_REASON = ("not measured — a label says only whether the trigger named was right; escalations whose "
                         "real trigger the detector missed are not labelled as such, so the share it finds cannot "
                         "be counted")
MACRO_INTERVAL_REASON = "a macro average has no Wilson interval: see each class's interval"
NO_FLAGGED = "not measured — the detector flagged none of the labelled items"
NO_POSITIVES = "not measured — no labelled item is in this class"
QUALITY_COLUMNS = ("detector", "detector_version", "scope", "count_labels", "precision", "precision_low",
                   "precision_high", "count_precision_base", "recall", "recall_low", "recall_high",
                   "count_recall_base", "note")


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of successes/trials (Wilson 1927); None when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Proportion:
    successes: int
    trials: int

    @property
    def value(self) -> float | None:
        return self.successes / self.trials if self.trials else None

    @property
    def interval(self) -> tuple[float | None, float | None]:
        bounds = wilson_interval(self.successes, self.trials)
        return (None, None) if bounds is None else bounds


def _row(detector: str, version: str | None, scope: str, count: int, precision: Proportion | None,
         recall: Proportion | None, note: str = "") -> dict[str, object]:
    def parts(p: Proportion | None) -> tuple[object, object, object, object]:
        if p is None:
            return None, None, None, 0
        low, high = p.interval
        return p.value, low, high, p.trials
    pv, pl, ph, pn = parts(precision)
    rv, rl, rh, rn = parts(recall)
    return {"detector": detector, "detector_version": version, "scope": scope, "count_labels": count,
            "precision": pv, "precision_low": pl, "precision_high": ph, "count_precision_base": pn,
            "recall": rv, "recall_low": rl, "recall_high": rh, "count_recall_base": rn, "note": note}


def class_rows(detector: str, version: str | None, labels: pd.DataFrame,
               classes: tuple[str, ...] | None = None) -> list[dict[str, object]]:
    """Per class: precision = of items predicted c, share labelled c; recall = of items labelled c, share
    predicted c; first a row for the macro average over the classes where each is defined (pure).
    `labels` has predicted_value and label_value; rows without a prediction count for recall's base only."""
    predicted, labelled = labels["predicted_value"], labels["label_value"]
    wanted = classes or tuple(sorted(set(labelled.dropna()) | set(predicted.dropna())))
    rows = []
    for name in wanted:
        hits = int(((predicted == name) & (labelled == name)).sum())
        base_p, base_r = int((predicted == name).sum()), int((labelled == name).sum())
        note = "; ".join(r for r, n in ((NO_FLAGGED, base_p), (NO_POSITIVES, base_r)) if n == 0)
        rows.append(_row(detector, version, name, int(((predicted == name) | (labelled == name)).sum()),
                         Proportion(hits, base_p), Proportion(hits, base_r), note))
    precisions = [r["precision"] for r in rows if r["precision"] is not None]
    recalls = [r["recall"] for r in rows if r["recall"] is not None]
    macro = _row(detector, version, ALL, len(labels), None, None, MACRO_INTERVAL_REASON)
    macro["precision"] = sum(precisions) / len(precisions) if precisions else None  # type: ignore[arg-type]
    macro["recall"] = sum(recalls) / len(recalls) if recalls else None  # type: ignore[arg-type]
    macro["count_precision_base"] = int(predicted.isin(wanted).sum())
    macro["count_recall_base"] = int(labelled.isin(wanted).sum())
    return [macro, *rows]


def binary_row(detector: str, version: str | None, labels: pd.DataFrame, positive: str = "yes") -> dict[str, object]:
    """A yes/no detector: precision over what it flagged, recall over what people labelled yes (pure).
    Items the detector did not judge (no prediction) are left out of both."""
    judged = labels[labels["predicted_value"].notna()]
    flagged = judged["predicted_value"] == positive
    truly = judged["label_value"] == positive
    hits = int((flagged & truly).sum())
    precision, recall = Proportion(hits, int(flagged.sum())), Proportion(hits, int(truly.sum()))
    note = "; ".join(r for r, n in ((NO_FLAGGED, precision.trials), (NO_POSITIVES, recall.trials)) if n == 0)
    return _row(detector, version, ALL, len(labels), precision, recall, note)


def precision_only_row(detector: str, version: str | None, labels: pd.DataFrame) -> dict[str, object]:
    """A detector whose labels say only right/wrong (the escalation trigger): precision = share right (pure)."""
    judged = labels[labels["is_correct"].notna()]
    right = int(judged["is_correct"].astype(bool).sum())
    row = _row(detector, version, ALL, len(labels), Proportion(right, len(judged)), None, TRIGGER_RECALL_REASON)
    return row


def quality_table(labels: pd.DataFrame) -> pd.DataFrame:
    """Every detector × version in the labels: the summary row (scope ALL) then per-class rows (pure).

    `labels`: the labels that count, with detector, detector_version, predicted_value, label_value, is_correct."""
    rows: list[dict[str, object]] = []
    if labels.empty:
        return pd.DataFrame(columns=list(QUALITY_COLUMNS))
    versions = labels.assign(detector_version=labels["detector_version"].astype("object"))
    for (detector, version), group in versions.groupby(["detector", "detector_version"], dropna=False, sort=True):
        version = None if version is None or (isinstance(version, float) and math.isnan(version)) else str(version)
        if detector == "restatement":
            rows.append(binary_row(detector, version, group))
        elif detector == "escalation_trigger":
            rows.append(precision_only_row(detector, version, group))
        elif detector == "sentiment":
            rows.extend(class_rows(detector, version, group, ("negative", "neutral", "positive")))
        else:
            rows.extend(class_rows(str(detector), version, group))
    return pd.DataFrame(rows, columns=list(QUALITY_COLUMNS))


def intent_confusion(labels: pd.DataFrame) -> pd.DataFrame:
    """Intent labels as (predicted_value, label_value, count_labels), largest first (pure)."""
    intents = labels[(labels["detector"] == "intent") & labels["predicted_value"].notna()]
    if intents.empty:
        return pd.DataFrame({"predicted_value": pd.Series(dtype="object"), "label_value": pd.Series(dtype="object"),
                             "count_labels": pd.Series(dtype="int64")})
    counts = intents.groupby(["predicted_value", "label_value"]).size().reset_index(name="count_labels")
    return counts.sort_values(["count_labels", "predicted_value", "label_value"],
                              ascending=[False, True, True]).reset_index(drop=True)
