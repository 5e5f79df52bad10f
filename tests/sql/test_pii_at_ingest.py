"""Personal data never reaches the warehouse in clear (docs/privacy.md), on DuckDB and PostgreSQL.

Copies of the Zendesk, Salesforce, Amazon Connect and transcript fixture exports get planted personal data:
a customer record each with a name, an e-mail and a phone (Zendesk user, Salesforce contact, transcript
turn), and free text (a Zendesk comment and description, a Salesforce case comment, a Contact Lens turn, a
chat turn) holding e-mails, E.164 phones, Luhn-valid card numbers and the names known from those records. After
`cxpulse run`, every text column of every table of raw, staging, core, marts and ops is read and none may hold
a planted value; `restricted` holds them only when `[privacy] keep_clear_text = true`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, empty_warehouse, expected_pseudonym, make_settings, query_frame

PHILIPPA_NAME, PHILIPPA_EMAIL = "Philippa Quennell", "philippa.quennell@planted.example"
PHILIPPA_PHONE = "+44 20 7946 0958"
RUPERT_FIRST, RUPERT_LAST, RUPERT_EMAIL = "Rupert", "Ashdown-Vale", "Rupert.AV@Planted.example"
RUPERT_PHONE, RUPERT_MOBILE = "020 7946 0111", "+44 7700 900123"
WENDY_EMAIL, WENDY_PHONE = "Wendeline.Prout@Planted.example", "+44 7700 900456"
OONA_EMAIL, OONA_PHONE = "oona.f@planted.example", "+1 212 555 0147"
VISA, MASTERCARD, VISA_DEBIT = "4111 1111 1111 1111", "5555 5555 5555 4444", "4000 0566 5566 5556"

PLANTED_EMAILS = (PHILIPPA_EMAIL, RUPERT_EMAIL, WENDY_EMAIL, OONA_EMAIL)
# as written and as E.164 (the identity rules' form; RUPERT_PHONE is national, +44 by [identity] below)
PLANTED_PHONES = (PHILIPPA_PHONE, "+442079460958", RUPERT_PHONE, "+442079460111", RUPERT_MOBILE, "+447700900123",
                  WENDY_PHONE, "+447700900456", OONA_PHONE, "+12125550147")
PLANTED_CARDS = (VISA, "4111111111111111", MASTERCARD, "5555555555554444", VISA_DEBIT, "4000056655665556")
PLANTED_CUSTOMER_NAMES = ("Philippa", "Quennell", RUPERT_FIRST, RUPERT_LAST)
AGENT_NAME = "Margaret Hamilton"
"""A Zendesk admin (users.jsonl): kept in the agent's own fields, masked where a comment names her."""

SCANNED_SCHEMAS = ("raw", "staging", "core", "marts", "ops")
TEXT_TYPES = ("text", "character varying", "varchar")

SCENE = f"{PHILIPPA_NAME} here, write to {PHILIPPA_EMAIL} or call {PHILIPPA_PHONE}; my card is {VISA}."
PLANTS: dict[str, list[tuple[str, str]]] = {
    "zendesk/ticket_audits.json": [
        ("I was charged twice for my May invoice.", f"I was charged twice for my May invoice. {SCENE}"),
        ("Sorry about that, I have refunded the duplicate charge.",
         f"Sorry about that, {AGENT_NAME} has refunded the duplicate charge."),
    ],
    "zendesk/tickets-0001.json": [
        ("I was charged twice for my May invoice.", f"I was charged twice for my May invoice. {SCENE}"),
    ],
    "salesforce/CaseComment.csv": [
        ("Customer is upset; escalating to Ben.",
         f"Customer {RUPERT_FIRST} {RUPERT_LAST} ({RUPERT_EMAIL}, +44 20 7946 0111) is upset; card {MASTERCARD};"
         " escalating to Ben."),
    ],
    "amazon_connect/11111111-1111-4111-8111-111111111111_analysis_2026-05-04T09:08:00Z.json": [
        ("I was charged twice for May.",
         f"I was charged twice for May. This is {PHILIPPA_NAME}, {OONA_EMAIL}, {OONA_PHONE}, card {VISA_DEBIT}."),
    ],
    "amazon_connect/connect-ctr-stream-1-2026-05-04-09-00-00.jsonl": [
        ('"Address":"+14155550102"', '"Address":"+12125550147"'),
        ('"customerId":"CUST-001"', f'"customerId":"CUST-001","email":"{OONA_EMAIL}"'),
    ],
    "transcripts/chats-2026-05.jsonl": [
        ('"Hi, I was charged twice"',
         f'"Hi, I was charged twice. {RUPERT_FIRST} {RUPERT_LAST} again, {WENDY_EMAIL}, {WENDY_PHONE}, card {VISA}"'),
        ('"ADA@Acme.Example "', f'"{WENDY_EMAIL}", "customer_phone": "{WENDY_PHONE}"'),
    ],
}
APPENDED: dict[str, str] = {
    "zendesk/users.jsonl":
        f'{{"id": 9001, "name": "{PHILIPPA_NAME}", "email": "{PHILIPPA_EMAIL}", "phone": "{PHILIPPA_PHONE}",'
        ' "role": "end-user", "created_at": "2026-04-02T08:00:00Z", "updated_at": "2026-04-02T08:00:00Z"}\n',
    "salesforce/Contact.csv":
        f'003Wt00000Ct099AAA,001Wt00000Ac001AAA,{RUPERT_FIRST},{RUPERT_LAST},{RUPERT_EMAIL},{RUPERT_PHONE},'
        f'{RUPERT_MOBILE},2026-01-16T10:00:00.000+0000,2026-02-01T10:00:00.000+0000\n',
}


