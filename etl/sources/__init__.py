"""Connectors: one module per export format, found here by discovery.

A connector module defines:
  FORMAT   the name used in cxpulse.toml (`format = "..."`) and `cxpulse ingest --format`
  STREAMS  every stream (raw table) it can feed, so that raw tables exist before the first file
  KINDS    the file kinds it reads (etl.streams.FileKind), or instead
  kinds_for(source) -> tuple[FileKind, ...]  when the kinds depend on the source's options (a mapping file)
Connectors never touch the warehouse: they parse, the loader lands.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

from etl.config import SourceConfig
from etl.streams import FileKind, Stream


@lru_cache(maxsize=1)
def connectors() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "FORMAT") and hasattr(module, "STREAMS"):
            found[module.FORMAT] = module
    return found


def kinds_for_source(source: SourceConfig) -> tuple[FileKind, ...]:
    module = connectors().get(source.format)
    if module is None:
        known = ", ".join(sorted(connectors()))
        raise ValueError(f"source {source.name!r}: unknown format {source.format!r} (known: {known})")
    if hasattr(module, "kinds_for"):
        return tuple(module.kinds_for(source))
    return tuple(module.KINDS)


def all_streams() -> list[Stream]:
    """Every stream of every connector, once each."""
    seen: dict[str, Stream] = {}
    for module in connectors().values():
        for stream in module.STREAMS:
            seen.setdefault(stream.raw_table, stream)
    return list(seen.values())
