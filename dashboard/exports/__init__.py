"""Exports of the leadership app: pure functions from charts, tables and figures to file bytes.

- chart_files: PNG (scale 2) and SVG of an Altair chart through vl-convert, and its data as CSV;
- csv_files: tables as CSV (UTF-8 with BOM, text quoted) and a page-by-page CSV stream;
- xlsx_files: tables as XLSX (number formats by catalog unit, per column or per row), several named tables in
  one workbook, and a page-by-page XLSX stream (xlsxwriter constant_memory);
- scorecard_sheet: the scorecard as a sheet of typed figures (each row in its own unit);
- conversations: the one-row-per-conversation export, pages streamed into one CSV or XLSX;
- pdf_pack: the KPI-review PDF pack (fpdf2);
- cells: the formula-injection rule every table export applies;
- naming: file names, widget keys and the filters in words.

No Streamlit here: dashboard/download_buttons.py puts these behind download buttons.
"""

from dashboard.exports.cells import neutralise_frame, neutralise_text
from dashboard.exports.chart_files import chart_csv, chart_png, chart_svg, readable_chart_data
from dashboard.exports.conversations import export_conversations
from dashboard.exports.csv_files import stream_csv, table_csv
from dashboard.exports.naming import download_key, export_file_name, filters_in_words
from dashboard.exports.pdf_pack import DefinitionUsed, KpiPack, PackChart, ScorecardRow, kpi_pack_pdf, pdf_safe
from dashboard.exports.scorecard_sheet import scorecard_sheet
from dashboard.exports.xlsx_files import Sheet, sheet_name, stream_xlsx, table_xlsx, tables_xlsx

__all__ = [
    "DefinitionUsed",
    "KpiPack",
    "PackChart",
    "ScorecardRow",
    "Sheet",
    "chart_csv",
    "chart_png",
    "chart_svg",
    "download_key",
    "export_conversations",
    "export_file_name",
    "filters_in_words",
    "kpi_pack_pdf",
    "neutralise_frame",
    "neutralise_text",
    "pdf_safe",
    "readable_chart_data",
    "scorecard_sheet",
    "sheet_name",
    "stream_csv",
    "stream_xlsx",
    "table_csv",
    "table_xlsx",
    "tables_xlsx",
]
