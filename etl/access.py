"""Who may see what: roles, what each role may do, row scopes, and the viewer a sign-in resolves to.

Pure: no Streamlit, no warehouse. The dashboard (sign-in, the data-access layer) and the PostgreSQL
row-level security setup read the same declarations, so a role means the same thing everywhere.

Configuration (`[access]` in cxpulse.toml; README, "Who may see what"):

    [access]
    sign_in = true                 # false: open mode, loopback only, everyone is the local admin
    role_claim = "groups"          # the ID-token claim holding the groups or roles
    identity_claim = "email"       # the claim naming the person (users, audit log)
    admin_sees_clear_text = false  # admin may read the restricted clear-text schema

    [access.claim_roles]           # claim value -> role
    "cx-executives" = "exec"
    "cx-team-leads" = "manager"

    [access.scopes.exec]           # rows each role may see: all = true, or lists per dimension
    all = true
    [access.scopes.manager]
    teams = ["Billing"]

    [access.users."ann@example.com"]   # a person's own role and scope override the claim's
    role = "manager"
    queues = ["Refunds"]

    [access.warehouse_urls]        # PostgreSQL: read as a login role of that app role's database role, so a
    manager = "postgresql+psycopg://cx_manager@db/cx"   # leaked connection is no wider than the role
                                   # (row-level security: etl/pg_access.py, docs/access.md)

Deny by default: a signed-in person whose claims map to no role gets no page; a role (or person) with no
scope configured sees no rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from etl.config import Settings

EXEC, MANAGER, ANALYST, ADMIN = "exec", "manager", "analyst", "admin"
ROLES: tuple[str, ...] = (EXEC, MANAGER, ANALYST, ADMIN)
ROLE_PRECEDENCE: tuple[str, ...] = (ADMIN, ANALYST, MANAGER, EXEC)
"""When a person's claims map to several roles, the first of these wins."""

SCOPE_DIMENSIONS: tuple[str, ...] = ("teams", "queues", "segments", "brands")

# Page keys are the pages' URL paths (dashboard/app.py).
ADMIN_PAGES: frozenset[str] = frozenset({"audit-log"})


@dataclass(frozen=True)
class Capabilities:
    """What a role may do besides reading aggregates of the pages it may open."""

    conversations: bool
    """Open single conversations (the drill-down, transcripts, the customer's journey)."""
    row_exports: bool
    """Download row-level files (one row per conversation, workbooks of rows)."""
    aggregate_exports: bool
    """Download charts, aggregate tables and the PDF pack."""
    raw_payloads: bool
    """See rejected records' raw payloads on Data health."""
    clear_text: bool
    """Read unmasked text (only where [access] admin_sees_clear_text allows it)."""
    audit_log: bool
    """Read the audit log."""
    configure: bool
    """Change user-facing configuration (promote an intent to the taxonomy)."""


CAPABILITIES: dict[str, Capabilities] = {
    EXEC: Capabilities(conversations=False, row_exports=False, aggregate_exports=True, raw_payloads=False,
                       clear_text=False, audit_log=False, configure=False),
    MANAGER: Capabilities(conversations=True, row_exports=False, aggregate_exports=True, raw_payloads=False,
                          clear_text=False, audit_log=False, configure=False),
    ANALYST: Capabilities(conversations=True, row_exports=True, aggregate_exports=True, raw_payloads=False,
                          clear_text=False, audit_log=False, configure=False),
    ADMIN: Capabilities(conversations=True, row_exports=True, aggregate_exports=True, raw_payloads=True,
                        clear_text=True, audit_log=True, configure=True),
}


class AccessConfigError(ValueError):
    """The [access] section is malformed; the message names the setting."""


@dataclass(frozen=True)
class Scope:
    """The rows a viewer may see. `everything` grants all rows; otherwise each dimension lists the values
    allowed (None: that dimension does not restrict). A scope with nothing granted sees no rows."""

    everything: bool = False
    teams: tuple[str, ...] | None = None
    queues: tuple[str, ...] | None = None
    segments: tuple[str, ...] | None = None
    brands: tuple[str, ...] | None = None

    @property
    def grants_anything(self) -> bool:
        return self.everything or any(getattr(self, name) is not None for name in SCOPE_DIMENSIONS)

    def allowed(self, dimension: str) -> tuple[str, ...] | None:
        """The values of one dimension this scope allows; None when it does not restrict that dimension."""
        if dimension not in SCOPE_DIMENSIONS:
            raise KeyError(dimension)
        return None if self.everything else getattr(self, dimension)


NO_ROWS = Scope()
ALL_ROWS = Scope(everything=True)


@dataclass(frozen=True)
class Viewer:
    """The person using the app, as the data-access layer sees them."""

    identity: str
    role: str
    scope: Scope
    signed_in: bool
    admin_sees_clear_text: bool = False

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES[self.role]

    @property
    def may_read_clear_text(self) -> bool:
        return self.capabilities.clear_text and self.admin_sees_clear_text

    def may_open_page(self, page_key: str) -> bool:
        return page_key not in ADMIN_PAGES or self.role == ADMIN


OPEN_MODE_VIEWER = Viewer(identity="local user (open mode)", role=ADMIN, scope=ALL_ROWS, signed_in=False)
"""Sign-in off (`make demo`, served on 127.0.0.1 only): the local user is the admin of their own machine,
but text stays masked unless [access] admin_sees_clear_text is set."""


@dataclass(frozen=True)
class UserGrant:
    role: str | None
    scope: Scope | None


