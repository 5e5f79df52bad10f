"""`cxpulse calibrate` on a built warehouse (DuckDB and PostgreSQL), from no label to two versions and back.

The warehouse is the hand-made fixture tests/fixtures/automation (tests/sql/test_automation_pipeline.py works its
figures out). Customer messages and their compounds (VADER: compound = x / sqrt(x² + 15) over the summed lexicon
valences, "!" adds 0.292): "Today SUX!" -0.5461, "The book was good." 0.4404, "Not bad at all" 0.431 (the
vaderSentiment README), "Found it, thank you!" (1.5 + 0.292) / sqrt(1.792² + 15) = 0.4199, "That's what I
needed, thank you." 1.5 / sqrt(1.5² + 15) = 0.3612; 21 customer messages in all. Positive at the shipped
+0.05: those four of 0.4404, 0.431, 0.4199, 0.3612 -> 4/21.

Labels (min_labels 4): B1M7 "Today SUX!" negative, B1M2 (compound 0, no lexicon word) neutral, B5M7 "Not bad at
all" neutral, B1M10 "The book was good." positive. Macro-F1 1.0 needs -0.5461 < negative_below <= 0 and
0.431 <= positive_above < 0.4404: on the 0.01 grid only 0.44, and negative_below stays at -0.05 (no move):
cal-1 = (-0.05, 0.44). Positive class before: flagged 0.431 and 0.4404, one right: precision 1/2, recall 1/1;
after 1/1, 1/1. Positive share after: only 0.4404 > 0.44 -> 1/21.
Restatement labels B1 yes, B5 no: 2 labels < 4 -> kept at 0.5 with the reason. No intent model guesses -> kept.
The supervised sentiment scorer (etl/enrich/sentiment_training.py) is refitted on the labels: too few to fit.
B1's restatement similarity is 5/6 = 0.8333 (restatement at 0.5, not at 0.9).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import Settings
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_writer
from tests.conftest import FIXTURES, make_settings, query_frame, write_calibration_version

AUTOMATION = FIXTURES / "automation"
LABELS = [  # interaction, message, detector, label
    ("B1", "B1M7", "sentiment", "negative"),
    ("B1", "B1M2", "sentiment", "neutral"),
    ("B5", "B5M7", "sentiment", "neutral"),
    ("B1", "B1M10", "sentiment", "positive"),
    ("B1", None, "restatement", "yes"),
    ("B5", None, "restatement", "no"),
]


def _settings(url: str, calibration: str = "latest") -> Settings:
    return make_settings(url, AUTOMATION, detectors={"calibration": calibration, "min_labels": 4})


def _config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "cxpulse.toml"
    path.write_text(f'[warehouse]\nurl = "{url}"\n\n[detectors]\nmin_labels = 4\n', encoding="utf-8")
    return path


def _calibrate(config: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["calibrate", "--config", str(config), "--by", "tester", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _build(url: str, calibration: str) -> None:
    result = run_pipeline(_settings(url, calibration), "build")
    assert result.status == SUCCEEDED, result.problems


def _versions(url: str) -> pd.DataFrame:
    return query_frame(url, "select calibration_version, parameter, value, previous_value, count_labels, status,"
                            " precision_before, recall_before, precision_after, recall_after, created_by"
                            " from ops.detector_calibrations order by calibration_seq, parameter")


def _labels_of(url: str) -> tuple[dict[str, str], dict[str, bool], str, str]:
    sentiment = query_frame(url, "select message_id, sentiment_label, sentiment_label_version"
                                 " from core.fct_message_sentiment where author_role = 'customer'")
    sessions = query_frame(url, "select interaction_id, is_restatement, restatement_version"
                                " from core.fct_bot_sessions where is_restatement_comparable")
    return (dict(zip(sentiment["message_id"], sentiment["sentiment_label"], strict=True)),
            dict(zip(sessions["interaction_id"], sessions["is_restatement"].astype(bool), strict=True)),
            str(sentiment.loc[sentiment["message_id"] == "B5M7", "sentiment_label_version"].iloc[0]),
            str(sessions.loc[sessions["interaction_id"] == "B1", "restatement_version"].iloc[0]))


def _insert_labels(url: str) -> None:
    at = dt.datetime(2026, 12, 7, 12, 0)
    with open_writer(url) as warehouse:
        for number, (interaction, message, detector, label) in enumerate(LABELS):
            warehouse.execute(
                "insert into feedback.labels (label_id, interaction_id, message_id, detector, label_value,"
                " labelled_by, labelled_at) values (:id, :interaction, :message, :detector, :label, 'analyst', :at)",
                {"id": f"L{number}", "interaction": interaction, "message": message, "detector": detector,
                 "label": label, "at": at},
            )


@pytest.mark.slow
def test_calibrate_writes_versions_the_build_applies_and_the_previous_one_restores(
        warehouse_url: str, tmp_path: Path) -> None:
    result = run_pipeline(_settings(warehouse_url), "run")
    assert result.status == SUCCEEDED, result.problems
    config = _config(tmp_path, warehouse_url)
    sentiment, restated, sentiment_version, restatement_version = _labels_of(warehouse_url)
    assert (sentiment["B5M7"], sentiment["B1M10"], restated) == ("positive", "positive", {"B1": True, "B5": False})
    assert sentiment_version.endswith("/calibration-none") and restatement_version.endswith("/calibration-none")

    # no label: said so, exit 0, nothing written
    assert "no labels yet" in _calibrate(config)
    assert _versions(warehouse_url).empty

    _insert_labels(warehouse_url)
    assert "dry run: would write cal-1" in _calibrate(config, "--dry-run")
    assert _versions(warehouse_url).empty

    output = _calibrate(config)
    assert "new calibration cal-1" in output
    assert "0.05 -> 0.44" in output
    assert "share of positive customer messages" in output and "19.0%" in output and "4.8%" in output
    # h-sentiment's supervised scorer is refitted on the labels: 4 hand labels and no CSAT are too few to fit
    assert "supervised sentiment scorer: not fitted on 4 labels" in output
    rows = _versions(warehouse_url).set_index("parameter")
    assert set(rows["calibration_version"]) == {"cal-1"} and set(rows["created_by"]) == {"tester"}
    assert rows.loc["sentiment_positive_above", ["previous_value", "value", "status", "count_labels"]].tolist() == [
        0.05, 0.44, "changed", 4]
    assert rows.loc["sentiment_positive_above", ["precision_before", "recall_before", "precision_after",
                                                 "recall_after"]].tolist() == [0.5, 1.0, 1.0, 1.0]
    assert rows.loc["sentiment_negative_below", ["value", "status"]].tolist() == [-0.05, "kept"]
    assert rows.loc["restatement_threshold", ["value", "status", "count_labels"]].tolist() == [0.5, "kept", 2]
    assert rows.loc["intent_confidence_floor", ["value", "status", "count_labels"]].tolist() == [0.5, "kept", 0]

    # the same labels again: nothing new
    output = _calibrate(config)
    assert "nothing changed" in output and "supervised sentiment scorer: labels unchanged" in output
    assert len(_versions(warehouse_url)) == 4

    # the next build applies cal-1: "Not bad at all" (0.431) is neutral now, "The book was good." still positive
    _build(warehouse_url, "latest")
    sentiment, restated, sentiment_version, _ = _labels_of(warehouse_url)
    assert (sentiment["B5M7"], sentiment["B1M10"], sentiment["B1M7"]) == ("neutral", "positive", "negative")
    assert sentiment_version.endswith("/calibration-cal-1")
    assert restated == {"B1": True, "B5": False}

    # cal-2 raises the restatement threshold to 0.9: B1 (0.8333) is no longer a restatement
    write_calibration_version(warehouse_url, "cal-2", restatement_threshold=0.9, sentiment_positive_above=0.44)
    _build(warehouse_url, "latest")
    _, restated, _, restatement_version = _labels_of(warehouse_url)
    assert restated == {"B1": False, "B5": False}
    assert restatement_version.endswith("/calibration-cal-2")

    # selecting the previous version restores its outputs
    _build(warehouse_url, "cal-1")
    sentiment, restated, _, restatement_version = _labels_of(warehouse_url)
    assert restated == {"B1": True, "B5": False} and sentiment["B5M7"] == "neutral"
    assert restatement_version.endswith("/calibration-cal-1")
