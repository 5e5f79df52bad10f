"""Calibrations: the detectors' thresholds refitted from people's labels (feedback.labels), kept as versions.

A calibration version ("cal-1", "cal-2", ...) is a full set of the four thresholds the detectors apply, stored
one row per parameter in ops.detector_calibrations (never rebuilt). The build applies the active calibration
(`[detectors] calibration`: "latest", "none" for the shipped defaults, or a version name) to stored scores in
SQL, so changing it re-derives every flag and label on the next build without rescoring a message, and the
previous version stays selectable (like metric variants).

Parameters and objectives (`cxpulse calibrate`; every fit is a pure function below):
- restatement_threshold: the containment similarity from which a handed-off conversation is a restatement
  (with at least RESTATEMENT_MIN_SHARED_WORDS shared stems; a spoken cue is a restatement whatever the score).
  Objective: F1 of "yes" on the labelled conversations. Candidates: the current value and every labelled
  similarity that the threshold can decide (no cue, enough shared stems). Ties: the candidate closest to the
  current value, then the higher one. Needs min_labels labelled conversations with a score, at least one
  "yes" and one "no".
- sentiment_negative_below / sentiment_positive_above: a customer message is negative when its compound is
  below the first, positive when above the second, neutral otherwise. Objective: macro-F1 over the classes
  people used, against their message labels. Candidates: every pair on a 0.01 grid from -1 to 1 (and the
  current values) with negative_below <= positive_above. Ties: the smallest total move from the current
  pair, then the lower negative_below, then the lower positive_above. Needs min_labels labelled customer
  messages with a score in at least two classes.
- intent_confidence_floor: a model guess below it is "unclassified". Objective: the lowest floor (among the
  labelled guesses' confidences) at which the labelled guesses at or above it reach the precision target
  (`[detectors] intent_precision_target`, 0.8). No floor reaching it: the value is kept. Needs min_labels
  labelled model guesses.

Precision and recall are reported on the same labels before (previous value) and after (new value), with
95% Wilson intervals: of "yes" for restatement, of the negative and the positive class for the two cut-offs,
and for the intent floor precision of the guesses kept and recall = share of the right guesses kept.

A parameter with too few labels keeps its value with the reason. A version is written only when at least one
parameter changed and the new set differs from the newest stored version; otherwise "nothing changed". With no
label at all, calibrate says so and writes nothing (exit 0: nothing to do is not a failure).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from etl.change import Interval, wilson_interval
from etl.config import ConfigError, Settings

PARAMETERS = (
    "restatement_threshold", "sentiment_negative_below", "sentiment_positive_above", "intent_confidence_floor",
)
NO_CALIBRATION = "none"
LATEST = "latest"
SENTIMENT_CLASSES = ("negative", "neutral", "positive")
SENTIMENT_GRID = tuple(round(-1 + k / 100, 2) for k in range(201))
# the intent step's rows (etl/enrich/intents.py): each contact's latest row holds the model's guess and its
# confidence, also when the guess fell below the floor
INTENT_GUESSES_TABLE = "core.enr_contact_intents"
INTENT_GUESS_COLUMNS = ("interaction_id", "model_guess", "model_confidence", "assigned_at", "run_id")
LATEST_INTENT_GUESSES_SQL = (
    "select interaction_id, model_guess, model_confidence from (select interaction_id, model_guess,"
    " model_confidence, row_number() over (partition by interaction_id order by assigned_at desc, run_id desc)"
    f" as row_rank from {INTENT_GUESSES_TABLE}) latest where row_rank = 1 and model_guess is not null"
    " and model_confidence is not null"
)
_VERSION = re.compile(r"cal-([0-9]+)")
_YES = frozenset({"yes", "true", "y", "1"})
_NO = frozenset({"no", "false", "n", "0"})


class Queryable(Protocol):
    def query_df(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame: ...


@dataclass(frozen=True)
class DetectorParameters:
    """The thresholds the detectors apply, and the calibration version they come from ("none": shipped)."""

    calibration_version: str
    restatement_threshold: float
    sentiment_negative_below: float
    sentiment_positive_above: float
    intent_confidence_floor: float

    def value(self, parameter: str) -> float:
        return float(getattr(self, parameter))

    def values(self) -> dict[str, float]:
        return {name: self.value(name) for name in PARAMETERS}


def shipped_parameters(settings: Settings | None = None) -> DetectorParameters:
    """The defaults the code ships: restatement 0.5, VADER's -0.05 / +0.05, the [intents] confidence floor."""
    from etl.enrich.restatement import RESTATEMENT_THRESHOLD
    from etl.enrich.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE

    intents = getattr(settings, "intents", None)
    return DetectorParameters(
        calibration_version=NO_CALIBRATION,
        restatement_threshold=RESTATEMENT_THRESHOLD,
        sentiment_negative_below=NEGATIVE_BELOW,
        sentiment_positive_above=POSITIVE_ABOVE,
        intent_confidence_floor=float(getattr(intents, "confidence_floor", 0.5)),
    )


