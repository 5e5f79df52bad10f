"""Survey answers from a survey tool's CSV export (format "surveys"): CSAT (1-5), CES (1-7) and NPS (0-10).

Files `*.csv`, one answer per row, linked to the contact it followed (an interaction id) or to the person
(a customer id or e-mail). Headers are matched case-insensitively, with spaces, dashes and dots read as `_`;
the first header found of each list wins:

| field | accepted headers |
|---|---|
| survey_response_id | `survey_response_id`, `response_id`, `responseid`, `id` (derived when absent) |
| interaction_id | `interaction_id`, `ticket_id`, `conversation_id`, `contact_id`, `case_id`, `call_id` |
| customer_id | `customer_id`, `user_id`, `respondent_id` |
| customer_email | `customer_email`, `email`, `e_mail`, `email_address`, `respondent_email` |
| survey_type* | `survey_type`, `type`, `survey`, `metric`, `question_type` (or the source option `survey_type`) |
| score* | `score`, `rating`, `answer`, `value` |
| responded_at* | `responded_at`, `submitted_at`, `completed_at`, `response_date`, `timestamp`, `date`, `created_at` |
| comment | `comment`, `comments`, `feedback`, `verbatim`, `free_text` |

Survey types: `csat`, `customer_satisfaction`, `satisfaction` -> csat; `ces`, `customer_effort`,
`customer_effort_score`, `effort` -> ces; `nps`, `net_promoter`, `net_promoter_score` -> nps. An answer needs
an interaction id, a customer id or an e-mail, and a score within its type's scale; otherwise it is quarantined.

Source options: `survey_type` (the type of every row when the file has no type column),
`interaction_id_prefix` and `customer_id_prefix` (put before the ids so that they match the ids the
warehouse holds for the surveyed contacts, e.g. `"zendesk:"`; empty by default). A respondent known only by
e-mail becomes the customer `surveys:<e-mail>`, which the identity rules (docs/identity.md) join to the same
person in other sources.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from etl.config import SourceConfig
from etl.parsing import CHUNK_RECORDS, FileError, RecordChunk, csv_rows, width_reason
from etl.sources.canonical import survey_scale_reasons
from etl.streams import Field, FileKind, Stream

FORMAT = "surveys"
HEADER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "survey_response_id": ("survey_response_id", "response_id", "responseid", "id"),
    "interaction_id": ("interaction_id", "ticket_id", "conversation_id", "contact_id", "case_id", "call_id"),
    "customer_id": ("customer_id", "user_id", "respondent_id"),
    "customer_email": ("customer_email", "email", "e_mail", "email_address", "respondent_email"),
    "survey_type": ("survey_type", "type", "survey", "metric", "question_type"),
    "score": ("score", "rating", "answer", "value"),
    "responded_at": ("responded_at", "submitted_at", "completed_at", "response_date", "timestamp", "date",
                     "created_at"),
    "comment": ("comment", "comments", "feedback", "verbatim", "free_text"),
}
SURVEY_TYPE_SPELLINGS: dict[str, str] = {
    "csat": "csat", "customer_satisfaction": "csat", "satisfaction": "csat",
    "ces": "ces", "customer_effort": "ces", "customer_effort_score": "ces", "effort": "ces",
    "nps": "nps", "net_promoter": "nps", "net_promoter_score": "nps",
}
REQUIRED_FIELDS = ("score", "responded_at")


def link_reasons(frame: pd.DataFrame) -> pd.Series:
    """Per answer, a reason when it names neither a contact nor a person (None otherwise)."""
    unlinked = frame["interaction_id"].isna() & frame["customer_id"].isna() & frame["customer_email"].isna()
    reasons = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    reasons[unlinked] = "an answer needs an interaction id, a customer id or an e-mail"
    return reasons


SURVEYS = Stream(
    FORMAT, "answers", "*.csv", "csv",
    (
        Field("survey_response_id", required=True),
        Field("interaction_id"),
        Field("customer_id"),
        Field("customer_email", pii="email"),
        Field("survey_type", "enum", required=True, choices=("csat", "ces", "nps")),
        Field("score", "float", required=True, min_value=0.0, max_value=10.0),
        Field("responded_at", "timestamp", required=True),
        Field("comment", pii="free_text"),
    ),
    primary_key="survey_response_id", cursor="responded_at", write_mode="append",
    key_from=("interaction_id", "customer_id", "customer_email", "survey_type", "responded_at"),
    row_checks=(("score", survey_scale_reasons), ("interaction_id", link_reasons)),
)
STREAMS: tuple[Stream, ...] = (SURVEYS,)


def header_key(header: str) -> str:
    """`Response ID` -> `response_id`."""
    return header.strip().lower().replace(" ", "_").replace("-", "_").replace(".", "_")


def header_map(header: list[str]) -> dict[str, str]:
    """Field name -> the file's header for it, for the fields the file carries."""
    by_key = {header_key(name): name for name in reversed(header)}
    found = {}
    for field_name, spellings in HEADER_SPELLINGS.items():
        match = next((by_key[s] for s in spellings if s in by_key), None)
        if match is not None:
            found[field_name] = match
    return found


def canonical_survey_type(spelling: str | None) -> str | None:
    """The canonical survey type of a spelling; an unknown spelling is returned as it is (and quarantined)."""
    if spelling is None:
        return None
    return SURVEY_TYPE_SPELLINGS.get(header_key(spelling), spelling)


def _prefixed(prefix: str, value: str | None) -> str | None:
    value = value.strip() if value else None
    return f"{prefix}{value}" if value else None


def answer_from_row(row: dict[str, str], columns: dict[str, str], options: dict[str, Any]) -> dict[str, Any]:
    """One CSV row as a flat answer keyed by field name, with the source's id prefixes applied."""
    answer: dict[str, Any] = {name: row.get(header) for name, header in columns.items()}
    answer["survey_type"] = canonical_survey_type(answer.get("survey_type") or options.get("survey_type"))
    answer["interaction_id"] = _prefixed(str(options.get("interaction_id_prefix", "")), answer.get("interaction_id"))
    answer["customer_id"] = _prefixed(str(options.get("customer_id_prefix", "")), answer.get("customer_id"))
    return answer


def read_answers(path: Path, kind: FileKind, options: dict[str, Any]) -> Iterator[tuple[Stream, RecordChunk]]:
    """Answers of a survey CSV, in chunks; FileError when a required column has no accepted header."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        columns = header_map(header)
        required = [*REQUIRED_FIELDS, *(() if options.get("survey_type") else ("survey_type",))]
        missing = [name for name in required if name not in columns]
        if header and missing:
            raise FileError(path, f"no column for {', '.join(missing)} (header: {', '.join(header)})")
        chunk = RecordChunk()
        for line, record, original in csv_rows(reader, header):
            if record is None:
                chunk.unreadable.append((line, width_reason(header, original), original))
            else:
                chunk.lines.append(line)
                chunk.values.append(answer_from_row(record, columns, options))
                chunk.payloads.append(original)
            if len(chunk) >= CHUNK_RECORDS:
                yield SURVEYS, chunk
                chunk = RecordChunk()
        if len(chunk):
            yield SURVEYS, chunk


def kinds_for(source: SourceConfig) -> tuple[FileKind, ...]:
    reader: Callable[..., Iterator[tuple[Stream, RecordChunk]]] = partial(read_answers, options=source.options)
    return (FileKind("answers", SURVEYS.file_pattern, (SURVEYS,), reader=reader),)
