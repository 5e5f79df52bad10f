"""Mapping files (docs/mapping_files.md): reading and checking the YAML that tells the `mapped` connector how
the columns of another tool's export become cxpulse fields.

Everything here is pure except `load_mapping`, which reads the file. A mistake in a mapping raises
`MappingError` naming the file and the key at fault, before any data is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

Shape = Literal["interactions", "events", "intervals"]
FileType = Literal["csv", "xlsx", "jsonl"]
DurationFormat = Literal["H:MM:SS", "seconds", "minutes"]

SHAPES: tuple[str, ...] = ("interactions", "events", "intervals")
FILE_TYPES: tuple[str, ...] = ("csv", "xlsx", "jsonl")
DURATION_FORMATS: tuple[str, ...] = ("H:MM:SS", "seconds", "minutes")
TWITTER_TIMESTAMP_FORMAT = "%a %b %d %H:%M:%S %z %Y"
DEFAULT_PATTERNS: dict[str, str] = {"csv": "*.csv", "xlsx": "*.xlsx", "jsonl": "*.jsonl"}

# The fields a user can map, per shape; `*` fields must be mapped (a column, a constant or a template).
MAPPABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "interactions": (
        "interaction_id*", "channel*", "created_at*", "customer_id", "queue_id", "agent_id", "intent", "priority",
        "status", "updated_at", "closed_at", "subject", "direction", "talk_seconds", "hold_seconds", "acw_seconds",
        "message_id", "message_text", "author_role", "author_id", "sent_at",
    ),
    "events": (
        "interaction_id*", "occurred_at*", "event_type*", "event_id", "agent_id", "queue_id", "customer_id",
        "channel", "priority", "intent", "subject", "from_value", "to_value", "reason",
    ),
    "intervals": (
        "count_offered*", "interval_id", "interval_label", "interval_start", "interval_minutes", "queue_id",
        "channel", "count_answered", "count_abandoned", "avg_speed_of_answer_seconds", "avg_talk_seconds",
        "avg_wait_seconds", "service_level_rate", "stated_answer_rate", "service_level_threshold_seconds",
    ),
}
# A constant used when a shape's channel is not mapped: event logs are tickets, interval reports are calls.
DEFAULT_CHANNELS: dict[str, str | None] = {"interactions": None, "events": "ticket", "intervals": "voice"}

_TOP_KEYS = {"version", "shape", "file", "columns", "values", "timestamps", "durations", "keep", "description"}
_FILE_KEYS = {
    "csv": {"type", "pattern", "delimiter", "encoding", "quotechar"},
    "xlsx": {"type", "pattern", "sheet"},
    "jsonl": {"type", "pattern", "encoding"},
}
_TEMPLATE_PART = re.compile(r"\{([^{}]+)\}")


class MappingError(ValueError):
    """A mapping file that cannot be used: the message names the file and the key at fault."""

    def __init__(self, mapping_path: Path, key: str, problem: str) -> None:
        super().__init__(f"mapping file {mapping_path}: {key}: {problem}")
        self.mapping_path = mapping_path
        self.key = key


def normalized(value: Any) -> str:
    """How values are compared in value maps and `when` conditions: text, stripped, case-folded
    (so a YAML `True` key matches a CSV "True" and a JSON true)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().casefold()


@dataclass(frozen=True)
class ColumnSource:
    """Where one field's value comes from: a column, a constant or a template over columns; `when` keeps the
    value only in the rows whose columns hold the given values."""

    column: str | None = None
    constant: str | None = None
    template: str | None = None
    when: tuple[tuple[str, str], ...] = ()

    def columns_read(self) -> tuple[str, ...]:
        names: list[str] = [name for name, _ in self.when]
        if self.column is not None:
            names.append(self.column)
        if self.template is not None:
            names.extend(_TEMPLATE_PART.findall(self.template))
        return tuple(names)


@dataclass(frozen=True)
class FileOptions:
    type: FileType = "csv"
    pattern: str = "*.csv"
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    quotechar: str = '"'
    sheet: str | None = None


@dataclass(frozen=True)
class MappingSpec:
    path: Path
    shape: Shape
    file: FileOptions
    columns: dict[str, ColumnSource]
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    timestamp_format: str = "iso"
    timezone: str | None = None
    duration_format: DurationFormat = "seconds"
    keep: tuple[str, ...] = ()

    def columns_read(self) -> tuple[str, ...]:
        """Every source column the mapping reads, once each, in first-use order."""
        names: list[str] = []
        for source in self.columns.values():
            names.extend(source.columns_read())
        names.extend(self.keep)
        return tuple(dict.fromkeys(names))


