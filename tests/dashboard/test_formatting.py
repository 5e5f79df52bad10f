"""Numbers by unit, as the dashboard shows them."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from dashboard.formatting import (
    MISSING,
    axis_scale,
    columns_in_words,
    format_as_of,
    format_delta,
    format_value,
    is_flat,
    target_status,
    target_text,
)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(42, "42 s"), (0, "0 s"), (75, "1.2 min"), (750, "12.5 min"), (3600, "1.0 h"), (11_520, "3.2 h"),
     (200_000, "2.3 d")],
)
def test_seconds_pick_a_readable_unit(seconds: float, expected: str) -> None:
    assert format_value(seconds, "seconds") == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.873, "rate", "87.3%"),
        (1.0, "rate", "100.0%"),
        (0.12, "score", "+0.12"),
        (-0.3, "score", "-0.30"),
        (1234567, "count", "1,234,567"),
        (12.0, "count", "12"),
        (1234.5, "money", "$1,234.50"),
    ],
)
def test_units(value: float, unit: str, expected: str) -> None:
    assert format_value(value, unit) == expected


def test_money_uses_the_configured_currency() -> None:
    assert format_value(99.5, "money", "EUR") == "€99.50"
    assert format_value(99.5, "money", "CHF") == "99.50 CHF"


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_values_are_a_dash_never_zero(missing: float | None) -> None:
    for unit in ("count", "rate", "seconds", "score", "money"):
        assert format_value(missing, unit) == MISSING


@pytest.mark.parametrize(
    ("current", "previous", "unit", "expected"),
    [
        (1100, 1000, "count", "+100 (+10.0%)"),
        (900, 1000, "count", "-100 (-10.0%)"),
        (5, 0, "count", "+5"),
        (0.80, 0.78, "rate", "+2.0 pp"),
        (0.05, 0.06, "rate", "-1.0 pp"),
        (3000, 3600, "seconds", "-10.0 min"),
        (0.10, 0.05, "score", "+0.05"),
    ],
)
def test_deltas_are_signed(current: float, previous: float, unit: str, expected: str) -> None:
    assert format_delta(current, previous, unit) == expected


def test_a_change_that_rounds_to_zero_has_no_sign() -> None:
    delta = format_delta(0.8271, 0.8272, "rate")
    assert delta == "0.0 pp"
    assert is_flat(delta)
    assert format_delta(1000, 1000, "count") == "0"
    assert not is_flat("+1.0 pp")
    assert not is_flat(None)


def test_delta_is_none_without_both_sides() -> None:
    assert format_delta(None, 0.5, "rate") is None
    assert format_delta(0.5, None, "rate") is None
    assert format_delta(0.5, math.nan, "rate") is None


def test_axis_scale_follows_magnitude() -> None:
    assert axis_scale("seconds", 40).unit_label == "seconds"
    assert axis_scale("seconds", 3000).factor == 60
    assert axis_scale("seconds", 20_000).unit_label == "hours"
    assert axis_scale("rate", 0.9).number_format == ".0%"
    assert axis_scale("seconds", None).factor == 1


def test_target_text_states_the_direction() -> None:
    assert target_text(0.8, "rate", "higher_is_better") == "Target ≥ 80.0%"
    assert target_text(3600, "seconds", "lower_is_better") == "Target ≤ 1.0 h"
    assert target_text(None, "rate", "higher_is_better") is None


def test_columns_in_words() -> None:
    assert columns_in_words("count_csat_satisfied") == "number of csat satisfied"
    assert columns_in_words("sum_first_reply_seconds") == "total first reply seconds"


def test_as_of_in_the_reporting_time_zone() -> None:
    stamp = dt.datetime(2026, 11, 1, 5, 3)
    assert format_as_of(stamp, "UTC") == "As of 1 Nov 2026, 05:03 (UTC)"
    assert format_as_of(stamp, "Europe/Berlin") == "As of 1 Nov 2026, 06:03 (Europe/Berlin)"
    assert format_as_of(stamp, "Not/AZone").endswith("(UTC)")
    assert "No successful run" in format_as_of(None, "UTC")


def test_target_status_follows_the_direction() -> None:
    assert target_status(0.9, 0.8, "higher_is_better") == "met"
    assert target_status(0.7, 0.8, "higher_is_better") == "missed"
    assert target_status(4000, 3600, "lower_is_better") == "missed"
    assert target_status(3600, 3600, "lower_is_better") == "met"
    assert target_status(None, 0.8, "higher_is_better") is None
    assert target_status(10, None, "higher_is_better") is None
    assert target_status(10, 5, "neutral") is None


def test_escape_markdown_neutralises_links_images_html_and_autolinks() -> None:
    from dashboard.formatting import escape_markdown

    assert escape_markdown("[a](https://x.example)") == "\\[a\\]\\(https\\://x\\.example\\)"
    assert escape_markdown("![i](u)") == "\\!\\[i\\]\\(u\\)"
    assert escape_markdown("<script>") == "\\<script\\>"
    assert escape_markdown("www.x.example") == "www\\.x\\.example"
    assert escape_markdown("**b** _i_ `c` #h") == "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\#h"
    assert escape_markdown(":red[x] $y$") == "\\:red\\[x\\] \\$y\\$"
