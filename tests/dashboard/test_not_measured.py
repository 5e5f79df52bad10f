"""A figure the data cannot support (issue 11, "Not measured is a first-class result"): the scorecard, the
attainment and watermelon rule, the workbook and the PDF pack, from hand-made sums."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd

from dashboard.app_pages.executive.view import pack_scorecard, scorecard_frame
from dashboard.exports import KpiPack, kpi_pack_pdf, scorecard_sheet, tables_xlsx
from dashboard.queries import with_coverage
from dashboard.scorecard import NOT_MEASURED, attainment_by_member, scorecard_rows
from etl.catalog import load_catalog
from etl.config import settings_from_mapping
from tests.dashboard.test_exports_pdf import _pdf_texts

SETTINGS = settings_from_mapping({"metrics": {"min_cases": 30}}, Path("."))
CATALOG = load_catalog()
NO_COSTS = "no unit costs are configured for this source's channels"
SINGLE = "every contact holds a single customer message"


def _figures(rows: list[tuple], reasons: dict[str, str]) -> pd.DataFrame:
    """(member, metric, numerator, denominator) rows of the current period, with the coverage's reasons."""
    frame = pd.DataFrame([{"member": m, "period": "current", "metric": metric, "numerator": n, "denominator": d,
                           "sum_of_squares": None, "value": n / d if d else n} for m, metric, n, d in rows])
    return with_coverage(frame, reasons)


def test_with_coverage_removes_the_value_of_an_unmeasured_metric() -> None:
    # cost per contact: 0 cost over 2,718 contacts would read as $0.00; with no unit costs it has no value
    frame = _figures([("all", "cost_per_contact", 0.0, 2718.0), ("all", "interactions", 2718.0, None)],
                     {"cost_per_contact": NO_COSTS})
    by_metric = frame.set_index("metric")
    assert pd.isna(by_metric.loc["cost_per_contact", "value"])
    assert by_metric.loc["cost_per_contact", "not_measured_reason"] == NO_COSTS
    assert by_metric.loc["interactions", "value"] == 2718.0
    assert pd.isna(by_metric.loc["interactions", "not_measured_reason"])


def test_a_scorecard_row_is_not_measured_never_0_and_never_met() -> None:
    # recovery: 0 recovered of 1,128 negative starts would be "0.0% · Missed"
    periods = _figures([("all", "negative_start_recovery_rate", 0.0, 1128.0)],
                       {"negative_start_recovery_rate": SINGLE})
    row = scorecard_rows([CATALOG["negative_start_recovery_rate"]], periods, pd.DataFrame(), SETTINGS)[0]
    assert row.value is None
    assert row.status == NOT_MEASURED
    assert row.value_text == f"not measured — {SINGLE}"
    assert row.tile_text == "not measured"
    assert row.reason_caption == f"Not measured — {SINGLE}."
    assert row.change is None and row.cases == 0.0
    table = scorecard_frame([row]).iloc[0]
    # the reason has a column of its own (last), so that a long reason never pushes Change or Cases out of view
    assert (table["Now"], table["Status"], table["Cases"], table["Not measured because"]) == (
        "not measured", "Not measured", "—", SINGLE)
    assert list(table.index)[-1] == "Not measured because"
    assert pack_scorecard([row])[0].status == NOT_MEASURED


