"""A CRM's account export as CSV (format "accounts"), read through a small column map.

    [[sources]]
    name = "crm"
    format = "accounts"
    path = "exports/crm"
    columns = { account_id = "Account ID", arr_amount = "ARR", segment = "Tier", churned_on = "Churn Date" }

`columns` (`source.options["columns"]`) maps canonical account fields (`account_id`, `account_name`,
`segment`, `industry`, `arr_amount`, `started_on`, `churned_on`, `churn_flag`, `updated_at`) to the export's
headers; a field left out of the map is read from a header spelled like the field (`ARR Amount` or
`arr_amount` for `arr_amount`, case-insensitive, spaces and dashes read as `_`). `account_id` must be found.

The churn outcome is a churn date (`churned_on`) or a churn flag (`churn_flag`; found without a map under
the headers `Churn Flag`, `Is Churned`, `Churned`, `Churn`, `Has Churned`, `Churn Label`, `Churn Value` or
`Exited`, the first of them in that order), read as yes/no (`Yes`, `true`, `1`, `Churned`, `Cancelled`,
`Lost` are yes; `No`, `false`, `0`, `Active`, `Retained`, `Stayed`, `Existing` are no; anything else is
quarantined). A flagged account without a churn date is dated (staging.stg_accounts__accounts) by its
`updated_at` day, else by the export's date `exported_on`: the source option `as_of` (`YYYY-MM-DD`, the day
the export describes) or, without it, the day the file was last modified (UTC). A churn date wins over a
flag saying no. Neither the flag nor the date is ever an attribute for the churn model.

Every other column is kept twice: in each account's raw payload (the whole row), and as one row per
(account, column) in `raw.accounts__account_attributes` (`account_id`, `attribute_name` = the header as
written, `attribute_position` = its place in the header from 0, `attribute_value` = the text, `updated_at`;
its payload is that attribute record, so that the
attributes of one row are not taken for copies of each other), so that the churn model can use any CRM
field without a code change; `staging.stg_accounts__account_attributes` holds the latest value of each.
Empty cells are not attributes, and the attributes of a row whose account is quarantined (an unknown tier)
are still kept: the row's other cells are valid facts.

Values: `segment` spellings `enterprise`/`ent`/`large` -> enterprise, `mid_market`/`mid market`/
`mid-market`/`midmarket`/`mid` -> mid_market, `smb`/`small`/`small business`/`sme` -> smb (others are
quarantined); `arr_amount` drops currency signs, spaces and thousands separators (`$12,000.50` -> 12000.5;
a comma is always a thousands separator); dates are `YYYY-MM-DD`. Files: `*.csv`. `updated_at` is optional:
without it the latest file and line win. Ids are the CRM's own, unprefixed (other sources' customers carry
them); the option `account_id_prefix` puts a prefix before them when another source also sends accounts.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from etl.config import SourceConfig
from etl.parsing import CHUNK_RECORDS, FileError, RecordChunk, csv_rows, width_reason
from etl.sources.canonical import SEGMENTS
from etl.streams import Field, FileKind, Stream

FORMAT = "accounts"
ACCOUNT_FIELDS = (
    "account_id", "account_name", "segment", "industry", "arr_amount", "started_on", "churned_on", "churn_flag",
    "updated_at",
)
# headers read as the churn flag without a column map, first found wins (as header_key spells them)
CHURN_FLAG_HEADERS = (
    "churn_flag", "is_churned", "churned", "churn", "has_churned", "churn_label", "churn_value", "exited",
)
# churn-flag words beyond the yes/no spellings etl.parsing reads as booleans
CHURN_FLAG_WORDS: dict[str, str] = {
    "churned": "true", "cancelled": "true", "canceled": "true", "lost": "true",
    "active": "false", "retained": "false", "stayed": "false", "existing": "false",
}
SEGMENT_SPELLINGS: dict[str, str] = {
    "enterprise": "enterprise", "ent": "enterprise", "large": "enterprise",
    "mid_market": "mid_market", "midmarket": "mid_market", "mid": "mid_market",
    "smb": "smb", "small": "smb", "small_business": "smb", "sme": "smb",
}
AMOUNT_NOISE = str.maketrans("", "", " $€£,_")

ACCOUNTS = Stream(
    FORMAT, "accounts", "*.csv", "csv",
    (
        Field("account_id", required=True),
        Field("account_name"),
        Field("segment", "enum", choices=SEGMENTS),
        Field("industry"),
        Field("arr_amount", "float", min_value=0.0, max_value=1e12),
        Field("started_on", "date"),
        Field("churned_on", "date"),
        Field("churn_flag", "bool"),
        Field("updated_at", "timestamp"),
        # the day the export describes: the source option `as_of`, else the file's modification day (UTC)
        Field("exported_on", "date"),
    ),
    primary_key="account_id", cursor="updated_at", write_mode="merge",
)
ATTRIBUTES = Stream(
    FORMAT, "account_attributes", "*.csv", "csv",
    (
        Field("attribute_id", required=True),
        Field("account_id", required=True),
        Field("attribute_name", required=True),
        Field("attribute_value", required=True),
        Field("attribute_position", "int"),
        Field("updated_at", "timestamp"),
    ),
    primary_key="attribute_id", cursor="updated_at", write_mode="append",
    key_from=("account_id", "attribute_name", "attribute_value", "updated_at"),
)
STREAMS: tuple[Stream, ...] = (ACCOUNTS, ATTRIBUTES)


def header_key(header: str) -> str:
    """`Churn Date` -> `churn_date`."""
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def column_map(header: list[str], configured: dict[str, str]) -> dict[str, str]:
    """Canonical field -> the export's header: the configured map first, then headers spelled like a field."""
    by_key = {header_key(name): name for name in reversed(header)}
    found = {name: column for name, column in configured.items() if name in ACCOUNT_FIELDS and column in header}
    for name in ACCOUNT_FIELDS:
        if name not in found and name in by_key and by_key[name] not in found.values():
            found[name] = by_key[name]
    if "churn_flag" not in found:
        for spelling in CHURN_FLAG_HEADERS:
            if spelling in by_key and by_key[spelling] not in found.values():
                found["churn_flag"] = by_key[spelling]
                break
    return found


