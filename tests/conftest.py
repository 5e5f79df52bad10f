"""Shared fixtures: warehouses on real DuckDB files and real PostgreSQL databases, and a demo warehouse.

PostgreSQL tests read `CXPULSE_TEST_PG_URL` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test). Each
test gets a database of its own, created from that server and dropped afterwards. They skip when the
variable is unset, unless `CXPULSE_REQUIRE_PG` is set, in which case they fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from etl.config import Settings, settings_from_mapping
from etl.warehouse import open_reader, postgres_url

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
DEMO_END_DATE = dt.date(2026, 10, 31)
DEMO_SCALE = 4_000
DEMO_SEED = 7


TEST_PSEUDONYM_KEY = bytes(range(32))
"""The pseudonym key every test run uses (CXPULSE_PSEUDONYM_KEY), so that tests compute the expected pseudonyms
with hmac themselves and no key file is ever written beside a fixture folder."""


def expected_pseudonym(prefix: str, normalised: str) -> str:
    """The pseudonym the ingest must give a value normalised by hand ("em_" + HMAC-SHA256 hex under the test
    key), computed here with hmac alone, not with the code under test."""
    return prefix + hmac.new(TEST_PSEUDONYM_KEY, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


@pytest.fixture(autouse=True, scope="session")
def test_pseudonym_key() -> Iterator[bytes]:
    previous = os.environ.get("CXPULSE_PSEUDONYM_KEY")
    os.environ["CXPULSE_PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY.hex()
    yield TEST_PSEUDONYM_KEY
    if previous is None:
        os.environ.pop("CXPULSE_PSEUDONYM_KEY", None)
    else:
        os.environ["CXPULSE_PSEUDONYM_KEY"] = previous


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "realdata" in item.keywords and not SHARED_DATA.exists():
            item.add_marker(pytest.mark.skip(reason=f"{SHARED_DATA} is absent"))


def pg_server_url() -> str | None:
    url = os.environ.get("CXPULSE_TEST_PG_URL")
    if not url:
        if os.environ.get("CXPULSE_REQUIRE_PG"):
            pytest.fail("CXPULSE_REQUIRE_PG is set but CXPULSE_TEST_PG_URL is not")
        pytest.skip("CXPULSE_TEST_PG_URL is not set")
    return url


def _with_database(url: str, database: str) -> str:
    return sa.make_url(postgres_url(url)).set(database=database).render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server, dropped on exit (skips when there is no server)."""
    server = pg_server_url()
    assert server is not None
    name = f"cxpulse_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url(server), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'create database "{name}"'))
    try:
        yield _with_database(server, name)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


@contextlib.contextmanager
def empty_warehouse(engine: str, tmp_path_factory: pytest.TempPathFactory, label: str) -> Iterator[str]:
    """A fresh, empty warehouse URL on `engine`: a DuckDB file in a new temporary folder named after `label`, or a
    PostgreSQL database dropped on exit (the fixtures built once per engine share this)."""
    if engine == "duckdb":
        yield f"duckdb:///{tmp_path_factory.mktemp(label) / 'warehouse.duckdb'}"
        return
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh warehouse URL, once per engine."""
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    return request.getfixturevalue("pg_database_url")


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def module_warehouse_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh warehouse URL once per engine, shared by the tests of one module (build it once, assert many)."""
    with empty_warehouse(request.param, tmp_path_factory, "module") as url:
        yield url


def query_frame(url: str, sql: str) -> pd.DataFrame:
    """One query on a built warehouse, through a reader opened and closed around it."""
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()



FIXTURE_TAXONOMY = Path(__file__).parent / "fixtures" / "intents" / "fixture_taxonomy.yml"
"""The demo's intents plus the intent names the fixture exports carry (they map by name)."""


def make_settings(warehouse_url: str, source_path: Path, source_format: str = "canonical",
                  **overrides: object) -> Settings:
    """Settings with one source; `sources=[...]` in overrides replaces it (several sources)."""
    data: dict[str, object] = {
        "warehouse": {"url": warehouse_url},
        "sources": [{"name": "fixture", "format": source_format, "path": str(source_path)}],
        "ingest": {"max_rejected_share": 0.5},
        "intents": {"taxonomy": str(FIXTURE_TAXONOMY)},
    }
    data.update(overrides)
    return settings_from_mapping(data, source_path)


def demo_source_entries(exports: Path) -> list[dict[str, object]]:
    """The demo's `[[sources]]` entries (etl.demo.vendor_exports.demo_sources) with absolute paths."""
    from etl.demo.vendor_exports import demo_sources

    return [{**entry, "path": str(exports / str(entry["path"]))} for entry in demo_sources()]