def checked_version(name: str) -> str:
    """A calibration version name as it may be written into a model ("none" or "cal-<n>")."""
    if name != NO_CALIBRATION and not _VERSION.fullmatch(name):
        raise ValueError(f"not a calibration version: {name!r}")
    return name


def has_table(db: Queryable, qualified_name: str) -> bool:
    schema, _, table = qualified_name.partition(".")
    frame = db.query_df(
        "select count(*) as n from information_schema.tables where table_schema = :schema and table_name = :table",
        {"schema": schema, "table": table},
    )
    return bool(int(frame.iat[0, 0]))


def _columns(db: Queryable, qualified_name: str) -> set[str]:
    schema, _, table = qualified_name.partition(".")
    frame = db.query_df(
        "select column_name from information_schema.columns where table_schema = :schema and table_name = :table",
        {"schema": schema, "table": table},
    )
    return {str(c) for c in frame["column_name"]}


def stored_versions(db: Queryable) -> pd.DataFrame:
    """Every stored calibration row, newest version first (empty when the table does not exist yet)."""
    if not has_table(db, "ops.detector_calibrations"):
        return pd.DataFrame(columns=["calibration_version", "calibration_seq", "parameter", "value"])
    return db.query_df(
        "select * from ops.detector_calibrations order by calibration_seq desc, parameter"
    )


def parameters_of_version(rows: pd.DataFrame, version: str) -> DetectorParameters:
    chosen = rows[rows["calibration_version"] == version]
    values = {str(r.parameter): float(r.value) for r in chosen.itertuples()}
    missing = set(PARAMETERS) - set(values)
    if missing:
        raise ConfigError(f"calibration {version} lacks {', '.join(sorted(missing))}")
    return DetectorParameters(calibration_version=version, **{name: values[name] for name in PARAMETERS})


def active_version_name(chosen: str, versions_newest_first: Sequence[str]) -> str:
    """The version `[detectors] calibration = chosen` applies: "none" (shipped defaults), the newest for
    "latest" ("none" while there is none), or the named version; "unknown" for a name not stored."""
    if chosen == NO_CALIBRATION:
        return NO_CALIBRATION
    if chosen == LATEST:
        return versions_newest_first[0] if versions_newest_first else NO_CALIBRATION
    return chosen if chosen in versions_newest_first else "unknown"


def active_parameters(db: Queryable, settings: Settings) -> DetectorParameters:
    """The thresholds of the calibration `[detectors] calibration` selects (shipped defaults for "none", or for
    "latest" while no version exists); an unknown version name is a configuration error."""
    chosen = settings.detectors.calibration
    shipped = shipped_parameters(settings)
    if chosen == NO_CALIBRATION:
        return shipped
    rows = stored_versions(db)
    if rows.empty:
        if chosen == LATEST:
            return shipped
        raise ConfigError(f"[detectors] calibration {chosen!r}: no calibration has been made (run cxpulse calibrate)")
    if chosen == LATEST:
        chosen = str(rows.iloc[0]["calibration_version"])
    elif chosen not in set(rows["calibration_version"]):
        known = ", ".join(dict.fromkeys(str(v) for v in rows["calibration_version"]))
        raise ConfigError(f"[detectors] calibration {chosen!r} is not a stored version ({known})")
    return parameters_of_version(rows, chosen)


