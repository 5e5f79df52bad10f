"""Connectors: each format declares its streams (see etl.streams)."""

from __future__ import annotations

from etl.sources import canonical
from etl.streams import Stream

FORMATS: dict[str, tuple[Stream, ...]] = {
    canonical.FORMAT: canonical.STREAMS,
}


def streams_for_format(format_name: str) -> tuple[Stream, ...]:
    try:
        return FORMATS[format_name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown source format {format_name!r} (known: {known})") from None
