"""A static scan of dashboard/** for text handed to a Streamlit call that renders it as Markdown (issue 13).

Streamlit reads as Markdown the body of st.markdown, st.write, st.caption, st.title/header/subheader,
st.info/warning/error/success, st.toast, and the label, help and options of widgets, metrics, tabs,
expanders and column_config columns. A value from an export file or the URL reaching one of them unescaped
is stored or reflected injection (a live link, a remote image). This module finds every such call whose
argument is not provably safe (pure functions over the AST; the test is test_markdown_guard.py).

Provably safe, and nothing else:
- a literal (string or number), an f-string or `+`/`%` concatenation whose parts are all safe;
- a value passed through `escape_markdown(...)`, or through one of SAFE_FORMATTERS (they return figures,
  dates or fixed words, never the text they were given);
- an f-string field with a numeric format spec (`{count:,}`, `{rate:.1%}`: a string would raise);
- `sep.join(...)` over safe parts, `a if c else b` and `a or b` of safe parts;
- a local or module name whose every assignment (and `for` loop over a literal sequence) is safe;
- a parameter annotated `MarkdownText` (dashboard/formatting.py): the callers' arguments are then checked
  where the helper is called (SAFE_HELPERS lists such helpers by name).
Anything else (a parameter, a dict value, an attribute, a data frame cell) is a hit, even when it happens to be
safe today: escape it or render it as plain text (st.text, st.code, st.dataframe).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# call name -> (positional indexes, keyword names) that Streamlit renders as Markdown
_BODY = ((0,), ("body", "help"))
_LABEL = ((0,), ("label", "help", "placeholder"))
MARKDOWN_ARGUMENTS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "markdown": _BODY, "caption": _BODY, "title": _BODY, "header": _BODY, "subheader": _BODY,
    "info": _BODY, "warning": _BODY, "error": _BODY, "success": _BODY, "toast": _BODY, "exception": _BODY,
    "metric": ((0,), ("label", "help")),
    "expander": ((0,), ("label",)), "popover": _LABEL, "status": _LABEL, "tabs": ((0,), ("tabs",)),
    "button": _LABEL, "download_button": _LABEL, "link_button": _LABEL, "form_submit_button": _LABEL,
    "page_link": ((), ("label", "help")),
    "checkbox": _LABEL, "toggle": _LABEL, "text_input": _LABEL, "text_area": _LABEL, "number_input": _LABEL,
    "date_input": _LABEL, "time_input": _LABEL, "slider": _LABEL, "select_slider": _LABEL,
    "selectbox": _LABEL, "multiselect": _LABEL, "pills": _LABEL, "segmented_control": _LABEL,
    # a radio button's options are Markdown too (without a format_func that escapes them)
    "radio": ((0, 1), ("label", "help", "options", "captions")),
    # column_config columns: the header label and its help
    "Column": _LABEL, "TextColumn": _LABEL, "NumberColumn": _LABEL, "LinkColumn": _LABEL,
    "CheckboxColumn": _LABEL, "SelectboxColumn": _LABEL, "DatetimeColumn": _LABEL, "DateColumn": _LABEL,
    "TimeColumn": _LABEL, "ListColumn": _LABEL, "LineChartColumn": _LABEL, "BarChartColumn": _LABEL,
    "AreaChartColumn": _LABEL, "ProgressColumn": _LABEL, "ImageColumn": _LABEL, "JSONColumn": _LABEL,
}
"""st.write renders every positional argument; handled apart (WRITE)."""
WRITE = "write"

STREAMLIT_ROOTS = frozenset({"st", "sidebar", "column_config"})
"""A call counts when its receiver is `st` (st.sidebar, st.column_config, ...) or a name bound in the same
function to a Streamlit container (columns, tabs, containers: see _container_names)."""

SAFE_FORMATTERS = frozenset({
    "escape_markdown",  # dashboard/formatting.py: every Markdown special escaped
    "plain_label",  # dashboard/source_time.py: the same, line breaks flattened
    # figures and dates in words (dashboard/formatting.py): they never echo a string argument
    "format_value", "format_count", "format_rate", "format_score", "format_seconds", "format_money",
    "format_delta", "format_as_of", "target_text", "direction_words", "columns_in_words",
    "quote",  # urllib.parse.quote: percent-encodes every character but letters, digits and _.-~
    "viewer_message",  # dashboard/page_errors.py: a fixed sentence and a generated error id
    "len", "int", "float", "round", "abs", "min", "max", "sum", "bool",  # numbers
    "Timestamp", "date", "isoformat", "strftime",  # dates (a date's text is digits and dashes)
})

GROWING_METHODS = frozenset({"append", "extend", "insert", "add"})
"""A list built by `append` is as safe as everything put into it."""

SAFE_STRING_METHODS = frozenset({"lower", "upper", "title", "capitalize", "strip", "rstrip", "lstrip", "join",
                                 "format", "replace", "removesuffix", "removeprefix", "get"})
"""Safe when the receiver and every argument are (`", ".join(safe parts)`, `LABELS.get(key, "other")`)."""

TRUSTED_ATTRIBUTES = frozenset({
    "settings",  # ctx.settings...: the operator's cxpulse.toml, never an export or the URL
    "timezone",  # ctx.timezone: from the settings
    # a catalog metric's (sql/metrics/*.yml, in the repository) label, description and version, also as a
    # scorecard row carries them
    "label", "description", "version",
    "year", "month", "day", "hour", "minute", "days",  # parts of a date or a duration: numbers
})
"""Attributes whose values come from the repository or the operator's configuration (the only allow-list of
names; everything else is proved from its assignments)."""

_NUMERIC_SPEC_ENDINGS = tuple("dfFeEgGn%bxXo")


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    call: str
    source: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.call}({self.source})"


def _receiver_root(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _container_names(function: ast.AST) -> set[str]:
    """Names bound to what a call on `st` returns (st.columns(...), st.tabs(...), st.container(), with ... as x)."""
    names: set[str] = set()
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets, value = [node.optional_vars], node.context_expr
        elif isinstance(node, (ast.For, ast.comprehension)):
            targets, value = [node.target], node.iter
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("zip",
                                                                                                        "enumerate"):
                value = value.args[0] if value.func.id == "enumerate" else value.args[-1]
        if value is not None and _receiver_root(value) in STREAMLIT_ROOTS | names:
            for target in targets:
                names |= {leaf.id for leaf in ast.walk(target) if isinstance(leaf, ast.Name)}
    return names


def _is_numeric_spec(spec: ast.expr | None) -> bool:
    """A format spec a string would reject: a number's (`,`, `.1f`, `%`) or a date's (`%d %b %Y`)."""
    if not isinstance(spec, ast.JoinedStr) or not spec.values:
        return False
    text = "".join(part.value for part in spec.values if isinstance(part, ast.Constant) and isinstance(part.value, str))
    return text.endswith(_NUMERIC_SPEC_ENDINGS) or "," in text or "%" in text


class _Scope:
    """The assignments visible to one function (its own, then the module's), and its parameters."""

    def __init__(self, module: ast.Module | None, function: ast.AST | None) -> None:
        self.assigned: dict[str, list[ast.expr | None]] = {}
        self.parameters: set[str] = set()
        self.function = function
        if module is None:
            return
        self._collect(module, top_level_only=True)
        if function is not None:
            self._collect(function, top_level_only=False)
            arguments = function.args  # type: ignore[attr-defined]
            names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
            self.parameters = set(names) - set(self.assigned)  # a reassigned parameter: unknown
            for name in set(names) & set(self.assigned):
                self.assigned[name].append(None)

    def with_names(self, names: set[str]) -> _Scope:
        """This scope with `names` bound to unknown values (a lambda's parameters)."""
        inner = _Scope(None, self.function)
        inner.assigned = {**self.assigned, **{name: [None] for name in names}}
        inner.parameters = self.parameters - names
        return inner

    def with_loops(self, generators: list[ast.comprehension]) -> _Scope:
        """This scope with a comprehension's loop names bound."""
        inner = _Scope(None, self.function)
        inner.assigned, inner.parameters = dict(self.assigned), set(self.parameters)
        for generator in generators:
            found: dict[str, list[ast.expr | None]] = {}
            self._bind_loop(found, generator.target, generator.iter)
            inner.assigned.update(found)
            inner.parameters -= set(found)
        return inner

    def _collect(self, tree: ast.AST, top_level_only: bool) -> None:
        nodes = tree.body if top_level_only else list(_own_nodes(tree))  # type: ignore[attr-defined]
        found: dict[str, list[ast.expr | None]] = {}
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(found, target, node.value)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                self._bind(found, node.target, node.value)
            elif isinstance(node, ast.AugAssign):
                self._bind(found, node.target, node.value)
            elif isinstance(node, ast.For):
                self._bind_loop(found, node.target, node.iter)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind(found, node.optional_vars, None)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                found.setdefault(node.name, []).append(None)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Name) and node.func.attr in GROWING_METHODS and node.args):
                # parts.append(x), parts.extend(xs), parts.insert(0, x): the list holds x too
                found.setdefault(node.func.value.id, []).append(node.args[-1])
        for name, values in found.items():
            self.assigned[name] = values  # a function's own names shadow the module's

    @staticmethod
    def _bind(found: dict[str, list[ast.expr | None]], target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(value)
        elif (isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
              and len(target.elts) == len(value.elts)):  # a, b = "x", "y"
            for one_target, one_value in zip(target.elts, value.elts, strict=True):
                _Scope._bind(found, one_target, one_value)
        else:  # unpacking, attributes, subscripts: unknown values
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    found.setdefault(leaf.id, []).append(None)

    @staticmethod
    def _bind_loop(found: dict[str, list[ast.expr | None]], target: ast.expr, iterable: ast.expr) -> None:
        if isinstance(target, ast.Name) and isinstance(iterable, (ast.Tuple, ast.List)):
            found.setdefault(target.id, []).extend(iterable.elts)
        else:
            _Scope._bind(found, target, None)


class Project:
    """The modules scanned together: a call to a function defined among them is safe when everything it returns
    is; a parameter is safe when every call of its function passes a safe value (or leaves the safe default)."""

    def __init__(self, modules: dict[str, ast.Module], constant_modules: dict[str, ast.Module] | None = None) -> None:
        self.modules = modules
        self.constants: dict[str, list[tuple[ast.expr | None, _Scope]]] = {}
        for module in {**(constant_modules or {}), **modules}.values():
            scope = _Scope(module, None)
            for name, values in scope.assigned.items():
                if name.isupper():
                    self.constants.setdefault(name, []).extend((value, scope) for value in values)
        self.functions: dict[str, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.Module]]] = {}
        self.calls: dict[str, list[tuple[ast.Call, _Scope]]] = {}
        for module in modules.values():
            for function in _functions(module):
                if function is not None:
                    self.functions.setdefault(function.name, []).append((function, module))  # type: ignore[union-attr]
                for call in _own_calls(function if function is not None else module):
                    name = _called_name(call)
                    if name is not None:
                        self.calls.setdefault(name, []).append((call, _Scope(module, function)))
        self._returns: dict[int, bool] = {}
        self._parameters: dict[tuple[int, str], bool] = {}

    def returns_safe(self, name: str, seen: frozenset[str]) -> bool:
        """Every function of that name (the call cannot say which) returns only safe values."""
        defined = self.functions.get(name)
        if not defined:  # not ours (a library's): not provable
            return False
        for function, module in defined:
            if id(function) not in self._returns:
                self._returns[id(function)] = False  # recursion: assume unsafe while proving
                scope = _Scope(module, function)
                returns = [node.value for node in _own_nodes(function) if isinstance(node, ast.Return)]
                self._returns[id(function)] = bool(returns) and all(
                    self.is_safe(value, scope, seen) for value in returns)
            if not self._returns[id(function)]:
                return False
        return True

    def constant_safe(self, name: str, seen: frozenset[str]) -> bool:
        """An UPPER_CASE name defined at the top of the scanned or CONSTANT_MODULES modules, safe everywhere."""
        defined = self.constants.get(name)
        return bool(defined) and all(self.is_safe(value, scope, seen | {f"constant:{name}"})
                                     for value, scope in defined)

    def parameter_safe(self, function: ast.AST, parameter: str, seen: frozenset[str]) -> bool:
        key = (id(function), parameter)
        if key not in self._parameters:
            self._parameters[key] = False  # recursion: assume unsafe while proving
            self._parameters[key] = self._every_call_passes_safe(function, parameter, seen)
        return self._parameters[key]

    def _every_call_passes_safe(self, function: ast.AST, parameter: str, seen: frozenset[str]) -> bool:
        name = function.name  # type: ignore[attr-defined]
        if len(self.functions.get(name, [])) != 1 or not self.calls.get(name):
            return False
        arguments = function.args  # type: ignore[attr-defined]
        positional = [a.arg for a in arguments.posonlyargs + arguments.args]
        defaults = dict(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults, strict=True))
        defaults |= {a.arg: d for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d}
        offset = 1 if positional[:1] in (["self"], ["cls"]) else 0
        for call, scope in self.calls[name]:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                return False
            passed = {k.arg: k.value for k in call.keywords}
            for index, value in enumerate(call.args):
                if index + offset < len(positional):
                    passed[positional[index + offset]] = value
            value = passed.get(parameter, defaults.get(parameter))
            if not self.is_safe(value, scope, seen):
                return False
        return True

    def culprit(self, node: ast.expr, scope: _Scope) -> ast.expr:
        """The innermost part of an unsafe `node` that is unsafe itself (what a hit names)."""
        parts: list[ast.expr] = []
        if isinstance(node, ast.JoinedStr):
            parts = [p.value for p in node.values if isinstance(p, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp):
            parts = [node.left, node.right]
        elif isinstance(node, ast.IfExp):
            parts = [node.body, node.orelse]
        elif isinstance(node, (ast.BoolOp,)):
            parts = list(node.values)
        elif isinstance(node, (ast.Tuple, ast.List)):
            parts = list(node.elts)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SAFE_STRING_METHODS:
            parts = [node.func.value, *node.args]
        for part in parts:
            if not self.is_safe(part, scope):
                return self.culprit(part, scope)
        return node

    def formats_safely(self, call: ast.Call, scope: _Scope) -> bool:
        """A widget whose format_func makes every option safe: escape_markdown, a safe table's `.get`, or a
        function of ours returning only safe text."""
        for keyword in call.keywords:
            if keyword.arg == "format_func":
                shown = keyword.value
                if isinstance(shown, ast.Attribute) and shown.attr == "get":
                    return self.is_safe(shown.value, scope)
                if isinstance(shown, ast.Lambda):
                    return self.is_safe(shown.body, scope.with_names(
                        {argument.arg for argument in shown.args.args}))
                name = shown.id if isinstance(shown, ast.Name) else getattr(shown, "attr", "")
                return name in SAFE_FORMATTERS or self.returns_safe(name, frozenset())
        return False

    def is_safe(self, node: ast.expr | None, scope: _Scope, seen: frozenset[str] = frozenset()) -> bool:
        """Whether `node` is provably not text from an export or the URL (see the module's docstring)."""
        if node is None:
            return False
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.is_safe(part, scope, seen) for part in node.values)
        if isinstance(node, ast.FormattedValue):
            return node.conversion not in (ord("r"), ord("a")) and (
                _is_numeric_spec(node.format_spec) or self.is_safe(node.value, scope, seen))
        if isinstance(node, ast.BinOp):
            return self.is_safe(node.left, scope, seen) and self.is_safe(node.right, scope, seen)
        if isinstance(node, (ast.Compare, ast.UnaryOp)):
            return True  # booleans and signed numbers
        if isinstance(node, ast.IfExp):
            return self.is_safe(node.body, scope, seen) and self.is_safe(node.orelse, scope, seen)
        if isinstance(node, ast.BoolOp):
            return all(self.is_safe(value, scope, seen) for value in node.values)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return all(self.is_safe(element, scope, seen) for element in node.elts)
        if isinstance(node, ast.Dict):
            return all(self.is_safe(value, scope, seen) for value in node.values)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
            return self.is_safe(node.elt, scope.with_loops(node.generators), seen)
        if isinstance(node, ast.Call):
            return self._is_safe_call(node, scope, seen)
        if isinstance(node, ast.Attribute):
            if node.attr.isupper():
                return self.constant_safe(node.attr, seen)
            chain: ast.expr = node
            while isinstance(chain, ast.Attribute):  # ctx.settings.capacity.horizon_days: from the settings
                if chain.attr in TRUSTED_ATTRIBUTES:
                    return True
                chain = chain.value
            return False
        if isinstance(node, ast.Subscript):  # an item of a safe constant table (LABELS[key])
            return self.is_safe(node.value, scope, seen)
        if isinstance(node, ast.Name):
            return self._is_safe_name(node.id, scope, seen)
        return False

    def _is_safe_name(self, name: str, scope: _Scope, seen: frozenset[str]) -> bool:
        key = f"{id(scope.function)}:{name}"
        if key in seen:
            return True  # a name built from itself (`text += ...`): its other assignments decide
        if name in scope.parameters:
            return self.parameter_safe(scope.function, name, seen | {key})
        if name not in scope.assigned:
            return name.isupper() and self.constant_safe(name, seen)  # imported
        return all(self.is_safe(value, scope, seen | {key}) for value in scope.assigned[name])

    def _is_safe_call(self, node: ast.Call, scope: _Scope, seen: frozenset[str]) -> bool:
        function = node.func
        name = _called_name(node)
        if name in SAFE_FORMATTERS:
            return True
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(function, ast.Attribute) and name in SAFE_STRING_METHODS:
            return self.is_safe(function.value, scope, seen) and all(
                self.is_safe(argument, scope, seen) for argument in arguments)
        if name == "str":
            return all(self.is_safe(argument, scope, seen) for argument in arguments)
        return name is not None and self.returns_safe(name, seen)


