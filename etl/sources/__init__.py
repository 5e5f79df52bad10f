"""Connectors: each format declares its streams (see etl.streams)."""

from __future__ import annotations

from etl.sources import canonical
from etl.streams import FileKind, Stream, flat_kinds

FORMATS: dict[str, tuple[FileKind, ...]] = {
    canonical.FORMAT: flat_kinds(canonical.STREAMS),
}


def kinds_for_format(format_name: str) -> tuple[FileKind, ...]:
    try:
        return FORMATS[format_name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown source format {format_name!r} (known: {known})") from None


def all_streams() -> list[Stream]:
    """Every stream of every format, once each."""
    seen: dict[str, Stream] = {}
    for kinds in FORMATS.values():
        for kind in kinds:
            for stream in kind.streams:
                seen.setdefault(stream.raw_table, stream)
    return list(seen.values())