def write_planted_exports(folder: Path) -> Path:
    """Copies of four fixture exports with the personal data above planted in them."""
    for name in ("zendesk", "salesforce", "amazon_connect", "transcripts"):
        shutil.copytree(FIXTURES / name, folder / name)
    for relative, replacements in PLANTS.items():
        path = folder / relative
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, (relative, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    for relative, line in APPENDED.items():
        with open(folder / relative, "a", encoding="utf-8") as handle:
            handle.write(line)
    return folder


def planted_settings(url: str, exports: Path, keep_clear_text: bool = False):  # type: ignore[no-untyped-def]
    return make_settings(url, exports, sources=[
        {"name": "zd", "format": "zendesk", "path": str(exports / "zendesk")},
        {"name": "sf", "format": "salesforce", "path": str(exports / "salesforce")},
        {"name": "connect", "format": "amazon_connect", "path": str(exports / "amazon_connect")},
        {"name": "chats", "format": "transcripts", "path": str(exports / "transcripts")},
    ], identity={"default_country_code": "44"}, privacy={"keep_clear_text": keep_clear_text})


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def planted_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exports = write_planted_exports(tmp_path_factory.mktemp("planted"))
    with empty_warehouse(request.param, tmp_path_factory, "planted") as url:
        result = run_pipeline(planted_settings(url, exports), "run")
        assert result.status == SUCCEEDED, result.problems
        yield url


def text_columns(url: str, schemas: tuple[str, ...]) -> dict[str, list[str]]:
    """Every text column of every table of the schemas, per qualified table name."""
    reader = open_reader(url)
    try:
        columns = reader.query_df(
            "select table_schema, table_name, column_name, lower(data_type) as data_type"
            " from information_schema.columns"
        )
    finally:
        reader.close()
    columns = columns[columns["table_schema"].isin(schemas) & columns["data_type"].isin(TEXT_TYPES)]
    tables: dict[str, list[str]] = {}
    for row in columns.itertuples():
        tables.setdefault(f"{row.table_schema}.{row.table_name}", []).append(row.column_name)
    return tables


def cells_holding(url: str, values: tuple[str, ...], schemas: tuple[str, ...] = SCANNED_SCHEMAS) -> list[str]:
    """`table.column: value` for every planted value (compared lower-cased) some cell holds."""
    tables = text_columns(url, schemas)
    assert len(tables) > 40  # the scan reaches the whole warehouse, not an empty corner of it
    wanted = [value.lower() for value in values]
    found: list[str] = []
    reader = open_reader(url)
    try:
        for table, names in tables.items():
            frame = reader.query_df(f"select {', '.join(chr(34) + n + chr(34) for n in names)} from {table}")
            for name in names:
                cells = frame[name].dropna().astype(str).str.lower()
                found += [f"{table}.{name}: {value}" for value in wanted
                          if cells.str.contains(value, regex=False).any()]
    finally:
        reader.close()
    return found


def test_no_planted_email_survives_anywhere(planted_url: str) -> None:
    assert cells_holding(planted_url, PLANTED_EMAILS) == []


def test_no_planted_phone_or_card_survives_anywhere(planted_url: str) -> None:
    assert cells_holding(planted_url, PLANTED_PHONES + PLANTED_CARDS) == []


def test_identity_phones_never_reach_the_warehouse(planted_url: str) -> None:
    """The phones of identity fields (Zendesk user, Salesforce contact, Connect endpoint, chat turn) are
    pseudonymised whatever the detectors find: their E.164 forms are nowhere."""
    assert cells_holding(planted_url, ("+442079460111", "+447700900123", "+447700900456", "+12125550147")) == []


def test_no_planted_customer_name_survives_anywhere(planted_url: str) -> None:
    assert cells_holding(planted_url, PLANTED_CUSTOMER_NAMES) == []


def test_customer_names_are_masked_in_their_own_fields(planted_url: str) -> None:
    zendesk = query_frame(planted_url, "select name from raw.zendesk__users where user_id = '9001'")
    salesforce = query_frame(planted_url, "select first_name, last_name from raw.salesforce__contacts"
                                     " where contact_id = '003Wt00000Ct099AAA'")
    agent = query_frame(planted_url, "select name from raw.zendesk__users where user_id = '1000'")
    assert zendesk["name"].tolist() == ["[NAME]"]
    assert salesforce.values.tolist() == [["[NAME]", "[NAME]"]]
    assert agent["name"].tolist() == [AGENT_NAME]  # staff keep their names: the agent dimension needs them
    assert query_frame(planted_url, "select count(*) as n from core.dim_customers where full_name like '%Quennell%'"
                               " or full_name like '%Ashdown%'")["n"].tolist() == [0]


def test_pseudonyms_are_the_hmac_of_the_normalised_values(planted_url: str) -> None:
    users = query_frame(planted_url, "select email, phone from raw.zendesk__users where user_id = '9001'")
    contact = query_frame(planted_url, "select email, phone, mobile_phone from raw.salesforce__contacts"
                                  " where contact_id = '003Wt00000Ct099AAA'")
    assert users.values.tolist() == [[expected_pseudonym("em_", PHILIPPA_EMAIL),
                                      expected_pseudonym("ph_", "+442079460958")]]
    assert contact.values.tolist() == [[expected_pseudonym("em_", "rupert.av@planted.example"),
                                        expected_pseudonym("ph_", "+442079460111"),
                                        expected_pseudonym("ph_", "+447700900123")]]
    customers = query_frame(planted_url, "select email from core.dim_customers")
    assert expected_pseudonym("em_", "wendeline.prout@planted.example") in set(customers["email"])


def test_free_text_keeps_its_words_around_the_masks(planted_url: str) -> None:
    bodies = query_frame(planted_url, "select body from raw.zendesk__ticket_comments")["body"].tolist()
    masked = [b for b in bodies if b.startswith("I was charged twice for my May invoice.")]
    assert len(masked) == 1
    assert "write to [EMAIL] or call" in masked[0]


def test_a_rerun_changes_nothing(planted_url: str, tmp_path: Path) -> None:
    tables = list(text_columns(planted_url, ("raw",)))
    before = {t: query_frame(planted_url, f"select _record_hash, _payload from {t} order by 1, 2") for t in tables}
    rejected_sql = "select distinct stream, source_line, payload from ops.rejected_records order by 1, 2, 3"
    rejected_before = query_frame(planted_url, rejected_sql)
    batches_sql = "select count(*) as n from ops.batches"
    batches_before = query_frame(planted_url, batches_sql)["n"].tolist()
    exports = write_planted_exports(tmp_path / "again")
    same_files = run_pipeline(planted_settings(planted_url, exports), "run")
    assert same_files.status == SUCCEEDED, same_files.problems
    assert query_frame(planted_url, batches_sql)["n"].tolist() == batches_before  # same SHA-256: skipped
    for path in exports.rglob("*"):  # the same records in files of another digest: only the record hash dedupes
        if path.is_file():
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("\n")
    result = run_pipeline(planted_settings(planted_url, exports), "run")
    assert result.status == SUCCEEDED, result.problems
    for table in tables:
        after = query_frame(planted_url, f"select _record_hash, _payload from {table} order by 1, 2")
        pd.testing.assert_frame_equal(after, before[table], obj=table)
    # a file's rejects are quarantined again with its new batch, masked the same way
    pd.testing.assert_frame_equal(query_frame(planted_url, rejected_sql), rejected_before)


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def clear_kept_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exports = write_planted_exports(tmp_path_factory.mktemp("planted_clear"))
    with empty_warehouse(request.param, tmp_path_factory, "clear") as url:
        result = run_pipeline(planted_settings(url, exports, keep_clear_text=True), "run")
        assert result.status == SUCCEEDED, result.problems
        yield url


def test_clear_text_kept_only_in_restricted(clear_kept_url: str) -> None:
    assert cells_holding(clear_kept_url, PLANTED_EMAILS) == []
    identities = query_frame(clear_kept_url, "select pseudonym, kind, clear_value from restricted.identity_clear")
    pairs = set(zip(identities["pseudonym"], identities["kind"], identities["clear_value"], strict=True))
    assert (expected_pseudonym("em_", PHILIPPA_EMAIL), "email", PHILIPPA_EMAIL) in pairs
    assert (expected_pseudonym("ph_", "+442079460111"), "phone", RUPERT_PHONE) in pairs
    clear = query_frame(clear_kept_url, "select source_file, field_name, clear_value from restricted.clear_text")
    names = clear[clear["field_name"] == "name"]["clear_value"].tolist()
    assert PHILIPPA_NAME in names
    assert AGENT_NAME not in names  # staff names were never replaced, so there is no clear value to keep
    bodies = clear[clear["field_name"] == "body"]["clear_value"].tolist()
    assert any(SCENE in body for body in bodies)
    assert set(clear["source_file"].map(lambda f: Path(f).parent.name)) >= {"zendesk", "salesforce", "transcripts"}
