"""Streaming writers for the canonical CSV and JSONL files, and fast UTC timestamp formatting."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

SECONDS_PER_DAY = 86_400
_EPOCH = date(1970, 1, 1)
_DAY_PREFIX_CACHE: dict[int, str] = {}


def epoch_seconds(day: date) -> int:
    """Seconds since the Unix epoch at 00:00 UTC of a day."""
    return (day - _EPOCH).days * SECONDS_PER_DAY


def day_of(epoch_s: int) -> date:
    """The UTC calendar day of an epoch timestamp in seconds."""
    return _EPOCH + timedelta(days=epoch_s // SECONDS_PER_DAY)


def iso_utc(epoch_s: int) -> str:
    """ISO 8601 UTC timestamp with a `Z` suffix, e.g. 2026-05-04T09:30:00Z."""
    days, second_of_day = divmod(epoch_s, SECONDS_PER_DAY)
    prefix = _DAY_PREFIX_CACHE.get(days)
    if prefix is None:
        prefix = (_EPOCH + timedelta(days=days)).isoformat() + "T"
        _DAY_PREFIX_CACHE[days] = prefix
    hours, rest = divmod(second_of_day, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}Z"


class CsvStream:
    """A UTF-8 CSV file with a header row, written row by row."""

    def __init__(self, path: Path, header: tuple[str, ...]) -> None:
        self.path = path
        self.rows_written = 0
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow(header)

    def write(self, row: list[Any] | tuple[Any, ...]) -> None:
        self._writer.writerow(row)
        self.rows_written += 1

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> CsvStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class JsonlStream:
    """A JSON Lines file, one object per line, keys in insertion order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows_written = 0
        self._file: IO[bytes] = path.open("wb")
        self._buffer: list[bytes] = []

    def write(self, record: dict[str, Any]) -> None:
        self._buffer.append(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        self.rows_written += 1
        if len(self._buffer) >= 4096:
            self.flush()

    def flush(self) -> None:
        self._file.write(b"".join(self._buffer))
        self._buffer.clear()

    def close(self) -> None:
        self.flush()
        self._file.close()

    def __enter__(self) -> JsonlStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
