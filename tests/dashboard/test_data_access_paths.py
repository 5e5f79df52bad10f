"""No other path to the warehouse: only dashboard/data_access.py (and dashboard/data.py, which holds the shared
Reader) reads it, and every cached query function is keyed on the viewer's scope (an AST scan of dashboard/)."""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard.data_access import ORGANISATION_WIDE

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
ALLOWED_READERS = {"data_access.py", "data.py"}
# Not the warehouse's Reader: the admin-only Audit log page reads the audit store (etl.audit_log.AuditStore, whose
# own query_df reads ops.audit_events or the JSON-lines sidecar), never a customer's row.
OTHER_STORES = {"app_pages/audit_log/queries.py"}
READER_NAMES = {"Reader", "open_reader", "reader_for", "query_df"}
SCOPE_ARGUMENTS = {"scope", "lists", "filters"}  # Filters and Filters.lists carry the Scope


def _modules() -> list[tuple[str, Path, ast.Module]]:
    out = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        dotted = ".".join(("dashboard", *path.relative_to(DASHBOARD).with_suffix("").parts))
        out.append((dotted, path, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _reads_the_warehouse(tree: ast.Module) -> list[str]:
    """What in a module reaches the Reader other than through data_access (pure)."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.ImportFrom) and node.module == "dashboard"
                and any(a.name == "data" for a in node.names)):
            found.append("from dashboard import data")
        elif isinstance(node, ast.ImportFrom) and node.module in {"dashboard.data", "etl.warehouse"}:
            found += [f"from {node.module} import {a.name}" for a in node.names
                      if node.module == "dashboard.data" or a.name in READER_NAMES]
        elif isinstance(node, ast.Import) and any(a.name == "dashboard.data" for a in node.names):
            found.append("import dashboard.data")
        elif isinstance(node, ast.Attribute) and node.attr in READER_NAMES:
            found.append(f".{node.attr}")
        elif isinstance(node, ast.Name) and node.id in READER_NAMES:
            found.append(node.id)
    return found


def _cached_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and any("cache_data" in ast.unparse(decorator) for decorator in node.decorator_list)]


def test_only_the_data_access_layer_reads_the_warehouse() -> None:
    checked = [(path, tree) for _, path, tree in _modules()
               if not (path.parent == DASHBOARD and path.name in ALLOWED_READERS)
               and str(path.relative_to(DASHBOARD)) not in OTHER_STORES]
    offenders = {str(path.relative_to(DASHBOARD)): _reads_the_warehouse(tree) for path, tree in checked}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_every_cached_query_is_keyed_on_the_scope() -> None:
    unscoped = {f"{dotted}.{function.name}" for dotted, _, tree in _modules() for function in _cached_functions(tree)
                if not SCOPE_ARGUMENTS & {a.arg for a in function.args.args + function.args.kwonlyargs}}
    assert unscoped - set(ORGANISATION_WIDE) == set()
    assert set(ORGANISATION_WIDE) - unscoped == set()  # no stale entry: a function given a scope leaves the list


def test_the_scan_sees_a_forbidden_read() -> None:
    """The scan itself: a module importing the Reader, or calling query_df, is caught (hand-written sources)."""
    assert _reads_the_warehouse(ast.parse("from dashboard import data\ndata.reader_for(url)")) == [
        "from dashboard import data", ".reader_for"]
    assert _reads_the_warehouse(ast.parse("from etl.warehouse import open_reader, check_identifier")) == [
        "from etl.warehouse import open_reader"]
    assert _reads_the_warehouse(ast.parse("frame = reader.query_df(sql)")) == [".query_df"]
    assert _reads_the_warehouse(ast.parse("from etl.warehouse import check_identifier")) == []
