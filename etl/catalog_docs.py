"""The metric catalog (sql/metrics/*.yml) as readable Markdown: docs/metrics.md and `cxpulse catalog`.

Pure rendering: the same catalog always gives the same text (subjects by file name, kinds in a fixed order,
metrics in file order), so a test can tell when docs/metrics.md is stale.
"""

from __future__ import annotations

from pathlib import Path

from etl.catalog import CATALOG_DIR, Metric, load_catalog, load_evidence_rules

DOCS_PATH = CATALOG_DIR.parent.parent / "docs" / "metrics.md"
KIND_ORDER = ("sla", "xla", "volume", "cost", "risk")
KIND_TITLES = {
    "sla": "SLA: service levels promised",
    "xla": "XLA: experience as the customer lives it",
    "volume": "Volume",
    "cost": "Cost",
    "risk": "Risk",
}
DIRECTION_WORDS = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neutral": "neutral (neither way is better)",
}
UNIT_WORDS = {
    "count": "count",
    "rate": "rate (share from 0 to 1, shown as a percentage)",
    "seconds": "seconds",
    "score": "score",
    "money": "money (the account currency)",
    "per_contact": "per contact",
    "ces": "CES (1 to 7, 7 = easiest)",
}
CI_WORDS = {
    "wilson": "wilson: Wilson score interval for a period's rate; a change gets Newcombe's hybrid score interval"
              " for a difference of proportions (Newcombe 1998, method 10)",
    "welch_t": "welch_t: Student's t interval for a period's mean; a change gets Welch's t interval"
               " (Welch-Satterthwaite degrees of freedom)",
    "poisson": "poisson: exact (Garwood) interval for a period's count; a change gets the normal approximation"
               " on the difference of two Poisson counts (rates over the denominator when there is one)",
    "none": "none: no interval",
}
CI_TABLE = (
    ("wilson", "Wilson score interval (Wilson 1927)",
     "Newcombe's hybrid score interval from the two Wilson intervals (Newcombe, Statistics in Medicine"
     " 17:873-890, 1998, method 10)"),
    ("welch_t", "Student's t interval from n, sum and sum of squares",
     "Welch's t interval, Welch-Satterthwaite degrees of freedom"),
    ("poisson", "exact (Garwood 1936) interval",
     "normal approximation on the difference of two Poisson counts (or rates over the denominator); counts of"
     " contacts are overdispersed, so read it as the least noise there is"),
    ("none", "none", "none"),
)
HEADER = """<!-- Generated from sql/metrics/*.yml by `cxpulse catalog --markdown docs/metrics.md`. Do not edit by hand:
     edit the catalog and regenerate (`cxpulse catalog --check docs/metrics.md` tells when this file is stale). -->

# Metric catalog

Every figure cxpulse shows is defined once, in the catalog file of its subject (`sql/metrics/<subject>.yml`).
A figure is a ratio of sums: the dashboard adds up the numerator and the denominator columns of the mart over
whatever filter is applied and divides (never an average of daily ratios), so any filter re-aggregates
exactly. Counts have no denominator. A figure with fewer cases (its denominator, or the count itself) than
`min_cases` is marked as thin.

Every metric also names the evidence it needs (its "Evidence needed" row, one of the rules of
`sql/metrics/evidence/rules.yml`). `marts.metric_evidence_coverage` counts, per source system, week and metric,
the records in scope and those carrying that evidence; where no chosen source carries it, the figure is
"not measured — <reason>" on every page, scorecard, signal and export: never 0 and never "met". The brand's
own outbound posts and calls are never customer contacts.

Period-over-period changes carry a confidence interval (config `[metrics] confidence_level`, default 0.95);
a change whose interval contains 0 is within noise. The interval method of each metric is its CI method:
"""



