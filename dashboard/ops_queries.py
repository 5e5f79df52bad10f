"""Queries of the Data health page: the pipeline's own records in `ops` (runs, batches, stream state,
quarantined records, model builds). Small tables; bound parameters only; cached like every query."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data_access import interaction_in_scope, scope_params
from dashboard.queries import DATA_TTL_SECONDS, RUNS_TTL_SECONDS, _query
from etl.access import Scope
from etl.reconcile import DISAGREEMENTS_SQL, SUMMARY_SQL
from etl.status import FILE_OUTCOMES_SQL

EXAMPLES_PER_PAGE = 20


@st.cache_data(ttl=RUNS_TTL_SECONDS, show_spinner=False)
def recent_runs(url: str, version: str, limit: int = 20) -> pd.DataFrame:
    return _query(
        url,
        "select run_id, command, status, started_at, finished_at, rows_loaded, rows_rejected, message"
        " from ops.runs order by run_id desc limit :limit",
        {"limit": limit},
    )


@st.cache_data(ttl=RUNS_TTL_SECONDS, show_spinner=False)
def source_freshness(url: str, version: str) -> pd.DataFrame:
    """One row per source x stream: files and rows loaded, the newest record time loaded (watermark) and when
    the stream last received a file."""
    return _query(
        url,
        "select source_name, stream, files_loaded, rows_loaded, watermark, updated_at as last_loaded_at"
        " from ops.stream_state order by source_name, stream",
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def rows_loaded_by_day(url: str, version: str) -> pd.DataFrame:
    """Per load day and source: records read, loaded, skipped as duplicates, rejected."""
    return _query(
        url,
        "select cast(loaded_at as date) as load_day, source_name, cast(sum(records_read) as bigint) as records_read,"
        " cast(sum(rows_loaded) as bigint) as rows_loaded, cast(sum(rows_duplicate) as bigint) as rows_duplicate,"
        " cast(sum(rows_rejected) as bigint) as rows_rejected, count(*) as files"
        " from ops.batches group by 1, 2 order by 1, 2",
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def rejected_by_reason(url: str, version: str) -> pd.DataFrame:
    return _query(
        url,
        "select source_name, stream, coalesce(field_name, '') as field_name, reason, count(*) as records,"
        " min(source_file) as example_file"
        " from ops.rejected_records group by source_name, stream, coalesce(field_name, ''), reason"
        " order by records desc, source_name, stream, reason",
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def rejected_examples(url: str, version: str, source_name: str, stream: str, field_name: str, reason: str,
                      page: int = 0, with_payload: bool = False) -> pd.DataFrame:
    """Quarantined records of one reason, a page at a time, in file and line order. The raw payload is read only
    `with_payload` (the raw_payloads capability: admin); otherwise the column is null."""
    return _query(
        url,
        "select source_file, source_line, field_name, reason,"
        " case when :with_payload then payload end as payload, rejected_at from ops.rejected_records"
        " where source_name = :source_name and stream = :stream and coalesce(field_name, '') = :field_name"
        " and reason = :reason order by source_file, source_line limit :limit offset :offset",
        {"source_name": source_name, "stream": stream, "field_name": field_name, "reason": reason,
         "limit": EXAMPLES_PER_PAGE, "offset": page * EXAMPLES_PER_PAGE, "with_payload": with_payload},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def file_outcomes(url: str, version: str, limit: int = 500) -> pd.DataFrame:
    """Per file, what became of it the last time it was read: read, loaded, duplicate, quarantined,
    unrecoverable, status and reason (etl.status.FILE_OUTCOMES_SQL)."""
    return _query(url, FILE_OUTCOMES_SQL, {"limit": limit})


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def unknown_fields(url: str, version: str) -> pd.DataFrame:
    """Files that carried fields no connector declares (kept in the raw payload, reported once per file)."""
    return _query(
        url,
        "select source_name, stream, source_file, unknown_fields, loaded_at from ops.batches"
        " where unknown_fields is not null and unknown_fields <> '' order by loaded_at desc limit 50",
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def intents_to_map(url: str, version: str, limit: int = 500) -> pd.DataFrame:
    """Vendor values that may name an intent but that the taxonomy maps onto none (sql/audit), most contacts first."""
    return _query(
        url,
        "select source_kind, vendor_field, vendor_value, count_contacts, first_seen_at, last_seen_at"
        " from ops.intent_unmapped_vendor_values order by count_contacts desc, source_kind, vendor_field,"
        " vendor_value limit :limit",
        {"limit": limit},
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def last_build(url: str, version: str) -> pd.DataFrame:
    """The models of the newest build, with their row counts and build seconds."""
    return _query(
        url,
        "select model, row_count, build_seconds, built_at from ops.model_builds"
        " where run_id = (select max(run_id) from ops.model_builds) order by model",
    )


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def reconciliation_summary(url: str, version: str) -> pd.DataFrame:
    """Per source x figure x basis the vendor reports: records compared, agreeing, disagreements by cause."""
    return _query(url, SUMMARY_SQL)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def reconciliation_disagreements(url: str, version: str, scope: Scope) -> pd.DataFrame:
    """Every record of a contact in the scope where the vendor's figure and cxpulse's disagree, with the cause."""
    listed, order = DISAGREEMENTS_SQL.split(" order by ")
    return _query(url, f"select * from ({listed}) as disagreements"
                       f" where {interaction_in_scope('disagreements.interaction_id')} order by {order}",
                  scope_params(scope))


# written by `cxpulse calibrate`, outside any run: the run token does not change, so a short ttl
CALIBRATIONS_TTL_SECONDS = 5


@st.cache_data(ttl=CALIBRATIONS_TTL_SECONDS, show_spinner=False)
def detector_calibrations(url: str, version: str) -> pd.DataFrame:
    """Every calibration of the detectors' thresholds (`cxpulse calibrate`), one row per version and parameter,
    newest first."""
    return _query(
        url,
        "select calibration_version, created_at, created_by, parameter, previous_value, value, status, count_labels,"
        " precision_before, precision_after, recall_before, recall_after, reason"
        " from ops.detector_calibrations order by calibration_seq desc, parameter",
    )