# --- quality on the labels ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quality:
    """Precision and recall of one class on labels, with their Wilson intervals (None: not measured)."""

    true_positives: int
    predicted: int
    actual: int
    precision: float | None
    precision_interval: Interval | None
    recall: float | None
    recall_interval: Interval | None


def quality(predicted: Sequence[bool], actual: Sequence[bool], level: float = 0.95) -> Quality:
    hits = sum(1 for p, a in zip(predicted, actual, strict=True) if p and a)
    count_predicted, count_actual = sum(map(bool, predicted)), sum(map(bool, actual))
    return Quality(
        true_positives=hits, predicted=count_predicted, actual=count_actual,
        precision=hits / count_predicted if count_predicted else None,
        precision_interval=wilson_interval(hits, count_predicted, level),
        recall=hits / count_actual if count_actual else None,
        recall_interval=wilson_interval(hits, count_actual, level),
    )


def f1(predicted: Sequence[bool], actual: Sequence[bool]) -> float:
    """2 TP / (2 TP + FP + FN); 0 when there is neither a prediction nor an actual positive."""
    hits = sum(1 for p, a in zip(predicted, actual, strict=True) if p and a)
    denominator = sum(map(bool, predicted)) + sum(map(bool, actual))
    return 2 * hits / denominator if denominator else 0.0


# --- fits (pure) -------------------------------------------------------------------------------------------

def restatement_flags(similarities: Sequence[float | None], shared_words: Sequence[int], cues: Sequence[bool],
                      threshold: float, min_shared_words: int) -> list[bool]:
    """The restatement rule of sql/intermediate/int_handoff_restatements_thresholded.sql, in Python for the fit."""
    return [bool(cue) or (s is not None and not _isnan(s) and s >= threshold and int(n) >= min_shared_words)
            for s, n, cue in zip(similarities, shared_words, cues, strict=True)]


def _isnan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def fit_restatement_threshold(similarities: Sequence[float | None], shared_words: Sequence[int],
                              cues: Sequence[bool], is_yes: Sequence[bool], current: float,
                              min_shared_words: int) -> tuple[float, float]:
    """(threshold, its F1): the candidate with the highest F1 of "yes"; ties to the closest to `current`, then
    the higher. Candidates: `current` and every similarity the threshold decides (no cue, enough stems)."""
    candidates = {float(current)} | {
        float(s) for s, n, cue in zip(similarities, shared_words, cues, strict=True)
        if not cue and s is not None and not _isnan(s) and int(n) >= min_shared_words and s > 0
    }
    scored = [(f1(restatement_flags(similarities, shared_words, cues, t, min_shared_words), is_yes), t)
              for t in candidates]
    best = max(scored, key=lambda item: (round(item[0], 12), -abs(item[1] - current), item[1]))
    return best[1], best[0]


def sentiment_classes(compounds: np.ndarray, negative_below: float, positive_above: float) -> np.ndarray:
    return np.where(compounds < negative_below, "negative", np.where(compounds > positive_above, "positive", "neutral"))


def macro_f1(predicted: np.ndarray, labels: np.ndarray) -> float:
    """Mean F1 over the classes present in the labels."""
    scores = [f1(list(predicted == c), list(labels == c)) for c in SENTIMENT_CLASSES if (labels == c).any()]
    return float(np.mean(scores)) if scores else 0.0


