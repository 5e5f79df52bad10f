"""The pure half of etl/pg_access.py (role names, the role plan, scope rows, which policy a table gets) and the
dashboard's choice of warehouse URL per viewer (etl.access.warehouse_url_for). The policies themselves are
tested on PostgreSQL in tests/sql/test_row_level_security.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.access import AccessConfigError, Scope, Viewer, parse_access, warehouse_url_for
from etl.config import settings_from_mapping
from etl.pg_access import (
    ALL_ROWS_ONLY,
    BY_LINKED_CONTACT,
    BY_SCOPE_COLUMN,
    REFERENCE,
    AccessApplyError,
    apply_access,
    group_role_name,
    person_role_name,
    plan_roles,
    policy_kind,
    scope_rows,
)
from etl.warehouse import open_writer


def test_role_names_come_from_constants_and_a_hash_never_from_config_text() -> None:
    assert group_role_name("cxpulse", "manager") == "cxpulse_manager"
    # `printf ann@example.com | sha256sum` begins 71d4f55f72fa128d; the identity is case-folded first
    assert person_role_name("cxpulse", "Ann@Example.COM") == "cxpulse_user_71d4f55f72fa128d"
    assert person_role_name("cxpulse", "x'; drop table core.fct_interactions; --").startswith("cxpulse_user_")
    for prefix in ("Cxpulse", "cx-pulse", "cx pulse", "1cx", "a" * 25, ""):
        with pytest.raises(AccessApplyError):
            group_role_name(prefix, "exec")
    with pytest.raises(AccessApplyError):
        group_role_name("cxpulse", "superuser")


def test_the_plan_has_every_app_role_and_a_role_per_person_with_a_scope() -> None:
    access = parse_access({
        "admin_sees_clear_text": True,
        "scopes": {"exec": {"all": True}, "manager": {"teams": ["Billing", "Billing"]}, "admin": {"all": True}},
        "users": {"ann@example.com": {"role": "manager", "queues": ["Refunds"]},
                  "cy@example.com": {"role": "analyst"}},  # no scope of their own: no role of their own
    })
    plan = {spec.name: spec for spec in plan_roles(access, "cx")}
    ann = person_role_name("cx", "ann@example.com")
    assert list(plan) == ["cx_exec", "cx_manager", "cx_analyst", "cx_admin", ann]
    assert plan[ann].member_of == ("cx_manager",)
    assert plan[ann].precedence < plan["cx_admin"].precedence < plan["cx_analyst"].precedence
    assert plan["cx_analyst"].precedence < plan["cx_manager"].precedence < plan["cx_exec"].precedence
    assert [name for name, spec in plan.items() if spec.reads_restricted] == ["cx_admin"]
    assert scope_rows(plan["cx_manager"].scope) == [("teams", ["Billing"])]
    assert scope_rows(plan["cx_analyst"].scope) == []  # no scope configured: no row, deny
    assert scope_rows(plan["cx_exec"].scope) == [("all", [])]
    assert scope_rows(Scope(teams=(), brands=("zendesk",))) == [("teams", []), ("brands", ["zendesk"])]


def test_which_policy_a_table_gets() -> None:
    assert policy_kind("core.fct_interactions", ["interaction_id", "team_name", "queue_id"]) == BY_SCOPE_COLUMN
    assert policy_kind("core.fct_queue_intervals", ["queue_id", "interval_start"]) == BY_SCOPE_COLUMN
    assert policy_kind("core.fct_messages", ["message_id", "interaction_id"]) == BY_LINKED_CONTACT
    assert policy_kind("core.dim_customers", ["customer_key"]) == BY_LINKED_CONTACT
    assert policy_kind("core.enr_churn_models", ["model_version", "auc"]) == ALL_ROWS_ONLY
    assert policy_kind("core.dim_calendar", ["date_day"]) == REFERENCE


def _settings(access: dict[str, object]):
    return settings_from_mapping({"warehouse": {"url": "postgresql+psycopg://owner@db/cx"}, "access": access},
                                 Path("."))


def test_the_dashboard_reads_with_the_viewers_role_url() -> None:
    settings = _settings({"warehouse_urls": {"manager": "postgresql+psycopg://cx_manager_login@db/cx"}})
    manager = Viewer(identity="ann@example.com", role="manager", scope=Scope(teams=("Billing",)), signed_in=True)
    analyst = Viewer(identity="cy@example.com", role="analyst", scope=Scope(everything=True), signed_in=True)
    assert warehouse_url_for(settings, manager) == "postgresql+psycopg://cx_manager_login@db/cx"
    assert warehouse_url_for(settings, analyst) == "postgresql+psycopg://owner@db/cx"


@pytest.mark.parametrize("urls", [{"boss": "postgresql+psycopg://a@db/cx"}, {"exec": "duckdb:///x.duckdb"},
                                  {"exec": 5}])
def test_a_bad_warehouse_url_entry_names_the_role_not_the_url(urls: dict[str, object]) -> None:
    with pytest.raises(AccessConfigError) as raised:
        parse_access({"warehouse_urls": urls})
    assert "[access.warehouse_urls]" in str(raised.value)
    assert "duckdb:///x" not in str(raised.value)


def test_duckdb_has_no_row_level_security(tmp_path: Path) -> None:
    with open_writer(f"duckdb:///{tmp_path / 'w.duckdb'}") as warehouse, pytest.raises(AccessApplyError) as raised:
        apply_access(warehouse, parse_access({}))
    assert "only on PostgreSQL" in str(raised.value)
