"""The scorecard and the Efficiency x Empathy view, from re-aggregated sums. Pure functions, no Streamlit.

Every figure comes from `dashboard.queries` as sums of a catalog metric's columns; the change, its interval
and the thin marks come from `etl.change`; targets from the settings, else the catalog. Nothing here divides
except through those two modules.

Attainment of a member (a segment, an intent, a team...): the share of its SLA metrics that meet their target,
and the same for XLA metrics, counting only figures with enough cases (thin figures are left out, not
failed). A member is a **watermelon** (green outside, red inside) when its SLA attainment is at least
[signals] watermelon_sla_attainment and its XLA attainment is below watermelon_xla_attainment. The same rule
scores the monthly attainment mart (sql/marts/signals/metric_attainment_monthly.sql).

A figure the chosen sources cannot support (`not_measured_reason` of dashboard.queries.period_figures, from
marts.metric_evidence_coverage) is "not measured — <reason>" with the status NOT_MEASURED: never 0, never met
or missed, never counted in attainment, and a member with such a figure is not a watermelon.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.formatting import format_delta, format_value, is_missing, target_status, target_text
from etl.catalog import Metric, target_for
from etl.change import Change, PeriodSums, compute_change, is_thin
from etl.config import Settings

NOISE_WITHIN, NOISE_REAL, NOISE_UNKNOWN = "within noise", "beyond noise", "no interval"
NOT_MEASURED = "not measured"  # a status beside "met" and "missed"
STATUS_WORDS = {"met": "Met", "missed": "Missed", NOT_MEASURED: "Not measured"}


def not_measured_text(reason: str) -> str:
    """What is shown in place of a figure the data cannot support."""
    return f"{NOT_MEASURED} — {reason}"


def reason_of(figures: pd.DataFrame, metric: str, period: str = "current") -> str | None:
    """Why the metric is not measured in the figures (queries.with_coverage), None when it is measured."""
    if figures.empty or "not_measured_reason" not in figures.columns:
        return None
    rows = figures[(figures["metric"] == metric) & (figures["period"] == period)]
    reasons = [r for r in rows["not_measured_reason"] if isinstance(r, str) and r]
    return reasons[0] if reasons else None


@dataclass(frozen=True)
class ScorecardRow:
    metric: str
    label: str
    kind: str
    unit: str
    value: float | None
    value_text: str
    target: float | None
    target_text: str
    status: str | None
    change: Change | None
    change_text: str  # the delta and its interval, as one reads them: "+2.1 pp · 95% CI -0.5 to +4.7 pp"
    noise: str
    cases: float
    is_thin: bool
    trend: tuple[float | None, ...]
    version_text: str
    delta_text: str = "—"  # the delta alone
    change_interval_text: str = ""  # its interval alone ("" without one)
    not_measured_reason: str = ""  # why the data cannot support the figure ("" when it is measured)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status or "", "—")

    @property
    def tile_text(self) -> str:
        """What a tile shows as its figure: "not measured" (the reason goes below it), else the figure."""
        return NOT_MEASURED if self.status == NOT_MEASURED else self.value_text

    @property
    def reason_caption(self) -> str:
        """The sentence under a tile that is not measured ("" otherwise)."""
        reason = self.not_measured_reason
        return f"Not measured — {reason}." if reason else ""


def _sums(figures: pd.DataFrame, metric: str, period: str) -> PeriodSums | None:
    rows = figures[(figures["metric"] == metric) & (figures["period"] == period)]
    if rows.empty:
        return None
    row = rows.iloc[0]

    def number(column: str) -> float | None:
        if column not in row.index:
            return None
        value = row[column]
        return None if is_missing(value if not pd.isna(value) else None) else float(value)

    return PeriodSums(number("numerator") or 0.0, number("denominator"), number("sum_of_squares"))


def _numerator_missing(figures: pd.DataFrame, metric: str) -> bool:
    """Whether the current period's numerator of the metric is null in the mart."""
    if figures.empty or "numerator" not in figures.columns:
        return False
    rows = figures[(figures["metric"] == metric) & (figures["period"] == "current")]
    return not rows.empty and pd.isna(rows.iloc[0]["numerator"])


