"""Table exports: formula neutralisation, CSV (BOM, quoting) and XLSX (types, formats, sheets)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.exports import Sheet, neutralise_frame, neutralise_text, sheet_name, table_csv, table_xlsx, tables_xlsx
from dashboard.exports.xlsx_files import change_unit, number_format

BOM = b"\xef\xbb\xbf"


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "Team": ["=HYPERLINK(\"http://x\")", "Café Ünïcode", "-5", "@SUM(A1)", "\tTabbed", "\rReturn", "plain"],
        "Service level": [0.834, -0.1, 0.5, None, 1.0, 0.0, 0.25],
        "First reply": [900, -120, 60, 0, 30, 7200, 90],
        "Cost": [12.5, -3.0, 0.0, 1.0, 2.0, 3.0, 4.0],
        "Contacts": [1, 2, 3, 4, 5, -6, 7],
        "Day": pd.date_range("2026-10-01", periods=7),
    })


UNITS = {"Service level": "rate", "First reply": "seconds", "Cost": "money", "Contacts": "count"}


@pytest.mark.parametrize("text", [
    "=1+2", "+1", "-1", "@cmd", "\tx", "\rx", "\0x",
    # spreadsheets skip blanks before a formula, and read the full-width forms as the ASCII ones
    " =1 (space first)", "\n=1", "  +1", "\u00a0@x", "\u3000-1", "\uff1d1+2", "\uff0b1", "\uff0d1", "\uff20cmd",
    " \uff1dSUM(A1)",
])
def test_formula_triggers_get_a_quote(text: str) -> None:
    assert neutralise_text(text) == "'" + text


@pytest.mark.parametrize("text", ["a=b", "", "plain", "'already quoted", "1-2", "  spaced words", "\uff21BC",
                                  "— none —"])
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise_text(text) == text


def test_frame_neutralises_text_and_headers_but_not_numbers() -> None:
    frame = pd.DataFrame({"=bad header": ["=x", "ok"], "delta": [-5, 3], "mixed": ["-a", -2.5]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=bad header", "delta", "mixed"]
    assert safe["'=bad header"].tolist() == ["'=x", "ok"]
    assert safe["delta"].tolist() == [-5, 3]  # numeric column: negative numbers untouched
    assert safe["mixed"].tolist() == ["'-a", -2.5]  # text neutralised, the number in the same column not
    assert frame.columns[0] == "=bad header"  # the caller's frame is not modified


def test_categorical_text_is_neutralised_too() -> None:
    frame = pd.DataFrame({"team": pd.Categorical(["=x", "Billing", "=x"])})
    assert neutralise_frame(frame)["team"].tolist() == ["'=x", "Billing", "'=x"]
    sheet = _open(table_xlsx(frame)).active
    assert [sheet["A2"].value, sheet["A3"].value] == ["'=x", "Billing"]


def test_csv_has_a_bom_and_round_trips_with_neutralised_text() -> None:
    data = table_csv(_table())
    assert data.startswith(BOM)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back["Team"].tolist() == [
        "'=HYPERLINK(\"http://x\")", "Café Ünïcode", "'-5", "'@SUM(A1)", "'\tTabbed", "'\rReturn", "plain",
    ]
    assert back["Contacts"].tolist() == [1, 2, 3, 4, 5, -6, 7]  # numbers read back as numbers, sign kept
    assert back["First reply"].tolist() == [900, -120, 60, 0, 30, 7200, 90]
    assert back["Cost"].tolist() == [12.5, -3.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    assert back["Day"].tolist()[0] == "2026-10-01"


def test_csv_quotes_text_not_numbers_and_ends_rows_with_crlf() -> None:
    data = table_csv(pd.DataFrame({"Team": ["a;=b"], "Contacts": [-3]}))
    # The ';' stays inside quotes, so Excel with ';' as list separator cannot start a cell at '=b'.
    assert data == BOM + b'"Team","Contacts"\r\n"a;=b",-3\r\n'


def test_csv_columns_choose_order_and_rename() -> None:
    data = table_csv(_table(), columns={"Contacts": "Contacts handled", "Team": "Team name"})
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == ["Contacts handled", "Team name"]


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_header_is_bold_and_frozen() -> None:
    sheet = _open(table_xlsx(_table(), UNITS)).active
    header = [cell.value for cell in sheet[1]]
    assert header == ["Team", "Service level", "First reply", "Cost", "Contacts", "Day"]
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


def test_xlsx_numbers_are_numbers_with_formats_by_unit() -> None:
    sheet = _open(table_xlsx(_table(), UNITS, currency="EUR")).active
    rate, seconds, money, count, day = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"]
    assert (rate.data_type, rate.value, rate.number_format) == ("n", 0.834, "0.0%")
    # 900 seconds are an Excel duration (the cell holds 900 / 86,400 of a day, shown 0:15:00), which openpyxl
    # reads back as a time span
    assert (seconds.data_type, seconds.number_format) == ("d", "[h]:mm:ss")
    assert seconds.value == dt.timedelta(seconds=900)
    assert sheet["C7"].value == dt.timedelta(hours=2)
    assert (money.data_type, money.value, money.number_format) == ("n", 12.5, '#,##0.00 "EUR"')
    assert (count.data_type, count.value, count.number_format) == ("n", 1, "#,##0")
    assert day.value == dt.datetime(2026, 10, 1) and day.number_format == "yyyy-mm-dd"
    # negative numbers stay numbers: -0.1 rate, -3 EUR, -6 contacts; Excel shows no negative duration, so -120 s
    # is a signed number of seconds
    assert [sheet["B3"].value, sheet["D3"].value, sheet["E7"].value] == [-0.1, -3, -6]
    assert (sheet["C3"].value, sheet["C3"].number_format) == (-120, '+#,##0 "s";-#,##0 "s";0 "s"')
    assert sheet["B5"].value is None  # a missing figure is an empty cell, never 0


def test_xlsx_text_is_neutralised_like_the_csv() -> None:
    sheet = _open(table_xlsx(_table(), UNITS)).active
    # xlsxwriter stores a carriage return as the OOXML escape _x000D_ (Excel reads it back as "\r"; openpyxl
    # leaves the escape as it is).
    texts = [sheet.cell(row=row, column=1).value.replace("_x000D_", "\r") for row in range(2, 9)]
    assert texts == [
        "'=HYPERLINK(\"http://x\")", "Café Ünïcode", "'-5", "'@SUM(A1)", "'\tTabbed", "'\rReturn", "plain",
    ]
    assert all(sheet.cell(row=row, column=1).data_type == "s" for row in range(2, 9))


def test_xlsx_widths_fit_the_longest_text() -> None:
    frame = pd.DataFrame({"Id": [1, 2], "Comment": ["short", "x" * 40], "Long header for a column": [1, 2]})
    sheet = _open(table_xlsx(frame)).active
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    # "Comment": 40 characters of text + 2 of padding; "Id": the 6-character minimum + 2;
    # the header of C: 24 characters, bold counted 10% wider (ceil(26.4) = 27), + 2.
    assert widths["B"] == pytest.approx(42, abs=1)
    assert widths["A"] == pytest.approx(8, abs=1)
    assert widths["C"] == pytest.approx(29, abs=1)


def test_money_without_a_valid_code_keeps_two_decimals() -> None:
    assert number_format("money", "EUR") == '#,##0.00 "EUR"'
    assert number_format("money", 'E"R') == "#,##0.00"
    assert number_format(None) is None
    assert number_format("score") == "+0.00;-0.00;0.00"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Service: weekly [all]", "Service_ weekly _all_"),
        ("a/b\\c*d?e", "a_b_c_d_e"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("   ", "Sheet"),
        ("History", "History_"),
        ("z" * 30 + "'tail", "z" * 30),  # cut at 31 characters, then no apostrophe at the end
    ],
)
def test_sheet_names_follow_excel_rules(name: str, expected: str) -> None:
    assert sheet_name(name) == expected


def test_sheet_names_are_unique_without_regard_to_case_and_stay_short() -> None:
    assert sheet_name("Summary", ["Summary"]) == "Summary (2)"
    assert sheet_name("summary", ["Summary", "Summary (2)"]) == "summary (3)"
    long_name = "y" * 31
    # 31 - len(" (2)") = 27 characters of the base, then the suffix: 31 in all
    assert sheet_name(long_name, [long_name]) == "y" * 27 + " (2)"


def test_multi_sheet_workbook_keeps_order_and_sanitises_names() -> None:
    weekly = pd.DataFrame({"Week": ["2026-10-05"], "Rate": [0.5]})
    teams = pd.DataFrame({"Team": ["=evil"], "Contacts": [3]})
    data = tables_xlsx([
        Sheet("Weekly: service [all]", weekly, {"Rate": "rate"}),
        Sheet("Teams", teams, {"Contacts": "count"}),
        Sheet("teams", teams),
    ])
    book = _open(data)
    assert book.sheetnames == ["Weekly_ service _all_", "Teams", "teams (2)"]
    assert book["Weekly_ service _all_"]["B2"].number_format == "0.0%"
    assert book["Teams"]["A2"].value == "'=evil"
    assert book["Teams"]["B2"].number_format == "#,##0"
    assert book["teams (2)"]["B2"].number_format == "General"  # no unit given: Excel's General format


def test_a_workbook_needs_a_table() -> None:
    with pytest.raises(ValueError, match="at least one table"):
        tables_xlsx([])


def test_a_table_of_figures_in_several_units_gets_each_rows_format() -> None:
    # a scorecard: each row its own unit; changes in their change unit (a rate's in percentage points)
    frame = pd.DataFrame({"Measure": ["Interactions", "Service level", "First reply", "Cost per contact"],
                          "Now": [25_407.0, 0.727, 5_400.0, 4.24],
                          "Change": [235.0, -4.7, -90.0, 0.01]})
    units = ["count", "rate", "seconds", "money"]
    sheet = _open(table_xlsx(frame, {"Now": units, "Change": [change_unit(u) for u in units]},
                             currency="EUR")).active
    now = [sheet.cell(row=r, column=2) for r in range(2, 6)]
    assert [c.data_type for c in now] == ["n", "n", "d", "n"]  # "d": a duration, a number Excel shows as time
    assert [c.number_format for c in now] == ["#,##0", "0.0%", "[h]:mm:ss", '#,##0.00 "EUR"']
    assert now[0].value == 25_407 and now[1].value == pytest.approx(0.727)
    assert now[2].value == dt.timedelta(hours=1, minutes=30)
    change = [sheet.cell(row=r, column=3) for r in range(2, 6)]
    assert [c.data_type for c in change] == ["n"] * 4
    assert [c.number_format for c in change] == [
        "+#,##0;-#,##0;0", '+0.0 "pp";-0.0 "pp";0.0 "pp"', '+#,##0 "s";-#,##0 "s";0 "s"',
        '+#,##0.00 "EUR";-#,##0.00 "EUR";#,##0.00 "EUR"']
    assert [c.value for c in change] == [235, -4.7, -90, 0.01]
    # no cell of the sheet holds a number as text, nor a visible quote
    texts = [c.value for row in sheet.iter_rows(min_row=2) for c in row if c.data_type == "s"]
    assert texts == ["Interactions", "Service level", "First reply", "Cost per contact"]


def test_change_units() -> None:
    assert [change_unit(u) for u in ("rate", "seconds", "money", "count", "score", "ces", None)] == [
        "points", "seconds_change", "money_change", "count_change", "signed", "signed", None]


# Formulas hidden behind blanks or written in full width (issue 13), each with what the cell must read
HIDDEN_FORMULAS = {
    " =1+2": "' =1+2",  # a space first
    "\n=HYPERLINK(\"http://x\")": "'\n=HYPERLINK(\"http://x\")",  # a line break first
    "\t@SUM(A1)": "'\t@SUM(A1)",
    "\r+1": "'\r+1",
    "\uff1d1+2": "'\uff1d1+2",  # full-width equals sign
    " \uff0bcmd": "' \uff0bcmd",  # a space, then a full-width plus
    "\u3000\uff0d1": "'\u3000\uff0d1",  # an ideographic space, then a full-width minus
    "\uff20SUM(A1)": "'\uff20SUM(A1)",  # full-width at sign
    "  words, then = later": "  words, then = later",  # not a formula: left as it is
}


def test_csv_neutralises_formulas_behind_blanks_and_in_full_width() -> None:
    frame = pd.DataFrame({"Comment": list(HIDDEN_FORMULAS)})
    back = pd.read_csv(io.BytesIO(table_csv(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert back["Comment"].tolist() == list(HIDDEN_FORMULAS.values())


def test_xlsx_neutralises_formulas_behind_blanks_and_in_full_width() -> None:
    sheet = _open(table_xlsx(pd.DataFrame({"Comment": list(HIDDEN_FORMULAS)}))).active
    cells = [sheet.cell(row=row, column=1) for row in range(2, 2 + len(HIDDEN_FORMULAS))]
    assert [cell.data_type for cell in cells] == ["s"] * len(HIDDEN_FORMULAS)  # text, never a formula ("f")
    # xlsxwriter writes a carriage return as the OOXML escape _x000D_ (see above)
    assert [str(cell.value).replace("_x000D_", "\r") for cell in cells] == list(HIDDEN_FORMULAS.values())
