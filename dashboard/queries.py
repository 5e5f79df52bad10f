"""Every query the app runs, cached with a time to live.

Rules: values are bound parameters (`:name`, on DuckDB and PostgreSQL alike); identifiers come only from
the metric catalog (validated by etl.catalog, checked again here) or from constants in this module; never
from what a user typed. Metrics are re-aggregated as sum(numerator) / sum(denominator) over the rows a
filter keeps, and `metric_value` is the only place that divides.

Cached functions take a `version` argument (the finish time of the last successful run), so a new run
invalidates their results before the time to live runs out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data_access
from dashboard.data_access import DataUnavailable as DataUnavailable  # re-exported: pages catch it from here
from dashboard.data_access import scope_of, scope_params, scope_predicate
from dashboard.filters import EXCLUDED_BASES_FIELD, FilterOptions, Filters
from etl.access import Scope
from etl.catalog import Metric, catalog_for
from etl.run_status import COMPLETED
from etl.warehouse import WarehouseMissing, check_identifier

RUNS_TTL_SECONDS = 60
DATA_TTL_SECONDS = 600
SERVICE_MART = "marts.service_daily"
COVERAGE_MART = "marts.metric_evidence_coverage"
# Filters field -> column of the marts the global filters apply to.
FILTER_COLUMNS = {"sources": "source_system", "channels": "channel", "intents": "intent", "queues": "queue_name",
                  "teams": "team_name", "segments": "segment"}
# The intent bases a filter leaves out (Filters.lists' last entry): every mart at the standard grain, and every
# core query that filters like them, carries intent_basis.
INTENT_BASIS_COLUMN = "intent_basis"
Lists = tuple[tuple[str, Any], ...]  # Filters.lists: list filters, bases left out, the scope
CURRENT, PREVIOUS = "current", "previous"


def metric_value(numerator: float | None, denominator: float | None, is_ratio: bool) -> float | None:
    """The figure from re-aggregated sums: the sum itself for counts, a ratio of sums otherwise.

    None (never 0) when a ratio's denominator is 0 or missing, or the numerator is missing.
    """
    if numerator is None or (isinstance(numerator, float) and math.isnan(numerator)):
        return None
    if not is_ratio:
        return float(numerator)
    if denominator is None or (isinstance(denominator, float) and math.isnan(denominator)):
        return None
    if float(denominator) == 0:
        return None
    return float(numerator) / float(denominator)


def _query(url: str, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Every query of this module and its siblings goes through the data-access layer (dashboard.data_access)."""
    return data_access.query(url, sql, params)


# ---------------------------------------------------------------- runs


@st.cache_data(ttl=RUNS_TTL_SECONDS, show_spinner=False)
def last_successful_run(url: str) -> pd.Timestamp | None:
    """finished_at of the last run that completed (rejected records over the threshold still complete a run:
    its data is loaded and built), as a UTC timestamp; None when no run has completed."""
    try:
        frame = _query(url, "select max(finished_at) as finished_at from ops.runs where status = any(:statuses)",
                       {"statuses": list(COMPLETED)})
    except DataUnavailable as error:
        if isinstance(error.__cause__, WarehouseMissing):
            raise
        return None  # the warehouse exists but has no run log yet
    if frame.empty or pd.isna(frame.iat[0, 0]):
        return None
    stamp = pd.Timestamp(frame.iat[0, 0])
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def data_version(url: str) -> str:
    """A token that changes whenever a run succeeds; cached queries take it as an argument."""
    stamp = last_successful_run(url)
    return stamp.isoformat() if stamp is not None else "never"