def interval_text(change: Change, unit: str, currency: str) -> str:
    """"95% CI −0.5 to +4.7 pp" in the metric's unit."""
    if change.interval is None:
        return ""
    low, high = change.interval.low, change.interval.high

    def signed(value: float) -> str:
        if unit == "rate":
            return f"{value * 100:+.1f}"
        if unit == "seconds":
            text = format_value(abs(value), unit, currency)
            return ("-" if value < 0 else "+") + text
        if unit == "count":
            return f"{value:+,.0f}"
        if unit == "money":
            return ("-" if value < 0 else "+") + format_value(abs(value), unit, currency)
        return f"{value:+.2f}"

    suffix = " pp" if unit == "rate" else ""
    return f"{change.interval.level:.0%} CI {signed(low)} to {signed(high)}{suffix}"


def noise_words(change: Change | None) -> str:
    if change is None or change.within_noise is None:
        return NOISE_UNKNOWN
    return NOISE_WITHIN if change.within_noise else NOISE_REAL


def weekly_trend(series: pd.DataFrame, unit: str) -> tuple[float | None, ...]:
    """The weekly values of a sparkline. A count in a week only partly inside the dates is scaled to a full
    week (count x 7 / days covered), so the first and last points do not dip just for being partial."""
    if series.empty:
        return ()
    values = []
    days = series["days_in_range"] if "days_in_range" in series else pd.Series(7, index=series.index)
    for value, covered in zip(series["value"], days, strict=True):
        if pd.isna(value):
            values.append(None)
        elif unit == "count" and 0 < int(covered) < 7:
            values.append(float(value) * 7 / int(covered))
        else:
            values.append(float(value))
    return tuple(values)


# Risk figures are a snapshot of the latest model fit spread over the contacts of each account's window:
# comparing two periods would compare two slices of one set of scores, not a change in risk.
SNAPSHOT_KINDS = frozenset({"risk"})
SNAPSHOT_TEXT = "snapshot of the latest model fit: no change"


def scorecard_rows(metrics: list[Metric], periods: pd.DataFrame, weekly: pd.DataFrame, settings: Settings,
                   compare: bool = True) -> list[ScorecardRow]:
    """One row per metric: the figure, its target and status, the change against the comparison period with
    its interval, the noise verdict, the thin mark and the weekly trend. Snapshot metrics (SNAPSHOT_KINDS)
    get no change."""
    rows = []
    for metric in metrics:
        current = _sums(periods, metric.name, "current") if not periods.empty else None
        previous = (_sums(periods, metric.name, "previous")
                    if compare and not periods.empty and metric.kind not in SNAPSHOT_KINDS else None)
        change = None
        if current is not None and previous is not None:
            change = compute_change(metric, current, previous, level=settings.metrics.confidence_level,
                                    min_cases=settings.metrics.min_cases)
        value = change.current if change else None
        if change is None and current is not None:
            value = (current.numerator / current.denominator if metric.is_ratio and current.denominator
                     else (current.numerator if not metric.is_ratio else None))
        if not metric.is_ratio and _numerator_missing(periods, metric.name):
            # a sum the mart leaves null (e.g. revenue at risk when no account has an ARR) is not measured, not 0
            value = None
        target = target_for(metric, settings.targets)
        cases = 0.0
        if current is not None:
            cases = float(current.denominator or 0) if metric.is_ratio else float(current.numerator)
        thin = current is None or is_thin(metric, current, settings.metrics.min_cases)
        delta = format_delta(change.current, change.previous, metric.unit, settings.currency) if change else None
        interval = interval_text(change, metric.unit, settings.currency) if change else ""
        delta_text = SNAPSHOT_TEXT if metric.kind in SNAPSHOT_KINDS else (delta or "—")
        series = weekly[weekly["metric"] == metric.name] if not weekly.empty else weekly
        trend = weekly_trend(series, metric.unit)
        reason = reason_of(periods, metric.name)
        if reason:
            rows.append(_not_measured_row(metric, reason, target, settings))
            continue
        rows.append(ScorecardRow(
            metric=metric.name, label=metric.label, kind=metric.kind, unit=metric.unit, value=value,
            value_text=format_value(value, metric.unit, settings.currency), target=target,
            target_text=target_text(target, metric.unit, metric.direction, settings.currency) or "no target",
            status=target_status(value, target, metric.direction), change=change,
            change_text=" · ".join(p for p in (delta_text, interval) if p),
            noise=noise_words(change),
            cases=cases, is_thin=thin, trend=trend, version_text=metric.qualified_version,
            delta_text=delta_text, change_interval_text=interval,
        ))
    return rows


