"""Global filters: defaults and the round trip through the URL."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.filters import (
    FilterOptions,
    Filters,
    default_filters,
    from_date_widget,
    from_query_params,
    parse_list,
    previous_period,
    restrict_to_options,
    to_query_params,
)

DEFAULTS = default_filters(dt.date(2026, 10, 31), today=dt.date(2026, 11, 22))
OPTIONS = FilterOptions(
    channels=("chat", "email", "voice"), intents=("cancel", "outage"), teams=("Billing", "Tech support")
)


def test_default_is_the_last_90_days_ending_at_the_last_day_with_data() -> None:
    assert DEFAULTS.end == dt.date(2026, 10, 31)
    assert DEFAULTS.start == dt.date(2026, 8, 3)
    assert DEFAULTS.days == 90
    assert (DEFAULTS.channels, DEFAULTS.intents, DEFAULTS.teams) == ((), (), ())


def test_default_without_data_ends_today() -> None:
    assert default_filters(None, today=dt.date(2026, 11, 22)).end == dt.date(2026, 11, 22)


def test_url_restores_the_view() -> None:
    params = {"start": "2026-06-01", "end": "2026-08-31", "channel": "voice,chat", "team": "Billing"}
    filters = from_query_params(params, DEFAULTS, OPTIONS)
    assert filters == Filters(
        start=dt.date(2026, 6, 1), end=dt.date(2026, 8, 31), channels=("voice", "chat"), teams=("Billing",)
    )


def test_round_trip() -> None:
    filters = Filters(dt.date(2026, 6, 1), dt.date(2026, 8, 31), ("voice", "chat"), ("cancel",), ("Billing",))
    params = to_query_params(filters, DEFAULTS)
    assert params == {
        "start": "2026-06-01", "end": "2026-08-31", "channel": "voice,chat", "intent": "cancel",
        "team": "Billing",
    }
    assert from_query_params(params, DEFAULTS, OPTIONS) == filters


def test_defaults_make_a_clean_url() -> None:
    assert to_query_params(DEFAULTS, DEFAULTS) == {}


def test_repeated_parameters_are_read_too() -> None:
    filters = from_query_params({"channel": ["voice", "chat,email"]}, DEFAULTS, OPTIONS)
    assert filters.channels == ("voice", "chat", "email")


@pytest.mark.parametrize(
    "params",
    [
        {"start": "yesterday", "end": "2026-13-45"},
        {"start": "2026-09-30", "end": "2026-09-01"},  # start after end
        {"start": "1066-10-14"},  # outside the accepted range
        {"start": ""},
        {"start": []},
        {"end": "2026-02-30"},
    ],
)
def test_bad_dates_fall_back_to_defaults(params: dict) -> None:
    filters = from_query_params(params, DEFAULTS, OPTIONS)
    assert (filters.start, filters.end) == (DEFAULTS.start, DEFAULTS.end)


def test_one_good_date_is_kept() -> None:
    filters = from_query_params({"start": "2026-09-01", "end": "garbage"}, DEFAULTS, OPTIONS)
    assert (filters.start, filters.end) == (dt.date(2026, 9, 1), DEFAULTS.end)


def test_unknown_list_values_are_dropped() -> None:
    params = {"channel": "voice,carrier_pigeon,,voice", "team": "'; drop table x"}
    filters = from_query_params(params, DEFAULTS, OPTIONS)
    assert filters.channels == ("voice",)
    assert filters.teams == ()


def test_parse_list_without_options_keeps_values() -> None:
    assert parse_list(" voice , chat ,voice") == ("voice", "chat")
    assert parse_list(None) == ()


def test_restrict_to_options() -> None:
    filters = Filters(DEFAULTS.start, DEFAULTS.end, channels=("voice", "fax"))
    assert restrict_to_options(filters, OPTIONS).channels == ("voice",)


def test_previous_period_has_the_same_length_and_ends_the_day_before() -> None:
    start, end = previous_period(dt.date(2026, 8, 3), dt.date(2026, 10, 31))
    assert end == dt.date(2026, 8, 2)
    assert (end - start).days + 1 == 90


def test_date_widget_while_picking_keeps_the_previous_range() -> None:
    assert from_date_widget((dt.date(2026, 9, 1),), DEFAULTS) == (DEFAULTS.start, DEFAULTS.end)
    assert from_date_widget((dt.date(2026, 9, 1), dt.date(2026, 9, 30)), DEFAULTS) == (
        dt.date(2026, 9, 1), dt.date(2026, 9, 30),
    )
    assert from_date_widget(None, DEFAULTS) == (DEFAULTS.start, DEFAULTS.end)


def test_comparison_with_the_same_period_last_year() -> None:
    from dashboard.filters import COMPARE_LAST_YEAR, comparison_period

    # 1 Aug - 31 Oct 2026 against 1 Aug - 31 Oct 2025: same dates, one year back
    assert comparison_period(dt.date(2026, 8, 1), dt.date(2026, 10, 31), COMPARE_LAST_YEAR) == (
        dt.date(2025, 8, 1), dt.date(2025, 10, 31))
    # 29 Feb 2028 has no twin in 2027: it becomes 28 Feb
    assert comparison_period(dt.date(2028, 2, 1), dt.date(2028, 2, 29), COMPARE_LAST_YEAR) == (
        dt.date(2027, 2, 1), dt.date(2027, 2, 28))


def test_compare_queue_and_segment_round_trip_through_the_url() -> None:
    options = FilterOptions(queues=("Billing – chat",), segments=("enterprise", "smb"))
    filters = Filters(DEFAULTS.start, DEFAULTS.end, queues=("Billing – chat",), segments=("smb",),
                      compare="last_year")
    params = to_query_params(filters, DEFAULTS)
    assert params == {"compare": "last_year", "queue": "Billing – chat", "segment": "smb"}
    assert from_query_params(params, DEFAULTS, options) == filters
    assert filters.comparison == (dt.date(2025, 8, 3), dt.date(2025, 10, 31))


def test_an_unknown_comparison_falls_back_to_the_previous_period() -> None:
    assert from_query_params({"compare": "yesterday"}, DEFAULTS, OPTIONS).compare == "previous"


def test_the_source_filter_round_trips_through_the_url() -> None:
    options = FilterOptions(sources=("canonical", "mapped"), channels=("voice",))
    filters = from_query_params({"source": "mapped,zendesk", "channel": "voice"}, DEFAULTS, options)
    assert filters.sources == ("mapped",)  # a source the warehouse does not hold is dropped
    assert to_query_params(filters, DEFAULTS) == {"source": "mapped", "channel": "voice"}
    assert dict(filters.lists)["sources"] == ("mapped",)
