"""PostgreSQL row-level security (etl/pg_access.py): a login role that may see the Billing team only, connected
as that role, reads Billing's rows and nothing else, cannot widen it with SET ROLE, and keeps it after a rebuild.

Counts worked out by hand from tests/fixtures/canonical_small: queues Q1 and Q2 belong to Billing, Q3 to Support.
Of the eight contacts, I8 (channel "fax") is rejected at ingest, so Billing has I1, I2, I3, I4, I5 and I7 (six,
by customers C1 and C2, accounts A1 and A2) and Support has I6 (customer C3, no account). Messages: I5 has M1-M4,
I7 has M8-M9 (six Billing messages), I6 has M5-M7 (three). Surveys: S1 (I1) and S2 (I5) are Billing's, S3 and S4
(I6) Support's; S5 is rejected (score 9 on a 1-5 scale). Agents: AG1 is in Billing, the bot BOT1 has no team.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from etl.config import Settings
from etl.pg_access import POLICY_NAME, person_role_name
from etl.pipeline import run_pipeline
from etl.warehouse import postgres_url
from tests.conftest import FIXTURES, fresh_pg_database, make_settings, pg_server_url

pytestmark = pytest.mark.pg

PREFIX = f"cxt{uuid.uuid4().hex[:10]}"
"""Roles are cluster-wide: a name of this session's own, so parallel workers never share or drop each other's."""
ANN, BO = "Ann@Example.com", "bo@example.com"
LOGINS = {  # login role -> the database role it is a member of
    "billing": f"{PREFIX}_manager",
    "nothing": f"{PREFIX}_analyst",
    "everything": f"{PREFIX}_exec",
    "admin": f"{PREFIX}_admin",
    "ann": person_role_name(PREFIX, ANN),
    "bo": person_role_name(PREFIX, BO),
}


def _access() -> dict[str, object]:
    return {
        "admin_sees_clear_text": True,
        "scopes": {"exec": {"all": True}, "admin": {"all": True}, "manager": {"teams": ["Billing"]}},  # analyst: none
        "users": {ANN: {"role": "manager", "teams": ["Support"]},
                  BO: {"queues": ["Billing chat"], "brands": ["canonical"]}},
    }


def _apply(settings: Settings) -> None:
    from etl.pg_access import apply_access
    from etl.warehouse import open_writer

    with open_writer(settings.warehouse_url) as warehouse:
        apply_access(warehouse, settings.access, PREFIX)


def _drop_roles(server_engine: sa.Engine) -> None:
    with server_engine.connect() as connection:
        names = list(connection.execute(sa.text("select rolname from pg_roles where starts_with(rolname, :prefix)"),
                                        {"prefix": PREFIX}).scalars())
        for name in names:
            connection.execute(sa.text(f"drop role if exists {name}"))


@pytest.fixture(scope="module")
def rls_warehouse() -> Iterator[tuple[str, Settings]]:
    """canonical_small on a fresh database, access applied, and one login role per case in LOGINS."""
    try:
        with fresh_pg_database() as url:
            settings = make_settings(url, FIXTURES / "canonical_small", access=_access())
            result = run_pipeline(settings, "run")
            assert result.exit_code == 0, result.problems
            owner = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with owner.connect() as connection:  # clear text, as the PII step keeps it where the config says so
                connection.execute(sa.text("create schema if not exists restricted"))
                connection.execute(sa.text("create table restricted.clear_messages as select message_id, 'clear'"
                                           " as text from core.fct_messages"))
                connection.execute(sa.text(  # a person's label on a Billing contact and on the Support one
                    "insert into feedback.labels (label_id, interaction_id, detector, label_value, labelled_by,"
                    " labelled_at) values ('L1', 'I5', 'intent', 'billing_dispute', 'tester', now()),"
                    " ('L2', 'I6', 'intent', 'invoice_copy', 'tester', now())"))
            _apply(settings)
            with owner.connect() as connection:
                for login, member_of in LOGINS.items():
                    connection.execute(sa.text(f"create role {PREFIX}_login_{login} login"))
                    connection.execute(sa.text(f"grant {member_of} to {PREFIX}_login_{login}"))
            owner.dispose()
            yield url, settings
    finally:
        server = sa.create_engine(postgres_url(pg_server_url() or ""), poolclass=NullPool,
                                  isolation_level="AUTOCOMMIT")
        _drop_roles(server)
        server.dispose()


@pytest.fixture
def connect_as(rls_warehouse: tuple[str, Settings]) -> Iterator[object]:
    url, _ = rls_warehouse
    engines: list[sa.Engine] = []

    def connect(login: str) -> sa.Connection:
        engine = sa.create_engine(sa.make_url(url).set(username=f"{PREFIX}_login_{login}", password=None),
                                  poolclass=NullPool)
        engines.append(engine)
        return engine.connect()

    yield connect
    for engine in engines:
        engine.dispose()


def _count(connection: sa.Connection, table: str) -> int:
    return int(connection.execute(sa.text(f"select count(*) from {table}")).scalar_one())


def _values(connection: sa.Connection, sql: str) -> list[object]:
    return list(connection.execute(sa.text(sql)).scalars())


def _billing_view_holds(connection: sa.Connection) -> None:
    assert _values(connection, "select interaction_id from core.fct_interactions order by 1") == [
        "I1", "I2", "I3", "I4", "I5", "I7"]
    assert _values(connection, "select message_id from core.fct_messages order by 1") == [
        "M1", "M2", "M3", "M4", "M8", "M9"]
    assert _values(connection, "select survey_response_id from core.fct_surveys order by 1") == ["S1", "S2"]
    assert _values(connection, "select queue_id from core.dim_queues order by 1") == ["Q1", "Q2"]
    assert _values(connection, "select agent_id from core.dim_agents order by 1") == ["AG1"]
    assert _values(connection, "select account_id from core.dim_accounts order by 1") == ["A1", "A2"]
    assert _count(connection, "core.dim_customers") == 2
    assert _values(connection, "select distinct team_name from marts.service_daily") == ["Billing"]
    assert _values(connection, "select distinct team_name from marts.experience_daily") == ["Billing"]
    assert _values(connection, "select label_id from feedback.labels") == ["L1"]


def test_a_team_role_reads_its_team_only(connect_as) -> None:
    with connect_as("billing") as connection:
        _billing_view_holds(connection)
        assert _count(connection, "core.enr_churn_models") == 0  # no scope column, no contact: all-rows roles only
        # the calendar describes no contact: every row, from the day before the first contact (2026-05-04) to
        # the day after the last (2026-05-06), so 2026-05-03 to 2026-05-07
        assert _count(connection, "core.dim_calendar") == 5


def test_a_role_granted_all_rows_reads_both_teams(connect_as) -> None:
    with connect_as("everything") as connection:
        assert _values(connection, "select team_name from core.fct_interactions order by interaction_id") == [
            "Billing"] * 5 + ["Support", "Billing"]
        assert _count(connection, "core.fct_messages") == 9
        assert _count(connection, "core.dim_customers") == 3


def test_a_persons_own_scope_overrides_the_role_scope(connect_as) -> None:
    with connect_as("ann") as connection:
        assert _values(connection, "select interaction_id from core.fct_interactions") == ["I6"]
        assert _values(connection, "select message_id from core.fct_messages order by 1") == ["M5", "M6", "M7"]
        assert _values(connection, "select label_id from feedback.labels") == ["L2"]
        assert _count(connection, "core.dim_accounts") == 0  # C3 has no account
        connection.execute(sa.text(f"set role {PREFIX}_manager"))  # a member of manager: allowed, not wider
        assert _values(connection, "select interaction_id from core.fct_interactions") == ["I6"]


def test_a_role_without_a_scope_sees_no_rows(connect_as) -> None:
    with connect_as("nothing") as connection:
        for table in ("core.fct_interactions", "core.fct_messages", "core.dim_customers", "marts.service_daily",
                      "core.dim_queues", "core.enr_churn_models", "feedback.labels"):
            assert _count(connection, table) == 0, table


@pytest.mark.parametrize("sql", [
    "select count(*) from raw.canonical__interactions",
    "select count(*) from staging.stg_canonical__interactions",
    "select count(*) from ops.identity_conflicts",
    "select payload from ops.rejected_records",
    "select count(*) from access.role_scopes",
    "insert into feedback.labels (label_id, interaction_id, detector, label_value, labelled_by, labelled_at)"
    " values ('x', 'I6', 'intent', 'x', 'x', now())",
    "delete from core.fct_interactions",
])
def test_what_the_app_does_not_read_is_refused(connect_as, sql: str) -> None:
    with connect_as("billing") as connection, pytest.raises(sa.exc.ProgrammingError) as raised:
        connection.execute(sa.text(sql))
    assert isinstance(raised.value.orig, psycopg.errors.InsufficientPrivilege)


def test_operational_metadata_is_readable_without_payloads(connect_as) -> None:
    with connect_as("billing") as connection:
        assert _count(connection, "ops.runs") == 1  # the fixture's one `run`
        # three records rejected at ingest: the survey S5 (line 6), I8 (fax, line 9), the truncated event E16
        assert _values(connection, "select source_line from ops.rejected_records order by 1") == [6, 9, 16]


def test_set_role_cannot_widen_it(connect_as) -> None:
    with connect_as("billing") as connection:
        for role in (f"{PREFIX}_exec", f"{PREFIX}_admin", "postgres"):
            with pytest.raises(sa.exc.ProgrammingError) as raised:
                connection.execute(sa.text(f"set role {role}"))
            assert isinstance(raised.value.orig, psycopg.errors.InsufficientPrivilege)
            connection.rollback()
        connection.execute(sa.text(f"set role {PREFIX}_manager"))
        _billing_view_holds(connection)
        connection.execute(sa.text("reset role"))
        _billing_view_holds(connection)


def test_policies_survive_a_rebuild(rls_warehouse: tuple[str, Settings], connect_as) -> None:
    url, settings = rls_warehouse
    owner = sa.create_engine(url, poolclass=NullPool)
    table_oid = "select 'core.fct_interactions'::regclass::oid"
    policies = "select count(*) from pg_policies where policyname = :name and schemaname in ('core', 'marts')"
    with owner.connect() as connection:
        before = connection.execute(sa.text(table_oid)).scalar_one()
        policies_before = connection.execute(sa.text(policies), {"name": POLICY_NAME}).scalar_one()
    result = run_pipeline(settings, "build", do_ingest=False)
    assert result.exit_code == 0, result.problems
    with owner.connect() as connection:
        assert connection.execute(sa.text(table_oid)).scalar_one() != before  # the build replaced the table
        assert connection.execute(sa.text(policies), {"name": POLICY_NAME}).scalar_one() == policies_before
        # the linked tables' policies look their contact up by an index, rebuilt with the table (one per column)
        assert connection.execute(sa.text(
            "select count(*) from pg_indexes where schemaname = 'core' and tablename = 'fct_interactions'"
            " and indexdef like '%btree (interaction_id)'")).scalar_one() == 1
    owner.dispose()
    with connect_as("billing") as connection:
        _billing_view_holds(connection)
    with connect_as("nothing") as connection:
        assert _count(connection, "core.fct_interactions") == 0


def test_a_queue_and_brand_scope_reads_through_the_queue(connect_as) -> None:
    """Bo may see the queue "Billing chat" (Q2: I5 and I7) of the source system `canonical`; fct_interactions
    carries queue_id, not the queue's name, and answers through core.dim_queues."""
    with connect_as("bo") as connection:
        assert _values(connection, "select interaction_id from core.fct_interactions order by 1") == ["I5", "I7"]
        assert _values(connection, "select queue_id from core.dim_queues") == []  # no source_system column
        assert _values(connection, "select message_id from core.fct_messages order by 1") == [
            "M1", "M2", "M3", "M4", "M8", "M9"]
        assert _values(connection, "select distinct queue_name from marts.service_daily") == ["Billing chat"]


