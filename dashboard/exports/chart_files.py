"""Charts as files: PNG and SVG drawn offline by vl-convert, and the chart's own data as CSV.

The on-screen charts are `width="container"`; a file has no container, so the export fixes the width
(EXPORT_WIDTH_PX, about a slide's content width) and PNGs are drawn at scale 2 so they stay crisp on a
projector or a retina screen. A title given here is drawn into the file only: on screen the tile carries it.

Altair refuses to serialise more than 5,000 rows (MaxRowsError, see STACK_NOTES): charts are drawn from
aggregates, and so are their exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from dashboard.exports.csv_files import table_csv

EXPORT_WIDTH_PX = 720
PNG_SCALE = 2
PERCENT_DECIMALS = 10  # 0.57 * 100 is 56.99999999999999 in binary floating point


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes, if this vl-convert bundles it (else vl-convert's default)."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


def _fixed_size(spec: Any, width: int) -> Any:
    """The spec with every "container" width (and height) replaced by a number of pixels."""
    if isinstance(spec, dict):
        fixed = {key: _fixed_size(value, width) for key, value in spec.items()}
        if fixed.get("width") == "container":
            fixed["width"] = width
        if fixed.get("height") == "container":
            fixed["height"] = round(width * 0.4)
        return fixed
    if isinstance(spec, list):
        return [_fixed_size(item, width) for item in spec]
    return spec


def chart_spec(chart: alt.TopLevelMixin, title: str | None = None, width: int = EXPORT_WIDTH_PX) -> dict:
    """The chart's Vega-Lite spec as drawn into a file: fixed width, and the title when one is given."""
    spec = _fixed_size(chart.to_dict(), width)
    if title:
        spec["title"] = title
    return spec


def chart_png(chart: alt.TopLevelMixin, title: str | None = None, width: int = EXPORT_WIDTH_PX,
              scale: int = PNG_SCALE) -> bytes:
    """PNG bytes at `scale` times the chart's pixel size (2: crisp on slides)."""
    return bytes(vl_convert.vegalite_to_png(chart_spec(chart, title, width), vl_version=_vl_version(),
                                            scale=scale))


def chart_svg(chart: alt.TopLevelMixin, title: str | None = None, width: int = EXPORT_WIDTH_PX) -> bytes:
    """SVG bytes (UTF-8). Text stays text, so the file is searchable and editable."""
    return vl_convert.vegalite_to_svg(chart_spec(chart, title, width), vl_version=_vl_version()).encode("utf-8")


def _charts_in(chart: Any) -> list[Any]:
    """The chart and every chart inside it (layers, concatenations, facets), outermost first."""
    found = [chart]
    for attribute in ("layer", "hconcat", "vconcat", "concat"):
        for child in getattr(chart, attribute, None) or []:
            found += _charts_in(child)
    inner = getattr(chart, "spec", None)
    if inner is not None and not isinstance(inner, str | dict) and inner is not alt.Undefined:
        found += _charts_in(inner)
    return found


def _titles(chart: Any) -> dict[str, str]:
    """field -> title from the encodings of the chart and its layers (first title found wins)."""
    titles: dict[str, str] = {}
    for part in _charts_in(chart):
        encoding = getattr(part, "encoding", alt.Undefined)
        if encoding is alt.Undefined:
            continue
        for channel in encoding.to_dict(validate=False).values():
            for definition in channel if isinstance(channel, list) else [channel]:
                if not isinstance(definition, dict):
                    continue
                name, title = definition.get("field"), definition.get("title")
                if isinstance(name, str) and isinstance(title, str) and title:
                    titles.setdefault(name, title)
    return titles


def _percent_fields(chart: Any) -> set[str]:
    """Quantitative fields drawn with a percent axis format: their values are shares of 1."""
    fields: set[str] = set()
    for part in _charts_in(chart):
        encoding = getattr(part, "encoding", alt.Undefined)
        if encoding is alt.Undefined:
            continue
        for channel in encoding.to_dict(validate=False).values():
            if not isinstance(channel, dict) or not isinstance(channel.get("field"), str):
                continue
            axis = channel.get("axis")
            if isinstance(axis, dict) and str(axis.get("format", "")).endswith("%"):
                fields.add(channel["field"])
    return fields


def chart_data(chart: alt.TopLevelMixin) -> pd.DataFrame:
    """The chart's own data frame (the outermost one: the chart's or its first layer's)."""
    for part in _charts_in(chart):
        data = getattr(part, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            return data
    raise ValueError("this chart carries no data frame of its own (URL or generated data)")


def readable_chart_data(chart: alt.TopLevelMixin, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The chart's data with readable headers: the encodings' titles, or `columns` (field -> header).

    A field drawn on a percent axis ("Service level (%)") is written in percent, as the chart shows it.
    Fields without a title read as words ("is_partial" -> "Is partial"). Duplicate headers get the field
    name in brackets.
    """
    frame = chart_data(chart).copy()
    for name in _percent_fields(chart) & set(frame.columns):
        frame[name] = (pd.to_numeric(frame[name], errors="coerce") * 100).round(PERCENT_DECIMALS)
    headers = {**_titles(chart), **(columns or {})}
    readable: dict[str, str] = {}
    for name in frame.columns:
        header = headers.get(str(name)) or str(name).replace("_", " ").strip().capitalize()
        if header in readable.values():
            header = f"{header} [{name}]"
        readable[str(name)] = header
    return frame.rename(columns=readable)


def chart_csv(chart: alt.TopLevelMixin, columns: Mapping[str, str] | None = None) -> bytes:
    """The chart's data as CSV, with the headers of readable_chart_data (same CSV rules as tables)."""
    return table_csv(readable_chart_data(chart, columns))