def fit_sentiment_cutoffs(compounds: Sequence[float], labels: Sequence[str], current_negative_below: float,
                          current_positive_above: float) -> tuple[float, float, float]:
    """(negative_below, positive_above, macro-F1) maximising macro-F1 over a 0.01 grid (and the current pair),
    negative_below <= positive_above; ties to the smallest move from the current pair, then lower values."""
    values = np.asarray(compounds, dtype=float)
    truth = np.asarray(labels, dtype=object)
    grid = np.array(sorted(set(SENTIMENT_GRID) | {current_negative_below, current_positive_above}))
    present = [c for c in SENTIMENT_CLASSES if (truth == c).any()]
    # per class and cut-off: counts of predictions and hits, vectorised over the grid
    below = values[None, :] < grid[:, None]            # negative if below the cut-off (grid x labels)
    above = values[None, :] > grid[:, None]            # positive if above
    is_class = {c: (truth == c)[None, :] for c in SENTIMENT_CLASSES}
    best: tuple[float, float, float, float, float] | None = None
    for i, negative_below in enumerate(grid):
        keep = grid >= negative_below
        negative, positive = below[i][None, :], above[keep]
        neutral = ~negative & ~positive
        predictions = {"negative": np.broadcast_to(negative, positive.shape), "neutral": neutral,
                       "positive": positive}
        scores = np.zeros(positive.shape[0])
        for c in present:
            hits = (predictions[c] & is_class[c]).sum(axis=1)
            denominator = predictions[c].sum(axis=1) + is_class[c].sum()
            scores += np.where(denominator > 0, 2 * hits / np.maximum(denominator, 1), 0.0)
        scores /= max(len(present), 1)
        for score, positive_above in zip(scores, grid[keep], strict=True):
            move = abs(negative_below - current_negative_below) + abs(positive_above - current_positive_above)
            key = (round(float(score), 12), -round(move, 12), -negative_below, -positive_above)
            if best is None or key > best[:4]:
                best = (*key, float(score))
    assert best is not None
    return float(-best[2]), float(-best[3]), best[4]


def fit_intent_floor(confidences: Sequence[float], is_correct: Sequence[bool], target: float) -> float | None:
    """The lowest labelled confidence at which the labelled guesses at or above it reach `target` precision;
    None when no floor does."""
    pairs = list(zip((float(c) for c in confidences), (bool(x) for x in is_correct), strict=True))
    for floor in sorted({c for c, _ in pairs}):
        kept = [ok for c, ok in pairs if c >= floor]
        if kept and sum(kept) / len(kept) >= target:
            return floor
    return None


# --- one parameter's calibration ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ParameterFit:
    parameter: str
    previous_value: float
    value: float
    count_labels: int
    before: Quality | None
    after: Quality | None
    reason: str

    @property
    def is_changed(self) -> bool:
        return not math.isclose(self.value, self.previous_value, rel_tol=0, abs_tol=1e-9)

    @property
    def status(self) -> str:
        return "changed" if self.is_changed else "kept"


def _kept(parameter: str, current: float, count: int, reason: str) -> ParameterFit:
    return ParameterFit(parameter, current, current, count, None, None, reason)


def calibrate_restatement(frame: pd.DataFrame, current: float, min_labels: int,
                          min_shared_words: int) -> ParameterFit:
    """frame: similarity, count_shared_words, has_restatement_cue, is_yes (one row per labelled conversation)."""
    name, count = "restatement_threshold", len(frame)
    yes = int(frame["is_yes"].sum()) if count else 0
    if count < min_labels or yes == 0 or yes == count:
        return _kept(name, current, count, f"too few labels: needs at least {min_labels} labelled conversations"
                     f" with a restatement score, at least one yes and one no (has {count}, {yes} yes)")
    sims = [None if pd.isna(s) else float(s) for s in frame["similarity"]]
    shared = [0 if pd.isna(n) else int(n) for n in frame["count_shared_words"]]
    cues = [bool(c) if not pd.isna(c) else False for c in frame["has_restatement_cue"]]
    truth = [bool(v) for v in frame["is_yes"]]
    value, score = fit_restatement_threshold(sims, shared, cues, truth, current, min_shared_words)
    before_flags = restatement_flags(sims, shared, cues, current, min_shared_words)
    after_flags = restatement_flags(sims, shared, cues, value, min_shared_words)
    return ParameterFit(name, current, value, count, quality(before_flags, truth), quality(after_flags, truth),
                        f"highest F1 of yes on {count} labels: {f1(before_flags, truth):.3f} -> {score:.3f}")


