"""The app's row scopes as PostgreSQL roles and row-level security (docs/access.md, "Database roles and
row-level security").

`apply_access` (the `cxpulse access apply` command) turns `[access]` into database objects, in one transaction:

- a NOLOGIN group role per app role (`<prefix>_exec`, `<prefix>_manager`, `<prefix>_analyst`, `<prefix>_admin`)
  and one per person of `[access.users]` with a scope of their own (`<prefix>_user_<16 hex of the SHA-256 of the
  identity>`), member of their role's group role when the person has one. Names come from the constants and a
  validated prefix, never from the config's strings; the login roles the dashboard connects with are the
  operator's (`create role ... login; grant <prefix>_manager to ...`);
- `access.scope_roles` (which roles this warehouse knows, their kind and precedence) and `access.role_scopes`
  (each role's allowed values per dimension), written with bound parameters, so scopes change without
  rewriting a policy;
- grants and one policy per table (`secure_tables`), which every PostgreSQL build runs again inside its swap
  transaction (a build replaces the tables, and with them their grants and policies).

A policy asks the `access.scope_*` functions (SECURITY DEFINER: the scope tables stay unreadable to the app's
roles) for the scope of the session's login role: the first role of `access.scope_roles` it is a member of,
people before app roles, then admin, analyst, manager, exec (as `etl.access.resolve_viewer` decides). The
session user, not the current user, so `SET ROLE` to a group role the login role is a member of cannot widen it.

Row-level security is enabled, not forced: the table owner (the role of `warehouse_url`, which builds and
writes) is never filtered, and no other role sees a row its policy does not allow. DuckDB has no row-level
security: there the app's data-access layer is the only enforcement.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from etl.access import ADMIN, ROLE_PRECEDENCE, ROLES, SCOPE_DIMENSIONS, AccessSettings, Scope
from etl.warehouse import Warehouse, check_identifier

DEFAULT_ROLE_PREFIX = "cxpulse"
ROLE_PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
_ROLE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ALL_ROWS_DIMENSION = "all"
GROUP, PERSON = "group", "person"

SECURED_SCHEMAS: tuple[str, ...] = ("core", "marts", "feedback")
"""Schemas whose every table gets a row policy; core and marts are what the app reads, feedback.labels is
read by the Detector quality page (its rows follow their conversation's scope)."""
READ_SCHEMAS: tuple[str, ...] = ("core", "marts", "feedback")
"""Every app role may read every table of these (rows filtered by the policies)."""
OPS_TABLES_ALL_ROLES: tuple[str, ...] = (
    "runs", "stream_state", "model_builds", "batches", "detector_calibrations", "intent_unmapped_vendor_values",
)
"""Operational metadata the sidebar and Data health read for every role (no customer rows)."""
OPS_REJECTED_COLUMNS_ALL_ROLES: tuple[str, ...] = (
    "batch_id", "source_name", "stream", "source_file", "source_line", "field_name", "reason", "rejected_at",
)
"""ops.rejected_records without `payload`: the raw record is for admin only (Capabilities.raw_payloads)."""
ADMIN_SCHEMAS: tuple[str, ...] = ("ops",)
"""Admin reads all of ops (payloads, identity conflicts); `restricted` too when admin_sees_clear_text."""
RESTRICTED_SCHEMA = "restricted"

DIMENSION_COLUMNS: Mapping[str, str] = {
    "teams": "team_name", "queues": "queue_name", "segments": "segment", "brands": "source_system",
}
"""The column that carries each scope dimension. A brand is the source system a contact came from (the
configured source's format, e.g. `zendesk`, `amazon_connect`): one brand per helpdesk or platform."""
QUEUE_DIMENSIONS: Mapping[str, str] = {"teams": "team_name", "queues": "queue_name"}
"""Dimensions a table without their column still answers through its queue_id (core.dim_queues)."""
CONTACT_TABLE = "core.fct_interactions"
LINK_COLUMNS: tuple[str, ...] = ("interaction_id", "customer_key", "account_id")
"""A table whose columns cannot tell a role's dimensions shows a row when one of the contacts it belongs to
(by the first of these it has) is visible in core.fct_interactions."""
REFERENCE_TABLES: frozenset[str] = frozenset({"core.dim_calendar", "core.dim_customer_sentiment_scorer"})
"""Tables that describe no contact (the calendar, which sentiment scorer the figures use): every role reads
all their rows. Every other table without a scope column or a contact is for roles granted all rows."""
POLICY_NAME = "cxpulse_scope"

_PRECEDENCE = {role: index + 1 for index, role in enumerate(ROLE_PRECEDENCE)}
PERSON_PRECEDENCE = 0


class AccessApplyError(RuntimeError):
    """The database roles cannot be applied as asked (a bad prefix, a PostgreSQL-only step on DuckDB)."""


# ---------------------------------------------------------------- role plan (pure)


def checked_prefix(prefix: str) -> str:
    if not ROLE_PREFIX_PATTERN.match(prefix):
        raise AccessApplyError(f"role prefix must match {ROLE_PREFIX_PATTERN.pattern}, not {prefix!r}")
    return prefix


def checked_role_name(name: str) -> str:
    """Role names come from the constants and a checked prefix; refuse anything else before it meets SQL."""
    if not _ROLE_NAME_PATTERN.match(name):
        raise AccessApplyError(f"not a safe role name: {name!r}")
    return name


def group_role_name(prefix: str, app_role: str) -> str:
    if app_role not in ROLES:
        raise AccessApplyError(f"unknown app role {app_role!r}")
    return checked_role_name(f"{checked_prefix(prefix)}_{app_role}")


def person_role_name(prefix: str, identity: str) -> str:
    """The person's role: the identity (case-folded, as [access.users] keys are) only through its hash."""
    digest = hashlib.sha256(identity.casefold().encode("utf-8")).hexdigest()[:16]
    return checked_role_name(f"{checked_prefix(prefix)}_user_{digest}")


@dataclass(frozen=True)
class RoleSpec:
    name: str
    kind: str
    precedence: int
    scope: Scope
    app_role: str | None = None
    member_of: tuple[str, ...] = ()
    reads_restricted: bool = False


def scope_rows(scope: Scope) -> list[tuple[str, list[str]]]:
    """(dimension, allowed values) rows of access.role_scopes for one scope: ("all", []) for every row, one
    row per restricting dimension otherwise, none at all for a scope that grants nothing (deny)."""
    if scope.everything:
        return [(ALL_ROWS_DIMENSION, [])]
    return [(name, sorted(set(values))) for name in SCOPE_DIMENSIONS
            if (values := scope.allowed(name)) is not None]


def plan_roles(access: AccessSettings, prefix: str = DEFAULT_ROLE_PREFIX) -> list[RoleSpec]:
    """The group role of every app role, then a role per person with a scope of their own."""
    specs = [
        RoleSpec(name=group_role_name(prefix, role), kind=GROUP, precedence=_PRECEDENCE[role],
                 scope=access.role_scopes.get(role) or Scope(), app_role=role,
                 reads_restricted=role == ADMIN and access.admin_sees_clear_text)
        for role in ROLES
    ]
    for identity, grant in sorted(access.users.items()):
        if grant.scope is None:
            continue  # the person reads with their role's scope: the group role's login is enough
        specs.append(RoleSpec(
            name=person_role_name(prefix, identity), kind=PERSON, precedence=PERSON_PRECEDENCE, scope=grant.scope,
            app_role=grant.role, member_of=(group_role_name(prefix, grant.role),) if grant.role else (),
            reads_restricted=grant.role == ADMIN and access.admin_sees_clear_text,
        ))
    return specs


# ---------------------------------------------------------------- policies (pure)


def _scope_values(dimension: str) -> str:
    return f"(select access.scope_values('{dimension}'))"


def _dimension_checks(columns: set[str]) -> dict[str, str]:
    """Dimension -> the condition a row meets when the role restricts that dimension, for the dimensions this
    table can answer from its own columns (or its queue_id)."""
    checks: dict[str, str] = {}
    for dimension, column in DIMENSION_COLUMNS.items():
        if column in columns:
            checks[dimension] = f"{check_identifier(column)} = any({_scope_values(dimension)}::text[])"
        elif dimension in QUEUE_DIMENSIONS and "queue_id" in columns:
            checks[dimension] = f"queue_id = any((select access.scope_queue_ids('{dimension}'))::text[])"
    return checks


BY_SCOPE_COLUMN, BY_LINKED_CONTACT, ALL_ROWS_ONLY, REFERENCE = (
    "scope columns", "linked contact", "all rows only", "reference (every role)")


def policy_kind(table: str, columns: Iterable[str]) -> str:
    """How a table's rows are scoped: by its own scope columns (some rows may also follow their contact), only by
    the contact they belong to, or not at all (readable only by roles granted all rows)."""
    present = set(columns)
    if table in REFERENCE_TABLES:
        return REFERENCE
    if _dimension_checks(present):
        return BY_SCOPE_COLUMN
    if table != CONTACT_TABLE and any(c in present for c in LINK_COLUMNS):
        return BY_LINKED_CONTACT
    return ALL_ROWS_ONLY


def policy_condition(table: str, columns: Iterable[str]) -> str:
    """The USING condition of a table's policy, from its column names (identifiers checked, values never
    inlined: the scope comes from the access.scope_* functions at query time).

    A role granted all rows sees every row. Otherwise a row is visible when the role restricts at least one
    dimension, the table answers every dimension the role restricts, and the row's values are allowed in each;
    a table that cannot answer them shows the rows of contacts visible in core.fct_interactions (LINK_COLUMNS);
    a table with neither shows nothing (only roles with all rows read it); REFERENCE_TABLES show every row."""
    name = check_identifier(table).partition(".")[2]
    if table in REFERENCE_TABLES:
        return "true"
    present = {check_identifier(c) for c in columns}
    checks = _dimension_checks(present)
    conditions = ["(select access.scope_sees_all())"]
    restricts = "(select access.scope_dimensions())"
    answerable = ", ".join(f"'{d}'" for d in checks)
    if checks:
        conditions.append(
            f"(cardinality({restricts}) > 0 and {restricts} <@ array[{answerable}]::text[] and "
            + " and ".join(f"({_scope_values(d)} is null or {condition})" for d, condition in checks.items())
            + ")"
        )
    link = next((c for c in LINK_COLUMNS if c in present), None)
    if link and table != CONTACT_TABLE:
        unanswered = f"not ({restricts} <@ array[{answerable}]::text[])" if checks else "true"
        conditions.append(
            f"({unanswered} and exists (select 1 from {CONTACT_TABLE} as contact"
            f" where contact.{link} = {name}.{link}))"
        )
    return "\n   or ".join(conditions)


# ---------------------------------------------------------------- SQL run on PostgreSQL

_SCOPE_SCHEMA = [
    "create schema if not exists access",
    "revoke all on schema access from public",
    "create table if not exists access.scope_roles (role_name text primary key, kind text not null"
    " check (kind in ('group', 'person')), app_role text, precedence integer not null,"
    " reads_restricted boolean not null default false)",
    "create table if not exists access.role_scopes (role_name text not null references access.scope_roles"
    " on delete cascade, dimension text not null check (dimension in ('all', 'teams', 'queues', 'segments',"
    " 'brands')), allowed_values text[] not null, primary key (role_name, dimension))",
    "revoke all on access.scope_roles, access.role_scopes from public",
    """create or replace function access.scope_role() returns text
language sql stable security definer set search_path = pg_catalog, access as $body$
  select r.role_name from access.scope_roles as r join pg_catalog.pg_roles as p on p.rolname = r.role_name
  where pg_has_role(session_user, p.oid, 'MEMBER')
  order by r.precedence, r.role_name limit 1
$body$""",
    """create or replace function access.scope_sees_all() returns boolean
language sql stable security definer set search_path = pg_catalog, access as $body$
  select exists (select 1 from access.role_scopes where role_name = access.scope_role() and dimension = 'all')
$body$""",
    """create or replace function access.scope_dimensions() returns text[]
language sql stable security definer set search_path = pg_catalog, access as $body$
  select coalesce(array_agg(dimension order by dimension), '{}'::text[]) from access.role_scopes
  where role_name = access.scope_role() and dimension <> 'all'
$body$""",
    """create or replace function access.scope_values(wanted text) returns text[]
language sql stable security definer set search_path = pg_catalog, access as $body$
  select allowed_values from access.role_scopes where role_name = access.scope_role() and dimension = wanted
$body$""",
    # plpgsql: its body meets core.dim_queues only when called (an `access apply` may precede the first build)
    """create or replace function access.scope_queue_ids(wanted text) returns text[]
language plpgsql stable security definer set search_path = pg_catalog, access as $body$
declare
  allowed text[] := access.scope_values(wanted);
  found text[];
begin
  if allowed is null or to_regclass('core.dim_queues') is null then
    return '{}'::text[];
  end if;
  if wanted = 'teams' then
    select coalesce(array_agg(queue_id), '{}') into found from core.dim_queues where team_name = any(allowed);
  elsif wanted = 'queues' then
    select coalesce(array_agg(queue_id), '{}') into found from core.dim_queues where queue_name = any(allowed);
  else
    found := '{}'::text[];
  end if;
  return found;
end
$body$""",
]
_SCOPE_FUNCTIONS = ("scope_role()", "scope_sees_all()", "scope_dimensions()", "scope_values(text)",
                    "scope_queue_ids(text)")


@dataclass
class TableSecurityReport:
    roles: list[str] = field(default_factory=list)
    tables: int = 0
    tables_by_kind: dict[str, int] = field(default_factory=dict)
    restricted_schema: str = "absent"


@dataclass
class AccessReport:
    roles_created: list[str] = field(default_factory=list)
    roles_kept: list[str] = field(default_factory=list)
    roles_no_longer_configured: list[str] = field(default_factory=list)
    scope_rows: int = 0
    tables: TableSecurityReport = field(default_factory=TableSecurityReport)


def _require_postgres(warehouse: Warehouse) -> None:
    if warehouse.dialect != "postgresql":
        raise AccessApplyError("database roles and row-level security exist only on PostgreSQL; on DuckDB the"
                               " app's data-access layer is the only enforcement (docs/access.md)")


def _schema_exists(warehouse: Warehouse, schema: str) -> bool:
    return bool(warehouse.scalar("select count(*) from information_schema.schemata where schema_name = :schema",
                                 {"schema": schema}))


def _tables_of(warehouse: Warehouse, schemas: Sequence[str]) -> dict[str, set[str]]:
    """Qualified base table -> its column names, from the catalog (never from a user string)."""
    frame = warehouse.query_df(
        "select t.table_schema, t.table_name, c.column_name from information_schema.tables as t"
        " join information_schema.columns as c on c.table_schema = t.table_schema and c.table_name = t.table_name"
        " where t.table_type = 'BASE TABLE' and t.table_schema = any(:schemas)",
        {"schemas": list(schemas)},
    )
    tables: dict[str, set[str]] = {}
    for row in frame.itertuples(index=False):
        tables.setdefault(f"{row.table_schema}.{row.table_name}", set()).add(str(row.column_name))
    return {check_identifier(name): columns for name, columns in sorted(tables.items())}


def access_configured(warehouse: Warehouse) -> bool:
    """True once `cxpulse access apply` has run on this PostgreSQL warehouse."""
    return warehouse.dialect == "postgresql" and warehouse.table_exists("access.scope_roles")


def _known_roles(warehouse: Warehouse) -> list[tuple[str, bool, bool]]:
    """(role, is a group role, reads restricted) of access.scope_roles whose role exists in the cluster."""
    frame = warehouse.query_df(
        "select r.role_name, r.kind, r.reads_restricted from access.scope_roles as r"
        " join pg_catalog.pg_roles as p on p.rolname = r.role_name order by r.role_name"
    )
    return [(checked_role_name(str(row.role_name)), row.kind == GROUP, bool(row.reads_restricted))
            for row in frame.itertuples(index=False)]


def secure_tables(warehouse: Warehouse) -> TableSecurityReport:
    """Grants and one row policy per table for the roles of access.scope_roles: idempotent, inside the open
    transaction (the build calls it in its swap transaction, so no table is ever readable without its policy)."""
    _require_postgres(warehouse)
    report = TableSecurityReport()
    with warehouse.transaction():
        roles = _known_roles(warehouse)
        report.roles = [name for name, _, _ in roles]
        if not roles:
            return report
        every = ", ".join(name for name, _, _ in roles)
        admins = [name for name, _, _ in roles if name.endswith(f"_{ADMIN}")]
        tables = _tables_of(warehouse, SECURED_SCHEMAS)
        for table, columns in tables.items():
            warehouse.execute(f"alter table {table} enable row level security")
            warehouse.execute(f"drop policy if exists {POLICY_NAME} on {table}")
            condition = policy_condition(table, columns)
            warehouse.execute(f"create policy {POLICY_NAME} on {table} for select using ({condition})")
            kind = policy_kind(table, columns)
            report.tables_by_kind[kind] = report.tables_by_kind.get(kind, 0) + 1
        report.tables = len(tables)
        warehouse.execute(f"grant usage on schema access to {every}")
        for function in _SCOPE_FUNCTIONS:
            warehouse.execute(f"revoke all on function access.{function} from public")
            warehouse.execute(f"grant execute on function access.{function} to {every}")
        for schema in READ_SCHEMAS:
            if _schema_exists(warehouse, schema):
                warehouse.execute(f"grant usage on schema {schema} to {every}")
                warehouse.execute(f"grant select on all tables in schema {schema} to {every}")
        if _schema_exists(warehouse, "ops"):
            warehouse.execute(f"grant usage on schema ops to {every}")
            ops = _tables_of(warehouse, ("ops",))
            for name in OPS_TABLES_ALL_ROLES:
                if f"ops.{name}" in ops:
                    warehouse.execute(f"grant select on ops.{check_identifier(name)} to {every}")
            if "ops.rejected_records" in ops:
                listed = ", ".join(check_identifier(c) for c in OPS_REJECTED_COLUMNS_ALL_ROLES
                                   if c in ops["ops.rejected_records"])
                warehouse.execute(f"grant select ({listed}) on ops.rejected_records to {every}")
            if admins:
                for schema in ADMIN_SCHEMAS:
                    warehouse.execute(f"grant select on all tables in schema {schema} to {', '.join(admins)}")
        report.restricted_schema = _secure_restricted(warehouse, roles)
    return report


def _secure_restricted(warehouse: Warehouse, roles: list[tuple[str, bool, bool]]) -> str:
    """Clear text (the `restricted` schema, where the config keeps it): admin roles that may read clear text
    only; every other role of ours loses any privilege on it."""
    if not _schema_exists(warehouse, RESTRICTED_SCHEMA):
        return "absent"
    readers = [name for name, _, reads in roles if reads]
    others = [name for name, _, reads in roles if not reads]
    if others:
        warehouse.execute(f"revoke all on all tables in schema {RESTRICTED_SCHEMA} from {', '.join(others)}")
        warehouse.execute(f"revoke all on schema {RESTRICTED_SCHEMA} from {', '.join(others)}")
    if readers:
        warehouse.execute(f"grant usage on schema {RESTRICTED_SCHEMA} to {', '.join(readers)}")
        warehouse.execute(f"grant select on all tables in schema {RESTRICTED_SCHEMA} to {', '.join(readers)}")
    return f"readable by {', '.join(readers)}" if readers else "readable by no app role"


def lift_policies(warehouse: Warehouse) -> int:
    """Drop every policy of ours, inside the open transaction: the build's swap must drop core.fct_interactions,
    which the policies of the tables kept across builds (feedback.labels, core.enr_*) refer to. Row-level security
    stays enabled on them (no policy: no row for any role but the owner) until `secure_tables` runs again in
    the same transaction."""
    _require_postgres(warehouse)
    frame = warehouse.query_df("select schemaname, tablename from pg_catalog.pg_policies where policyname = :name",
                               {"name": POLICY_NAME})
    for row in frame.itertuples(index=False):
        warehouse.execute(f"drop policy {POLICY_NAME} on {check_identifier(f'{row.schemaname}.{row.tablename}')}")
    return len(frame)


def lift_policies_if_configured(warehouse: Warehouse) -> None:
    """The build's hook before its swap; see lift_policies."""
    if access_configured(warehouse):
        lift_policies(warehouse)


def contact_index_statements(warehouse: Warehouse, table: str, built_as: str, token: str) -> list[str]:
    """B-tree indexes on core.fct_interactions' LINK_COLUMNS, for the build to run on the freshly built table
    (`built_as`, before the swap) once access is configured: a linked table's policy looks its contact up once
    per row, an index probe instead of a scan (bench/rls_overhead.py)."""
    if table != CONTACT_TABLE or not access_configured(warehouse):
        return []
    name = check_identifier(built_as)
    return [f"create index {check_identifier(f'fct_interactions_{column}_{token}')} on {name} ({column})"
            for column in LINK_COLUMNS]


def _ensure_contact_indexes(warehouse: Warehouse) -> None:
    """The indexes of contact_index_statements on a warehouse built before access was first applied."""
    if not warehouse.table_exists(CONTACT_TABLE):
        return
    token = uuid.uuid4().hex[:8]
    for column in LINK_COLUMNS:
        present = warehouse.scalar(
            "select count(*) from pg_catalog.pg_indexes where schemaname = 'core' and tablename = 'fct_interactions'"
            " and starts_with(indexname, :start)", {"start": f"fct_interactions_{column}_"})
        if not present:
            warehouse.execute(f"create index {check_identifier(f'fct_interactions_{column}_{token}')}"
                              f" on {CONTACT_TABLE} ({column})")


def secure_tables_if_configured(warehouse: Warehouse) -> TableSecurityReport | None:
    """The build's hook: on a PostgreSQL warehouse where `cxpulse access apply` has run, secure the tables again
    (the swap replaced them); elsewhere nothing."""
    if not access_configured(warehouse):
        return None
    return secure_tables(warehouse)


def _ensure_role(warehouse: Warehouse, name: str) -> bool:
    """Create a NOLOGIN role when missing; True when created."""
    exists = warehouse.scalar("select count(*) from pg_catalog.pg_roles where rolname = :name", {"name": name})
    if exists:
        return False
    warehouse.execute(f"create role {checked_role_name(name)} nologin")
    return True


def apply_access(warehouse: Warehouse, access: AccessSettings, prefix: str = DEFAULT_ROLE_PREFIX) -> AccessReport:
    """Roles, scope tables, grants and policies from [access], in one transaction (the applying role needs
    CREATEROLE and must own the warehouse's tables)."""
    _require_postgres(warehouse)
    specs = plan_roles(access, prefix)
    report = AccessReport()
    with warehouse.transaction():
        for statement in _SCOPE_SCHEMA:
            warehouse.execute(statement)
        for spec in specs:
            (report.roles_created if _ensure_role(warehouse, spec.name) else report.roles_kept).append(spec.name)
        for spec in specs:
            for group in spec.member_of:
                warehouse.execute(f"grant {checked_role_name(group)} to {checked_role_name(spec.name)}")
        report.roles_no_longer_configured = _forget_unlisted(warehouse, prefix, [s.name for s in specs])
        for spec in specs:
            report.scope_rows += _write_scope(warehouse, spec)
        _ensure_contact_indexes(warehouse)
        report.tables = secure_tables(warehouse)
    return report


def _forget_unlisted(warehouse: Warehouse, prefix: str, listed: list[str]) -> list[str]:
    """Roles of this prefix that the config no longer names: out of the scope tables and stripped of this
    warehouse's privileges (not dropped: a role is cluster-wide and may be used by other databases)."""
    frame = warehouse.query_df(
        "select role_name from access.scope_roles where starts_with(role_name, :prefix)"
        " and not (role_name = any(:listed)) order by role_name",
        {"prefix": f"{checked_prefix(prefix)}_", "listed": listed},
    )
    stale = [checked_role_name(str(name)) for name in frame["role_name"]]
    for name in stale:
        warehouse.execute("delete from access.scope_roles where role_name = :name", {"name": name})
        exists = warehouse.scalar("select count(*) from pg_catalog.pg_roles where rolname = :name", {"name": name})
        if exists:
            for schema in (*READ_SCHEMAS, *ADMIN_SCHEMAS, RESTRICTED_SCHEMA, "access"):
                if _schema_exists(warehouse, schema):
                    warehouse.execute(f"revoke all on all tables in schema {schema} from {name}")
                    warehouse.execute(f"revoke all on schema {schema} from {name}")
    return stale


def _write_scope(warehouse: Warehouse, spec: RoleSpec) -> int:
    warehouse.execute(
        "insert into access.scope_roles (role_name, kind, app_role, precedence, reads_restricted)"
        " values (:name, :kind, :app_role, :precedence, :restricted)"
        " on conflict (role_name) do update set kind = excluded.kind, app_role = excluded.app_role,"
        " precedence = excluded.precedence, reads_restricted = excluded.reads_restricted",
        {"name": spec.name, "kind": spec.kind, "app_role": spec.app_role, "precedence": spec.precedence,
         "restricted": spec.reads_restricted},
    )
    warehouse.execute("delete from access.role_scopes where role_name = :name", {"name": spec.name})
    rows = scope_rows(spec.scope)
    for dimension, values in rows:
        warehouse.execute(
            "insert into access.role_scopes (role_name, dimension, allowed_values) values (:name, :dimension, :values)",
            {"name": spec.name, "dimension": dimension, "values": values},
        )
    return len(rows)