def demo_operation() -> dict[str, object]:
    """The demo's calendars, SLA policies and unit costs, as `cxpulse demo` writes them to cxpulse.toml."""
    import tomllib

    from etl.cli import DEMO_OPERATION_SETTINGS

    return {**tomllib.loads(DEMO_OPERATION_SETTINGS), "currency": "USD"}


@pytest.fixture(scope="session")
def demo_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated operation written by the demo simulator as vendor exports (six months to 2026-10-31)."""
    from etl.demo.simulator import generate

    out = tmp_path_factory.mktemp("demo_exports")
    generate(out, scale=DEMO_SCALE, seed=DEMO_SEED, end_date=DEMO_END_DATE)
    return out


@pytest.fixture(scope="session")
def demo_warehouse_url(demo_exports: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A DuckDB warehouse built by the real pipeline from the demo's vendor exports, one source per system."""
    from etl.pipeline import run_pipeline

    url = f"duckdb:///{tmp_path_factory.mktemp('demo_warehouse') / 'demo.duckdb'}"
    settings = make_settings(url, demo_exports, sources=demo_source_entries(demo_exports), **demo_operation())
    result = run_pipeline(settings, "run")
    assert result.exit_code == 0, result.problems
    return url


def write_calibration_version(url: str, version: str, restatement_threshold: float,
                              sentiment_positive_above: float = 0.05) -> None:
    """Store a calibration version by hand through etl.calibration's storage path (what `cxpulse calibrate`
    writes): the given restatement threshold and positive cut-off, the other thresholds at their defaults."""
    from etl.calibration import CalibrationResult, ParameterFit, shipped_parameters, write_calibration
    from etl.load import bootstrap
    from etl.warehouse import open_writer

    fits = [ParameterFit("restatement_threshold", 0.5, restatement_threshold, 0, None, None, "set by a test"),
            ParameterFit("sentiment_negative_below", -0.05, -0.05, 0, None, None, "set by a test"),
            ParameterFit("sentiment_positive_above", 0.05, sentiment_positive_above, 0, None, None, "set by a test"),
            ParameterFit("intent_confidence_floor", 0.5, 0.5, 0, None, None, "set by a test")]
    with open_writer(url) as warehouse:
        bootstrap(warehouse)
        write_calibration(warehouse, CalibrationResult(previous=shipped_parameters(), fits=fits, version=version),
                          "tester")


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def small_engine_warehouse_url(request: pytest.FixtureRequest,
                               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/fixtures/canonical_small (8 contacts, May 2026) built by `cxpulse run`'s pipeline once per module and
    engine. I5 is an escalated chat handed off by a bot: intent billing_dispute, primary trigger
    negative_sentiment, customer messages M1 (positive) and M3 (negative), restatement not comparable."""
    from etl.pipeline import run_pipeline

    with empty_warehouse(request.param, tmp_path_factory, "small_engine") as url:
        result = run_pipeline(make_settings(url, FIXTURES / "canonical_small"), "run")
        assert result.exit_code == 0, result.problems
        yield url


@pytest.fixture
def no_labels_url(small_engine_warehouse_url: str) -> str:
    """The small warehouse of the module with feedback.labels emptied before the test."""
    from etl.warehouse import open_writer

    with open_writer(small_engine_warehouse_url) as warehouse, warehouse.transaction():
        warehouse.execute("delete from feedback.labels")
    return small_engine_warehouse_url


# Stored and reflected injection (issue 13): canonical_small with a payload in every name and free-text field
PAYLOAD = ("[click](https://evil.example/a) ![x](https://evil.example/x.png) <script>alert(1)</script> "
           "<img src=https://evil.example/y.png> **bold** www.evil.example")
"""No comma and no quote, so it stays one CSV field and one JSON string as written."""

# canonical_small's values, each replaced everywhere in the file(s) named
REPLACED = {
    "interactions-2026-05.csv": ("billing_dispute", "password_reset"),
    "queues.csv": ("Billing voice", "Billing chat", "Support e-mail", "Billing", "Support"),
    "agents.csv": ("Dana Agent", "Billing", "Lisbon"),
    "customers.csv": ("Ada Lovelace", "Bob Small", "Carla Nobody"),
    "accounts.csv": ("Acme Corp", "Tiny Shop", "manufacturing", "retail"),  # segment: a closed list, validated
    "events-2026-05.jsonl": ("negative_sentiment",),
    "surveys-2026-05.csv": ("still not fixed",),
}


FILE_PAYLOAD = "[click](https:evil.example) ![x](https:evil.example) <img src=x> **bold**"
"""The payload as a file or source name can hold it (no slash)."""
PAYLOAD_SOURCE = f"fixture {FILE_PAYLOAD}"
"""The payload exports' source name (Data health and the sidebar name sources)."""
REJECTED_PAYLOAD_ROW = (f"IBAD,chat,C1,Q2,,billing_dispute,normal,closed,not-a-date {PAYLOAD},2026-05-05T13:00:00Z,,"
                        f"{PAYLOAD},,,")
"""An interaction rejected for its created_at: Data health shows its raw record."""


def write_payload_exports(folder: Path) -> Path:
    """canonical_small with PAYLOAD in every name and free-text field, empty subjects filled with it, the
    escalated chat I5 opening with a negative message, a rejected record carrying it, and a file the source
    ignores named with it."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (FIXTURES / "canonical_small").iterdir():
        text = source.read_text(encoding="utf-8")
        for index, value in enumerate(REPLACED.get(source.name, ())):
            text = text.replace(value, f"{value}{index} {PAYLOAD}")
        if source.name.startswith("messages"):  # I5 starts negative, so the Experience page lists its team
            text = text.replace("The book was good.", "This is terrible and awful.")
            text = re.sub(r'"text":"([^"]*)"', rf'"text":"\1 {PAYLOAD}"', text)
        if source.name.startswith("interactions"):
            rows = text.splitlines()
            text = "\n".join([rows[0]] + [re.sub(r",,(\d*),(\d*),(\d*)$", rf",{PAYLOAD},\1,\2,\3", row)
                                         for row in rows[1:]] + [REJECTED_PAYLOAD_ROW]) + "\n"
        (folder / source.name).write_text(text, encoding="utf-8")
    (folder / f"notes {FILE_PAYLOAD}.txt").write_text(PAYLOAD, encoding="utf-8")  # matches no pattern: ignored
    return folder


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def payload_warehouse_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from etl.pipeline import run_pipeline

    exports = write_payload_exports(tmp_path_factory.mktemp("payload_exports"))
    with empty_warehouse(request.param, tmp_path_factory, "payload") as url:
        sources = [{"name": PAYLOAD_SOURCE, "format": "canonical", "path": str(exports)}]
        result = run_pipeline(make_settings(url, exports, sources=sources), "run")
        assert result.exit_code == 0, result.problems
        yield url




# Reflected injection (issue 13): every URL parameter of every page. The list filters take the payload and every
# payload value the warehouse offers (so the sidebar and the pages show them chosen); the others take the payload.
PAYLOAD_PARAMS = ("compare", "low_confidence", "conversation", "metric", "drill_by", "drill_week", "drill_member")
LIST_URL_PARAMS = {"source": "sources", "channel": "channels", "intent": "intents", "queue": "queues",
                   "team": "teams", "segment": "segments"}


def payload_url_params(warehouse_url: str, dates: dict[str, str]) -> dict[str, str]:
    """`dates` and every other URL parameter of the app and its pages with the payload in it."""
    from dashboard import queries
    from etl.access import ALL_ROWS

    options = queries.filter_options(warehouse_url, queries.data_version(warehouse_url), ALL_ROWS)
    lists = {param: ",".join([*(v for v in getattr(options, field) if "evil.example" in v), PAYLOAD])
             for param, field in LIST_URL_PARAMS.items()}
    return {**dates, **lists, **dict.fromkeys(PAYLOAD_PARAMS, PAYLOAD)}


def audit_events(url: str) -> pd.DataFrame:
    """Every event of the warehouse's audit store (etl.audit_log: the DuckDB sidecar, or PostgreSQL's
    ops.audit_events), oldest first."""
    from etl.audit_log import open_audit_store

    store = open_audit_store(url)
    try:
        return store.query_df("select * from {events} order by occurred_at, event_id")
    finally:
        store.close()


@pytest.fixture
def audited_small_url(small_engine_warehouse_url: str) -> str:
    """The small warehouse of the module with its audit store emptied before the test."""
    from etl.audit_log import sidecar_path
    from etl.warehouse import dialect_of, duckdb_path, open_writer

    if dialect_of(small_engine_warehouse_url) == "duckdb":
        sidecar_path(duckdb_path(small_engine_warehouse_url).resolve()).unlink(missing_ok=True)
    else:
        with open_writer(small_engine_warehouse_url) as warehouse, warehouse.transaction():
            warehouse.execute("delete from ops.audit_events")
    return small_engine_warehouse_url
