"""What Altair's schema validation costs a page: each page's script run in AppTest on one warehouse, its charts
shown as they are now (dashboard.widgets.chart.show_chart: no validation, Altair's debug mode off) and, interleaved in
the same process, as st.altair_chart shows them (the yardstick: the spec validated on conversion, every chart object
validated as it is built).

    python bench/chart_validation.py --warehouse duckdb:///path/warehouse.duckdb [--pages experience,journeys]
        [--rounds 5]

A run's time is the page's script run after a first run that filled the data caches, so it is the drawing of the
page (its charts, tables and figures) with the queries already answered. Prints the median seconds per page and way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from altair.utils import schemapi
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
from streamlit.testing.v1 import AppTest

from dashboard.widgets import chart

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PAGES = ("executive", "overview", "journeys", "automation", "experience", "risk", "capacity", "escalations")
WAYS = {"validated (st.altair_chart)": True, "not validated (show_chart)": False}
NOW_SPEC = chart.vega_lite_spec


def use_validation(validated: bool) -> None:
    """Charts converted and built as st.altair_chart and Altair's defaults do (validated) or as show_chart does."""
    chart.vega_lite_spec = _convert_altair_to_vega_lite_spec if validated else NOW_SPEC  # type: ignore[assignment]
    schemapi.DEBUG_MODE = validated


def page_seconds(path: str) -> float:
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()
    at.switch_page(f"app_pages/{path}/page.py")
    started = time.perf_counter()
    at.run()
    if at.exception:
        sys.exit(f"{path}: {at.exception[0].message}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["CXPULSE_WAREHOUSE_URL"] = args.warehouse
    for path in args.pages.split(","):
        use_validation(False)
        page_seconds(path.replace("-", "_"))  # fills the caches
        seconds: dict[str, list[float]] = {way: [] for way in WAYS}
        for _ in range(args.rounds):
            for way, validated in WAYS.items():
                use_validation(validated)
                seconds[way].append(page_seconds(path.replace("-", "_")))
        medians = {way: statistics.median(values) for way, values in seconds.items()}
        validated, not_validated = medians.values()
        print(f"{path:>12}: " + ", ".join(f"{way} {value:.2f} s" for way, value in medians.items())
              + f"; saved {validated - not_validated:.2f} s a run")
    use_validation(False)


if __name__ == "__main__":
    main()
