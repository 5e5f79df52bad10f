"""Chart exports: PNG at scale 2, SVG with its title as text, the chart's data as CSV with readable headers."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
import pytest

from dashboard import charts
from dashboard.exports import chart_csv, chart_png, chart_svg, readable_chart_data

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk: 8 magic bytes, 4 length, 4 'IHDR', then two big-endian ints."""
    assert data[:8] == PNG_MAGIC
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _svg(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG_NS}text")]


def _bars() -> alt.Chart:
    frame = pd.DataFrame({"channel": ["chat", "voice"], "contacts": [10, 20]})
    # autosize "fit" with padding: the whole image is exactly width x height.
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("channel:N", title="Channel"), y=alt.Y("contacts:Q", title="Contacts")
    ).properties(width=400, height=300, title="Weekly contacts",
                 autosize=alt.AutoSizeParams(type="fit", contains="padding"))


def _trend() -> alt.TopLevelMixin:
    weeks = pd.date_range("2026-08-03", periods=4, freq="7D")
    frame = pd.DataFrame({"week_start": weeks, "value": [0.7, 0.8, 0.75, 0.57], "days_in_range": [7, 7, 7, 3]})
    return charts.trend_chart(frame, label="Service level", unit="rate", target=0.8, direction="higher_is_better")


def test_png_is_drawn_at_twice_the_chart_size() -> None:
    # 400 x 300 pixels at scale 2 = 800 x 600
    assert _png_size(chart_png(_bars())) == (800, 600)


def test_svg_parses_and_carries_the_title_as_text() -> None:
    root = _svg(chart_svg(_bars()))
    assert (root.get("width"), root.get("height")) == ("400", "300")
    texts = _texts(root)
    assert "Weekly contacts" in texts
    assert {"Channel", "Contacts", "chat", "voice"} <= set(texts)


def test_a_container_width_chart_gets_a_fixed_width_and_the_title_given() -> None:
    chart = _trend()
    assert chart.to_dict()["width"] == "container"  # as on screen
    root = _svg(chart_svg(chart, title="Service level, weekly"))
    assert "Service level, weekly" in _texts(root)
    svg_width, svg_height = int(float(root.get("width"))), int(float(root.get("height")))
    # the plot alone is 720 px wide; axes and padding only add to it
    assert svg_width >= 720
    png_width, png_height = _png_size(chart_png(chart, title="Service level, weekly"))
    assert (png_width, png_height) == (2 * svg_width, 2 * svg_height)


def test_the_png_title_is_only_in_the_file() -> None:
    chart = _trend()
    chart_png(chart, title="Only in the file")
    assert "title" not in chart.to_dict()


def test_chart_csv_uses_the_encoding_titles_and_shows_percent_as_drawn() -> None:
    back = pd.read_csv(io.BytesIO(chart_csv(_trend())), encoding="utf-8-sig")
    assert list(back.columns) == ["Week starting", "Service level (%)", "Service level", "Is partial", "Week"]
    # shares drawn on a percent axis are written in percent: 0.7 -> 70, 0.57 -> 57 (not 56.99999999999999)
    assert back["Service level (%)"].tolist() == [70.0, 80.0, 75.0, 57.0]
    assert back["Service level"].tolist() == ["70.0%", "80.0%", "75.0%", "57.0%"]
    assert back["Is partial"].tolist() == [False, False, False, True]
    assert back["Week starting"].tolist()[0] == "2026-08-03"
    assert back["Week"].tolist()[-1] == "Week of 24 Aug 2026 (partial: 3 of 7 days)"


def test_chart_csv_headers_can_be_given() -> None:
    frame = readable_chart_data(_bars(), columns={"contacts": "Contacts handled"})
    assert list(frame.columns) == ["Channel", "Contacts handled"]
    assert frame["Contacts handled"].tolist() == [10, 20]


def test_chart_csv_neutralises_text() -> None:
    frame = pd.DataFrame({"team": ["=cmd", "Billing"], "contacts": [-1, 2]})
    chart = alt.Chart(frame).mark_bar().encode(x=alt.X("team:N", title="Team"), y="contacts:Q")
    back = pd.read_csv(io.BytesIO(chart_csv(chart)), encoding="utf-8-sig")
    assert back["Team"].tolist() == ["'=cmd", "Billing"]
    assert back["Contacts"].tolist() == [-1, 2]


def test_a_chart_without_a_frame_says_so() -> None:
    chart = alt.Chart("https://example.org/data.csv").mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="no data frame"):
        chart_csv(chart)