def _not_measured_row(metric: Metric, reason: str, target: float | None, settings: Settings) -> ScorecardRow:
    """A row for a figure the data cannot support: no value, no change, no trend, status NOT_MEASURED."""
    return ScorecardRow(
        metric=metric.name, label=metric.label, kind=metric.kind, unit=metric.unit, value=None,
        value_text=not_measured_text(reason),
        target=target,
        target_text=target_text(target, metric.unit, metric.direction, settings.currency) or "no target",
        status=NOT_MEASURED, change=None, change_text="—", noise=NOISE_UNKNOWN, cases=0.0, is_thin=False, trend=(),
        version_text=metric.qualified_version, not_measured_reason=reason,
    )


def attainment_by_member(figures: pd.DataFrame, metrics: list[Metric], settings: Settings) -> pd.DataFrame:
    """Per member of a breakdown (current period of `figures` from queries.period_figures_by): how many SLA
    and XLA metrics were measured with enough cases and met their target, the attainment shares, the metrics
    missed, and the watermelon flag."""
    columns = ["member", "sla_measured", "sla_met", "xla_measured", "xla_met", "sla_attainment", "xla_attainment",
               "is_watermelon", "missed", "cases", "not_measured"]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    current = figures[figures["period"] == "current"]
    by_name = {m.name: m for m in metrics if m.kind in {"sla", "xla"} and target_for(m, settings.targets) is not None}
    out = []
    for member, group in current.groupby("member", sort=True):
        tally = {"sla": [0, 0], "xla": [0, 0]}
        missed = []
        cases = 0.0
        not_measured = []
        for record in group.itertuples():
            metric = by_name.get(str(record.metric))
            if metric is None:
                continue
            if isinstance(getattr(record, "not_measured_reason", None), str):
                not_measured.append(metric.label)
                continue
            sums = PeriodSums(float(record.numerator or 0), None if pd.isna(record.denominator)
                              else float(record.denominator))
            if is_missing(record.value) or is_thin(metric, sums, settings.metrics.min_cases):
                continue
            status = target_status(float(record.value), target_for(metric, settings.targets), metric.direction)
            if status is None:
                continue
            tally[metric.kind][0] += 1
            if status == "met":
                tally[metric.kind][1] += 1
            else:
                missed.append(metric.label)
            if metric.name == "interactions":
                cases = float(record.numerator or 0)
        sla_share = tally["sla"][1] / tally["sla"][0] if tally["sla"][0] else None
        xla_share = tally["xla"][1] / tally["xla"][0] if tally["xla"][0] else None
        # a member with a figure the data cannot support is not called a watermelon on the figures it has
        watermelon = (not not_measured and sla_share is not None and xla_share is not None
                      and sla_share >= settings.signals.watermelon_sla_attainment
                      and xla_share < settings.signals.watermelon_xla_attainment)
        out.append((member, tally["sla"][0], tally["sla"][1], tally["xla"][0], tally["xla"][1], sla_share, xla_share,
                    watermelon, ", ".join(missed), cases, ", ".join(not_measured)))
    return pd.DataFrame(out, columns=columns)
