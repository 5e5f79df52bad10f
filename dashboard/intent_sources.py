"""How the intents behind a by-intent figure were found, as plain text. Pure functions, no Streamlit.

Input: contacts per intent basis (the marts' `intent_basis`: vendor, rule, model_high, model_medium, model_low,
unclassified), summed in SQL by dashboard.queries_intent_sources. Output: one line per view,
"Intent from: vendor field 62%, rules 20%, model 10% (High 6%, Medium 3%, Low 1%), unclassified 8%", and a
"found by" cell per intent. Intent names come from exports: callers show these with st.text / st.dataframe.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

VENDOR, RULE, UNCLASSIFIED = "vendor", "rule", "unclassified"
MODEL_BANDS = {"model_high": "High", "model_medium": "Medium", "model_low": "Low"}
LABELS = {VENDOR: "vendor field", RULE: "rules", UNCLASSIFIED: "unclassified"}
FOUND_BY_LABELS = {VENDOR: "vendor", RULE: "rules", "model_high": "model (High)", "model_medium": "model (Medium)",
                   "model_low": "model (Low)", UNCLASSIFIED: "unclassified"}
ORDER = (VENDOR, RULE, *MODEL_BANDS, UNCLASSIFIED)


def percent(part: float, total: float) -> str:
    """A share as a whole percent; a share above 0 that would round to 0 reads "<1%", one below 100 that would
    round to 100 reads ">99%"."""
    share = 100.0 * part / total
    text = f"{share:.0f}"
    if share > 0 and text == "0":
        return "<1%"
    if share < 100 and text == "100":
        return ">99%"
    return f"{text}%"


def _counts(frame: pd.DataFrame) -> dict[str, float]:
    """contacts per basis from a frame with intent_basis and contacts (bases outside ORDER are left out)."""
    sums = frame.groupby("intent_basis", dropna=True)["contacts"].sum() if not frame.empty else pd.Series()
    return {str(basis): float(value) for basis, value in sums.items() if basis in ORDER and value > 0}


def source_line(frame: pd.DataFrame) -> str:
    """The line for one view from contacts per intent_basis; sources without contacts are left out."""
    counts = _counts(frame)
    total = sum(counts.values())
    if total == 0:
        return "Intent from: no contacts in these filters."
    parts = [f"{LABELS[basis]} {percent(counts[basis], total)}" for basis in (VENDOR, RULE) if basis in counts]
    bands = [(label, counts[basis]) for basis, label in MODEL_BANDS.items() if basis in counts]
    if bands:
        model = sum(value for _, value in bands)
        detail = ", ".join(f"{label} {percent(value, total)}" for label, value in bands)
        parts.append(f"model {percent(model, total)} ({detail})")
    if UNCLASSIFIED in counts:
        parts.append(f"{LABELS[UNCLASSIFIED]} {percent(counts[UNCLASSIFIED], total)}")
    return "Intent from: " + ", ".join(parts)


def found_by(frame: pd.DataFrame) -> dict[str, str]:
    """Per intent, how its contacts' intent was found, largest share first ("vendor 80%, model (Low) 20%"), from
    a frame with intent, intent_basis and contacts."""
    result: dict[str, str] = {}
    if frame.empty:
        return result
    for intent, rows in frame.groupby("intent", sort=True):
        counts = _counts(rows)
        total = sum(counts.values())
        if total == 0:
            continue
        ranked = sorted(counts.items(), key=lambda item: (-item[1], ORDER.index(item[0])))
        result[str(intent)] = ", ".join(f"{FOUND_BY_LABELS[basis]} {percent(value, total)}"
                                        for basis, value in ranked)
    return result


def with_found_by(table: pd.DataFrame, found: Mapping[str, str], intent_column: str = "intent",
                  column: str = "found by") -> pd.DataFrame:
    """`table` with a "found by" column after its intent column (blank for an intent without contacts)."""
    out = table.copy()
    values = [found.get(str(intent), "") for intent in out[intent_column]]
    out.insert(list(out.columns).index(intent_column) + 1, column, values)
    return out
