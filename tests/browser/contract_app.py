"""A stand-in app written to the contracts the suite checks, to test the suite itself in a real browser:

    streamlit run tests/browser/contract_app.py --server.port 8611 --server.headless true
    python -m tests.browser.suite --url http://127.0.0.1:8611 --app tests/browser/contract_app.py

It has an "escalations" page (a bar chart whose bars select; the conversations behind the chosen bar in a
single-row-selectable table; the chosen conversation under a "Transcript" heading) and download buttons
made by dashboard.download_buttons (CSV, PNG and the KPI pack PDF), with an as-of text in the header.
Not part of the product.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("dashboard") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.download_buttons import Download, render_downloads
from dashboard.exports import KpiPack, PackChart, ScorecardRow, chart_png, kpi_pack_pdf, table_csv

AS_OF = "As of 22 Nov 2026, 06:03 (UTC)"
REASONS = pd.DataFrame({"reason": ["billing dispute", "bot loop", "outage"], "escalations": [5, 3, 2]})
CONVERSATIONS = pd.DataFrame({
    "interaction_id": ["c-1", "c-2", "c-3", "c-4"],
    "reason": ["billing dispute", "billing dispute", "bot loop", "outage"],
    "channel": ["chat", "email", "chat", "voice"],
})


def _chart() -> alt.Chart:
    pick = alt.selection_point(name="pick", fields=["reason"])
    return alt.Chart(REASONS).mark_bar().encode(x="reason:N", y="escalations:Q").add_params(pick)


def escalations() -> None:
    st.title("Escalations")
    st.caption(f"Which escalations, and what was said? · {AS_OF}")
    event = st.altair_chart(_chart(), on_select="rerun", key="reasons", width="stretch")
    chosen = [point["reason"] for point in event.selection.get("pick", [])] if event else []
    if not chosen:
        st.info("Click a bar to list its conversations.")
        return
    rows = CONVERSATIONS[CONVERSATIONS["reason"].isin(chosen)].reset_index(drop=True)
    picked = st.dataframe(rows, on_select="rerun", selection_mode="single-row", hide_index=True,
                          key="conversations")
    selected = picked.selection.rows if picked else []
    if selected:
        conversation = rows.iloc[selected[0]]
        st.subheader(f"Transcript of {conversation['interaction_id']}")
        st.markdown("**Customer:** my invoice is wrong  \n**Agent:** sorry, fixing it now")


def exports() -> None:
    st.title("Exports")
    st.caption(f"Downloads of a page · {AS_OF}")
    chart = alt.Chart(REASONS).mark_bar().encode(x="reason:N", y="escalations:Q")
    st.altair_chart(chart, width="stretch")
    pack = KpiPack(title="KPI review", filters="1 Nov 2026 - 21 Nov 2026 · all channels", as_of=AS_OF,
                   scorecard=[ScorecardRow("CSAT", "80%", ">= 85%", "-1 pp", "-3 to +1 pp", True, "missed")],
                   charts=[PackChart("Escalations by reason", chart_png(chart))], definitions=[])
    render_downloads([
        Download("PNG", "escalations.png", "image/png", "png", lambda: chart_png(chart)),
        Download("CSV", "escalations.csv", "text/csv", "csv", lambda: table_csv(REASONS)),
        Download("KPI pack (PDF)", "pack.pdf", "application/pdf", "pdf", lambda: kpi_pack_pdf(pack)),
    ])


st.navigation([
    st.Page(exports, title="Exports", url_path="exports", default=True),
    st.Page(escalations, title="Escalations", url_path="escalations"),
]).run()