def calibrate_sentiment(frame: pd.DataFrame, current: DetectorParameters,
                        min_labels: int) -> tuple[ParameterFit, ParameterFit]:
    """frame: compound, label_value (one row per labelled customer message)."""
    count = len(frame)
    negative0, positive0 = current.sentiment_negative_below, current.sentiment_positive_above
    classes = set(frame["label_value"]) if count else set()
    if count < min_labels or len(classes) < 2:
        reason = (f"too few labels: needs at least {min_labels} labelled customer messages with a score, in at"
                  f" least two classes (has {count} in {len(classes)})")
        return (_kept("sentiment_negative_below", negative0, count, reason),
                _kept("sentiment_positive_above", positive0, count, reason))
    compounds = frame["compound"].astype(float).to_numpy()
    truth = frame["label_value"].astype(str).to_numpy(dtype=object)
    negative1, positive1, score = fit_sentiment_cutoffs(compounds, truth, negative0, positive0)
    before = sentiment_classes(compounds, negative0, positive0)
    after = sentiment_classes(compounds, negative1, positive1)
    reason = f"highest macro-F1 on {count} labels: {macro_f1(before, truth):.3f} -> {score:.3f}"
    fits = []
    for name, previous, value, cls in (("sentiment_negative_below", negative0, negative1, "negative"),
                                       ("sentiment_positive_above", positive0, positive1, "positive")):
        fits.append(ParameterFit(name, previous, value, count, quality(list(before == cls), list(truth == cls)),
                                 quality(list(after == cls), list(truth == cls)), reason))
    return fits[0], fits[1]


def intent_floor_quality(confidences: Sequence[float], is_correct: Sequence[bool], floor: float) -> Quality:
    """Precision of the guesses kept at `floor`; recall: the share of the right guesses kept."""
    kept = [float(c) >= floor for c in confidences]
    correct = [bool(x) for x in is_correct]
    hits = sum(1 for k, ok in zip(kept, correct, strict=True) if k and ok)
    return Quality(hits, sum(kept), sum(correct),
                   hits / sum(kept) if sum(kept) else None, wilson_interval(hits, sum(kept)),
                   hits / sum(correct) if sum(correct) else None, wilson_interval(hits, sum(correct)))


def calibrate_intent(frame: pd.DataFrame | None, current: float, target: float, min_labels: int) -> ParameterFit:
    """frame: model_confidence, is_correct (one row per labelled contact with a model guess); None when the
    warehouse holds no model guesses."""
    name = "intent_confidence_floor"
    if frame is None:
        return _kept(name, current, 0, f"not measured: no intent model guesses in this warehouse"
                     f" ({INTENT_GUESSES_TABLE})")
    count = len(frame)
    if count < min_labels:
        return _kept(name, current, count,
                     f"too few labels: needs at least {min_labels} labelled model guesses (has {count})")
    confidences = frame["model_confidence"].astype(float).tolist()
    correct = [bool(x) for x in frame["is_correct"]]
    floor = fit_intent_floor(confidences, correct, target)
    if floor is None:
        return replace(_kept(name, current, count, f"no floor reaches precision {target:.2f} on {count} labels"),
                       before=intent_floor_quality(confidences, correct, current),
                       after=intent_floor_quality(confidences, correct, current))
    return ParameterFit(name, current, floor, count, intent_floor_quality(confidences, correct, current),
                        intent_floor_quality(confidences, correct, floor),
                        f"lowest floor whose labelled guesses reach precision {target:.2f} ({count} labels)")


# --- reading the labels ------------------------------------------------------------------------------------

def _latest_labels_sql(detector_parameter: str = "detector") -> str:
    """The latest label of each (interaction, message, detector): the one that counts (feedback.labels)."""
    return (
        "select * from (select l.*, row_number() over (partition by l.interaction_id, coalesce(l.message_id, ''),"
        " l.detector order by l.labelled_at desc, l.label_id desc) as label_rank from feedback.labels l"
        f" where l.detector = :{detector_parameter}) latest where label_rank = 1"
    )


def count_labels(db: Queryable) -> int:
    if not has_table(db, "feedback.labels"):
        return 0
    return int(db.query_df("select count(*) as n from feedback.labels").iat[0, 0])


def read_restatement_labels(db: Queryable) -> pd.DataFrame:
    from etl.enrich.restatement import RESTATEMENT_VERSION

    frame = db.query_df(
        "select r.similarity, r.count_shared_words, r.has_restatement_cue, lower(l.label_value) as label_value"
        f" from ({_latest_labels_sql()}) l inner join core.enr_handoff_restatement r"
        " on r.interaction_id = l.interaction_id and r.restatement_version = :version",
        {"detector": "restatement", "version": RESTATEMENT_VERSION},
    )
    frame = frame[frame["label_value"].isin(_YES | _NO)].copy()
    frame["is_yes"] = frame["label_value"].isin(_YES)
    return frame