# ---------------------------------------------------------------- filter options and bounds


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def data_bounds(url: str, version: str, scope: Scope,
                mart: str = SERVICE_MART) -> tuple[dt.date | None, dt.date | None]:
    """First and last day with data in the mart, among the rows of the scope."""
    table = check_identifier(mart)
    frame = _query(url, f"select min(date_day) as first_day, max(date_day) as last_day from {table}"
                        f" where {scope_predicate()}", scope_params(scope))
    if frame.empty or pd.isna(frame.iat[0, 1]):
        return None, None
    return pd.Timestamp(frame.iat[0, 0]).date(), pd.Timestamp(frame.iat[0, 1]).date()


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def filter_options(url: str, version: str, scope: Scope, mart: str = SERVICE_MART) -> FilterOptions:
    """The distinct values of every list filter among the mart's rows in the scope, in alphabetical order: a
    manager of Billing is offered Billing only (and the URL cannot widen it: values not offered are dropped)."""
    table = check_identifier(mart)
    parts = [
        f"select distinct '{field}' as field, cast({check_identifier(column)} as varchar) as value"
        f" from {table} where {scope_predicate()}"
        for field, column in FILTER_COLUMNS.items()
    ]
    frame = _query(url, " union all ".join(parts) + " order by field, value", scope_params(scope))
    values: dict[str, list[str]] = defaultdict(list)
    for field, value in zip(frame["field"], frame["value"], strict=True):
        if value is not None and not pd.isna(value):
            values[str(field)].append(str(value))
    return FilterOptions(**{field: tuple(values[field]) for field in FILTER_COLUMNS})


# ---------------------------------------------------------------- metric sums


def _filter_sql() -> str:
    """The list filters, the intent bases left out (a row without a basis, such as the interval report's, is never
    a model guess, so it stays), and the viewer's scope."""
    lists = [f"(:all_{field} or {check_identifier(column)} = any(:{field}))"
             for field, column in FILTER_COLUMNS.items()]
    basis = check_identifier(INTENT_BASIS_COLUMN)
    lists.append(f"(:keep_all_intent_bases or {basis} is null or not ({basis} = any(:{EXCLUDED_BASES_FIELD})))")
    lists.append(scope_predicate())  # the viewer's scope (dashboard.data_access): always, deny by default
    return " and ".join(lists)


def _filter_params(lists: Lists) -> dict[str, Any]:
    """Bound values of the list filters (`Filters.lists`; an empty list means all) and of the scope they carry."""
    given = dict(lists)
    params: dict[str, Any] = {}
    for field in FILTER_COLUMNS:
        values = given.get(field, ())
        params[f"all_{field}"] = not values
        params[field] = list(values)
    excluded = given.get(EXCLUDED_BASES_FIELD, ())
    params["keep_all_intent_bases"] = not excluded
    params[EXCLUDED_BASES_FIELD] = list(excluded)
    params.update(scope_params(scope_of(lists)))  # no scope in the lists: no rows
    return params


Variants = tuple[tuple[str, str], ...]


def variants_in_use() -> Variants:
    """The metric variants chosen in the settings ([metrics.variants]), hashable for cached queries."""
    return tuple(sorted(data_access.settings().metrics.variants.items()))


def catalog_in_use(variants: Variants | None = None) -> dict[str, Metric]:
    """The catalog in the variants the settings choose: what every figure of the app is computed as."""
    return catalog_for(dict(variants if variants is not None else variants_in_use()))


def _metrics_by_mart(names: Iterable[str], variants: Variants = ()) -> dict[str, list[Metric]]:
    catalog = catalog_in_use(variants)
    grouped: dict[str, list[Metric]] = defaultdict(list)
    for name in names:
        metric = catalog[name]
        grouped[metric.mart].append(metric)
    return grouped


def _sum_columns(metrics: list[Metric]) -> str:
    columns = []
    for metric in metrics:
        name = check_identifier(metric.name)
        columns.append(f"sum({check_identifier(metric.numerator)}) as {name}__numerator")
        if metric.denominator is not None:
            columns.append(f"sum({check_identifier(metric.denominator)}) as {name}__denominator")
        if metric.sum_of_squares is not None:
            columns.append(f"sum({check_identifier(metric.sum_of_squares)}) as {name}__sum_of_squares")
    return ", ".join(columns)


def _as_float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _long_form(frame: pd.DataFrame, metrics: list[Metric], keys: list[str]) -> pd.DataFrame:
    """One row per key x metric with numerator, denominator, sum of squares (means only) and value."""
    rows = []
    for record in frame.to_dict("records"):
        for metric in metrics:
            numerator = _as_float(record[f"{metric.name}__numerator"])
            denominator = (
                _as_float(record[f"{metric.name}__denominator"]) if metric.denominator is not None else None
            )
            squares = (
                _as_float(record[f"{metric.name}__sum_of_squares"]) if metric.sum_of_squares is not None else None
            )
            rows.append({
                **{key: record[key] for key in keys},
                "metric": metric.name,
                "numerator": numerator,
                "denominator": denominator,
                "sum_of_squares": squares,
                "value": metric_value(numerator, denominator, metric.is_ratio),
            })
    return pd.DataFrame(rows, columns=[*keys, "metric", "numerator", "denominator", "sum_of_squares", "value"])


