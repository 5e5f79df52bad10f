"""Numbers as people read them, by the catalog's unit. Pure functions, no Streamlit.

Units (see sql/metrics/*.yml): count, rate (0-1), seconds, score (-1..+1), money, ces (1-7, 7 = easiest),
per_contact (e.g. transfers per contact).
A value that does not exist (None, NaN) reads as an em dash, never as 0.
"""

from __future__ import annotations

import datetime
import math
import re
import zoneinfo
from dataclasses import dataclass

MISSING = "—"
_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_seconds(seconds: float) -> str:
    """42 s, 12.5 min, 3.2 h, 2.1 d: the largest unit that keeps the figure readable."""
    magnitude = abs(seconds)
    if magnitude < 59.5:
        return f"{seconds:.0f} s"
    if magnitude < 3600 - 3:
        return f"{seconds / 60:.1f} min"
    if magnitude < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def format_count(value: float) -> str:
    return f"{round(value):,}"


def format_rate(value: float, decimals: int = 1) -> str:
    return f"{value * 100:.{decimals}f}%"


def format_score(value: float) -> str:
    return f"{value:+.2f}"


def format_money(value: float, currency: str = "USD") -> str:
    symbol = _CURRENCY_SYMBOLS.get(currency.upper())
    sign = "-" if value < 0 else ""
    if symbol:
        return f"{sign}{symbol}{abs(value):,.2f}"
    return f"{sign}{abs(value):,.2f} {currency.upper()}"


def format_value(value: float | int | None, unit: str, currency: str = "USD") -> str:
    """One figure in its unit; unknown units fall back to a plain number."""
    if is_missing(value):
        return MISSING
    assert value is not None
    number = float(value)
    if unit == "count":
        return format_count(number)
    if unit == "rate":
        return format_rate(number)
    if unit == "seconds":
        return format_seconds(number)
    if unit == "score":
        return format_score(number)
    if unit == "money":
        return format_money(number, currency)
    if unit == "ces":
        return f"{number:.2f} / 7"
    if unit == "per_contact":
        return f"{number:,.2f}"
    return f"{number:,.2f}"


def _shows_zero(text: str) -> bool:
    return not any(character in "123456789" for character in text)


def format_delta(
    current: float | int | None, previous: float | int | None, unit: str, currency: str = "USD"
) -> str | None:
    """The change from the previous period, signed so that st.metric draws the right arrow.

    Counts and money: absolute and relative change; rates: percentage points; seconds: the signed duration;
    scores: the signed difference. A change that rounds to zero carries no sign ("0.0 pp"). None when either
    side is missing.
    """
    if is_missing(current) or is_missing(previous):
        return None
    assert current is not None and previous is not None
    change = float(current) - float(previous)
    if unit == "count":
        magnitude = format_count(abs(change))
    elif unit == "money":
        magnitude = format_money(abs(change), currency)
    elif unit == "rate":
        magnitude = f"{abs(change) * 100:.1f} pp"
    elif unit == "seconds":
        magnitude = format_seconds(abs(change))
    elif unit == "score":
        magnitude = f"{abs(change):.2f}"
    else:
        magnitude = f"{abs(change):,.2f}"
    if _shows_zero(magnitude):
        return magnitude
    text = ("+" if change > 0 else "-") + magnitude
    if unit in {"count", "money"} and float(previous) != 0:
        text += f" ({change / abs(float(previous)) * 100:+.1f}%)"
    return text


def is_flat(delta: str | None) -> bool:
    """A delta text without a sign: no change worth an arrow."""
    return delta is not None and not delta.startswith(("+", "-"))


@dataclass(frozen=True)
class AxisScale:
    """How a chart shows one unit: the factor to divide by, the word for the axis, the d3 format."""

    factor: float
    unit_label: str
    number_format: str


def axis_scale(unit: str, largest: float | None, currency: str = "USD") -> AxisScale:
    """Choose the display scale for a chart axis from the largest value it shows."""
    top = 0.0 if is_missing(largest) else abs(float(largest or 0.0))
    if unit == "seconds":
        if top >= 3 * 3600:
            return AxisScale(3600.0, "hours", ",.1~f")
        if top >= 3 * 60:
            return AxisScale(60.0, "minutes", ",.0f")
        return AxisScale(1.0, "seconds", ",.0f")
    if unit == "rate":
        return AxisScale(1.0, "%", ".0%")
    if unit == "score":
        return AxisScale(1.0, "score, -1 to +1", "+.2f")
    if unit == "money":
        return AxisScale(1.0, currency.upper(), ",.0f")
    if unit == "count":
        return AxisScale(1.0, "count", ",.0f")
    if unit == "ces":
        return AxisScale(1.0, "1 to 7", ".1f")
    if unit == "per_contact":
        return AxisScale(1.0, "per contact", ",.2f")
    return AxisScale(1.0, unit, ",.2f")


def direction_words(direction: str) -> str:
    return {
        "higher_is_better": "higher is better",
        "lower_is_better": "lower is better",
    }.get(direction, "neither higher nor lower is better in itself")


def target_text(target: float | None, unit: str, direction: str, currency: str = "USD") -> str | None:
    """"Target ≥ 80.0%" / "Target ≤ 1.0 h"; None when the metric has no target."""
    if is_missing(target):
        return None
    relation = {"higher_is_better": "≥ ", "lower_is_better": "≤ "}.get(direction, "")
    return f"Target {relation}{format_value(target, unit, currency)}"


def columns_in_words(column: str) -> str:
    """A mart column in words: count_csat_satisfied -> "number of csat satisfied"."""
    parts = column.split("_")
    kind = parts[0]
    rest = " ".join(parts[1:]) if len(parts) > 1 else column
    if kind == "count":
        return f"number of {rest}"
    if kind == "sum":
        return f"total {rest}"
    return column.replace("_", " ")


def format_as_of(finished_at_utc: datetime.datetime | None, timezone: str) -> str:
    """"As of 1 Nov 2026, 06:03 (Europe/Berlin)" from a UTC timestamp (naive values are taken as UTC)."""
    if finished_at_utc is None:
        return f"No successful run recorded yet · times in {timezone}"
    stamp = finished_at_utc if finished_at_utc.tzinfo else finished_at_utc.replace(tzinfo=datetime.UTC)
    try:
        local = stamp.astimezone(zoneinfo.ZoneInfo(timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local, timezone = stamp.astimezone(datetime.UTC), "UTC"
    return f"As of {local.day} {local:%b %Y, %H:%M} ({timezone})"


def target_status(value: float | None, target: float | None, direction: str) -> str | None:
    """"met" / "missed" for a figure against its target; None when either is missing or the metric has no
    better direction."""
    if is_missing(value) or is_missing(target) or direction not in {"higher_is_better", "lower_is_better"}:
        return None
    assert value is not None and target is not None
    met = value >= target if direction == "higher_is_better" else value <= target
    return "met" if met else "missed"


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:])")


def escape_markdown(text: str) -> str:
    """Text from an export (a CRM column's name or value in a reason or an effect) as literal Markdown: every
    character Markdown or Streamlit would read as syntax is escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
