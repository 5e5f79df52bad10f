"""The README's "Who may see what" table, written from etl.access.CAPABILITIES and ADMIN_PAGES (pure), so the
documentation cannot drift from what the code enforces (tests/etl/test_access_docs.py compares the README)."""

from __future__ import annotations

from etl.access import ADMIN, ADMIN_PAGES, CAPABILITIES, ROLES, Capabilities

COLUMNS: tuple[str, ...] = (
    "role", "pages", "aggregates", "conversations", "transcripts (masked)", "exports: aggregate",
    "exports: row-level", "raw payloads", "clear text", "audit log", "configuration",
)
YES, NO = "yes", "no"


def _yes(granted: bool) -> str:
    return YES if granted else NO


def _scoped(granted: bool) -> str:
    return "yes, of its scope" if granted else NO


def _pages(role: str) -> str:
    if role == ADMIN:
        return "every page"
    return "every page but " + ", ".join(f"`{page}`" for page in sorted(ADMIN_PAGES))


def role_row(role: str, capabilities: Capabilities) -> list[str]:
    """One role's cells, in COLUMNS order."""
    clear_text = "where `admin_sees_clear_text = true`" if capabilities.clear_text else NO
    return [f"**{role}**", _pages(role), _scoped(True), _scoped(capabilities.conversations),
            _scoped(capabilities.conversations), _yes(capabilities.aggregate_exports), _yes(capabilities.row_exports),
            _yes(capabilities.raw_payloads), clear_text, _yes(capabilities.audit_log), _yes(capabilities.configure)]


def role_table_markdown() -> str:
    """The Markdown table: one row per role, in etl.access.ROLES order."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(role_row(role, CAPABILITIES[role])) + " |" for role in ROLES]
    return "\n".join(lines) + "\n"
