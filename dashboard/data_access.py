"""The one data-access layer: the only module of the dashboard that reads the warehouse (through dashboard.data's
shared Reader), for pages and exports alike.

How a viewer's scope reaches SQL (docs/access.md, "Data-access layer"):
- a Scope (etl.access) lists, per dimension, the values a viewer may see; the dimensions are columns:
  teams -> team_name, queues -> queue_name, segments -> segment, brands -> source_system (a brand is the source
  system a contact came from);
- `scope_predicate(columns)` is SQL of a fixed shape whose values are bound parameters (`scope_params(scope)`):
  the same text for every viewer, so nothing a viewer chose is ever spliced into SQL;
- deny by default: a scope granting nothing binds `:scope_grants` false, so the predicate keeps no row (never
  "all"); a table without the column a restricting dimension needs keeps no row for that viewer either;
- caching: every cached query function takes the scope among its arguments (inside `Filters.lists`, or an explicit
  `scope`), so st.cache_data never serves one viewer's rows to another with a narrower scope.

Row-level text (customer name, e-mail, phone, free text) goes through `mask_rows` before any page or export sees
it, unless the viewer may read clear text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import pandas as pd
import sqlalchemy.exc

from dashboard import data
from dashboard.filters import SCOPE_FIELD
from etl.access import NO_ROWS, SCOPE_DIMENSIONS, Scope, Viewer
from etl.config import Settings
from etl.pii.masking import EMAIL, NAME, PHONE, mask_pii
from etl.warehouse import WarehouseMissing, check_identifier

# Scope dimension -> the column of the warehouse's row tables it restricts.
SCOPE_COLUMNS: Mapping[str, str] = {"teams": "team_name", "queues": "queue_name", "segments": "segment",
                                    "brands": "source_system"}
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")

# Columns of row-level output that name a customer, and the mask each gets.
CUSTOMER_COLUMN_MASKS: Mapping[str, str] = {
    "full_name": f"[{NAME}]", "customer_name": f"[{NAME}]",
    "email": f"[{EMAIL}]", "customer_email": f"[{EMAIL}]",
    "phone": f"[{PHONE}]", "phone_e164": f"[{PHONE}]", "customer_phone": f"[{PHONE}]",
}


class DataUnavailable(RuntimeError):
    """The warehouse, or the table a page needs, does not exist yet. The message is for the reader."""


def settings() -> Settings:
    """The settings of this run (dashboard.data.settings)."""
    return data.settings()


def _is_missing_table(error: Exception) -> bool:
    if isinstance(error, duckdb.CatalogException):
        return True
    if isinstance(error, sqlalchemy.exc.ProgrammingError):
        return type(error.orig).__name__ in {"UndefinedTable", "InvalidSchemaName"}
    return False


def bound_in(sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters `sql` names (`:name`; DuckDB refuses any other), so a query may take every scope value and
    use only the dimensions its table has (pure)."""
    named = set(_PARAMETER.findall(sql))
    return {name: value for name, value in (params or {}).items() if name in named}


