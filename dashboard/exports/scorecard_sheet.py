"""The scorecard as a worksheet of numbers: every figure, target, change and interval a typed cell with its own
row's number format (dashboard.exports.xlsx_files), never the text the page shows ("25,407", "72.7%",
"-3.1 pp" became text cells, and text starting with "-" got a visible quote).

Pure: rows of dashboard.scorecard in, a Sheet out.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.exports.xlsx_files import Sheet, change_unit
from dashboard.scorecard import NOT_MEASURED, STATUS_WORDS, ScorecardRow

# the catalog unit in words, for the Unit column (the cells' formats say it too)
UNIT_WORDS = {"count": "count", "rate": "share (%)", "seconds": "duration (h:mm:ss)", "score": "score (-1 to +1)",
              "money": "money", "ces": "CES (1 to 7)", "per_contact": "per contact"}
RELATIONS = {"higher_is_better": "at least", "lower_is_better": "at most"}
CHANGE_FACTORS = {"rate": 100.0}  # a change of a rate is written in percentage points


def _number(value: float | None, factor: float = 1.0) -> float | None:
    return None if value is None or value != value else float(value) * factor


def scorecard_sheet(rows: Sequence[ScorecardRow], *, name: str = "Scorecard", cases: Sequence[float | None] = (),
                    cases_of: Sequence[str] = (), directions: Sequence[str] = ()) -> Sheet:
    """One row per figure: Measure, Now, Unit, Target (with "at least"/"at most"), Status, Change and its
    interval (a rate's in percentage points), Real or noise, Previous, Cases and what they count, Definition.
    A figure the data cannot support has an empty Now cell (never 0), the Status "Not measured" and its reason
    in "Not measured because".

    `cases` and `cases_of` (one per row, optional) replace a row's cases and name what they count ("contacts",
    "accounts"); `directions` (the catalog's, one per row) word the target."""
    count = len(rows)
    given_cases = list(cases) + [None] * (count - len(cases))
    given_of = list(cases_of) + ["cases"] * (count - len(cases_of))
    given_directions = list(directions) + [""] * (count - len(directions))
    units = [row.unit for row in rows]
    changes = [change_unit(unit) for unit in units]
    frame = pd.DataFrame({
        "Measure": [row.label + (" (thin)" if row.is_thin else "") for row in rows],
        "Now": pd.array([_number(row.value) for row in rows], dtype="Float64"),
        "Unit": [UNIT_WORDS.get(unit, unit) for unit in units],
        "Note": [None if row.value is not None else row.value_text for row in rows],
        "Target": pd.array([_number(row.target) for row in rows], dtype="Float64"),
        "Target is": [RELATIONS.get(direction) if row.target is not None else None
                      for row, direction in zip(rows, given_directions, strict=True)],
        "Status": [STATUS_WORDS.get(row.status or "") for row in rows],
        "Not measured because": [row.not_measured_reason or None for row in rows],
        "Change": pd.array([_number(row.change.delta if row.change else None, CHANGE_FACTORS.get(row.unit, 1.0))
                            for row in rows], dtype="Float64"),
        "Change from": pd.array([_number(row.change.interval.low if row.change and row.change.interval else None,
                                         CHANGE_FACTORS.get(row.unit, 1.0)) for row in rows], dtype="Float64"),
        "Change to": pd.array([_number(row.change.interval.high if row.change and row.change.interval else None,
                                       CHANGE_FACTORS.get(row.unit, 1.0)) for row in rows], dtype="Float64"),
        "Interval level": pd.array([_number(row.change.interval.level if row.change and row.change.interval
                                            else None) for row in rows], dtype="Float64"),
        "Real or noise": [row.noise for row in rows],
        "Previous": pd.array([_number(row.change.previous if row.change else None) for row in rows], dtype="Float64"),
        "Cases": pd.array([None if row.status == NOT_MEASURED else _number(c if c is not None else row.cases)
                           for row, c in zip(rows, given_cases, strict=True)], dtype="Float64"),
        "Cases are": given_of,
        "Definition": [row.version_text for row in rows],
    })
    return Sheet(name, frame, {
        "Now": units, "Target": units, "Previous": units, "Change": changes, "Change from": changes,
        "Change to": changes, "Interval level": "rate", "Cases": "count",
    })