def read_sentiment_labels(db: Queryable) -> pd.DataFrame:
    if not has_table(db, "core.fct_message_sentiment"):
        return pd.DataFrame(columns=["compound", "label_value"])
    frame = db.query_df(
        "select s.compound, lower(l.label_value) as label_value"
        f" from ({_latest_labels_sql()}) l inner join core.fct_message_sentiment s"
        " on s.message_id = l.message_id and s.author_role = 'customer'",
        {"detector": "sentiment"},
    )
    return frame[frame["label_value"].isin(SENTIMENT_CLASSES)].reset_index(drop=True)


def read_intent_labels(db: Queryable) -> pd.DataFrame | None:
    if not has_table(db, INTENT_GUESSES_TABLE) or not set(INTENT_GUESS_COLUMNS) <= _columns(
            db, INTENT_GUESSES_TABLE):
        return None
    return db.query_df(
        "select g.model_confidence, g.model_guess = l.label_value as is_correct"
        f" from ({_latest_labels_sql()}) l inner join ({LATEST_INTENT_GUESSES_SQL}) g"
        " on g.interaction_id = l.interaction_id",
        {"detector": "intent"},
    )


# --- affected metrics --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AffectedMetric:
    metric: str
    before: float | None
    after: float | None
    denominator: int
    note: str = ""


def _share(db: Queryable, numerator_sql: str, table: str, where: str, params: dict[str, Any]) -> tuple[float | None,
                                                                                                     int]:
    frame = db.query_df(
        f"select cast(count(case when {numerator_sql} then 1 end) as bigint) as hits,"
        f" cast(count(*) as bigint) as total from {table} where {where}", params)
    hits, total = int(frame.iat[0, 0]), int(frame.iat[0, 1])
    return (hits / total if total else None), total


def affected_metrics(db: Queryable, before: DetectorParameters, after: DetectorParameters) -> list[AffectedMetric]:
    """The figures the thresholds move, over core, under the old and the new values (bound parameters)."""
    from etl.enrich.restatement import RESTATEMENT_MIN_SHARED_WORDS

    out = []
    if has_table(db, "core.fct_bot_sessions") and "count_restatement_shared_words" in _columns(
            db, "core.fct_bot_sessions"):
        rule = ("has_restatement_cue or (restatement_similarity >= :threshold"
                " and count_restatement_shared_words >= :min_shared)")
        values = [_share(db, rule, "core.fct_bot_sessions", "is_restatement_comparable",
                         {"threshold": p.restatement_threshold, "min_shared": RESTATEMENT_MIN_SHARED_WORDS})
                  for p in (before, after)]
        out.append(AffectedMetric("restatement rate (of comparable handoffs)", values[0][0], values[1][0],
                                  values[0][1]))
    else:
        out.append(AffectedMetric("restatement rate (of comparable handoffs)", None, None, 0,
                                  "not measured: core.fct_bot_sessions is not built"))
    if has_table(db, "core.fct_message_sentiment"):
        for label, rule, parameter in (
                ("share of negative customer messages", "compound < :cut", "sentiment_negative_below"),
                ("share of positive customer messages", "compound > :cut", "sentiment_positive_above")):
            values = [_share(db, rule, "core.fct_message_sentiment", "author_role = 'customer'",
                             {"cut": p.value(parameter)}) for p in (before, after)]
            out.append(AffectedMetric(label, values[0][0], values[1][0], values[0][1]))
    else:
        out.append(AffectedMetric("share of negative customer messages", None, None, 0,
                                  "not measured: core.fct_message_sentiment is not built"))
    if has_table(db, INTENT_GUESSES_TABLE) and set(INTENT_GUESS_COLUMNS) <= _columns(db, INTENT_GUESSES_TABLE):
        values = [_share(db, "model_confidence < :floor", f"({LATEST_INTENT_GUESSES_SQL}) guesses", "true",
                         {"floor": p.intent_confidence_floor}) for p in (before, after)]
        out.append(AffectedMetric("share of model-scored contacts unclassified", values[0][0], values[1][0],
                                  values[0][1]))
    else:
        out.append(AffectedMetric("share of model-scored contacts unclassified", None, None, 0,
                                  f"not measured: no intent model guesses ({INTENT_GUESSES_TABLE})"))
    return out


