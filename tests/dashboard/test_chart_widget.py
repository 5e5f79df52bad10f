"""show_chart sends the spec st.altair_chart would send, without validating it against the Vega-Lite schema."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from dashboard.app_pages.experience import charts as charts_experience
from dashboard.app_pages.journeys import charts as charts_journeys
from dashboard.widgets.chart import vega_lite_spec


def _ranked_chart() -> alt.TopLevelMixin:
    frame = pd.DataFrame({"member": ["c", "b"], "value": [0.3, 0.2], "cases": [150.0, 100.0],
                          "is_thin": [False, False], "label": ["30.0% · 150", "20.0% · 100"]})
    return charts_journeys.ranked_rate_chart(frame, member_title="Intent", metric_label="Repeat contact rate",
                                             overall=0.25, selected="b")


def _tone_chart() -> alt.TopLevelMixin:
    return charts_experience.end_tone_chart(pd.DataFrame({"tone": ["negative", "neutral", "positive"],
                                                          "contacts": [100, 300, 200]}))


@pytest.mark.parametrize("build", [_tone_chart, _ranked_chart], ids=["layered", "with a selection"])
def test_the_spec_is_streamlits_own(build: object) -> None:
    chart = build()  # type: ignore[operator]
    spec = vega_lite_spec(chart)
    assert spec == _convert_altair_to_vega_lite_spec(chart)
    # the frames travel as named Arrow datasets, not as inline rows
    assert spec["datasets"]
    assert all(isinstance(data, bytes) for data in spec["datasets"].values())


def test_the_spec_is_not_validated() -> None:
    # an opacity Vega-Lite's schema refuses: st.altair_chart's conversion raises, show_chart's does not
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar(opacity="half").encode(x="x:Q")
    with pytest.raises(SchemaValidationError):
        chart.to_dict()
    assert vega_lite_spec(chart)["mark"] == {"type": "bar", "opacity": "half"}
