"""Download buttons for charts, tables, the conversation export and the KPI pack. Streamlit only here;
the bytes come from dashboard.exports.

Files are made lazily: each button gets a callable, which Streamlit (1.50 and later) runs only when the
button is clicked, on a thread of its own, so a page with many charts does not draw PNGs nobody asked for.
A file that fails to be made is logged with an error id and its traceback (dashboard.page_errors); Streamlit
shows the viewer its own fixed "Failed to generate file for download" and logs only the viewer's message with
that id (the callable runs on a thread of its own, where no element can be drawn).
on_click="ignore": downloading does not rerun the page. Keys come from the page, the subject and the format
(naming.download_key), so they are stable across reruns and filter changes and unique within a page; file
names carry the page, the period and the as-of date (naming.export_file_name).

Every file made is an export of the audit log (dashboard.audit): when the naming carries an ExportAudit (naming_for
gives it the page's viewer), making the file records its name, format, data rows and column headers, known only
then. The record happens in the callable, on Streamlit's download thread: no rerun, and only for files asked for.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import audit_session
from dashboard.audit import ExportAudit
from dashboard.context import PageContext
from dashboard.exports import (
    KpiPack,
    chart_csv,
    chart_png,
    chart_svg,
    download_key,
    export_conversations,
    export_file_name,
    kpi_pack_pdf,
    readable_chart_data,
    table_csv,
    table_xlsx,
)
from dashboard.exports.conversations import FileFormat
from dashboard.exports.xlsx_files import Sheet, Units
from dashboard.page_errors import log_failure, viewer_message

MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class ExportNaming:
    """What every file name of a page carries."""

    page: str
    start: dt.date
    end: dt.date
    as_of: dt.datetime | None
    timezone: str = "UTC"
    audit: ExportAudit | None = field(default=None, compare=False)
    """Who makes the files, for the audit log (None: not recorded)."""

    def file_name(self, subject: str, extension: str) -> str:
        return export_file_name(self.page, subject, self.start, self.end, self.as_of, extension, self.timezone)


def naming_for(page: str, ctx: PageContext) -> ExportNaming:
    """The naming of a page from its PageContext (filters, as-of time, reporting time zone)."""
    as_of = ctx.as_of.to_pydatetime() if ctx.as_of is not None else None
    recorded = ExportAudit(audit_session.store_url(ctx), audit_session.actor(ctx), audit_session.current_page())
    return ExportNaming(page, ctx.filters.start, ctx.filters.end, as_of, ctx.timezone, audit=recorded)


@dataclass(frozen=True)
class Download:
    """One download button: what it says, the file it gives, and the callable that makes the bytes."""

    label: str
    file_name: str
    mime: str
    key: str
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Made:
    """A file's bytes and what the audit log says of it: its data rows and column headers (None: not a table)."""

    data: bytes
    rows: int | None = None
    columns: tuple[str, ...] | None = None


def _frame_made(data: bytes, frame: pd.DataFrame) -> Made:
    return Made(data, len(frame), tuple(str(c) for c in frame.columns))


def _audited(make: Callable[[], Made], naming: ExportNaming, file_name: str, extension: str) -> Callable[[], bytes]:
    def made_and_recorded() -> bytes:
        made = make()
        if naming.audit is not None:
            naming.audit.exported(file_name, extension, made.rows, made.columns)
        return made.data

    return made_and_recorded


def _downloads(
    kind: str, subject: str, naming: ExportNaming, files: list[tuple[str, str, str, Callable[[], Made]]]
) -> list[Download]:
    """files: (extension, label, what the file name says, make)."""
    downloads = []
    for extension, label, named, make in files:
        file_name = naming.file_name(named, extension)
        key = download_key(naming.page, kind, subject, extension)
        downloads.append(Download(label, file_name, MIME[extension], key, _audited(make, naming, file_name, extension)))
    return downloads


