"""File names, widget keys, the filters in words, and the download buttons rendered through AppTest."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from types import SimpleNamespace

import altair as alt
import openpyxl
import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.download_buttons import (
    ExportNaming,
    chart_downloads,
    conversation_downloads,
    naming_for,
    pack_downloads,
    table_downloads,
)
from dashboard.exports import KpiPack, download_key, export_file_name, filters_in_words
from dashboard.exports.naming import slug
from dashboard.filters import Filters
from etl.access import OPEN_MODE_VIEWER

NAMING = ExportNaming(
    page="Overview", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31),
    # 23:30 UTC on 31 Oct is 00:30 on 1 Nov in Rome (CET, UTC+1, since summer time ended on 25 Oct 2026)
    as_of=dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC), timezone="Europe/Rome",
)


def test_file_names_carry_page_subject_period_and_local_as_of_date() -> None:
    assert NAMING.file_name("Service level", "png") == (
        "cxpulse_overview_service-level_2026-10-01_to_2026-10-31_asof-2026-11-01.png"
    )
    assert export_file_name("Overview", "CSAT", dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                            dt.datetime(2026, 10, 31, 23, 30), ".XLSX") == (
        "cxpulse_overview_csat_2026-10-01_to_2026-10-31_asof-2026-10-31.xlsx"  # naive: taken as UTC
    )
    assert export_file_name("Overview", "CSAT", dt.date(2026, 10, 1), dt.date(2026, 10, 31), None, "csv") == (
        "cxpulse_overview_csat_2026-10-01_to_2026-10-31_asof-no-run.csv"
    )


def test_naming_from_the_page_context() -> None:
    ctx = SimpleNamespace(filters=Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
                          as_of=pd.Timestamp("2026-10-31 23:30", tz="UTC"), timezone="Europe/Rome",
                          settings=SimpleNamespace(warehouse_url="duckdb:///nowhere.duckdb"), viewer=OPEN_MODE_VIEWER)
    assert naming_for("Overview", ctx) == NAMING  # type: ignore[arg-type]
    # the files it names are recorded in the audit log as the viewer's (dashboard.audit)
    recorded = naming_for("Overview", ctx).audit  # type: ignore[arg-type]
    assert recorded is not None and recorded.actor.identity == OPEN_MODE_VIEWER.identity
    assert recorded.warehouse_url == "duckdb:///nowhere.duckdb"
    no_run = naming_for("Overview", replace_as_of(ctx, None))  # type: ignore[arg-type]
    assert no_run.file_name("CSAT", "csv").endswith("_asof-no-run.csv")


def replace_as_of(ctx: SimpleNamespace, as_of: object) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(ctx), "as_of": as_of})


def test_slugs_are_plain_ascii() -> None:
    assert slug("CSAT (top-2 box) – Café") == "csat-top-2-box-cafe"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("漢字") == "export"
    assert len(slug("x" * 100)) == 40


def test_keys_are_stable_and_unique_per_page_subject_and_format() -> None:
    assert download_key("Overview", "chart", "Service level", "png") == "download-overview-chart-service-level-png"
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q")
    keys = [d.key for d in chart_downloads(chart, subject="Service level", naming=NAMING)]
    keys += [d.key for d in table_downloads(pd.DataFrame({"a": [1]}), subject="Service level", naming=NAMING)]
    assert len(keys) == len(set(keys)) == 5  # the chart's CSV and the table's CSV do not collide
    other_period = ExportNaming("Overview", dt.date(2026, 9, 1), dt.date(2026, 9, 30), None)
    again = [d.key for d in chart_downloads(chart, subject="Service level", naming=other_period)]
    assert again == keys[:3]  # a new period keeps the widgets' keys


def test_filters_in_words() -> None:
    assert filters_in_words(Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))) == (
        # the 31 days before 1 Oct are 31 Aug - 30 Sep
        "1 Oct 2026 – 31 Oct 2026 · all channels · all intents · all queues · all teams · all segments"
        " · compared with 31 Aug 2026 – 30 Sep 2026"
    )
    assert filters_in_words(Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31), channels=("chat",),
                                    teams=("Billing", "Retention"))) == (
        "1 Oct 2026 – 31 Oct 2026 · channel chat · all intents · all queues · teams Billing, Retention"
        " · all segments · compared with 31 Aug 2026 – 30 Sep 2026"
    )


def test_downloads_make_the_right_files_when_called() -> None:
    frame = pd.DataFrame({"channel": ["chat", "voice"], "contacts": [10, 20]})
    chart = alt.Chart(frame).mark_bar().encode(x="channel:N", y="contacts:Q").properties(width=200, height=100)
    png, svg, csv = chart_downloads(chart, subject="Contacts by channel", naming=NAMING)
    assert (png.mime, svg.mime, csv.mime) == ("image/png", "image/svg+xml", "text/csv")
    assert csv.file_name == (
        "cxpulse_overview_contacts-by-channel-chart-data_2026-10-01_to_2026-10-31_asof-2026-11-01.csv"
    )
    assert png.make().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Contacts by channel" in svg.make()  # the subject is drawn as the title
    assert csv.make().startswith(b"\xef\xbb\xbf")
    table_csv_file, xlsx = table_downloads(frame, subject="Contacts", naming=NAMING, units={"contacts": "count"})
    assert table_csv_file.file_name.endswith(".csv") and xlsx.file_name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.make()))
    assert book.sheetnames == ["Contacts"]
    assert book["Contacts"]["B2"].number_format == "#,##0"
    (pdf,) = pack_downloads(KpiPack("Review", "all", "As of", [], [], []), naming=NAMING)
    assert pdf.make().startswith(b"%PDF-")


def test_conversation_downloads_page_through_on_each_click() -> None:
    passes = []

    def pages() -> Iterator[pd.DataFrame]:
        passes.append(1)
        yield pd.DataFrame({"conversation_id": ["c1", "c2"], "note": ["=x", "ok"]})
        yield pd.DataFrame({"conversation_id": ["c3"], "note": ["-1"]})

    csv, xlsx = conversation_downloads(pages, subject="Conversations", naming=NAMING,
                                       columns={"conversation_id": "Conversation", "note": "Note"})
    assert passes == []  # nothing is read before a click
    back = pd.read_csv(io.BytesIO(csv.make()), encoding="utf-8-sig")
    assert back.to_dict("list") == {"Conversation": ["c1", "c2", "c3"], "Note": ["'=x", "ok", "'-1"]}
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.make()))["Conversations"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Conversation", "Note"], ["c1", "'=x"], ["c2", "ok"], ["c3", "'-1"],
    ]
    assert len(passes) == 2  # one fresh pass per file made
    assert csv.key == "download-overview-conversations-conversations-csv"


def _page() -> None:
    import datetime as dt

    import altair as alt
    import pandas as pd

    from dashboard.download_buttons import ExportNaming, chart_download_buttons, table_download_buttons

    naming = ExportNaming("Overview", dt.date(2026, 10, 1), dt.date(2026, 10, 31), None)
    frame = pd.DataFrame({"channel": ["chat", "voice"], "contacts": [10, 20]})
    chart = alt.Chart(frame).mark_bar().encode(x="channel:N", y="contacts:Q")
    chart_download_buttons(chart, subject="Contacts by channel", naming=naming)
    table_download_buttons(frame, subject="Contacts", naming=naming, units={"contacts": "count"})


def test_buttons_render_lazily_with_their_keys() -> None:
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [button.proto.label for button in buttons] == ["PNG", "SVG", "CSV", "CSV", "Excel"]
    assert [button.proto.id.rsplit("-download-", 1)[1] for button in buttons] == [
        "overview-chart-contacts-by-channel-png", "overview-chart-contacts-by-channel-svg",
        "overview-chart-contacts-by-channel-csv", "overview-table-contacts-csv", "overview-table-contacts-xlsx",
    ]
    # a callable was passed: Streamlit holds a deferred file, made only on click, and the page does not rerun
    assert all(button.proto.deferred_file_id and button.proto.ignore_rerun for button in buttons)
