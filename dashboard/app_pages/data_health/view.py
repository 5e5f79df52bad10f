"""Data health: can the figures be trusted today? Freshness per source on data time (dashboard.widgets.freshness),
the last runs, what was loaded and what was quarantined, with examples of each reason, and the reconciliation
of the vendors' own figures with cxpulse's (docs/reconciliation.md)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, ops_queries, queries
from dashboard.context import context, page_header
from dashboard.formatting import escape_markdown
from dashboard.widgets import access_notices, freshness
from dashboard.widgets.chart import show_chart
from etl.access import Scope
from etl.reconcile import disagreements_view, summary_view

RUN_STATUS_WORDS = {"succeeded": "Succeeded", "completed_with_errors": "Completed, some records rejected",
                    "failed": "Failed", "running": "Running",
                    "interrupted": "Interrupted (its process ended before it finished)"}


def _runs(url: str, version: str) -> None:
    st.subheader("Last runs")
    runs = ops_queries.recent_runs(url, version)
    if runs.empty:
        st.info("No run is recorded yet.")
        return
    runs = runs.assign(status=runs["status"].map(lambda s: RUN_STATUS_WORDS.get(s, s)),
                       message=runs["message"].fillna(""),
                       minutes=(pd.to_datetime(runs["finished_at"]) - pd.to_datetime(runs["started_at"]))
                       .dt.total_seconds() / 60)
    st.dataframe(runs[["run_id", "command", "status", "started_at", "minutes", "rows_loaded", "rows_rejected",
                       "message"]], hide_index=True, width="stretch", column_config={
        "run_id": st.column_config.NumberColumn("Run", format="%d"), "command": "Command", "status": "Status",
        "started_at": st.column_config.DatetimeColumn("Started (UTC)", format="D MMM YYYY, HH:mm"),
        "minutes": st.column_config.NumberColumn("Minutes", format="%.1f"),
        "rows_loaded": st.column_config.NumberColumn("Rows loaded", format="%d"),
        "rows_rejected": st.column_config.NumberColumn("Rows rejected", format="%d"),
        "message": "Message",
    })


def _loads(url: str, version: str) -> None:
    st.subheader("Records loaded per day")
    loads = ops_queries.rows_loaded_by_day(url, version)
    if loads.empty:
        st.info("No file has been loaded yet.")
        return
    show_chart(charts.load_volume_chart(loads), width="stretch", theme=None)
    totals = loads[["records_read", "rows_loaded", "rows_duplicate", "rows_rejected"]].sum()
    st.caption(f"{int(totals['records_read']):,} records read: {int(totals['rows_loaded']):,} loaded, "
               f"{int(totals['rows_duplicate']):,} already present, {int(totals['rows_rejected']):,} quarantined. "
               "Every record is either loaded or quarantined with its reason.")


FILE_STATUS_WORDS = {"loaded": "Loaded", "partial": "Partly loaded: records lost", "failed": "Failed",
                     "ignored": "Ignored: name matches no pattern", "skipped": "Already loaded"}


def _files(url: str, version: str) -> None:
    st.subheader("Files")
    try:
        files = ops_queries.file_outcomes(url, version)
    except queries.DataUnavailable:
        files = pd.DataFrame()
    if files.empty:
        st.info("No file is recorded yet.")
        return
    lost = files[files["status"].isin(["failed", "partial"])]
    st.caption(f"{len(files):,} files, each as it was last read: read = loaded + already present + quarantined +"
               f" unrecoverable. {len(lost):,} lost records (failed, or partly loaded).")
    shown = files.assign(status=files["status"].map(lambda s: FILE_STATUS_WORDS.get(s, s)),
                         reason=files["reason"].fillna(""))
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "run_id": st.column_config.NumberColumn("Run", format="%d"), "source_name": "Source", "kind": "Kind",
        "source_file": "File", "status": "Status",
        "records_read": st.column_config.NumberColumn("Read", format="%d"),
        "rows_loaded": st.column_config.NumberColumn("Loaded", format="%d"),
        "rows_duplicate": st.column_config.NumberColumn("Already present", format="%d"),
        "records_quarantined": st.column_config.NumberColumn("Quarantined", format="%d"),
        "records_unrecoverable": st.column_config.NumberColumn("Unrecoverable", format="%d"),
        "reason": "Reason",
    })


def payload_hidden(examples: pd.DataFrame) -> pd.DataFrame:
    """The quarantined records with the raw payload replaced by PAYLOAD_HIDDEN (pure): file, line, field and
    reason stay."""
    return examples.assign(payload=access_notices.PAYLOAD_HIDDEN)


def _rejects(url: str, version: str, may_read_payloads: bool) -> None:
    st.subheader("Quarantined records by reason")
    reasons = ops_queries.rejected_by_reason(url, version)
    if reasons.empty:
        st.success("No record has been quarantined.")
        return
    st.dataframe(reasons, hide_index=True, width="stretch", column_config={
        "source_name": "Source", "stream": "Stream", "field_name": "Field", "reason": "Reason",
        "records": st.column_config.NumberColumn("Records", format="%d"), "example_file": "A file with it",
    })
    labels = [f"{r.source_name} / {r.stream} / {r.field_name or '(record)'}: {r.reason} ({r.records:,})"
              for r in reasons.itertuples()]
    chosen = st.selectbox("Show examples of", range(len(labels)), format_func=labels.__getitem__,
                          key="health_reason")
    row = reasons.iloc[int(chosen or 0)]
    total_pages = max(1, -(-int(row["records"]) // ops_queries.EXAMPLES_PER_PAGE))
    page = st.number_input(f"Page (of {total_pages})", min_value=1, max_value=total_pages, value=1,
                           key="health_reason_page") - 1
    examples = ops_queries.rejected_examples(url, version, str(row["source_name"]), str(row["stream"]),
                                             str(row["field_name"]), str(row["reason"]), int(page),
                                             with_payload=may_read_payloads)
    if not may_read_payloads:  # raw payloads: the raw_payloads capability (admin) only
        examples = payload_hidden(examples)
    st.dataframe(examples, hide_index=True, width="stretch", column_config={
        "source_file": "File", "source_line": st.column_config.NumberColumn("Line", format="%d"),
        "field_name": "Field", "reason": "Reason", "payload": "Record as read",
        "rejected_at": st.column_config.DatetimeColumn("Quarantined (UTC)", format="D MMM YYYY, HH:mm"),
    })


def _unknown_fields(url: str, version: str) -> None:
    unknown = ops_queries.unknown_fields(url, version)
    if unknown.empty:
        return
    with st.expander(f"Fields no connector reads ({len(unknown)} files)"):
        st.caption("These fields are kept in the raw payload but not used by any model.")
        st.dataframe(unknown, hide_index=True, width="stretch")


def _reconciliation(url: str, version: str, scope: Scope) -> None:
    st.subheader("Reconciliation with the vendors' own figures")
    summary = ops_queries.reconciliation_summary(url, version)
    if summary.empty:
        st.info("No source reports figures of its own (Zendesk ticket metrics, Amazon Connect contact records,"
                " Genesys conversation metrics), so there is nothing to reconcile.")
        return
    st.caption("Per source and figure, the share of records where the vendor's figure and cxpulse's agree: durations"
               " within 60 seconds or 1% of the vendor's value (whichever is larger), counts exactly. A figure"
               " cxpulse does not compute is not measured. Every disagreement is listed with its cause.")
    st.dataframe(summary_view(summary), hide_index=True, width="stretch")
    disagreements = ops_queries.reconciliation_disagreements(url, version, scope)
    if disagreements.empty:
        st.success("Every compared figure agrees with the vendor's.")
        return
    st.caption(f"Disagreements ({len(disagreements):,})")
    st.dataframe(disagreements_view(disagreements), hide_index=True, width="stretch")


def _intents_to_map(url: str, version: str) -> None:
    try:
        unmapped = ops_queries.intents_to_map(url, version)
    except queries.DataUnavailable:
        return  # a warehouse built before intents were mapped: the next build adds the list
    st.subheader("Intents to map")
    if unmapped.empty:
        st.success("Every vendor value that may name an intent (tags, reasons, wrap-up codes, mapped columns) is"
                   " mapped onto the taxonomy.")
        return
    st.caption(f"{len(unmapped):,} vendor values map onto no intent of the taxonomy: their contacts get an intent"
               " from a rule or the classifier, or stay unclassified. Add a value to an intent's vendor_values in"
               " the taxonomy file ([intents] taxonomy) and rebuild to map it.")
    # vendor values come from the exports: shown as data, never as Markdown
    st.dataframe(unmapped, hide_index=True, width="stretch", column_config={
        "source_kind": "Source", "vendor_field": "Field", "vendor_value": "Value",
        "count_contacts": st.column_config.NumberColumn("Contacts", format="%d"),
        "first_seen_at": st.column_config.DatetimeColumn("First seen (UTC)", format="D MMM YYYY"),
        "last_seen_at": st.column_config.DatetimeColumn("Last seen (UTC)", format="D MMM YYYY"),
    })


def _build(url: str, version: str) -> None:
    build = ops_queries.last_build(url, version)
    if build.empty:
        return
    with st.expander(f"Models of the last build ({len(build)} tables, {build['build_seconds'].sum():.0f} s)"):
        st.dataframe(build, hide_index=True, width="stretch", column_config={
            "model": "Table", "row_count": st.column_config.NumberColumn("Rows", format="%d"),
            "build_seconds": st.column_config.NumberColumn("Seconds", format="%.2f"),
            "built_at": st.column_config.DatetimeColumn("Built (UTC)", format="D MMM YYYY, HH:mm"),
        })


def render() -> None:
    ctx = context()
    page_header("Data health", "Can the figures be trusted today: is every source fresh and complete?", ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    try:
        freshness.render(ctx.warehouse_url, ctx.version, ctx.settings)
        _runs(ctx.warehouse_url, ctx.version)
        _loads(ctx.warehouse_url, ctx.version)
        _files(ctx.warehouse_url, ctx.version)
        _rejects(ctx.warehouse_url, ctx.version, ctx.viewer.capabilities.raw_payloads)
        _unknown_fields(ctx.warehouse_url, ctx.version)
        _reconciliation(ctx.warehouse_url, ctx.version, ctx.filters.scope)
        _intents_to_map(ctx.warehouse_url, ctx.version)
        _build(ctx.warehouse_url, ctx.version)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