def chart_downloads(
    chart: alt.TopLevelMixin, *, subject: str, naming: ExportNaming, title: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> list[Download]:
    """PNG, SVG and CSV of one chart; `title` is drawn into the images (default: the subject)."""
    drawn_title = title if title is not None else subject

    def made(data: Callable[[], bytes]) -> Callable[[], Made]:
        return lambda: _frame_made(data(), readable_chart_data(chart, columns))

    return _downloads("chart", subject, naming, [
        ("png", "PNG", subject, made(lambda: chart_png(chart, title=drawn_title))),
        ("svg", "SVG", subject, made(lambda: chart_svg(chart, title=drawn_title))),
        ("csv", "CSV", f"{subject} chart data", made(lambda: chart_csv(chart, columns))),
    ])


def table_downloads(
    frame: pd.DataFrame, *, subject: str, naming: ExportNaming, units: Units | None = None,
    currency: str = "USD",
) -> list[Download]:
    """CSV and XLSX of one table; `units` maps a column to its catalog unit, or to one unit per row (XLSX number
    formats; the CSV keeps the plain numbers)."""
    return _downloads("table", subject, naming, [
        ("csv", "CSV", subject, lambda: _frame_made(table_csv(frame), frame)),
        ("xlsx", "Excel", subject,
         lambda: _frame_made(table_xlsx(frame, units, sheet=subject, currency=currency), frame)),
    ])


def _streamed(pages: Callable[[], Iterable[pd.DataFrame]], file_format: FileFormat,
              columns: Mapping[str, str] | None, units: Mapping[str, str] | None, currency: str) -> Made:
    """The file written page by page to a temporary file, then read once for Streamlit (which keeps the
    finished bytes in memory: a compressed XLSX of 120k conversations is about 3 MB). Its headers: the
    `columns` mapping's, else the first page's columns."""
    first_columns: list[str] = []

    def kept(frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in frames:
            if not first_columns:
                first_columns.extend(str(c) for c in frame.columns)
            yield frame

    with tempfile.TemporaryFile() as handle:
        rows = export_conversations(kept(pages()), handle, file_format, columns=columns, units=units,
                                    currency=currency)
        handle.seek(0)
        headers = tuple(columns.values()) if columns is not None else tuple(first_columns)
        return Made(handle.read(), rows, headers)


def conversation_downloads(
    pages: Callable[[], Iterable[pd.DataFrame]], *, subject: str, naming: ExportNaming,
    columns: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None, currency: str = "USD",
    kind: str = "conversations",
) -> list[Download]:
    """CSV and XLSX of a table read page by page: the one-row-per-conversation export, or every row of a paged
    table (kind "table"). `pages` starts a fresh pass over the warehouse each time it is called (on each
    click), yielding DataFrames; only one page is in memory at a time."""
    return _downloads(kind, subject, naming, [
        ("csv", "CSV", subject, lambda: _streamed(pages, "csv", columns, units, currency)),
        ("xlsx", "Excel", subject, lambda: _streamed(pages, "xlsx", columns, units, currency)),
    ])


def pack_downloads(pack: KpiPack, *, naming: ExportNaming, subject: str = "KPI review") -> list[Download]:
    """The KPI-review PDF pack."""
    return _downloads("pack", subject, naming, [("pdf", "KPI pack (PDF)", subject, lambda: Made(kpi_pack_pdf(pack)))])


class DownloadFailed(RuntimeError):
    """A download's file could not be made; the message is the viewer's, with the error id."""


def guarded(make: Callable[[], bytes], where: str) -> Callable[[], bytes]:
    """`make`, with any failure logged under a new error id and raised again as DownloadFailed, its detail
    (paths, SQL, data) left out of what Streamlit logs and shows."""

    def make_or_log() -> bytes:
        try:
            return make()
        except Exception as error:  # every failure of a download ends here, by design
            raise DownloadFailed(viewer_message(log_failure(where, error))) from None

    return make_or_log


def render_downloads(downloads: list[Download]) -> None:
    """The buttons side by side, each filling its column."""
    for column, download in zip(st.columns(len(downloads)), downloads, strict=True):
        with column:
            st.download_button(
                download.label,
                data=guarded(download.make, f"download {download.file_name!r}"),
                file_name=download.file_name,
                mime=download.mime,
                key=download.key,
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )


def chart_download_buttons(
    chart: alt.TopLevelMixin, *, subject: str, naming: ExportNaming, title: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> None:
    """PNG, SVG and CSV buttons for one chart."""
    render_downloads(chart_downloads(chart, subject=subject, naming=naming, title=title, columns=columns))


def table_download_buttons(
    frame: pd.DataFrame, *, subject: str, naming: ExportNaming, units: Units | None = None,
    currency: str = "USD",
) -> None:
    """CSV and XLSX buttons for one table."""
    render_downloads(table_downloads(frame, subject=subject, naming=naming, units=units, currency=currency))


def sheet_download_buttons(sheet: Sheet, *, subject: str, naming: ExportNaming, currency: str = "USD") -> None:
    """CSV and XLSX buttons for a sheet of typed figures (dashboard.exports.scorecard_sheet: each row's figures in
    its own unit), the download of a page's headline figures."""
    table_download_buttons(sheet.frame, subject=subject, naming=naming, units=sheet.units, currency=currency)


def conversation_download_buttons(
    pages: Callable[[], Iterable[pd.DataFrame]], *, subject: str, naming: ExportNaming,
    columns: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None, currency: str = "USD",
) -> None:
    """CSV and XLSX buttons for the one-row-per-conversation export (made page by page, on click)."""
    render_downloads(conversation_downloads(pages, subject=subject, naming=naming, columns=columns, units=units,
                                            currency=currency))


def streamed_table_download_buttons(
    pages: Callable[[], Iterable[pd.DataFrame]], *, subject: str, naming: ExportNaming,
    columns: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None, currency: str = "USD",
) -> None:
    """CSV and XLSX buttons for every row of a table the page shows a page at a time: the file holds all the
    rows of the filters, read from the warehouse page by page on click (a table export is never one page)."""
    render_downloads(conversation_downloads(pages, subject=subject, naming=naming, columns=columns, units=units,
                                            currency=currency, kind="table"))


def pack_download_button(pack: KpiPack, *, naming: ExportNaming, subject: str = "KPI review") -> None:
    """One button for the KPI-review PDF pack."""
    render_downloads(pack_downloads(pack, naming=naming, subject=subject))
