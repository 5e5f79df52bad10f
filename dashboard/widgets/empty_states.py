"""What an empty section says: what the data lacks when the cause is the data (marts.metric_evidence_coverage:
the chosen sources never carry the evidence the section's metric needs), else what the filters left out."""

from __future__ import annotations

from dashboard import queries
from dashboard.formatting import escape_markdown
from dashboard.scorecard import not_measured_text


def empty_text(ctx: object, metric: str, when_filtered: str) -> str:
    """"Not measured — <reason>." for a metric the chosen sources and weeks cannot support, else `when_filtered`
    (what the filters did: widen the dates, clear a filter)."""
    url, version, filters = (getattr(ctx, name, None) for name in ("warehouse_url", "version", "filters"))
    if url is None or filters is None:
        return when_filtered
    reason = queries.not_measured_reasons(url, str(version), filters).get(metric)
    if not reason:
        return when_filtered
    text = escape_markdown(not_measured_text(str(reason)))
    return f"{text[0].upper()}{text[1:]}."
