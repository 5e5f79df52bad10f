"""Mapping files: checking the YAML, and the pure conversions the mapped connector applies to each row.

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.sources.mapped import (
    STREAM_OF_SHAPE,
    RowProblem,
    duration_seconds,
    iso_timestamp,
    map_record,
    rate_fraction,
    source_text,
    unique_header,
)
from etl.sources.mapping_spec import MappingError, load_mapping, parse_mapping, resolve_mapping_path
from tests.conftest import FIXTURES, REPO_ROOT

WHERE = Path("/maps/tool.yml")
EVENTS_MINIMAL = {
    "shape": "events",
    "columns": {"interaction_id": "Case", "event_type": "Activity", "occurred_at": "When"},
}


def _with(**changes: object) -> dict[str, object]:
    return {**EVENTS_MINIMAL, **changes}


# ---------------------------------------------------------------- conversions


@pytest.mark.parametrize(
    ("text", "duration_format", "seconds"),
    [
        ("0:00:17", "H:MM:SS", 17.0),  # 17 s
        ("0:02:14", "H:MM:SS", 134.0),  # 2 * 60 + 14
        ("1:02:03", "H:MM:SS", 3723.0),  # 3600 + 120 + 3
        ("12:30", "H:MM:SS", 750.0),  # M:SS: 12 * 60 + 30
        ("90", "seconds", 90.0),
        ("1.5", "minutes", 90.0),  # 1.5 * 60
        ("n/a", "H:MM:SS", None),
        ("0:75:00", "H:MM:SS", None),  # no clock has 75 minutes
        ("0:01:60", "H:MM:SS", None),
    ],
)
def test_durations_read_clock_and_number_forms(text: str, duration_format: str, seconds: float | None) -> None:
    assert duration_seconds(text, duration_format) == seconds


@pytest.mark.parametrize(
    ("text", "share"),
    [("87%", 0.87), ("94.01%", 0.9401), (" 5 % ", 0.05), ("0.25", 0.25), ("high", None)],
)
def test_rates_read_percent_strings_and_fractions(text: str, share: float | None) -> None:
    assert rate_fraction(text) == (pytest.approx(share) if share is not None else None)


def test_twitter_timestamps_keep_their_offset() -> None:
    # The Twitter API form: weekday, month, day, time, offset, year.
    assert iso_timestamp("Tue Oct 31 22:10:47 +0000 2017", "twitter", None) == "2017-10-31T22:10:47+00:00"


def test_naive_timestamps_take_the_mapping_time_zone_with_its_summer_time() -> None:
    # Rome is UTC+1 in winter and UTC+2 from the last Sunday of March (2024-03-31 at 02:00).
    assert iso_timestamp("2024/03/01 09:00:00.000", "%Y/%m/%d %H:%M:%S.%f", "Europe/Rome") == (
        "2024-03-01T09:00:00+01:00"
    )
    assert iso_timestamp("31/03/2024 11:00", "%d/%m/%Y %H:%M", "Europe/Rome") == "2024-03-31T11:00:00+02:00"


def test_naive_timestamps_stay_naive_without_a_mapping_time_zone() -> None:
    # The source's own timezone setting is then applied by the loader.
    assert iso_timestamp("2024-03-01 09:00", "iso", None) == "2024-03-01T09:00:00"


def test_a_timestamp_that_does_not_match_the_format_is_none() -> None:
    assert iso_timestamp("yesterday", "twitter", None) is None
    assert iso_timestamp("2024-03-01", "%d/%m/%Y", None) is None


def test_a_local_time_skipped_by_the_clock_change_is_a_row_problem() -> None:
    # On 2024-03-31 Rome's clocks jump from 02:00 to 03:00: 02:30 never happened.
    with pytest.raises(RowProblem, match="clock change"):
        iso_timestamp("31/03/2024 02:30", "%d/%m/%Y %H:%M", "Europe/Rome")


def test_repeated_header_names_are_suffixed_by_position() -> None:
    assert unique_header(["Case ID", "Variant", "Variant index", "Variant ", "Variant"]) == [
        "Case ID", "Variant", "Variant index", "Variant_2", "Variant_3",
    ]


# ---------------------------------------------------------------- mapping one record


def test_columns_constants_templates_and_conditions() -> None:
    spec = parse_mapping(
        {
            "shape": "interactions",
            "columns": {
                "interaction_id": {"template": "{Brand}-{Id}"},
                "channel": {"constant": "social"},
                "created_at": "When",
                "customer_id": {"column": "Author", "when": {"Inbound": True}},
                "queue_id": {"column": "Author", "when": {"Inbound": False}},
                "author_role": "Inbound",
            },
            "values": {"author_role": {True: "customer", False: "agent"}},
        },
        WHERE,
    )
    record = {"Brand": "Acme", "Id": "7", "When": "2024-01-02T03:04:05Z", "Author": "ana", "Inbound": "True"}
    values = map_record(spec, STREAM_OF_SHAPE["interactions"], record)
    assert values["interaction_id"] == "Acme-7"
    assert values["channel"] == "social"
    assert values["customer_id"] == "ana"
    assert values["queue_id"] is None
    # YAML's True key matches the CSV text "True" (both compare as "true")
    assert values["author_role"] == "customer"
    assert values["created_at"] == "2024-01-02T03:04:05+00:00"
    assert source_text(spec, "interaction_id", {"Brand": "", "Id": ""}) is None


def test_event_maps_keep_the_source_activity_and_pass_unmapped_values_on() -> None:
    spec = parse_mapping(_with(values={"event_type": {"Resolve ticket": "solved"}}), WHERE)
    stream = STREAM_OF_SHAPE["events"]
    mapped = map_record(spec, stream, {"Case": "C1", "Activity": "Resolve ticket", "When": "2024-01-01 10:00"})
    assert (mapped["event_type"], mapped["activity"]) == ("solved", "Resolve ticket")
    # matching ignores case and surrounding spaces
    assert map_record(spec, stream, {"Case": "C1", "Activity": " resolve TICKET", "When": "x"})["event_type"] == (
        "solved"
    )
    # an unmapped activity is passed on, for the event_type rule to quarantine with the field named
    assert map_record(spec, stream, {"Case": "C1", "Activity": "Teleport", "When": "x"})["event_type"] == "Teleport"


def test_kept_columns_travel_as_a_json_object() -> None:
    spec = parse_mapping(_with(keep=["product"]), WHERE)
    mapped = map_record(spec, STREAM_OF_SHAPE["events"], {"Case": "C", "Activity": "a", "When": "t", "product": "P"})
    assert mapped["attributes"] == '{"product":"P"}'


def test_jsonl_columns_reach_into_nested_objects() -> None:
    columns = {"interaction_id": "Case", "event_type": "Activity", "occurred_at": "When", "queue_id": "via.queue"}
    spec = parse_mapping({**EVENTS_MINIMAL, "file": {"type": "jsonl"}, "columns": columns}, WHERE)
    record = {"Case": 12, "Activity": "x", "When": "t", "via": {"queue": "billing"}}
    mapped = map_record(spec, STREAM_OF_SHAPE["events"], record)
    assert (mapped["interaction_id"], mapped["queue_id"]) == ("12", "billing")


# ---------------------------------------------------------------- errors name the file and the key


@pytest.mark.parametrize(
    ("data", "key", "problem"),
    [
        (_with(shape="tickets"), "shape", "is not one of interactions, events, intervals"),
        ({"shape": "events"}, "columns", "missing"),
        (_with(colums={}), "colums", "unknown key"),
        (_with(columns={"interaction_id": "Case", "occurred_at": "When"}), "columns.event_type", "required"),
        (_with(columns={**EVENTS_MINIMAL["columns"], "talk_seconds": "T"}), "columns.talk_seconds", "unknown key"),
        (_with(values={"agent_id": {"a": "b"}}), "values.agent_id", "not in columns"),
        (_with(file={"type": "xls"}), "file.type", "is not one of csv, xlsx, jsonl"),
        (_with(file={"type": "csv", "sheet": "S"}), "file.sheet", "unknown key"),
        (_with(file={"type": "csv", "delimiter": ";;"}), "file.delimiter", "exactly one character"),
        (_with(file={"type": "csv", "encoding": "latin-9x"}), "file.encoding", "unknown encoding"),
        (_with(timestamps={"timezone": "Mars/Olympus"}), "timestamps.timezone", "unknown time zone"),
        (_with(timestamps={"format": "dd/mm/yyyy"}), "timestamps.format", "strptime pattern"),
        (_with(durations="HH:MM"), "durations", "is not one of"),
        (_with(columns={**EVENTS_MINIMAL["columns"], "agent_id": {"column": "A", "constant": "B"}}),
         "columns.agent_id", "exactly one of"),
        (_with(keep="product"), "keep", "list of column names"),
        ({"shape": "intervals", "columns": {"count_offered": "Calls"}}, "columns.interval_start", "interval_label"),
    ],
)
def test_mistakes_name_the_mapping_file_and_key(data: dict[str, object], key: str, problem: str) -> None:
    with pytest.raises(MappingError) as raised:
        parse_mapping(data, WHERE)
    message = str(raised.value)
    assert message.startswith(f"mapping file {WHERE}: {key}: ")
    assert problem in message


def test_unreadable_yaml_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("shape: events\ncolumns: [unclosed\n", encoding="utf-8")
    with pytest.raises(MappingError, match=f"mapping file {broken}: \\(file\\): not valid YAML"):
        load_mapping(broken)


def test_defaults_fill_the_channel_of_event_logs_and_interval_reports() -> None:
    events = parse_mapping(EVENTS_MINIMAL, WHERE)
    intervals = parse_mapping({"shape": "intervals", "columns": {"count_offered": "C", "interval_label": "I"}}, WHERE)
    assert events.columns["channel"].constant == "ticket"
    assert intervals.columns["channel"].constant == "voice"
    assert events.file.pattern == "*.csv" and events.file.encoding == "utf-8-sig"


@pytest.mark.parametrize("name", ["helpdesk_italian.yml", "twcs.yml", "callcenter_interval.yml"])
def test_the_example_mappings_are_valid(name: str) -> None:
    spec = load_mapping(REPO_ROOT / "mappings" / name)
    assert spec.shape in ("events", "interactions", "intervals")


def test_relative_mapping_paths_are_found_from_the_working_folder_or_above_the_data(tmp_path: Path) -> None:
    data = tmp_path / "exports" / "tool"
    data.mkdir(parents=True)
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "tool.yml").write_text("shape: events\n", encoding="utf-8")
    found = resolve_mapping_path("mappings/tool.yml", data / "export.csv", tmp_path / "elsewhere")
    assert found == tmp_path / "mappings" / "tool.yml"
    assert resolve_mapping_path(str(FIXTURES / "x.yml"), data, tmp_path) == FIXTURES / "x.yml"


@pytest.mark.parametrize(
    ("text", "key", "line", "first_line"),
    [
        # a field mapped twice in block style: YAML alone would keep the second silently
        ("shape: events\ncolumns:\n  interaction_id: Case ID\n  occurred_at: Time\n  event_type: Activity\n"
         "  occurred_at: Complete Timestamp\n", "columns.occurred_at", 6, 4),
        # a top-level key twice
        ("shape: events\ncolumns: {interaction_id: A, occurred_at: B, event_type: C}\nshape: intervals\n",
         "shape", 3, 1),
        # twice inside a flow mapping on one line
        ("shape: events\ncolumns:\n  interaction_id: {column: A, column: B}\n  occurred_at: T\n  event_type: E\n",
         "columns.interaction_id.column", 3, 3),
    ],
)
def test_a_key_given_twice_refuses_the_mapping_naming_file_key_and_line(
    tmp_path: Path, text: str, key: str, line: int, first_line: int
) -> None:
    mapping = tmp_path / "twice.yml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as raised:
        load_mapping(mapping)
    message = str(raised.value)
    assert message.startswith(f"mapping file {mapping}: {key}: given twice: ")
    assert f"line {line} repeats the key of line {first_line}" in message


def test_equal_keys_in_different_mappings_are_not_duplicates(tmp_path: Path) -> None:
    mapping = tmp_path / "fine.yml"
    mapping.write_text(
        "shape: events\ncolumns:\n  interaction_id: A\n  occurred_at: T\n  event_type: E\n"
        "  customer_id: {column: C, when: {Kind: x}}\n  agent_id: {column: G, when: {Kind: y}}\n",
        encoding="utf-8",
    )
    assert load_mapping(mapping).columns["agent_id"].when == (("Kind", "y"),)