# ---------------------------------------------------------------- evidence coverage


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _not_measured(url: str, version: str, start: dt.date, end: dt.date, sources: tuple[str, ...],
                  scope: Scope) -> dict[str, str]:
    params = {"week_from": start - dt.timedelta(days=6), "end": end, "all_sources": not sources,
              "sources": list(sources), **scope_params(scope)}
    try:
        frame = _query(
            url,
            "select metric_name, sum(count_with_evidence) as with_evidence,"
            " max(not_measured_reason) as reason"
            f" from {check_identifier(COVERAGE_MART)}"
            " where week_start between :week_from and :end and (:all_sources or source_system = any(:sources))"
            f" and {scope_predicate({'brands': 'source_system'}, metadata=True)}"
            " group by metric_name",
            params,
        )
    except DataUnavailable:
        return {}  # a warehouse built before the coverage mart: nothing is known to be unmeasured
    return {str(r.metric_name): str(r.reason) for r in frame.itertuples(index=False)
            if not r.with_evidence and isinstance(r.reason, str)}


def not_measured_reasons(url: str, version: str, filters: Filters) -> dict[str, str]:
    """Metric -> why it is not measured for the sources and weeks the filters choose (marts.
    metric_evidence_coverage: no record in scope carries the evidence its catalog entry needs). A metric
    measured in any chosen source-week, or without coverage rows in the dates, is absent."""
    return _not_measured(url, version, filters.start, filters.end, filters.sources, filters.scope)


