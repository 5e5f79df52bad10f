"""File names and widget keys for exports, and the filters in words. Pure functions.

A file name carries the page, what is exported, the period and the as-of date, so a folder of downloads
sorts by page and says which data each file holds:
`cxpulse_overview_service-level_2026-08-01_to_2026-08-31_asof-2026-09-01.png`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo

from dashboard.filters import Filters

PRODUCT = "cxpulse"
MAX_SLUG = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII words joined by "-": "CSAT (top-2 box) – Café" -> "csat-top-2-box-cafe"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG].rstrip("-") or "export"


def as_of_day(as_of: dt.datetime | None, timezone: str = "UTC") -> str:
    """The as-of date in the reporting time zone (naive values are UTC), or "no-run" before the first run."""
    if as_of is None:
        return "no-run"
    stamp = as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.UTC)
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return f"{stamp.astimezone(zone):%Y-%m-%d}"


def export_file_name(
    page: str, subject: str, start: dt.date, end: dt.date, as_of: dt.datetime | None, extension: str,
    timezone: str = "UTC",
) -> str:
    """`cxpulse_<page>_<subject>_<start>_to_<end>_asof-<date>.<extension>`."""
    return (
        f"{PRODUCT}_{slug(page)}_{slug(subject)}_{start:%Y-%m-%d}_to_{end:%Y-%m-%d}"
        f"_asof-{as_of_day(as_of, timezone)}.{extension.lstrip('.').lower()}"
    )


def download_key(page: str, kind: str, subject: str, extension: str) -> str:
    """A widget key that stays the same across reruns and filter changes, unique per page, kind of thing
    exported (chart, table, pack), subject and format: a chart and a table of one subject both offer a CSV."""
    return f"download-{slug(page)}-{slug(kind)}-{slug(subject)}-{extension.lstrip('.').lower()}"


def _listed(values: tuple[str, ...], every: str, one: str, many: str) -> str:
    if not values:
        return every
    return f"{one} {values[0]}" if len(values) == 1 else f"{many} {', '.join(values)}"


def filters_in_words(filters: Filters) -> str:
    """"1 Oct 2026 – 31 Oct 2026 · all channels · intent billing · teams Billing, Retention"."""
    period = f"{filters.start.day} {filters.start:%b %Y} – {filters.end.day} {filters.end:%b %Y}"
    return " · ".join([
        period,
        _listed(filters.channels, "all channels", "channel", "channels"),
        _listed(filters.intents, "all intents", "intent", "intents"),
        *([] if filters.include_low_confidence else ["without low-confidence intents"]),
        _listed(filters.queues, "all queues", "queue", "queues"),
        _listed(filters.teams, "all teams", "team", "teams"),
        _listed(filters.segments, "all segments", "segment", "segments"),
    ] + ([f"compared with {filters.comparison[0].day} {filters.comparison[0]:%b %Y} – "
          f"{filters.comparison[1].day} {filters.comparison[1]:%b %Y}"] if filters.compare else []))
