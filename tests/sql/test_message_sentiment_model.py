"""core.fct_message_sentiment on tests/fixtures/experience, on DuckDB and PostgreSQL.

The fixture has 7 messages, 5 of them the customer's (M11, M13, M21, M23, M31) and 2 agent turns (M12, M22).
Scores worked out by hand in tests/sql/test_experience_pipeline.py: M11 "still waiting" is 0 for stock VADER
and -2 / sqrt(19) = -0.4588 for the customer-service scorer; M21 "Please help" is 3.0 / sqrt(24) = 0.6124 stock
and 0 adapted. So the model keeps one row per message (7), the customer ones under the adapted version
(M11 -0.4588 negative, M21 0 neutral) and the agent ones under the stock version.
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl.enrich.sentiment import ADAPTED_VERSION, ANALYZER_VERSION
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings


def test_one_row_per_message_with_the_version_of_its_author(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "experience"), "run")
    assert result.status == SUCCEEDED, result.problems
    reader = open_reader(warehouse_url)
    try:
        frame: pd.DataFrame = reader.query_df(
            "select message_id, author_role, compound, sentiment_label, analyzer_version"
            " from core.fct_message_sentiment").set_index("message_id")
    finally:
        reader.close()
    assert len(frame) == 7 and frame.index.is_unique
    customers = frame[frame["author_role"] == "customer"]
    assert set(customers.index) == {"M11", "M13", "M21", "M23", "M31"}
    assert set(customers["analyzer_version"]) == {ADAPTED_VERSION}
    assert set(frame.loc[["M12", "M22"], "analyzer_version"]) == {ANALYZER_VERSION}
    assert frame.loc["M11", "compound"] == pytest.approx(-0.4588, abs=1e-4)
    assert frame.loc["M11", "sentiment_label"] == "negative"
    assert frame.loc["M21", "compound"] == pytest.approx(0.0, abs=1e-4)
    assert frame.loc["M21", "sentiment_label"] == "neutral"