def query(url: str, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The one call into the Reader. `sql` is built from constants and carries the scope predicate wherever it
    reads rows of a scoped table; values are bound parameters."""
    try:
        return data.reader_for(url).query_df(sql, bound_in(sql, params))
    except WarehouseMissing as error:
        raise DataUnavailable(
            "No warehouse has been built yet. Run `cxpulse run` to load your data, then reload this page."
        ) from error
    except Exception as error:
        if _is_missing_table(error):
            raise DataUnavailable(
                "The warehouse does not hold the tables this page reads yet (or was built by an older version)."
                " Run `cxpulse run`, then reload."
            ) from error
        raise


# ---------------------------------------------------------------- scope -> SQL


def scope_predicate(columns: Mapping[str, str | None] = SCOPE_COLUMNS, qualifier: str = "",
                    metadata: bool = False) -> str:
    """The rows a scope keeps, as SQL over bound `scope_*` parameters (pure; its text never depends on the scope).

    `columns`: scope dimension -> the table's column (None or absent: the table has no such column, so a viewer
    restricted on that dimension sees no row of it). `qualifier`: a table alias ("i."), from code only.
    `metadata`: the table describes the data (evidence coverage per source and week), holds no customer's row,
    and is restricted only on the dimensions it has."""
    prefix = f"{check_identifier(qualifier.rstrip('.'))}." if qualifier else ""
    parts = [":scope_grants"]
    for dimension in SCOPE_DIMENSIONS:
        column = columns.get(dimension)
        if column is None and metadata:
            continue
        if column is None:
            parts.append(f":scope_all_{dimension}")
        else:
            parts.append(f"(:scope_all_{dimension} or {prefix}{check_identifier(column)} = any(:scope_{dimension}))")
    return "(" + " and ".join(parts) + ")"


def scope_params(scope: Scope) -> dict[str, Any]:
    """The bound values of `scope_predicate` (pure): nothing granted binds scope_grants false (no rows)."""
    params: dict[str, Any] = {"scope_grants": scope.grants_anything}
    for dimension in SCOPE_DIMENSIONS:
        allowed = scope.allowed(dimension)
        params[f"scope_all_{dimension}"] = allowed is None
        params[f"scope_{dimension}"] = list(allowed or ())
    return params


def scope_of(lists: Iterable[tuple[str, Any]]) -> Scope:
    """The Scope carried in `Filters.lists`; NO_ROWS when there is none (deny by default)."""
    value = dict(lists).get(SCOPE_FIELD)
    return value if isinstance(value, Scope) else NO_ROWS


# ---------------------------------------------------------------- masking


def mask_rows(frame: pd.DataFrame, viewer: Viewer, text_columns: Iterable[str] = ()) -> pd.DataFrame:
    """Row-level output as a viewer may see it (pure): customer name, e-mail and phone columns replaced by
    "[NAME]", "[EMAIL]", "[PHONE]", and PII in `text_columns` masked, unless the viewer may read clear text.
    Pages and exports use this one function."""
    if viewer.may_read_clear_text or frame.empty:
        return frame
    out = frame.copy()
    for column, mask in CUSTOMER_COLUMN_MASKS.items():
        if column in out.columns:
            out[column] = out[column].map(lambda value, m=mask: value if value is None or pd.isna(value) else m)
    for column in text_columns:
        if column in out.columns:
            out[column] = out[column].map(lambda value: mask_pii(value) if isinstance(value, str) else value)
    return out


def masked_pages(pages: Iterable[pd.DataFrame], viewer: Viewer,
                 text_columns: Iterable[str] = ()) -> Iterable[pd.DataFrame]:
    """Each page of a streamed export through `mask_rows`."""
    columns = tuple(text_columns)
    for page in pages:
        yield mask_rows(page, viewer, columns)


# ---------------------------------------------------------------- one conversation, one customer, one account

# The contacts of core in the viewer's scope, with the scope's columns as the marts name them.
_SCOPED_INTERACTIONS = (
    "select scoped.interaction_id from (select i.interaction_id, i.team_name,"
    " coalesce(q.queue_name, i.queue_id) as queue_name, i.segment, i.source_system"
    " from core.fct_interactions as i left join core.dim_queues as q on q.queue_id = i.queue_id) as scoped"
    " where {predicate}"
)


def interaction_in_scope(column: str) -> str:
    """SQL: the contact whose id is in `column` (a column named in code) is in the viewer's scope (bind
    `scope_params`). Drill-downs, transcripts and labels read one conversation only through this."""
    scoped = _SCOPED_INTERACTIONS.format(predicate=scope_predicate(qualifier="scoped"))
    return f"{check_identifier(column)} in ({scoped})"


def account_in_scope(column: str) -> str:
    """SQL: the account whose id is in `column` has a contact in the viewer's scope (bind `scope_params`)."""
    scoped = _SCOPED_INTERACTIONS.format(predicate=scope_predicate(qualifier="scoped"))
    return (f"{check_identifier(column)} in (select a.account_id from core.fct_interactions as a"
            f" where a.interaction_id in ({scoped}))")


