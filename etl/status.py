"""What `cxpulse status` reports: last runs, rows per table, rejected records per reason, stream state, and
the churn-risk model of the latest fit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.warehouse import Reader, WarehouseMissing, check_identifier

LISTED_SCHEMAS = ("raw", "staging", "core", "marts", "ops", "feedback")


STRONGEST_ODDS_RATIOS = 6


@dataclass
class ChurnModelStatus:
    """The latest churn-model fit: its summary row, calibration deciles and strongest effects."""

    summary: dict[str, object]
    calibration: pd.DataFrame
    strongest: pd.DataFrame
    # what became of each further column of the CRM export (numeric, flag, categorical, left out and why)
    attributes: pd.DataFrame | None = None


@dataclass
class Status:
    runs: pd.DataFrame
    tables: pd.DataFrame
    rejects: pd.DataFrame
    streams: pd.DataFrame
    churn_model: ChurnModelStatus | None = None
    files: pd.DataFrame | None = None
    # vendor values the intent taxonomy maps onto no intent, most contacts first (None before the audit exists)
    intents_to_map: pd.DataFrame | None = None
    """Per file of the latest runs: read, loaded, duplicate, quarantined, unrecoverable, status and reason."""


def has_run_log(reader: Reader) -> bool:
    """Whether the warehouse holds ops.runs, the table every run writes first."""
    return bool(reader.scalar(
        "select count(*) from information_schema.tables where table_schema = 'ops' and table_name = 'runs'"))


def read_status(reader: Reader, last_runs: int = 10, lookback_hours: float = 72.0) -> Status:
    """`next_export_from` per stream is the watermark (the latest cursor value loaded) less the look-back
    window: where the next incremental export should start so that late updates are not missed. Loading the
    overlap again is harmless: records already present are not added twice.

    Raises WarehouseMissing when no run has ever written the warehouse (a missing DuckDB file, or a database
    without the ops.runs table, such as an empty PostgreSQL database)."""
    if not has_run_log(reader):
        raise WarehouseMissing("no warehouse built yet: run `cxpulse run`")
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
    churn_model = read_churn_model(reader) if {"enr_churn_models", "enr_churn_coefficients"} <= set(
        names.loc[names["table_schema"] == "core", "table_name"]) else None
    ops_tables = set(names.loc[names["table_schema"] == "ops", "table_name"])
    intents_to_map = reader.query_df(
        "select source_kind, vendor_field, vendor_value, count_contacts from ops.intent_unmapped_vendor_values"
        " order by count_contacts desc, source_kind, vendor_field, vendor_value limit 20"
    ) if "intent_unmapped_vendor_values" in ops_tables else None
    return Status(runs=runs, tables=tables, rejects=rejects, streams=streams, churn_model=churn_model,
                  files=read_file_loads(reader) if "file_loads" in ops_tables else None,
                  intents_to_map=intents_to_map)


FILE_LOAD_COLUMNS = ("run_id", "source_name", "kind", "source_file", "status", "records_read", "rows_loaded",
                     "rows_duplicate", "records_quarantined", "records_unrecoverable", "reason")

FILE_OUTCOMES_SQL = (
    "select " + ", ".join(FILE_LOAD_COLUMNS) + " from (select f.*, row_number() over (partition by source_name,"
    " source_file order by case when status = 'skipped' then 1 else 0 end, run_id desc) as outcome_rank"
    " from ops.file_loads f) latest where outcome_rank = 1 order by case status when 'failed' then 0"
    " when 'partial' then 1 when 'ignored' then 2 else 3 end, source_name, source_file limit :limit"
)
"""Per file, what became of it the last time it was read (a later "already loaded" does not hide a loss),
files that lost records first."""


def read_file_loads(reader: Reader, last_files: int = 500) -> pd.DataFrame:
    return reader.query_df(FILE_OUTCOMES_SQL, {"limit": last_files})


def read_churn_model(reader: Reader) -> ChurnModelStatus | None:
    """The latest fit of the churn model (etl/enrich/churn.py), None when it has never run. For a logit, the
    strongest effects are the odds ratios furthest from 1 (either way); for the rule, its points."""
    latest = reader.query_df(
        "select * from core.enr_churn_models order by fitted_at desc, run_id desc limit 1"
    )
    if latest.empty:
        return None
    summary = latest.iloc[0].to_dict()
    key = {"run": int(summary["run_id"]), "version": str(summary["model_version"])}
    calibration = reader.query_df(
        "select decile, count_accounts, mean_predicted, observed_rate, count_churned from core.enr_churn_calibration"
        " where run_id = :run and model_version = :version order by decile",
        key,
    )
    coefficients = reader.query_df(
        "select feature_label, coefficient, odds_ratio, odds_ratio_ci_low, odds_ratio_ci_high, p_value"
        " from core.enr_churn_coefficients where run_id = :run and model_version = :version"
        " and feature_name <> 'intercept'",
        key,
    )
    attributes = reader.query_df(
        "select attribute_name, treatment, reason, count_accounts_filled from core.enr_churn_attributes"
        " where run_id = :run and model_version = :version",
        key,
    ) if reader.scalar("select count(*) from information_schema.tables where table_schema = 'core'"
                       " and table_name = 'enr_churn_attributes'") else None
    if summary["method"] == "logit":
        strength = coefficients["coefficient"].abs()
        columns = ["feature_label", "odds_ratio", "odds_ratio_ci_low", "odds_ratio_ci_high", "p_value"]
    else:
        strength = coefficients["coefficient"]
        coefficients = coefficients.rename(columns={"coefficient": "points"})
        columns = ["feature_label", "points"]
    strongest = coefficients.loc[strength.sort_values(ascending=False, kind="stable").index, columns]
    return ChurnModelStatus(summary=summary, calibration=calibration.round(3),
                            strongest=strongest.head(STRONGEST_ODDS_RATIOS).reset_index(drop=True).round(3),
                            attributes=attributes)
