"""Detector quality lists the detectors' calibration versions and marks the one the build applies (AppTest, on
a warehouse of tests/fixtures/canonical_small built on DuckDB and on PostgreSQL)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.calibration import active_version_name
from etl.pipeline import SUCCEEDED, run_pipeline
from tests.conftest import FIXTURES, make_settings, write_calibration_version
from tests.dashboard.conftest import open_page


def _metric(at: AppTest, label: str) -> str:
    return next(str(element.value) for element in at.metric if element.label == label)


def test_active_version_name() -> None:
    assert active_version_name("latest", ["cal-2", "cal-1"]) == "cal-2"
    assert active_version_name("latest", []) == "none"
    assert active_version_name("none", ["cal-2"]) == "none"
    assert active_version_name("cal-1", ["cal-2", "cal-1"]) == "cal-1"
    assert active_version_name("cal-7", ["cal-2", "cal-1"]) == "unknown"


@pytest.mark.slow
def test_detector_quality_lists_calibration_versions(monkeypatch: pytest.MonkeyPatch, warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "canonical_small"), "run")
    assert result.status == SUCCEEDED, result.problems
    st.cache_data.clear()
    at = open_page(monkeypatch, warehouse_url, "detector_quality")
    assert not at.exception
    assert "Calibration versions" in [element.value for element in at.subheader]
    assert any(element.value.startswith("No calibration yet") for element in at.text)
    assert _metric(at, "Active calibration") == "none"

    write_calibration_version(warehouse_url, "cal-1", restatement_threshold=0.6)
    write_calibration_version(warehouse_url, "cal-2", restatement_threshold=0.7)
    st.cache_data.clear()
    at = open_page(monkeypatch, warehouse_url, "detector_quality")
    assert not at.exception
    assert any(element.value.startswith("Active: cal-2") for element in at.text)
    assert _metric(at, "Active calibration") == "cal-2"
    table = next(element.value for element in at.dataframe if "calibration_version" in element.value.columns)
    assert len(table) == 8
    active = table[table["is_active"]]
    assert set(active["calibration_version"]) == {"cal-2"}
    thresholds = table[table["parameter"] == "restatement_threshold"].set_index("calibration_version")["value"]
    assert thresholds.to_dict() == {"cal-2": 0.7, "cal-1": 0.6}