@dataclass(frozen=True)
class AccessSettings:
    sign_in: bool = False
    role_claim: str = "groups"
    identity_claim: str = "email"
    admin_sees_clear_text: bool = False
    claim_roles: Mapping[str, str] = field(default_factory=dict)
    role_scopes: Mapping[str, Scope] = field(default_factory=dict)
    users: Mapping[str, UserGrant] = field(default_factory=dict)
    warehouse_urls: Mapping[str, str] = field(default_factory=dict)
    """App role -> the PostgreSQL URL the dashboard reads with for viewers of that role."""


def _check_role(role: Any, where: str) -> str:
    if role not in ROLES:
        raise AccessConfigError(f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")
    return str(role)


def _values(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AccessConfigError(f"{where}: must be a list of strings")
    return tuple(value)


def _scope(raw: Mapping[str, Any], where: str, extra_keys: Iterable[str] = ()) -> Scope | None:
    unknown = set(raw) - {"all", *SCOPE_DIMENSIONS, *extra_keys}
    if unknown:
        raise AccessConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    everything = raw.get("all", False)
    if not isinstance(everything, bool):
        raise AccessConfigError(f"{where}: all must be true or false")
    dimensions = {name: _values(raw[name], f"{where} {name}") for name in SCOPE_DIMENSIONS if name in raw}
    if everything and dimensions:
        raise AccessConfigError(f"{where}: all = true cannot be combined with {', '.join(sorted(dimensions))}")
    if not everything and not dimensions:
        return None
    return Scope(everything=everything, **dimensions)


def parse_access(raw: Mapping[str, Any]) -> AccessSettings:
    """The [access] section; AccessConfigError names the bad setting."""
    known = {"sign_in", "role_claim", "identity_claim", "admin_sees_clear_text", "claim_roles", "scopes", "users",
             "warehouse_urls"}
    unknown = set(raw) - known
    if unknown:
        raise AccessConfigError(f"[access]: unknown setting(s) {', '.join(sorted(unknown))}")
    for flag in ("sign_in", "admin_sees_clear_text"):
        if not isinstance(raw.get(flag, False), bool):
            raise AccessConfigError(f"[access] {flag} must be true or false")
    claim_roles = {str(value): _check_role(role, f"[access.claim_roles] {value!r}")
                   for value, role in (raw.get("claim_roles") or {}).items()}
    role_scopes: dict[str, Scope] = {}
    for role, scope_raw in (raw.get("scopes") or {}).items():
        where = f"[access.scopes.{role}]"
        _check_role(role, where)
        scope = _scope(scope_raw, where)
        if scope is not None:
            role_scopes[role] = scope
    users: dict[str, UserGrant] = {}
    for identity, user_raw in (raw.get("users") or {}).items():
        where = f"[access.users.{identity!r}]"
        role = user_raw.get("role")
        users[str(identity).casefold()] = UserGrant(
            role=_check_role(role, where) if role is not None else None,
            scope=_scope(user_raw, where, extra_keys=("role",)),
        )
    warehouse_urls = _warehouse_urls(raw.get("warehouse_urls") or {})
    return AccessSettings(
        sign_in=bool(raw.get("sign_in", False)),
        role_claim=str(raw.get("role_claim", "groups")),
        identity_claim=str(raw.get("identity_claim", "email")),
        admin_sees_clear_text=bool(raw.get("admin_sees_clear_text", False)),
        claim_roles=claim_roles, role_scopes=role_scopes, users=users, warehouse_urls=warehouse_urls,
    )


_POSTGRES_URL_PREFIXES = ("postgresql:", "postgresql+psycopg:", "postgres:")


def _warehouse_urls(raw: Mapping[str, Any]) -> dict[str, str]:
    """[access.warehouse_urls]: app role -> PostgreSQL URL (row-level security exists only there). The message
    names the role, never the URL (it may hold a password)."""
    urls: dict[str, str] = {}
    for role, url in raw.items():
        where = f"[access.warehouse_urls] {role!r}"
        _check_role(role, where)
        if not isinstance(url, str) or not url.startswith(_POSTGRES_URL_PREFIXES):
            raise AccessConfigError(f"{where}: must be a PostgreSQL URL (postgresql+psycopg://...)")
        urls[str(role)] = url
    return urls


def warehouse_url_for(settings: Settings, viewer: Viewer) -> str:
    """The URL the dashboard reads with for this viewer: their role's [access.warehouse_urls] entry (a login
    role that is a member of that role's database role, docs/access.md), else `warehouse_url`."""
    return settings.access.warehouse_urls.get(viewer.role, settings.warehouse_url)


def _claim_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def resolve_viewer(claims: Mapping[str, Any], settings: AccessSettings) -> Viewer | None:
    """The viewer a signed-in person's ID-token claims resolve to, or None (deny) when no role applies.

    A person listed under [access.users] (by their identity claim, case-insensitively) takes that role and
    scope; otherwise the role comes from the role claim and the scope from [access.scopes.<role>]. A role
    without a scope gets NO_ROWS (deny by default)."""
    identity = str(claims.get(settings.identity_claim) or claims.get("sub") or "").strip()
    if not identity:
        return None
    grant = settings.users.get(identity.casefold())
    mapped = {settings.claim_roles[value] for value in _claim_values(claims.get(settings.role_claim))
              if value in settings.claim_roles}
    claim_role = next((role for role in ROLE_PRECEDENCE if role in mapped), None)
    role = (grant.role if grant and grant.role else None) or claim_role
    if role is None:
        return None
    scope = (grant.scope if grant and grant.scope else None) or settings.role_scopes.get(role) or NO_ROWS
    return Viewer(identity=identity, role=role, scope=scope, signed_in=True,
                  admin_sees_clear_text=settings.admin_sees_clear_text)


def open_mode_viewer(settings: AccessSettings) -> Viewer:
    """The viewer when sign-in is off."""
    return replace(OPEN_MODE_VIEWER, admin_sees_clear_text=settings.admin_sees_clear_text)
