"""The global filters: their defaults and their round trip through the URL. Pure functions, no Streamlit.

URL form: `?start=2026-06-01&end=2026-08-31&compare=last_year&source=zendesk&channel=voice,chat&intent=cancel`
(also `team=`, `queue=`, `segment=`, and `low_confidence=exclude` to leave out contacts whose intent is a model
guess in the Low confidence band).
Values equal to the defaults are left out of the URL, so a plain link follows the newest data. Anything
that cannot be read (a malformed date, a start after the end, a value not among the options) falls back to
the default for that field; parsing never raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from etl.access import NO_ROWS, Scope

DEFAULT_DAYS = 90
# The widest range the date picker accepts; dates outside it in a URL fall back to the default.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
LIST_SEPARATOR = ","
# URL parameter -> Filters field, in the order they appear in the URL.
LIST_PARAMS = {"source": "sources", "channel": "channels", "intent": "intents", "queue": "queues", "team": "teams",
               "segment": "segments"}
# comparison period: the same number of days just before, or the same dates a year earlier
COMPARE_PREVIOUS, COMPARE_LAST_YEAR = "previous", "last_year"
COMPARE_MODES = (COMPARE_PREVIOUS, COMPARE_LAST_YEAR)
# "Include low-confidence intents": on by default (everything); off leaves out the contacts whose intent_basis
# (the marts' column: how the intent was found) is a model guess in the Low band.
LOW_CONFIDENCE_PARAM, LOW_CONFIDENCE_EXCLUDE = "low_confidence", "exclude"
LOW_CONFIDENCE_BASIS = "model_low"
EXCLUDED_BASES_FIELD = "excluded_intent_bases"
# The key under which `Filters.lists` carries the viewer's scope into every cached query (dashboard.data_access).
SCOPE_FIELD = "scope"


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    channels: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    compare: str = COMPARE_PREVIOUS
    include_low_confidence: bool = True
    scope: Scope = NO_ROWS
    """The rows the viewer may see, set by the router from the signed-in viewer; never from the URL. Deny by
    default: Filters made without a scope read no rows."""

    @property
    def excluded_intent_bases(self) -> tuple[str, ...]:
        """The intent_basis values the filters leave out."""
        return () if self.include_low_confidence else (LOW_CONFIDENCE_BASIS,)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def comparison(self) -> tuple[dt.date, dt.date]:
        """The period the chosen one is compared with."""
        return comparison_period(self.start, self.end, self.compare)

    @property
    def lists(self) -> tuple[tuple[str, tuple[str, ...] | Scope], ...]:
        """(field, values) of every list filter, the intent bases left out, then the viewer's scope: hashable, for
        cached queries, so a cached result is keyed on the scope it was read with."""
        return (*((field, getattr(self, field)) for field in LIST_PARAMS.values()),
                (EXCLUDED_BASES_FIELD, self.excluded_intent_bases), (SCOPE_FIELD, self.scope))


@dataclass(frozen=True)
class FilterOptions:
    """The values each list filter can take, as found in the mart."""

    channels: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


def default_filters(last_day_with_data: dt.date | None, today: dt.date, days: int = DEFAULT_DAYS) -> Filters:
    """The last `days` days ending at the last day with data (today when there is none)."""
    end = last_day_with_data or today
    end = min(max(end, EARLIEST_DATE + dt.timedelta(days=days)), LATEST_DATE)
    return Filters(start=end - dt.timedelta(days=days - 1), end=end)


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length that ends the day before `start`."""
    length = end - start
    previous_end = start - dt.timedelta(days=1)
    return previous_end - length, previous_end


def same_period_last_year(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same calendar dates one year earlier (29 February becomes 28 February)."""

    def back(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return back(start), back(end)


def comparison_period(start: dt.date, end: dt.date, mode: str = COMPARE_PREVIOUS) -> tuple[dt.date, dt.date]:
    if mode == COMPARE_LAST_YEAR:
        return same_period_last_year(start, end)
    return previous_period(start, end)


def _first(value: str | Sequence[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value[0] if len(value) else None


def parse_date(value: str | Sequence[str] | None) -> dt.date | None:
    """An ISO date within the accepted range, else None."""
    text = _first(value)
    if not text:
        return None
    try:
        parsed = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        return None
    return parsed


def parse_list(value: str | Sequence[str] | None, allowed: Iterable[str] | None = None) -> tuple[str, ...]:
    """Comma-separated (or repeated) values, deduplicated in order; unknown values dropped."""
    if value is None:
        return ()
    pieces = [value] if isinstance(value, str) else list(value)
    items: list[str] = []
    for piece in pieces:
        for item in str(piece).split(LIST_SEPARATOR):
            item = item.strip()
            if item and item not in items:
                items.append(item)
    if allowed is not None:
        allowed_set = set(allowed)
        items = [item for item in items if item in allowed_set]
    return tuple(items)


def from_query_params(
    params: Mapping[str, str | Sequence[str]], defaults: Filters, options: FilterOptions | None = None
) -> Filters:
    """Filters from URL parameters; each unreadable field takes its default."""
    start = parse_date(params.get("start")) or defaults.start
    end = parse_date(params.get("end")) or defaults.end
    if start > end:
        start, end = defaults.start, defaults.end
    lists = {
        field: parse_list(params.get(param), getattr(options, field) if options is not None else None)
        for param, field in LIST_PARAMS.items()
    }
    compare = _first(params.get("compare"))
    low_confidence = _first(params.get(LOW_CONFIDENCE_PARAM))
    include_low_confidence = (defaults.include_low_confidence if low_confidence is None
                              else low_confidence.strip() != LOW_CONFIDENCE_EXCLUDE)
    return Filters(start=start, end=end, **lists,
                   compare=compare if compare in COMPARE_MODES else defaults.compare,
                   include_low_confidence=include_low_confidence)


def to_query_params(filters: Filters, defaults: Filters) -> dict[str, str]:
    """URL parameters for the filters; dates are written only when they differ from the defaults."""
    params: dict[str, str] = {}
    if (filters.start, filters.end) != (defaults.start, defaults.end):
        params["start"] = filters.start.isoformat()
        params["end"] = filters.end.isoformat()
    if filters.compare != defaults.compare:
        params["compare"] = filters.compare
    for param, field in LIST_PARAMS.items():
        values = getattr(filters, field)
        if values:
            params[param] = LIST_SEPARATOR.join(values)
    if not filters.include_low_confidence:
        params[LOW_CONFIDENCE_PARAM] = LOW_CONFIDENCE_EXCLUDE
    return params


def restrict_to_options(filters: Filters, options: FilterOptions) -> Filters:
    """Drop list values that the mart does not contain (a widget cannot show them)."""
    return replace(
        filters,
        **{
            field: tuple(v for v in getattr(filters, field) if v in set(getattr(options, field)))
            for field in LIST_PARAMS.values()
        },
    )


def from_date_widget(value: object, fallback: Filters) -> tuple[dt.date, dt.date]:
    """The (start, end) of a range date picker; while only one end is picked, keep the fallback's."""
    if isinstance(value, Sequence) and len(value) == 2 and all(isinstance(v, dt.date) for v in value):
        start, end = value[0], value[1]
        return (start, end) if start <= end else (end, start)
    return fallback.start, fallback.end