def _mapping_of(value: Any, mapping_path: Path, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MappingError(mapping_path, key, f"must be a mapping of keys to values, not {type(value).__name__}")
    return value


def _check_keys(given: dict[str, Any], allowed: set[str], mapping_path: Path, key: str) -> None:
    unknown = sorted(str(k) for k in given if k not in allowed)
    if unknown:
        raise MappingError(
            mapping_path, f"{key}.{unknown[0]}" if key else unknown[0],
            f"unknown key (allowed: {', '.join(sorted(allowed))})",
        )


def parse_file_options(raw: Any, mapping_path: Path) -> FileOptions:
    options = _mapping_of(raw if raw is not None else {"type": "csv"}, mapping_path, "file")
    file_type = str(options.get("type", "csv"))
    if file_type not in FILE_TYPES:
        raise MappingError(mapping_path, "file.type", f"{file_type!r} is not one of {', '.join(FILE_TYPES)}")
    _check_keys(options, _FILE_KEYS[file_type], mapping_path, "file")
    for one_character in ("delimiter", "quotechar"):
        if one_character in options and len(str(options[one_character])) != 1:
            raise MappingError(mapping_path, f"file.{one_character}", "must be exactly one character")
    encoding = str(options.get("encoding", "utf-8-sig"))
    try:
        "".encode(encoding)
    except LookupError as error:
        raise MappingError(mapping_path, "file.encoding", f"unknown encoding {encoding!r}") from error
    return FileOptions(
        type=file_type,  # type: ignore[arg-type]
        pattern=str(options.get("pattern", DEFAULT_PATTERNS[file_type])),
        delimiter=str(options.get("delimiter", ",")),
        encoding=encoding,
        quotechar=str(options.get("quotechar", '"')),
        sheet=str(options["sheet"]) if options.get("sheet") is not None else None,
    )


def parse_column_source(raw: Any, mapping_path: Path, key: str) -> ColumnSource:
    """`"Column"`, `{column: ...}`, `{constant: ...}` or `{template: "..{Column}.."}`, each with an optional
    `when: {Column: value}`."""
    if isinstance(raw, str):
        if not raw.strip():
            raise MappingError(mapping_path, key, "an empty column name")
        return ColumnSource(column=raw)
    spec = _mapping_of(raw, mapping_path, key)
    _check_keys(spec, {"column", "constant", "template", "when"}, mapping_path, key)
    given = [name for name in ("column", "constant", "template") if name in spec]
    if len(given) != 1:
        raise MappingError(mapping_path, key, "give exactly one of column, constant, template")
    when_raw = _mapping_of(spec.get("when", {}), mapping_path, f"{key}.when")
    when = tuple((str(column), normalized(value)) for column, value in when_raw.items())
    if "template" in spec:
        template = str(spec["template"])
        if not _TEMPLATE_PART.search(template):
            raise MappingError(mapping_path, f"{key}.template", "names no {column}; use constant instead")
        return ColumnSource(template=template, when=when)
    if "constant" in spec:
        constant = spec["constant"]
        return ColumnSource(constant=None if constant is None else str(constant), when=when)
    return ColumnSource(column=str(spec["column"]), when=when)


def _fields_of(shape: str) -> tuple[list[str], list[str]]:
    declared = MAPPABLE_FIELDS[shape]
    return [name.rstrip("*") for name in declared], [name[:-1] for name in declared if name.endswith("*")]


def parse_columns(raw: Any, shape: str, mapping_path: Path) -> dict[str, ColumnSource]:
    given = _mapping_of(raw, mapping_path, "columns")
    allowed, required = _fields_of(shape)
    _check_keys(given, set(allowed), mapping_path, "columns")
    columns = {str(name): parse_column_source(value, mapping_path, f"columns.{name}") for name, value in given.items()}
    default_channel = DEFAULT_CHANNELS[shape]
    if "channel" not in columns and default_channel is not None:
        columns["channel"] = ColumnSource(constant=default_channel)
    missing = [name for name in required if name not in columns]
    if missing:
        raise MappingError(mapping_path, f"columns.{missing[0]}", f"required for shape {shape} but not mapped")
    identifying = {"interval_id", "interval_start", "interval_label"}
    if shape == "intervals" and not identifying & set(columns):
        raise MappingError(mapping_path, "columns.interval_start", "map interval_start, interval_label or interval_id")
    return columns


def parse_values(raw: Any, columns: dict[str, ColumnSource], mapping_path: Path) -> dict[str, dict[str, str | None]]:
    given = _mapping_of(raw if raw is not None else {}, mapping_path, "values")
    maps: dict[str, dict[str, str | None]] = {}
    for field_name, value_map in given.items():
        if field_name not in columns:
            raise MappingError(mapping_path, f"values.{field_name}", "a value map for a field that is not in columns")
        pairs = _mapping_of(value_map, mapping_path, f"values.{field_name}")
        maps[str(field_name)] = {normalized(k): (None if v is None else str(v)) for k, v in pairs.items()}
    return maps


def parse_timestamps(raw: Any, mapping_path: Path) -> tuple[str, str | None]:
    """(format, time zone): format is `iso`, `twitter` or a strptime pattern; the zone applies to naive times."""
    options = _mapping_of(raw if raw is not None else {}, mapping_path, "timestamps")
    _check_keys(options, {"format", "timezone"}, mapping_path, "timestamps")
    timestamp_format = str(options.get("format", "iso"))
    if timestamp_format not in ("iso", "twitter") and "%" not in timestamp_format:
        raise MappingError(mapping_path, "timestamps.format", f"{timestamp_format!r} is not iso, twitter or a "
                           "strptime pattern such as %d/%m/%Y %H:%M")
    timezone = options.get("timezone")
    if timezone is not None:
        try:
            ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise MappingError(mapping_path, "timestamps.timezone", f"unknown time zone {timezone!r}") from error
    return timestamp_format, None if timezone is None else str(timezone)


def parse_mapping(data: Any, mapping_path: Path) -> MappingSpec:
    """Check a mapping's parsed YAML and return it as a MappingSpec."""
    top = _mapping_of(data, mapping_path, "(top level)")
    _check_keys(top, _TOP_KEYS, mapping_path, "")
    shape = str(top.get("shape", ""))
    if shape not in SHAPES:
        raise MappingError(mapping_path, "shape", f"{shape or 'nothing'!r} is not one of {', '.join(SHAPES)}")
    if "columns" not in top:
        raise MappingError(mapping_path, "columns", "missing: map at least the required fields")
    columns = parse_columns(top["columns"], shape, mapping_path)
    durations = str(top.get("durations", "seconds"))
    if durations not in DURATION_FORMATS:
        raise MappingError(mapping_path, "durations", f"{durations!r} is not one of {', '.join(DURATION_FORMATS)}")
    keep = top.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(name, str) for name in keep):
        raise MappingError(mapping_path, "keep", "must be a list of column names")
    timestamp_format, timezone = parse_timestamps(top.get("timestamps"), mapping_path)
    return MappingSpec(
        path=mapping_path,
        shape=shape,  # type: ignore[arg-type]
        file=parse_file_options(top.get("file"), mapping_path),
        columns=columns,
        values=parse_values(top.get("values"), columns, mapping_path),
        timestamp_format=timestamp_format,
        timezone=timezone,
        duration_format=durations,  # type: ignore[arg-type]
        keep=tuple(keep),
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last silently)."""


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, line: int, first_line: int) -> None:
        super().__init__(f"{key!r} on line {line} repeats the key of line {first_line}")
        self.key = key
        self.line = line
        self.first_line = first_line


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise DuplicateKey(str(key), line, seen[key])
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _key_path(text_lines: list[str], line: int, key: str) -> str:
    """The dotted path of a block-style key on a 1-based line (`columns.channel`), from the indentation of the
    lines above it."""
    parents: list[tuple[int, str]] = []
    for text in [*text_lines[:line - 1], text_lines[line - 1] if line <= len(text_lines) else ""]:
        stripped = text.lstrip(" ")
        indent = len(text) - len(stripped)
        while parents and parents[-1][0] >= indent:
            parents.pop()
        if stripped and not stripped.startswith("#") and ":" in stripped:
            parents.append((indent, stripped.split(":", 1)[0].strip().strip("'\"")))
    if parents and parents[-1][1] == key:
        parents.pop()  # the key's own line (block style); in a flow mapping the line's key is its parent
    return ".".join([name for _, name in parents] + [key])


def load_mapping(mapping_path: Path) -> MappingSpec:
    """Read and check a mapping file."""
    try:
        text = mapping_path.read_text(encoding="utf-8")
    except OSError as error:
        raise MappingError(mapping_path, "(file)", f"cannot be read ({error.strerror or error})") from error
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except DuplicateKey as error:
        raise MappingError(mapping_path, _key_path(text.splitlines(), error.line, error.key),
                           f"given twice: line {error.line} repeats the key of line {error.first_line}"
                           " (YAML would keep only the last silently)") from error
    except yaml.YAMLError as error:
        raise MappingError(mapping_path, "(file)", f"not valid YAML: {error}") from error
    return parse_mapping(data, mapping_path)


def resolve_mapping_path(mapping: str, source_path: Path, working_dir: Path) -> Path:
    """An absolute mapping path as given; a relative one is looked for in the working folder (where
    cxpulse.toml usually is), then beside the source's files and in the folders above them."""
    given = Path(mapping).expanduser()
    if given.is_absolute():
        return given
    folder = source_path if source_path.is_dir() else source_path.parent
    candidates = [working_dir / given, *[base / given for base in (folder, *folder.parents)]]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return working_dir / given