def test_a_member_with_an_unmeasured_figure_is_not_a_watermelon() -> None:
    catalog = CATALOG
    metrics = [catalog["service_level"], catalog["abandonment_rate"], catalog["negative_start_recovery_rate"],
               catalog["csat"]]
    # both members: service level 90/100 (met, target 80%), abandonment 2/100 (met, 5%), CSAT 60/100 (missed,
    # 85%): SLA 2 of 2, XLA 0 of 1, a watermelon by the figures alone. Member "unknown" also has recovery
    # 0/100, which its sources cannot measure: it is left out of attainment and "unknown" is no watermelon.
    rows = []
    for member in ("A", "unknown"):
        rows += [(member, "service_level", 90, 100), (member, "abandonment_rate", 2, 100), (member, "csat", 60, 100)]
    rows.append(("unknown", "negative_start_recovery_rate", 0, 100))
    frame = _figures(rows, {})
    frame.loc[(frame["member"] == "unknown") & (frame["metric"] == "negative_start_recovery_rate"),
              ["not_measured_reason", "value"]] = [SINGLE, None]
    table = attainment_by_member(frame, metrics, SETTINGS).set_index("member")
    assert bool(table.loc["A", "is_watermelon"])
    assert not bool(table.loc["unknown", "is_watermelon"])
    assert (table.loc["unknown", "xla_measured"], table.loc["unknown", "xla_met"]) == (1, 0)  # CSAT only
    assert table.loc["unknown", "not_measured"] == "Recovered from a negative start"
    assert table.loc["A", "not_measured"] == ""


def _unmeasured_rows() -> list:
    periods = _figures([("all", "cost_per_contact", 0.0, 2718.0), ("all", "interactions", 2718.0, None)],
                       {"cost_per_contact": NO_COSTS})
    return scorecard_rows([CATALOG["interactions"], CATALOG["cost_per_contact"]], periods, pd.DataFrame(), SETTINGS)


def test_the_workbook_has_an_empty_cell_the_status_and_the_reason_never_0() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(tables_xlsx([scorecard_sheet(_unmeasured_rows())])))["Scorecard"]
    headers = [cell.value for cell in sheet[1]]
    cost = {header: sheet.cell(row=3, column=i + 1).value for i, header in enumerate(headers)}
    assert cost["Measure"] == "Cost per contact"
    assert cost["Now"] is None and cost["Cases"] is None  # an empty cell, not 0
    assert cost["Status"] == "Not measured"
    assert cost["Not measured because"] == NO_COSTS
    assert cost["Note"] == f"not measured — {NO_COSTS}"
    contacts = {header: sheet.cell(row=2, column=i + 1).value for i, header in enumerate(headers)}
    assert contacts["Now"] == 2718 and contacts["Not measured because"] is None


def test_the_pdf_pack_says_not_measured_with_the_reason() -> None:
    pack = KpiPack(title="KPI review", filters="all", as_of="now", scorecard=pack_scorecard(_unmeasured_rows()),
                   charts=[], definitions=[])
    texts = _pdf_texts(kpi_pack_pdf(pack, dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC), compress=False))
    words = " ".join(" ".join(texts).split())  # a long cell wraps over several lines
    assert f"not measured — {NO_COSTS}" in words
    assert NOT_MEASURED in texts  # the Status cell
    assert "$0.00" not in words and "0.00" not in words


def test_a_metric_whose_mart_has_no_row_still_carries_its_reason() -> None:
    """Twitter: the bot mart holds no row for a source without bots, so 'escalations' had no figure row and its
    tile showed a blank; the coverage's reason must still reach it, and a measured metric is left alone."""
    from dashboard.queries import CURRENT, with_coverage, with_unmeasured_rows

    figures = pd.DataFrame([{"period": CURRENT, "row_count": 3, "metric": "interactions", "numerator": 2718.0,
                             "denominator": None, "sum_of_squares": None, "value": 2718.0}])
    reasons = {"escalations": "no escalation events", "csat": "no surveys"}
    out = with_coverage(with_unmeasured_rows(figures, ["interactions", "escalations"], reasons), reasons)
    assert list(out["metric"]) == ["interactions", "escalations"]  # csat was not asked for
    escalations = out.set_index("metric").loc["escalations"]
    assert escalations["not_measured_reason"] == "no escalation events"
    assert pd.isna(escalations["value"])
    assert out.set_index("metric").loc["interactions", "value"] == 2718.0
    assert with_unmeasured_rows(pd.DataFrame(), ["csat"], reasons)["metric"].tolist() == ["csat"]
