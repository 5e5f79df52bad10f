"""The Data health page's Reconciliation section through AppTest, on the Zendesk API fixture (hand-worked in
tests/sql/test_zendesk_api_pipeline.py and tests/sql/test_reconciliation_pipeline.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.pipeline import SUCCEEDED, run_pipeline
from tests.conftest import FIXTURES, make_settings

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def test_data_health_shows_the_reconciliation_as_dataframes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'zendesk_api.duckdb'}"
    assert run_pipeline(make_settings(url, FIXTURES / "zendesk_api", "zendesk"), "run").status == SUCCEEDED
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("app_pages/data_health/page.py")
    at.run()
    assert not at.exception
    assert "Reconciliation with the vendors' own figures" in [element.value for element in at.subheader]
    frames = [element.value for element in at.dataframe]
    summary = next(frame for frame in frames if "Agreement" in frame.columns)
    first_reply = summary[(summary["Figure"] == "first_reply") & (summary["Basis"] == "calendar")].iloc[0]
    # 50001 2,400 s = 40 min; 50002 3,600 s = 60 min; 50003 330 s vs 5 min (within 60 s); 50004 no comment
    assert (first_reply["Records compared"], first_reply["Agreeing"], first_reply["Agreement"]) == (4, 3, "75.0%")
    waits = summary[summary["Figure"] == "requester_wait"]
    assert set(waits["Agreement"]) == {"not measured — cxpulse computes no own figure for it"}
    disagreements = next(frame for frame in frames if "Cause" in frame.columns)
    assert sorted(disagreements["Cause"]) == sorted(["missing vendor figure", "a missing event", "a missing event",
                                                     "a reopen", "a reopen", "different calendar"])
    # record texts come from the export: shown in dataframes, never as Markdown
    assert not any("zendesk:ticket" in str(element.value) for element in at.markdown)