def with_coverage(frame: pd.DataFrame, reasons: Mapping[str, str]) -> pd.DataFrame:
    """The figures with a `not_measured_reason` column; a metric not measured has no value (never 0)."""
    if frame.empty:
        return frame.assign(not_measured_reason=pd.Series(dtype=object))
    out = frame.copy()
    out["not_measured_reason"] = out["metric"].map(lambda name: reasons.get(str(name)))
    out.loc[out["not_measured_reason"].notna(), "value"] = None
    return out


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _period_sums(
    url: str, version: str, names: tuple[str, ...], start: dt.date, end: dt.date,
    compare_start: dt.date, compare_end: dt.date, lists: Lists, variants: Variants = (),
) -> pd.DataFrame:
    params = {"start": start, "end": end, "compare_start": compare_start, "compare_end": compare_end,
              **_filter_params(lists)}
    frames = []
    for mart, metrics in _metrics_by_mart(names, variants).items():
        sql = (
            f"select case when date_day between :start and :end then '{CURRENT}' else '{PREVIOUS}' end as period,"
            f" count(*) as row_count, {_sum_columns(metrics)} "
            f"from {check_identifier(mart)} "
            f"where (date_day between :start and :end or date_day between :compare_start and :compare_end)"
            f" and {_filter_sql()} "
            "group by 1"
        )
        frames.append(_long_form(_query(url, sql, params), metrics, ["period", "row_count"]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def period_figures(url: str, version: str, names: Iterable[str], filters: Filters, *,
                   unmeasured_rows: bool = False) -> pd.DataFrame:
    """Per metric and period ('current'; 'previous': the comparison period the filters choose): numerator,
    denominator, value, and not_measured_reason (with_coverage: a figure the data cannot support has no value).

    A period without any row for the filters is absent from the result; with `unmeasured_rows`, a metric the
    coverage says is not measured gets an empty current row carrying its reason even when its mart has no row
    (for pages that show every figure they ask for as a tile).
    """
    compare_start, compare_end = filters.comparison
    names = tuple(names)
    figures = _period_sums(url, version, names, filters.start, filters.end, compare_start, compare_end,
                           filters.lists, variants_in_use())
    reasons = not_measured_reasons(url, version, filters)
    if unmeasured_rows:
        figures = with_unmeasured_rows(figures, names, reasons)
    return with_coverage(figures, reasons)


def with_unmeasured_rows(figures: pd.DataFrame, names: Iterable[str], reasons: Mapping[str, str]) -> pd.DataFrame:
    """The figures plus an empty current-period row for each metric the coverage says is not measured but whose
    mart holds no row for the filters (e.g. a bot mart when the sources chosen have no bot): without it the
    figure would show a blank instead of its reason (pure)."""
    present = set(figures.loc[figures["period"] == CURRENT, "metric"]) if not figures.empty else set()
    missing = [name for name in names if name in reasons and name not in present]
    if not missing:
        return figures
    empty = pd.DataFrame([{"period": CURRENT, "row_count": 0, "metric": name, "numerator": None, "denominator": None,
                           "sum_of_squares": None, "value": None} for name in missing])
    return empty if figures.empty else pd.concat([figures, empty], ignore_index=True)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _weekly_sums(
    url: str, version: str, names: tuple[str, ...], start: dt.date, end: dt.date, lists: Lists,
    variants: Variants = (),
) -> pd.DataFrame:
    params = {"start": start, "end": end, **_filter_params(lists)}
    frames = []
    for mart, metrics in _metrics_by_mart(names, variants).items():
        sql = (
            f"select week_start, {_sum_columns(metrics)} "
            f"from {check_identifier(mart)} "
            f"where date_day between :start and :end and {_filter_sql()} "
            "group by week_start order by week_start"
        )
        frames.append(_long_form(_query(url, sql, params), metrics, ["week_start"]))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return frame
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    frame["days_in_range"] = [
        days_of_week_in_range(week.date(), start, end) for week in frame["week_start"]
    ]
    return frame.sort_values(["metric", "week_start"], ignore_index=True)


def weekly_figures(url: str, version: str, names: Iterable[str], filters: Filters) -> pd.DataFrame:
    """Per metric and week (Monday): numerator, denominator, value, and days_in_range (days of the week
    that the range covers)."""
    return _weekly_sums(url, version, tuple(names), filters.start, filters.end, filters.lists, variants_in_use())


def days_of_week_in_range(week_start: dt.date, start: dt.date, end: dt.date) -> int:
    """How many of the seven days from week_start fall within [start, end]."""
    first = max(week_start, start)
    last = min(week_start + dt.timedelta(days=6), end)
    return max((last - first).days + 1, 0)


# The dimensions a figure can be broken down by (a filter column of every mart).
BREAKDOWNS = {"channel": "channel", "segment": "segment", "intent": "intent", "team": "team_name",
              "queue": "queue_name", "service_path": "service_path"}


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _period_sums_by(
    url: str, version: str, names: tuple[str, ...], start: dt.date, end: dt.date,
    compare_start: dt.date, compare_end: dt.date, lists: Lists, breakdown: str, variants: Variants = (),
) -> pd.DataFrame:
    column = check_identifier(BREAKDOWNS[breakdown])
    params = {"start": start, "end": end, "compare_start": compare_start, "compare_end": compare_end,
              **_filter_params(lists)}
    frames = []
    for mart, metrics in _metrics_by_mart(names, variants).items():
        sql = (
            f"select cast({column} as varchar) as member,"
            f" case when date_day between :start and :end then '{CURRENT}' else '{PREVIOUS}' end as period,"
            f" {_sum_columns(metrics)} from {check_identifier(mart)}"
            f" where (date_day between :start and :end or date_day between :compare_start and :compare_end)"
            f" and {_filter_sql()} group by 1, 2"
        )
        frames.append(_long_form(_query(url, sql, params), metrics, ["member", "period"]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def period_figures_by(url: str, version: str, names: Iterable[str], filters: Filters, breakdown: str) -> pd.DataFrame:
    """Per member of a breakdown (BREAKDOWNS), metric and period: numerator, denominator, sum of squares,
    value. Members without rows for the filters are absent."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    compare_start, compare_end = filters.comparison
    figures = _period_sums_by(url, version, tuple(names), filters.start, filters.end, compare_start, compare_end,
                              filters.lists, breakdown, variants_in_use())
    return with_coverage(figures, not_measured_reasons(url, version, filters))