def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _duration(seconds: float) -> str:
    parts = []
    remaining = round(seconds)
    for size, suffix in ((86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")):
        if remaining >= size:
            parts.append(f"{remaining // size} {suffix}")
            remaining %= size
    return " ".join(parts) or "0 s"


def format_target(metric: Metric) -> str:
    """The catalog's default target in the metric's unit, for a person."""
    if metric.target is None:
        return "none"
    value = metric.target
    if metric.unit == "rate":
        return f"{value * 100:g}%"
    if metric.unit == "seconds":
        return f"{value:,g} s" + (f" ({_duration(value)})" if value >= 60 else "")
    if metric.unit == "money":
        return f"{value:,.2f}"
    return f"{value:g}"


def formula_of(metric: Metric) -> str:
    """The formula in columns: sum(numerator) / sum(denominator), or sum(numerator) for a count."""
    if metric.denominator is None:
        return f"sum({metric.numerator})"
    return f"sum({metric.numerator}) / sum({metric.denominator})"


def _variant_lines(metric: Metric) -> list[str]:
    if not metric.variants:
        return []
    lines = ["", "Variants (config `[metrics.variants] " + metric.name + ' = "<variant>"` chooses one):', ""]
    for variant in metric.variants:
        shown = metric.in_variant(variant.name)
        marker = " **(default)**" if variant.name == metric.default_variant else ""
        columns = f" `{formula_of(shown)}`" if (variant.numerator or variant.denominator) else ""
        lines.append(f"- `{variant.name}`{marker}: {variant.description}{columns}")
    return lines


def evidence_text(metric: Metric) -> str:
    """What the metric needs from a source's records, and what is shown without it."""
    rule = load_evidence_rules()[metric.evidence]
    return (f"{rule.needs} (rule `{rule.name}`, per source and week in `marts.metric_evidence_coverage`); "
            f"without it: not measured — {rule.reason}")


def render_metric(metric: Metric) -> str:
    """One metric's card."""
    rows = [
        ("Formula", (f"{metric.formula} " if metric.formula else "") + f"`{formula_of(metric)}`"),
        ("Unit", UNIT_WORDS.get(metric.unit, metric.unit)),
        ("Direction", DIRECTION_WORDS.get(metric.direction, metric.direction)),
        ("Default target", format_target(metric)),
        ("Grain", metric.grain),
        ("Mart", f"`{metric.mart}`"),
        ("CI method", CI_WORDS.get(metric.ci_method, metric.ci_method)),
        ("Minimum cases", str(metric.min_cases) if metric.min_cases is not None
         else "the `[metrics] min_cases` setting (default 30)"),
        ("Source", metric.source),
        ("Evidence needed", evidence_text(metric)),
        ("Version", str(metric.version)),
    ]
    if metric.sum_of_squares:
        rows.insert(1, ("Sum of squares", f"`{metric.sum_of_squares}` (for the interval of the mean)"))
    lines = [f"#### {metric.label} (`{metric.name}`)", "", metric.description, "", "| | |", "|---|---|"]
    lines += [f"| {name} | {_cell(value)} |" for name, value in rows]
    lines += _variant_lines(metric)
    return "\n".join(lines) + "\n"


def _ci_table() -> str:
    lines = ["| CI method | Interval of one period | Interval of a change (current - previous) |", "|---|---|---|"]
    lines += [f"| {method} | {single} | {change} |" for method, single, change in CI_TABLE]
    return "\n".join(lines) + "\n"


def _kinds(metrics: list[Metric]) -> list[str]:
    present = {m.kind for m in metrics}
    return [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER))


def _index(catalog: dict[str, Metric]) -> str:
    lines = ["## Index", "", "| Metric | Label | Subject | Kind | Unit | Direction |", "|---|---|---|---|---|---|"]
    for metric in catalog.values():
        lines.append(f"| [`{metric.name}`](#{_anchor(metric)}) | {_cell(metric.label)} | {metric.subject} |"
                     f" {metric.kind} | {metric.unit} | {DIRECTION_WORDS.get(metric.direction, metric.direction)} |")
    return "\n".join(lines) + "\n"


def _anchor(metric: Metric) -> str:
    """GitHub's heading anchor for the metric's card heading."""
    heading = f"{metric.label} ({metric.name})".lower()
    kept = "".join(ch for ch in heading if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def render_catalog(catalog: dict[str, Metric]) -> str:
    """The whole catalog as Markdown: an index, then subjects (by file name), kinds, metric cards."""
    subjects: dict[str, list[Metric]] = {}
    for metric in catalog.values():
        subjects.setdefault(metric.subject, []).append(metric)
    parts = [HEADER, _ci_table(), _index(catalog)]
    for subject in sorted(subjects):
        metrics = subjects[subject]
        title = subject.replace("_", " ").capitalize() or "Unfiled"
        parts.append(f"## {title} (`sql/metrics/{subject}.yml`)\n")
        for kind in _kinds(metrics):
            parts.append(f"### {KIND_TITLES.get(kind, kind)}\n")
            parts += [render_metric(m) for m in metrics if m.kind == kind]
    return "\n".join(parts)


def catalog_markdown(directory: Path = CATALOG_DIR) -> str:
    """docs/metrics.md as the catalog in `directory` gives it."""
    return render_catalog(load_catalog(directory))


def is_stale(path: Path, expected: str | None = None) -> bool:
    """Whether the Markdown file at `path` differs from `expected` (default: what the catalog gives now);
    a missing file is stale."""
    text = catalog_markdown() if expected is None else expected
    return not path.exists() or path.read_text(encoding="utf-8") != text
