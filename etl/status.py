"""What `cxpulse status` reports: last runs, rows per table, rejected records per reason, stream state."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.warehouse import Reader, check_identifier

LISTED_SCHEMAS = ("raw", "staging", "core", "marts", "ops")


@dataclass
class Status:
    runs: pd.DataFrame
    tables: pd.DataFrame
    rejects: pd.DataFrame
    streams: pd.DataFrame


def read_status(reader: Reader, last_runs: int = 10, lookback_hours: float = 72.0) -> Status:
    """`next_export_from` per stream is the watermark (the latest cursor value loaded) less the look-back
    window: where the next incremental export should start so that late updates are not missed. Loading the
    overlap again is harmless: records already present are not added twice."""
    runs = reader.query_df(
        "select run_id, command, status, started_at, finished_at, rows_loaded, rows_rejected, message"
        " from ops.runs order by run_id desc limit :limit",
        {"limit": last_runs},
    )
    names = reader.query_df(
        "select table_schema, table_name from information_schema.tables where table_schema = any(:schemas)"
        " and table_type = 'BASE TABLE' and table_name not like '%\\_\\_next' escape '\\'"
        " order by table_schema, table_name",
        {"schemas": list(LISTED_SCHEMAS)},
    )
    counts = []
    for schema, table in names.itertuples(index=False):
        qualified = check_identifier(f"{schema}.{table}")
        counts.append((schema, table, int(reader.scalar(f"select count(*) from {qualified}") or 0)))
    tables = pd.DataFrame(counts, columns=["schema", "table", "rows"])
    rejects = reader.query_df(
        "select stream, field_name, reason, count(*) as records from ops.rejected_records"
        " group by stream, field_name, reason order by records desc, stream, reason limit 30"
    )
    streams = reader.query_df(
        "select source_name, stream, files_loaded, rows_loaded, watermark, updated_at from ops.stream_state"
        " order by source_name, stream"
    )
    streams.insert(5, "next_export_from", pd.to_datetime(streams["watermark"]) - pd.Timedelta(hours=lookback_hours))
    return Status(runs=runs, tables=tables, rejects=rejects, streams=streams)
