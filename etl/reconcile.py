"""What `cxpulse reconcile` and the Data health page show: per source and figure, how often the vendor's own
figure agrees with cxpulse's (marts.reconciliation_summary), and each disagreement with its cause
(core.reconciliation_vendor_figures). The rules live in those models and docs/reconciliation.md; this module
only reads them and words them, as pure functions over the frames."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.warehouse import Reader

SUMMARY_SQL = (
    "select source_system, figure_name, figure_basis, figure_unit, count_vendor_figures, count_records,"
    " count_agreeing, agreement_rate, count_missing_vendor_figure, count_missing_event, count_reopen,"
    " count_different_calendar, count_values_differ, not_compared_reason"
    " from marts.reconciliation_summary order by source_system, figure_name, figure_basis"
)
DISAGREEMENTS_SQL = (
    "select source_system, figure_name, figure_basis, interaction_id, figure_unit, vendor_value, cxpulse_value,"
    " difference_value, tolerance_value, disagreement_cause from core.reconciliation_vendor_figures"
    " where not is_agreeing order by source_system, figure_name, figure_basis, interaction_id"
)
NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Reconciliation:
    summary: pd.DataFrame
    disagreements: pd.DataFrame


def read_reconciliation(reader: Reader) -> Reconciliation:
    return Reconciliation(reader.query_df(SUMMARY_SQL), reader.query_df(DISAGREEMENTS_SQL))


def agreement_text(rate: object, not_compared_reason: object) -> str:
    """`75.0%`, or `not measured — <reason>` when nothing was compared (never 0%)."""
    if rate is None or pd.isna(rate):
        reason = not_compared_reason if isinstance(not_compared_reason, str) and not_compared_reason else (
            "no record to compare")
        return f"{NOT_MEASURED} — {reason}"
    return f"{float(rate):.1%}"


def _value_text(value: object, unit: object) -> str:
    if value is None or pd.isna(value):
        return "—"
    number = float(value)
    return f"{number:,.0f} s" if unit == "seconds" else f"{number:,.0f}"


def summary_view(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as people read it: one row per source x figure x basis, agreement as a share or
    "not measured — <reason>", disagreements by cause."""
    causes = summary["count_records"] - summary["count_agreeing"]
    return pd.DataFrame({
        "Source": summary["source_system"],
        "Figure": summary["figure_name"],
        "Basis": summary["figure_basis"],
        "Vendor figures": summary["count_vendor_figures"].astype(int),
        "Records compared": summary["count_records"].astype(int),
        "Agreeing": summary["count_agreeing"].astype(int),
        "Agreement": [agreement_text(rate, reason) for rate, reason in
                      zip(summary["agreement_rate"], summary["not_compared_reason"], strict=True)],
        "Disagreeing": causes.astype(int),
        "Missing vendor figure": summary["count_missing_vendor_figure"].astype(int),
        "Missing event": summary["count_missing_event"].astype(int),
        "Reopen": summary["count_reopen"].astype(int),
        "Different calendar": summary["count_different_calendar"].astype(int),
        "Values differ": summary["count_values_differ"].astype(int),
    })


def disagreements_view(disagreements: pd.DataFrame) -> pd.DataFrame:
    """Each disagreement: the record, both values in their unit, the difference and the cause."""
    units = disagreements["figure_unit"]
    return pd.DataFrame({
        "Source": disagreements["source_system"],
        "Figure": disagreements["figure_name"],
        "Basis": disagreements["figure_basis"],
        "Record": disagreements["interaction_id"],
        "Vendor": [_value_text(v, u) for v, u in zip(disagreements["vendor_value"], units, strict=True)],
        "cxpulse": [_value_text(v, u) for v, u in zip(disagreements["cxpulse_value"], units, strict=True)],
        "Difference": [_value_text(v, u) for v, u in zip(disagreements["difference_value"], units, strict=True)],
        "Cause": disagreements["disagreement_cause"],
    })


def not_compared_lines(summary: pd.DataFrame) -> list[str]:
    """One line per reason a reported figure was not compared: `not measured — <reason>: source figure (basis), ...`."""
    lines = []
    skipped = summary[summary["count_records"] == 0]
    for reason, group in skipped.groupby(skipped["not_compared_reason"].fillna("no record to compare"), sort=True):
        figures = ", ".join(f"{row.source_system} {row.figure_name} ({row.figure_basis})"
                            for row in group.itertuples())
        lines.append(f"{NOT_MEASURED} — {reason}: {figures}")
    return lines