# --- a calibration run -------------------------------------------------------------------------------------

@dataclass
class CalibrationResult:
    """What `cxpulse calibrate` found: the fits, the figures they move, and the version written (if any)."""

    previous: DetectorParameters
    fits: list[ParameterFit] = field(default_factory=list)
    metrics: list[AffectedMetric] = field(default_factory=list)
    version: str | None = None
    count_labels: int = 0
    message: str = ""
    supervised: str = ""

    @property
    def proposed(self) -> DetectorParameters:
        values = self.previous.values() | {fit.parameter: fit.value for fit in self.fits}
        return DetectorParameters(calibration_version=self.version or "proposed", **values)


def next_version(rows: pd.DataFrame) -> tuple[str, int]:
    seq = int(rows["calibration_seq"].max()) + 1 if not rows.empty else 1
    return f"cal-{seq}", seq


def calibrate(db: Queryable, settings: Settings) -> CalibrationResult:
    """Fit every parameter from the labels against the active calibration; writes nothing."""
    from etl.enrich.restatement import RESTATEMENT_MIN_SHARED_WORDS

    previous = active_parameters(db, settings)
    result = CalibrationResult(previous=previous, count_labels=count_labels(db))
    if result.count_labels == 0:
        result.message = "no labels yet (feedback.labels is empty): nothing to calibrate, no version written"
        return result
    minimum = settings.detectors.min_labels
    result.fits.append(calibrate_restatement(read_restatement_labels(db), previous.restatement_threshold, minimum,
                                             RESTATEMENT_MIN_SHARED_WORDS))
    result.fits.extend(calibrate_sentiment(read_sentiment_labels(db), previous, minimum))
    result.fits.append(calibrate_intent(read_intent_labels(db), previous.intent_confidence_floor,
                                        settings.detectors.intent_precision_target, minimum))
    result.metrics = affected_metrics(db, previous, result.proposed)
    rows = stored_versions(db)
    if not any(fit.is_changed for fit in result.fits):
        result.message = f"nothing changed: every parameter keeps the value of {previous.calibration_version}"
    elif not rows.empty and _same_values(parameters_of_version(rows, str(rows.iloc[0]["calibration_version"])),
                                         result.proposed):
        result.message = f"nothing changed: the fit equals the newest version {rows.iloc[0]['calibration_version']}"
    else:
        result.version = next_version(rows)[0]
        result.message = f"new calibration {result.version}"
    return result


def _same_values(a: DetectorParameters, b: DetectorParameters) -> bool:
    return all(math.isclose(a.value(n), b.value(n), rel_tol=0, abs_tol=1e-9) for n in PARAMETERS)


def calibration_rows(result: CalibrationResult, seq: int, created_by: str, created_at: dt.datetime) -> pd.DataFrame:
    def bounds(interval: Interval | None) -> tuple[float | None, float | None]:
        return (interval.low, interval.high) if interval else (None, None)

    records = []
    for fit in result.fits:
        row: dict[str, Any] = {
            "calibration_version": result.version, "calibration_seq": seq, "created_at": created_at,
            "created_by": created_by, "parameter": fit.parameter, "value": fit.value,
            "previous_value": fit.previous_value, "count_labels": fit.count_labels,
        }
        for when, q in (("before", fit.before), ("after", fit.after)):
            row[f"precision_{when}"] = q.precision if q else None
            row[f"precision_{when}_low"], row[f"precision_{when}_high"] = bounds(q.precision_interval if q else None)
            row[f"recall_{when}"] = q.recall if q else None
            row[f"recall_{when}_low"], row[f"recall_{when}_high"] = bounds(q.recall_interval if q else None)
        row["status"], row["reason"] = fit.status, fit.reason
        records.append(row)
    frame = pd.DataFrame(records)
    for column in frame.columns:
        if column.startswith(("precision_", "recall_")):
            frame[column] = frame[column].astype("float64")
    return frame


