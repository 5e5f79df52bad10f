"""The scorecard as a workbook of numbers (issue 11: "25,407" and "72.7%" were text cells, and "-4.7 pp" got a
visible quote). Rows are made here by hand; the workbook is read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from dashboard.exports import scorecard_sheet, tables_xlsx
from dashboard.scorecard import NOISE_REAL, NOISE_UNKNOWN, NOISE_WITHIN, ScorecardRow
from etl.change import Change, Interval


def _row(metric: str, label: str, unit: str, value: float | None, *, kind: str = "sla",
         change: Change | None = None, target: float | None = None, status: str | None = None,
         cases: float = 100.0, noise: str = NOISE_UNKNOWN, value_text: str = "shown") -> ScorecardRow:
    return ScorecardRow(metric=metric, label=label, kind=kind, unit=unit, value=value, value_text=value_text,
                        target=target, target_text="", status=status, change=change, change_text="", noise=noise,
                        cases=cases, is_thin=False, trend=(), version_text=f"{metric} v1")


def _change(metric: str, current: float, previous: float, low: float, high: float) -> Change:
    return Change(metric=metric, current=current, previous=previous, delta=current - previous, relative_delta=None,
                  interval=Interval(low, high, 0.95), method="test", within_noise=low <= 0 <= high,
                  is_current_thin=False, is_previous_thin=False, improved=None)


ROWS = [
    # 25,407 contacts now against 25,172: +235, interval +112 to +358
    _row("interactions", "Interactions", "count", 25_407.0, kind="volume", cases=25_407.0, noise=NOISE_REAL,
         change=_change("interactions", 25_407.0, 25_172.0, 112.0, 358.0)),
    # 72.7% against 77.4%: -4.7 pp, interval -8.7 to -0.6 pp; target 80%, missed
    _row("service_level", "Service level", "rate", 0.727, target=0.8, status="missed", cases=968.0,
         noise=NOISE_REAL, change=_change("service_level", 0.727, 0.774, -0.087, -0.006)),
    # 5.0 h = 18,000 s against 4.6 h = 16,560 s: +1,440 s
    _row("first_reply_time", "First reply time", "seconds", 18_000.0, target=14_400.0, status="missed",
         noise=NOISE_WITHIN, change=_change("first_reply_time", 18_000.0, 16_560.0, -300.0, 3_000.0)),
    # a risk row: money now, no change; its cases are the 36 accounts scored, not its money
    _row("revenue_at_risk", "Revenue at risk", "money", 353_191.77, kind="risk", cases=353_191.77),
    # nothing measured: an empty cell and the reason as a note
    _row("csat", "CSAT", "rate", None, kind="xla", cases=0.0, value_text="not measured: no survey answers"),
]


def _sheet() -> openpyxl.worksheet.worksheet.Worksheet:
    sheet = scorecard_sheet(ROWS, cases=[None, None, None, 36.0, None],
                            cases_of=["contacts", "contacts", "replies", "accounts", "answers"],
                            directions=["neutral", "higher_is_better", "lower_is_better", "lower_is_better",
                                        "higher_is_better"])
    return openpyxl.load_workbook(io.BytesIO(tables_xlsx([sheet], currency="EUR")))["Scorecard"]


def _column(sheet: openpyxl.worksheet.worksheet.Worksheet, header: str) -> list[openpyxl.cell.Cell]:
    headers = [cell.value for cell in sheet[1]]
    position = headers.index(header) + 1
    return [sheet.cell(row=row, column=position) for row in range(2, sheet.max_row + 1)]


def test_figures_are_numbers_in_their_rows_format() -> None:
    now = _column(_sheet(), "Now")
    assert [c.number_format for c in now[:4]] == ["#,##0", "0.0%", "[h]:mm:ss", '#,##0.00 "EUR"']
    assert now[0].value == 25_407 and now[0].data_type == "n"
    assert now[1].value == pytest.approx(0.727) and now[1].data_type == "n"
    assert now[2].value == dt.timedelta(hours=5)  # a duration: 18,000 s
    assert now[3].value == pytest.approx(353_191.77)
    assert now[4].value is None  # not measured: empty, never 0
    assert _column(_sheet(), "Note")[4].value == "not measured: no survey answers"


def test_targets_and_changes_are_numbers_and_a_rates_change_is_in_points() -> None:
    sheet = _sheet()
    target = _column(sheet, "Target")
    assert [target[1].value, target[2].value] == [pytest.approx(0.8), dt.timedelta(hours=4)]
    assert [c.value for c in _column(sheet, "Target is")][:3] == [None, "at least", "at most"]
    change = _column(sheet, "Change")
    # +235 contacts; 72.7% - 77.4% = -4.7 points; +1,440 s
    assert change[0].value == 235 and change[0].number_format == "+#,##0;-#,##0;0"
    assert change[1].value == pytest.approx(-4.7) and change[1].number_format == '+0.0 "pp";-0.0 "pp";0.0 "pp"'
    assert change[2].value == 1_440 and change[2].number_format == '+#,##0 "s";-#,##0 "s";0 "s"'
    assert change[3].value is None  # the risk row: no change
    low, high = _column(sheet, "Change from"), _column(sheet, "Change to")
    assert (low[1].value, high[1].value) == (pytest.approx(-8.7), pytest.approx(-0.6))
    assert (low[2].value, high[2].value) == (-300, 3_000)
    assert _column(sheet, "Interval level")[0].value == 0.95
    assert _column(sheet, "Previous")[1].value == pytest.approx(0.774)


def test_risk_rows_count_accounts_and_no_cell_is_a_number_as_text() -> None:
    sheet = _sheet()
    cases = _column(sheet, "Cases")
    assert [c.value for c in cases] == [25_407, 968, 100, 36, 0]
    assert [c.value for c in _column(sheet, "Cases are")] == ["contacts", "contacts", "replies", "accounts", "answers"]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "s":
                text = str(cell.value)
                assert not text.startswith("'")
                assert not text.replace(",", "").replace(".", "").replace("%", "").strip("+-").isdigit()
