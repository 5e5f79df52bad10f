"""The detectors' calibration versions (`cxpulse calibrate`, etl/calibration.py) and the one the build applies
([detectors] calibration): a section of the Detector quality page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ops_queries, queries
from etl.calibration import active_version_name

ACTIVE_CALIBRATION = "Active calibration"


def render(url: str, version: str, chosen: str) -> None:
    """The detectors' calibration versions and the one the build applies ([detectors] calibration)."""
    st.subheader("Calibration versions")
    try:
        rows = ops_queries.detector_calibrations(url, version)
    except queries.DataUnavailable:
        rows = pd.DataFrame()
    versions = list(dict.fromkeys(rows["calibration_version"])) if not rows.empty else []
    active = active_version_name(chosen, versions)
    st.metric(ACTIVE_CALIBRATION, active, help="The thresholds the build applies: [detectors] calibration names a"
              " version, \"latest\" (the newest) or \"none\" (the shipped defaults).")
    if rows.empty:
        st.text("No calibration yet: the detectors apply their shipped thresholds. `cxpulse calibrate` refits them"
                " from people's labels.")
        return
    setting = f'[detectors] calibration = "{chosen}"'
    st.text(f"Active: {active} ({setting}); every version stays selectable."
            if active != "unknown" else f"{setting} names no stored version: the build stops until it does.")
    shown = rows.assign(is_active=rows["calibration_version"] == active)
    st.dataframe(shown[["calibration_version", "is_active", "created_at", "created_by", "parameter",
                        "previous_value", "value", "status", "count_labels", "precision_before", "precision_after",
                        "recall_before", "recall_after", "reason"]], hide_index=True, width="stretch",
                 column_config={
                     "calibration_version": "Version", "is_active": "Active", "parameter": "Threshold",
                     "created_at": st.column_config.DatetimeColumn("Made (UTC)", format="D MMM YYYY, HH:mm"),
                     "created_by": "By", "previous_value": "Before", "value": "Value", "status": "Status",
                     "count_labels": st.column_config.NumberColumn("Labels", format="%d"),
                     "precision_before": st.column_config.NumberColumn("Precision before", format="%.2f"),
                     "precision_after": st.column_config.NumberColumn("Precision after", format="%.2f"),
                     "recall_before": st.column_config.NumberColumn("Recall before", format="%.2f"),
                     "recall_after": st.column_config.NumberColumn("Recall after", format="%.2f"),
                     "reason": "Why",
                 })
