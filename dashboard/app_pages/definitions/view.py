"""Definitions: the metric catalog as readable cards (what it measures, the formula, its source, variants and
version). Every figure elsewhere links here with `?metric=<name>`, which opens that card."""

from __future__ import annotations

import streamlit as st

from dashboard.context import context, page_header
from dashboard.formatting import columns_in_words, direction_words, escape_markdown, format_value
from etl.catalog import Metric, catalog_for, target_for

KIND_WORDS = {"sla": "Efficiency (SLA)", "xla": "Experience (XLA)", "volume": "Volume and capacity",
              "cost": "Cost to serve", "risk": "Risk and revenue"}
CI_WORDS = {
    "wilson": "Wilson score interval for a rate; Newcombe's hybrid score interval for a change between periods",
    "welch_t": "t interval for a mean; Welch's t interval for a change between periods",
    "poisson": "Poisson interval for a count and for a change between periods",
    "none": "no interval",
}



def formula_words(metric: Metric) -> str:
    if metric.formula:
        return metric.formula
    if metric.denominator is None:
        return f"the sum of {columns_in_words(metric.numerator)}"
    return (f"{columns_in_words(metric.numerator)} ÷ {columns_in_words(metric.denominator)},"
            " each summed over the rows kept")


def _card(metric: Metric, settings_targets: dict[str, float], currency: str, min_cases: int) -> None:
    st.markdown(metric.description)
    target = target_for(metric, settings_targets)
    rows = [
        ("Formula", formula_words(metric)),
        ("Columns", f"`{metric.numerator}`" + (f" / `{metric.denominator}`" if metric.denominator else "")
         + f" in `{metric.mart}`"),
        ("Grain", metric.grain),
        ("Unit and direction", f"{metric.unit} · {direction_words(metric.direction)}"),
        ("Target", (format_value(target, metric.unit, currency)
                    + (" (set in the configuration)" if metric.name in settings_targets else " (catalog default)"))
         if target is not None else "none"),
        ("Change between periods", CI_WORDS.get(metric.ci_method, metric.ci_method)),
        ("Marked thin below", f"{metric.min_cases or min_cases} cases"),
        ("Source", metric.source),
        ("Version", f"{metric.version}" + (f" · shown as variant **{metric.variant}**" if metric.variant else "")),
    ]
    st.markdown("\n".join(f"- **{label}:** {text}" for label, text in rows))
    if metric.variants:
        st.markdown("**Variants** (choose one in `cxpulse.toml` under `[metrics.variants]`):")
        st.markdown("\n".join(
            f"- `{v.name}`{' (shown)' if v.name == metric.variant else ''}: {v.description}" for v in metric.variants
        ))


def render() -> None:
    ctx = context()
    page_header("Definitions", "How is each figure computed, and where does the definition come from?", ctx)
    catalog = catalog_for(ctx.settings.metrics.variants)
    wanted = st.query_params.get("metric")
    search = st.text_input("Find a metric", key="definitions_search", placeholder="e.g. containment, first reply")
    terms = search.strip().lower()
    shown = [m for m in catalog.values()
             if not terms or terms in f"{m.name} {m.label} {m.description}".lower()]
    if not shown:
        st.info(f"No metric matches “{escape_markdown(search)}”. Clear the search to see all {len(catalog)}.")
        return
    st.caption(f"{len(shown)} of {len(catalog)} metrics. Every figure in the app is computed from the columns and "
               "formula shown here, re-aggregated as a ratio of sums over the filters chosen.")
    for kind, title in KIND_WORDS.items():
        group = [m for m in shown if m.kind == kind]
        if not group:
            continue
        st.subheader(title)
        for metric in group:
            with st.expander(f"{metric.label} · v{metric.version}", expanded=metric.name == wanted):
                _card(metric, ctx.settings.targets, ctx.settings.currency, ctx.settings.metrics.min_cases)