def test_clear_text_is_for_an_admin_allowed_to_read_it(connect_as) -> None:
    with connect_as("admin") as connection:
        assert _count(connection, "restricted.clear_messages") == 9
        connection.execute(sa.text("select * from ops.identity_conflicts"))  # admin reads all of ops, payloads too
        assert _values(connection, "select source_line from ops.rejected_records where payload is not null"
                                   " order by 1") == [6, 9, 16]
        assert _count(connection, "core.fct_interactions") == 7
    with connect_as("billing") as connection, pytest.raises(sa.exc.ProgrammingError) as raised:
        connection.execute(sa.text("select count(*) from restricted.clear_messages"))
    assert isinstance(raised.value.orig, psycopg.errors.InsufficientPrivilege)


def test_access_apply_command_is_idempotent_and_prints_no_secret(rls_warehouse: tuple[str, Settings], connect_as,
                                                                 tmp_path: Path) -> None:
    from etl.cli import app

    url, _ = rls_warehouse
    with_password = sa.make_url(url).set(password="s3cret-word").render_as_string(hide_password=False)
    config = tmp_path / "cxpulse.toml"
    config.write_text(f"[warehouse]\nurl = {json.dumps(with_password)}\n"
                      + "".join(f"[{key}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())
                                for key, values in _access_tables().items()), encoding="utf-8")
    result = CliRunner(env={"COLUMNS": "250"}).invoke(
        app, ["access", "apply", "--role-prefix", PREFIX, "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "s3cret-word" not in result.output
    assert "roles created: none" in result.output
    # exec all, admin all, manager teams, analyst nothing, Ann teams, Bo queues and brands
    assert "scope rows written: 6" in result.output
    with connect_as("billing") as connection:
        _billing_view_holds(connection)


def _access_tables() -> dict[str, dict[str, object]]:
    """_access() as TOML tables: table name -> its keys."""
    access = _access()
    tables: dict[str, dict[str, object]] = {"access": {"admin_sees_clear_text": access["admin_sees_clear_text"]}}
    for role, scope in access["scopes"].items():  # type: ignore[attr-defined]
        tables[f"access.scopes.{role}"] = scope
    for identity, grant in access["users"].items():  # type: ignore[attr-defined]
        tables[f"access.users.{json.dumps(identity)}"] = grant
    return tables