def _called_name(call: ast.Call) -> str | None:
    function = call.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)


def _own_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `tree` outside any nested function or lambda."""
    stack = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _markdown_arguments(call: ast.Call, name: str, options_safe: bool) -> Iterator[ast.expr]:
    if name == WRITE:
        yield from call.args
        return
    positions, keywords = MARKDOWN_ARGUMENTS[name]
    for index in positions:
        if index < len(call.args) and not (name == "radio" and index == 1 and options_safe):
            yield call.args[index]
    for keyword in call.keywords:
        if keyword.arg in keywords and not (keyword.arg == "options" and options_safe):
            yield keyword.value


def _functions(module: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef | None]:
    """None for the module's own code, then every function and method."""
    yield None
    for node in ast.walk(module):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _own_calls(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls in `tree` outside any nested function (each function is scanned on its own)."""
    return (node for node in _own_nodes(tree) if isinstance(node, ast.Call))


def unsafe_markdown_calls(modules: dict[str, ast.Module],
                          constant_modules: dict[str, ast.Module] | None = None) -> list[Hit]:
    """Every Markdown-rendering Streamlit call in `modules` (path -> parsed source) with an argument not
    provably safe."""
    project = Project(modules, constant_modules)
    hits: list[Hit] = []
    for path, module in modules.items():
        for function in _functions(module):
            tree = function if function is not None else module
            scope = _Scope(module, function)
            containers = STREAMLIT_ROOTS | _container_names(tree)
            for call in _own_calls(tree):
                if not isinstance(call.func, ast.Attribute):
                    continue
                name = call.func.attr
                if name != WRITE and name not in MARKDOWN_ARGUMENTS:
                    continue
                if _receiver_root(call.func.value) not in containers:
                    continue
                for argument in _markdown_arguments(call, name, project.formats_safely(call, scope)):
                    if not project.is_safe(argument, scope):
                        culprit = project.culprit(argument, scope)
                        hits.append(Hit(path, argument.lineno, name, ast.unparse(culprit)[:100]))
    return sorted(hits, key=lambda hit: (hit.path, hit.line))


def scan_source(source: str) -> list[Hit]:
    """unsafe_markdown_calls over one module's source (for the scanner's own tests)."""
    return unsafe_markdown_calls({"<string>": ast.parse(source)})


def parse_folder(folder: Path) -> dict[str, ast.Module]:
    """Every .py file under `folder`, parsed, by its path relative to the folder's parent."""
    return {str(path.relative_to(folder.parent)): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(folder.rglob("*.py"))}


def scan_folder(folder: Path, constant_folders: tuple[Path, ...] = ()) -> list[Hit]:
    """unsafe_markdown_calls over every .py file under `folder`; UPPER_CASE constants may also come from the
    modules under `constant_folders` (the ETL's thresholds a page quotes)."""
    constants: dict[str, ast.Module] = {}
    for other in constant_folders:
        constants |= parse_folder(other)
    return unsafe_markdown_calls(parse_folder(folder), constants)