# ---------------------------------------------------------------- what is not scoped, and why

ORGANISATION_WIDE: Mapping[str, str] = {
    # the run log and the data's own description: no customer's row, nothing per team, queue or segment
    "dashboard.queries.last_successful_run": "the run log: when data last changed",
    "dashboard.source_time.series_bounds": "first and last day per source and channel (the data's time span)",
    "dashboard.source_time.report_bounds": "first and last day of each interval report",
    "dashboard.source_time.source_data_times": "when each source's data was last exported",
    "dashboard.queries_service_ops.report_source_names": "which configured sources loaded an interval report",
    "dashboard.ops_queries.recent_runs": "the run log",
    "dashboard.ops_queries.source_freshness": "the load log per source",
    "dashboard.ops_queries.rows_loaded_by_day": "the load log per day",
    "dashboard.ops_queries.rejected_by_reason": "counts of quarantined records per reason",
    "dashboard.ops_queries.rejected_examples": "quarantined records: payload read only with raw_payloads",
    "dashboard.ops_queries.file_outcomes": "the file log",
    "dashboard.ops_queries.unknown_fields": "export fields no model reads",
    "dashboard.ops_queries.intents_to_map": "vendor intent values without a mapping",
    "dashboard.ops_queries.last_build": "the build log",
    "dashboard.ops_queries.reconciliation_summary": "agreement with the vendors' own figures, per source",
    "dashboard.ops_queries.detector_calibrations": "the detectors' calibration runs",
    # model fits: coefficients and calibration, no customer's row
    "dashboard.app_pages.experience.queries.effort_model": "the effort model's fit",
    "dashboard.app_pages.experience.queries.customer_sentiment_scorer": "the sentiment scorer's fit",
    "dashboard.app_pages.risk.queries.current_fit": "the churn model's fit",
    "dashboard.app_pages.risk.queries.calibration": "the churn model's calibration by decile",
    "dashboard.app_pages.risk.queries.strongest_effects": "the churn model's coefficients",
    "dashboard.app_pages.risk.queries.attribute_columns": "how the churn model read the CRM columns",
    "dashboard.app_pages.risk.queries.risk_days": "first and last day of the risk mart",
    # whole-organisation pages: the page says "Not available for your scope." to a restricted viewer
    "dashboard.app_pages.intent_discovery.queries.latest_discovery": "Intent discovery is organisation-wide",
    "dashboard.app_pages.intent_discovery.queries.clusters": "Intent discovery is organisation-wide",
    "dashboard.app_pages.capacity.queries.channel_summary": "Capacity is planned per channel for the organisation",
    "dashboard.app_pages.capacity.queries.daily_volumes": "Capacity is planned per channel for the organisation",
    "dashboard.app_pages.capacity.queries.candidate_models": "Capacity is planned per channel for the organisation",
    "dashboard.app_pages.capacity.queries._day_intervals": "Capacity is planned per channel for the organisation",
    "dashboard.app_pages.capacity.queries._history_by_interval": "Capacity is planned per channel for the organisation",
    "dashboard.app_pages.capacity.queries._weekly_requirement": "Capacity is planned per channel for the organisation",
    "dashboard.app_pages.capacity.queries._period_totals": "Capacity is planned per channel for the organisation",
}
"""Cached query functions that take no scope, each with why: they read no customer's row and no table with a
scope column (logs, model fits), or serve a page that shows nothing to a restricted viewer. The no-other-path test
(tests/dashboard/test_data_access_paths.py) fails for any cached function without a scope that is not listed here."""
