"""How the intents of the real contact exports were found: the app's "Intent from" line per data set.

    python bench/intent_source_line.py [helpdesk twitter abcd]

Each data set of ../shared/data is loaded alone through its shipped mapping and the deployments' taxonomy (as
tests/realdata does) into a temporary DuckDB warehouse by the real pipeline (`run`, enrichment included), then read
through the dashboard's own query (dashboard.queries_intent_sources, contacts of marts.service_daily over all the
data set's days), with and without low-confidence intents. Prints the contacts and the line for each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import intent_sources, queries_intent_sources
from dashboard.filters import Filters
from etl.config import settings_from_mapping
from etl.pipeline import run_pipeline
from etl.warehouse import open_reader
from tests.realdata.datasets import REAL_TAXONOMY, source_entries


def _bounds(url: str) -> tuple:
    reader = open_reader(url)
    try:
        frame = reader.query_df("select min(date_day) as first_day, max(date_day) as last_day from marts.service_daily")
    finally:
        reader.close()
    return frame.iat[0, 0], frame.iat[0, 1]


def main(names: list[str]) -> None:
    for name in names:
        folder = Path(tempfile.mkdtemp(prefix=f"intent_source_line_{name}_"))
        url = f"duckdb:///{folder / 'warehouse.duckdb'}"
        entries = source_entries([name])
        settings = settings_from_mapping({"warehouse": {"url": url}, "sources": entries,
                                          "intents": {"taxonomy": str(REAL_TAXONOMY)}}, folder)
        started = time.perf_counter()
        result = run_pipeline(settings, "run")
        if result.exit_code != 0:
            raise SystemExit(f"{name}: the pipeline failed: {result.problems}")
        built = time.perf_counter() - started
        first_day, last_day = _bounds(url)
        for include in (True, False):
            filters = Filters(start=first_day, end=last_day, include_low_confidence=include)
            frame = queries_intent_sources.intent_sources(url, "bench", "contacts", filters)
            which = "all intents" if include else "without Low-band guesses"
            line = intent_sources.source_line(frame)
            print(f"{name:9} {which:24} {int(frame['contacts'].sum()):6,} contacts  {line}")
        print(f"{name:9} built in {built:.0f} s ({first_day} to {last_day})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["helpdesk", "twitter", "abcd"])
