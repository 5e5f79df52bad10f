"""The dashboard's pages, read from the navigation definition in dashboard/app.py without running Streamlit.

dashboard/app.py runs its router (`main()`) when imported, so importing it outside `streamlit run` is not an
option: the pages are read from its syntax tree instead. Every `st.Page(...)` call gives a page: its
`url_path` keyword (a string, or a module-level constant of a module the app imports, such as
`definitions.URL_PATH`), else the script's file name as Streamlit infers it; `title`; `default=True`
(without one, the first page); and `visibility="hidden"`. Streamlit serves the default page at the root URL
only (its url_path shows a "Page not found" dialog, documented in st.Page), so the app's default page is a
hidden one that opens the landing page at its own URL; every page of the menu must open at its url_path.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from pathlib import Path

APP_PATH = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    title: str
    script: str
    is_default: bool = False
    is_hidden: bool = False  # visibility="hidden": not in the menu (the app's root page, which redirects)


class DiscoveryError(RuntimeError):
    pass


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` and `NAME: str = "text"` assignments."""
    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
        elif (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            constants[node.target.id] = node.value.value
    return constants


def _imported_modules(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted module, for `from package import module` and `import package.module as name`."""
    modules: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = alias.name
    return modules


class _Resolver:
    def __init__(self, tree: ast.Module, source_root: Path) -> None:
        self.constants = _module_constants(tree)
        self.modules = _imported_modules(tree)
        self.source_root = source_root

    def text(self, node: ast.expr) -> str:
        """The string an expression stands for: a literal, an f-string of module constants, a module constant,
        or a constant of an imported module of this repository."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                parts.append(self.text(value.value) if isinstance(value, ast.FormattedValue) else self.text(value))
            return "".join(parts)
        if isinstance(node, ast.Name) and node.id in self.constants:
            return self.constants[node.id]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.modules:
            module = self.modules[node.value.id]
            path = self.source_root.joinpath(*module.split(".")).with_suffix(".py")
            if path.exists():
                constants = _module_constants(ast.parse(path.read_text(encoding="utf-8")))
                if node.attr in constants:
                    return constants[node.attr]
        raise DiscoveryError(f"cannot read a string from `{ast.unparse(node)}` (line {node.lineno})")


def _is_page_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"
            and isinstance(node.func.value, ast.Name) and node.func.value.id in {"st", "streamlit"})


def inferred_url_path(script: str) -> str:
    """Streamlit's url path for a page without one: the file name, without a leading number and the suffix."""
    stem = Path(script).stem
    return stem.lstrip("0123456789").lstrip("_- ") or stem


def discover_pages(app_source: str, source_root: Path) -> list[PageSpec]:
    """Every st.Page of an app's source, in the order written."""
    tree = ast.parse(app_source)
    resolver = _Resolver(tree, source_root)
    pages: list[PageSpec] = []
    calls = sorted((n for n in ast.walk(tree) if _is_page_call(n)), key=lambda n: (n.lineno, n.col_offset))
    for node in calls:
        assert isinstance(node, ast.Call)
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        script_node = node.args[0] if node.args else keywords.get("page")
        if script_node is None:
            raise DiscoveryError(f"st.Page without a page at line {node.lineno}")
        try:
            script = resolver.text(script_node)
        except DiscoveryError:
            if "url_path" not in keywords:
                raise
            script = ast.unparse(script_node)  # a page function: its name
        url_path = resolver.text(keywords["url_path"]) if "url_path" in keywords else inferred_url_path(script)
        title = resolver.text(keywords["title"]) if "title" in keywords else url_path
        default = keywords.get("default")
        is_default = isinstance(default, ast.Constant) and default.value is True
        visibility = resolver.text(keywords["visibility"]) if "visibility" in keywords else "visible"
        pages.append(PageSpec(url_path=url_path.strip("/"), title=title, script=script, is_default=is_default,
                              is_hidden=visibility == "hidden"))
    if not pages:
        raise DiscoveryError("no st.Page(...) call found in the app")
    if not any(page.is_default for page in pages):  # Streamlit makes the first page the default one
        pages[0] = replace(pages[0], is_default=True)
    return pages


def menu_pages(pages: list[PageSpec]) -> list[PageSpec]:
    """The pages a viewer can pick in the menu (each must open at its own URL)."""
    return [page for page in pages if not page.is_hidden]


def app_pages(app_path: Path = APP_PATH) -> list[PageSpec]:
    """The pages of dashboard/app.py."""
    return discover_pages(app_path.read_text(encoding="utf-8"), APP_PATH.parents[1])


def landing_page(pages: list[PageSpec]) -> PageSpec:
    """The page the root URL opens: the default page when it is in the menu, else the menu page with the
    (hidden) default page's title."""
    default = next(page for page in pages if page.is_default)
    if not default.is_hidden:
        return default
    for page in menu_pages(pages):
        if page.title == default.title:
            return page
    raise DiscoveryError(f"the hidden default page {default.url_path!r} has no menu page titled {default.title!r}")