def churn_flag_text(value: str | None) -> str | None:
    """`Churned` -> `true`, `Active` -> `false`; yes/no spellings are left to the boolean parser."""
    if value is None or not value.strip():
        return None
    return CHURN_FLAG_WORDS.get(header_key(value), value)


def export_date(path: Path, options: dict[str, Any]) -> str:
    """The day the export describes: the option `as_of` (YYYY-MM-DD), else the file's modification day in UTC."""
    as_of = options.get("as_of")
    if as_of is not None:
        text = str(as_of).strip()
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise FileError(path, f"the source option as_of = {text!r} is not a YYYY-MM-DD date") from None
        return text
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat()


def canonical_segment(spelling: str | None) -> str | None:
    """The canonical segment of a tier spelling; an unknown spelling is returned as it is (and quarantined)."""
    if spelling is None or not spelling.strip():
        return None
    return SEGMENT_SPELLINGS.get(header_key(spelling), spelling)


def amount_text(value: str | None) -> str | None:
    """`$12,000.50` -> `12000.50`: currency signs, spaces and thousands separators dropped."""
    if value is None:
        return None
    return value.translate(AMOUNT_NOISE) or None


def account_from_row(row: dict[str, str], columns: dict[str, str], prefix: str,
                     exported_on: str | None = None) -> dict[str, Any]:
    account: dict[str, Any] = {name: row.get(header) for name, header in columns.items()}
    account_id = (account.get("account_id") or "").strip()
    account["account_id"] = f"{prefix}{account_id}" if account_id else None
    account["segment"] = canonical_segment(account.get("segment"))
    account["arr_amount"] = amount_text(account.get("arr_amount"))
    account["churn_flag"] = churn_flag_text(account.get("churn_flag"))
    account["exported_on"] = exported_on
    return account


def attributes_from_row(row: dict[str, str], account: dict[str, Any], columns: dict[str, str],
                        positions: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """One record per further, non-empty column of an account row, with the column's place in the header."""
    mapped = set(columns.values())
    places = positions if positions is not None else {header: index for index, header in enumerate(row)}
    return [
        {"account_id": account["account_id"], "attribute_name": header, "attribute_position": places.get(header),
         "attribute_value": value, "updated_at": account.get("updated_at")}
        for header, value in row.items()
        if header not in mapped and value is not None and value.strip()
    ]


def read_accounts(path: Path, kind: FileKind, options: dict[str, Any]) -> Iterator[tuple[Stream, RecordChunk]]:
    """Accounts and their further attributes, in chunks of each stream."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        columns = column_map(header, dict(options.get("columns") or {}))
        if header and "account_id" not in columns:
            raise FileError(path, f"no column for account_id (header: {', '.join(header)}; see `columns`)")
        prefix = str(options.get("account_id_prefix", ""))
        exported_on = export_date(path, options)
        positions = {name: index for index, name in reversed(list(enumerate(header)))}
        accounts, attributes = RecordChunk(), RecordChunk()
        for line_start, record, payload in csv_rows(reader, header):
            if record is None:
                accounts.unreadable.append((line_start, width_reason(header, payload), payload))
                continue
            account = account_from_row(record, columns, prefix, exported_on)
            accounts.lines.append(line_start)
            accounts.values.append(account)
            accounts.payloads.append(payload)
            accounts.origins.append(line_start)
            if account["account_id"]:
                for attribute in attributes_from_row(record, account, columns, positions):
                    attributes.lines.append(line_start)
                    attributes.values.append(attribute)
                    attributes.payloads.append(orjson.dumps(attribute).decode())
                    attributes.origins.append(line_start)
            if len(accounts) >= CHUNK_RECORDS:
                yield ACCOUNTS, accounts
                accounts = RecordChunk()
            if len(attributes) >= CHUNK_RECORDS:
                yield ATTRIBUTES, attributes
                attributes = RecordChunk()
        if len(accounts):
            yield ACCOUNTS, accounts
        if len(attributes):
            yield ATTRIBUTES, attributes


def kinds_for(source: SourceConfig) -> tuple[FileKind, ...]:
    reader = partial(read_accounts, options=source.options)
    return (FileKind("accounts", ACCOUNTS.file_pattern, (ACCOUNTS, ATTRIBUTES), reader=reader),)