def write_calibration(warehouse: Any, result: CalibrationResult, created_by: str,
                      created_at: dt.datetime | None = None) -> str:
    """Store the result's version (one row per parameter); returns its name."""
    if result.version is None:
        raise ValueError("nothing to write: the calibration changed nothing")
    match = _VERSION.fullmatch(result.version)
    assert match is not None
    when = created_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.transaction():
        warehouse.bulk_insert("ops.detector_calibrations",
                              calibration_rows(result, int(match.group(1)), created_by, when))
    return result.version


def run_calibration(url: str, settings: Settings, created_by: str, dry_run: bool = False) -> CalibrationResult:
    """`cxpulse calibrate`: fit, and unless `dry_run` store the new version (when something changed)."""
    from etl.load import bootstrap
    from etl.warehouse import open_writer

    with open_writer(url, command="calibrate") as warehouse:
        if not dry_run:
            bootstrap(warehouse)
        result = calibrate(warehouse, settings)
        if result.version is not None and not dry_run:
            write_calibration(warehouse, result, created_by)
        elif result.version is not None:
            result.message = f"dry run: would write {result.version}; nothing written"
        if result.count_labels and not dry_run and has_table(warehouse, "core.fct_messages"):
            result.supervised = refit_supervised_sentiment(warehouse)
    return result


def refit_supervised_sentiment(warehouse: Any) -> str:
    """Refit the supervised sentiment scorer on the labels now (etl.enrich.sentiment_training, which does nothing
    when its labels are unchanged), recorded as a `calibrate` run; returns what it did, for the terminal."""
    from etl.enrich.sentiment_training import fit_and_store_sentiment_model
    from etl.pipeline import SUCCEEDED, RunResult, _finish_run, _start_run

    run_id = _start_run(warehouse, "calibrate")
    report = fit_and_store_sentiment_model(warehouse, run_id)
    _finish_run(warehouse, RunResult(run_id=run_id, command="calibrate", status=SUCCEEDED), None)
    if not report.is_new:
        return f"supervised sentiment scorer: labels unchanged, {report.model_version} kept"
    if not report.is_fitted:
        return (f"supervised sentiment scorer: not fitted on {report.count_labels} labels"
                f" ({report.fallback_reason}); the customer-service lexicon stays")
    used = "used for customer messages from the next build" if report.is_used_for_customers else (
        "not used: the lexicon measured better on the held-out labels")
    return f"supervised sentiment scorer refitted on {report.count_labels} labels ({report.model_version}): {used}"


def _format_value(value: float | None, spec: str = ".3f") -> str:
    return "n/a" if value is None else format(value, spec)


def _format_quality(q: Quality | None, which: str) -> str:
    if q is None:
        return "not measured"
    value = q.precision if which == "precision" else q.recall
    interval = q.precision_interval if which == "precision" else q.recall_interval
    if value is None or interval is None:
        return "not measured"
    return f"{value:.2f} [{interval.low:.2f}, {interval.high:.2f}]"


def fits_view(result: CalibrationResult) -> pd.DataFrame:
    """What changed, per parameter, as text for a terminal table."""
    return pd.DataFrame([{
        "Parameter": fit.parameter,
        "Old -> new": f"{fit.previous_value:g} -> {fit.value:g}",
        "Status": fit.status,
        "Labels": fit.count_labels,
        "Precision before -> after (95% CI)": (f"{_format_quality(fit.before, 'precision')} -> "
                                               f"{_format_quality(fit.after, 'precision')}"),
        "Recall before -> after (95% CI)": (f"{_format_quality(fit.before, 'recall')} -> "
                                            f"{_format_quality(fit.after, 'recall')}"),
        "Why": fit.reason,
    } for fit in result.fits])


def metrics_view(result: CalibrationResult) -> pd.DataFrame:
    return pd.DataFrame([{
        "Figure": m.metric, "Old": _format_value(m.before, ".1%"), "New": _format_value(m.after, ".1%"),
        "Over": m.denominator, "Note": m.note,
    } for m in result.metrics])
