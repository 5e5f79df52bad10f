"""`cxpulse calibrate` fits the intent confidence floor from labelled model guesses stored by the intent step
(core.enr_contact_intents), on DuckDB and PostgreSQL.

Eight contacts whose latest row holds a model guess (confidence, and whether people said the guess was right):
0.95 right, 0.90 right, 0.85 wrong, 0.80 right, 0.70 right, 0.60 wrong, 0.55 wrong, 0.40 wrong. C1 also has an
older row (a guess at 0.10) that no longer counts, and V1 was labelled by a vendor field (no model guess): it is
not a guess to judge. Target precision 0.8: at 0.40 4/8, 0.55 4/7, 0.60 4/6, 0.70 4/5 = 0.8 -> floor 0.70.
Before (0.5): 7 kept, 4 right: precision 4/7, recall 4/4; after: 4/5, 4/4.
Share of model-scored contacts unclassified: below 0.5 one of 8 (0.40); below 0.70 three of 8.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.calibration import active_parameters, calibrate, run_calibration
from etl.config import settings_from_mapping
from etl.load import bootstrap
from etl.warehouse import open_writer

GUESSES = [("C1", 0.95, True), ("C2", 0.90, True), ("C3", 0.85, False), ("C4", 0.80, True), ("C5", 0.70, True),
           ("C6", 0.60, False), ("C7", 0.55, False), ("C8", 0.40, False)]
NOW = dt.datetime(2026, 12, 7, 12, 0)


def _row(interaction: str, guess: str | None, confidence: float | None, at: dt.datetime, run: int) -> dict:
    return {"interaction": interaction, "guess": guess, "confidence": confidence, "at": at, "run": run,
            "source": "model" if guess else "vendor"}


def _seed(url: str) -> None:
    rows = [_row(c, "billing", p, NOW, 2) for c, p, _ in GUESSES]
    rows += [_row("C1", "refund", 0.10, NOW - dt.timedelta(days=1), 1), _row("V1", None, None, NOW, 2)]
    with open_writer(url) as warehouse:
        bootstrap(warehouse)
        for row in rows:
            warehouse.execute(
                "insert into core.enr_contact_intents (interaction_id, intent, intent_source, model_guess,"
                " model_confidence, detector_version, taxonomy_version, input_hash, run_id, assigned_at)"
                " values (:interaction, 'billing', :source, :guess, :confidence, 'intents-1', 't', 'h', :run, :at)",
                row)
        labels = [(c, "billing" if right else "refund") for c, _, right in GUESSES] + [("V1", "cancellation")]
        for number, (interaction, label) in enumerate(labels):
            warehouse.execute(
                "insert into feedback.labels (label_id, interaction_id, detector, label_value, labelled_by,"
                " labelled_at) values (:id, :interaction, 'intent', :label, 'analyst', :at)",
                {"id": f"L{number}", "interaction": interaction, "label": label, "at": NOW})


def test_calibrate_fits_the_intent_floor_from_labelled_guesses(warehouse_url: str, tmp_path: Path) -> None:
    _seed(warehouse_url)
    settings = settings_from_mapping({"warehouse": {"url": warehouse_url},
                                      "detectors": {"min_labels": 8, "intent_precision_target": 0.8}}, tmp_path)
    with open_writer(warehouse_url) as warehouse:
        result = calibrate(warehouse, settings)
    fit = next(f for f in result.fits if f.parameter == "intent_confidence_floor")
    assert (fit.previous_value, fit.value, fit.count_labels, fit.status) == (0.5, 0.7, 8, "changed")
    assert (fit.before.precision, fit.before.recall) == pytest.approx((4 / 7, 1.0))
    assert (fit.after.precision, fit.after.recall) == pytest.approx((0.8, 1.0))
    unclassified = next(m for m in result.metrics if m.metric.startswith("share of model-scored contacts"))
    assert (unclassified.before, unclassified.after, unclassified.denominator) == (1 / 8, 3 / 8, 8)

    assert run_calibration(warehouse_url, settings, "tester").version == "cal-1"
    with open_writer(warehouse_url) as warehouse:
        assert active_parameters(warehouse, settings).intent_confidence_floor == 0.7
        again = calibrate(warehouse, settings)
    assert again.version is None and again.message.startswith("nothing changed")
