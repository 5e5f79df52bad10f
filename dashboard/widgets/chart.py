"""Show a built Altair chart without validating it again.

st.altair_chart converts a chart with `chart.to_dict()`, which validates the whole spec against the Vega-Lite JSON
schema on every render (tens of milliseconds a chart, 0.3-0.75 s a page). The charts the pages show come from the
pure builders in dashboard/app_pages/*/charts.py, which the chart tests convert with validation on; serving them
needs only the conversion. show_chart converts with `validate=False` and renders the spec with st.vega_lite_chart,
carrying the data the way st.altair_chart does (a named Arrow dataset per frame, named by a hash of its bytes, so a
chart's element id and its selection state stay the same across reruns).

Importing it also turns off Altair's debug mode, which validates every chart object as it is built (about as much
again); the chart tests still validate each builder's whole spec with `chart.to_dict()`.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Any

import altair as alt
import streamlit as st
from streamlit import dataframe_util
from streamlit.util import calc_hash

_ALTAIR_GLOBALS = threading.Lock()
"""Altair's active data transformer and theme are process-wide; one conversion at a time sets them (every Altair
chart of the app is drawn through here: none uses st.altair_chart or Streamlit's built-in charts, which take a lock
of Streamlit's own)."""
_TRANSFORMER = "cxpulse_arrow_datasets"


def _to_named_arrow_dataset(data: Any, datasets: dict[str, bytes]) -> dict[str, str]:
    """Altair data transformer: the frame as Arrow bytes under the hash of those bytes, referenced by name."""
    data_bytes = dataframe_util.convert_anything_to_arrow_bytes(data)
    name = calc_hash(data_bytes)
    datasets[name] = data_bytes
    return {"name": name}


alt.data_transformers.register(_TRANSFORMER, _to_named_arrow_dataset)
alt.utils.schemapi.disable_debug_mode()


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec with its frames as named Arrow datasets, not validated against the schema
    (the same spec st.altair_chart would send, without its validation)."""
    datasets: dict[str, bytes] = {}
    with _ALTAIR_GLOBALS:
        # Altair's default theme sets a 300 x 300 view that Streamlit's own conversion leaves out too
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):
            spec = chart.to_dict(validate=False)
    existing = spec.get("datasets")
    spec["datasets"] = {**existing, **datasets} if isinstance(existing, dict) else datasets
    return spec


def show_chart(chart: alt.TopLevelMixin, **options: Any) -> Any:
    """st.altair_chart(chart, **options) without the schema validation: the same element, options and return
    value (the selection state when `on_select` is given)."""
    return st.vega_lite_chart(vega_lite_spec(chart), **options)
