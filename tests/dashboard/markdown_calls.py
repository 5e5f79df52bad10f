"""A static scan of dashboard/** for text handed to a Streamlit call that renders it as Markdown (issue 13).

Streamlit reads as Markdown the body of st.markdown, st.write, st.caption, st.title/header/subheader,
st.info/warning/error/success, st.toast, and the label, help and options of widgets, metrics, tabs,
expanders and column_config columns. A value from an export file or the URL reaching one of them unescaped
is stored or reflected injection (a live link, a remote image). This module finds every such call whose
argument is not provably safe (pure functions over the AST; the test is test_markdown_guard.py).

Provably safe, and nothing else (each rule is one branch of Project.is_safe):
- a literal; an f-string, `+`/`%` concatenation, `a if c else b`, `a or b`, tuple, list or dict of safe parts;
- an f-string field with a format spec a string would reject (`{count:,}`, `{rate:.1%}`, `{day:%d %b %Y}`);
- a call of `escape_markdown` or of another of SAFE_FORMATTERS (figures, dates, fixed words: listed by name);
- a call of a function of dashboard/** (or etl/**) whose every `return` is safe, or annotated to return a number;
- a string method (SAFE_STRING_METHODS: `", ".join(parts)`, `LABELS.get(key, "other")`) of safe parts;
- a name whose every assignment, `+=`, `.append(...)` and `for` loop source is safe; a parameter whose every
  call site in dashboard/** passes a safe value (or leaves a safe default);
- an UPPER_CASE constant whose module-level value is safe (in dashboard/** or etl/**);
- an attribute of the configuration or of the metric catalog: TRUSTED_ATTRIBUTES by name, and any attribute of a
  value of TRUSTED_TYPES (a parameter annotated `metric: Metric`, a function returning `list[ScorecardRow]`).
Anything else (a data frame cell, a warehouse row, an exception's text, a widget's value) is a hit: escape it
with escape_markdown or render it as plain text (st.text, st.code, st.dataframe).
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
    "selectbox": _LABEL, "multiselect": _LABEL,
    # the options of a radio, pills and a segmented control are Markdown too (unless format_func makes them safe)
    "radio": ((0, 1), ("label", "help", "options", "captions")),
    "pills": ((0, 1), ("label", "help", "options")), "segmented_control": ((0, 1), ("label", "help", "options")),
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

NUMBER_TYPES = frozenset({"int", "float", "bool", "date", "datetime", "Timestamp", "None"})
"""A function annotated to return only these returns no text."""

SAFE_STRING_METHODS = frozenset({"lower", "upper", "title", "capitalize", "strip", "rstrip", "lstrip", "join",
                                 "format", "replace", "removesuffix", "removeprefix", "get", "split"})
"""Safe when the receiver and every argument are (`", ".join(safe parts)`, `LABELS.get(key, "other")`)."""

TRUSTED_ATTRIBUTES = frozenset({
    "settings",  # ctx.settings...: the operator's cxpulse.toml, never an export or the URL
    "timezone",  # ctx.timezone: from the settings
    # a catalog metric's (sql/metrics/*.yml, in the repository) label, description and version, also as a
    # scorecard row carries them
    "label", "description", "version",
    "year", "month", "day", "hour", "minute", "days",  # parts of a date or a duration: numbers
})
"""Attributes whose values come from the repository or the operator's configuration."""

TRUSTED_TYPES = frozenset({
    "Metric", "Variant",  # etl/catalog.py: the metric catalog, sql/metrics/*.yml in the repository
    "Settings",  # etl/config.py: the operator's cxpulse.toml
    # dashboard/scorecard.py and dashboard/measure_evidence.py: figures formatted by SAFE_FORMATTERS, catalog words,
    # and not-measured reasons, which are literals of sql/marts (marts.metric_evidence_coverage) or of the module
    "ScorecardRow", "FigureState",
})
"""A parameter annotated with one of these (`metric: Metric`, `catalog: dict[str, Metric]`), or a value returned by
a function annotated so, holds only repository or configuration text: every attribute and item of it is safe."""

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


PARAMETER = ast.Constant(value=None)
"""Stands for a parameter's value among a reassigned parameter's assignments."""


class _Scope:
    """The assignments visible to one function (its own, then the module's), and its parameters."""

    def __init__(self, module: ast.Module | None, function: ast.AST | None) -> None:
        self.assigned: dict[str, list[ast.expr | None]] = {}
        self.parameters: set[str] = set()
        self.trusted: set[str] = set()  # parameters annotated with a TRUSTED_TYPES type
        self.function = function
        if module is None:
            return
        self._collect(module, top_level_only=True)
        if function is not None:
            self._collect(function, top_level_only=False)
            arguments = function.args  # type: ignore[attr-defined]
            every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
            names = [a.arg for a in every]
            self.trusted = {a.arg for a in every if _mentions_trusted_type(a.annotation)} - set(self.assigned)
            self.parameters = set(names) - set(self.assigned)
            for name in set(names) & set(self.assigned):  # a reassigned parameter: its calls and assignments
                self.assigned[name].append(PARAMETER)

    def with_names(self, names: set[str]) -> _Scope:
        """This scope with `names` bound to unknown values (a lambda's parameters)."""
        inner = _Scope(None, self.function)
        inner.assigned = {**self.assigned, **{name: [None] for name in names}}
        inner.parameters, inner.trusted = self.parameters - names, self.trusted - names
        return inner

    def with_loops(self, generators: list[ast.comprehension]) -> _Scope:
        """This scope with a comprehension's loop names bound."""
        inner = _Scope(None, self.function)
        inner.assigned, inner.parameters, inner.trusted = dict(self.assigned), set(self.parameters), set(self.trusted)
        for generator in generators:
            found: dict[str, list[ast.expr | None]] = {}
            self._bind_loop(found, generator.target, generator.iter)
            inner.assigned.update(found)
            inner.parameters -= set(found)
            inner.trusted -= set(found)
        return inner

    def _collect(self, tree: ast.AST, top_level_only: bool) -> None:
        nodes = tree.body if top_level_only else list(_own_nodes(tree))  # type: ignore[attr-defined]
        found: dict[str, list[ast.expr | None]] = {}
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(found, target, node.value)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr, ast.AugAssign)) and node.value is not None:
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
        """`target = value`. Unpacking binds each name to the whole value: a container is safe when everything
        in it is, so each part of a safe one is safe (`anchor, late = words(...)`)."""
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(value)
        elif (isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
              and len(target.elts) == len(value.elts)):  # a, b = "x", "y"
            for one_target, one_value in zip(target.elts, value.elts, strict=True):
                _Scope._bind(found, one_target, one_value)
        elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    found.setdefault(leaf.id, []).append(value)
        # attributes and subscripts bind no name

    @staticmethod
    def _bind_loop(found: dict[str, list[ast.expr | None]], target: ast.expr, iterable: ast.expr) -> None:
        """`for target in iterable`: each name is as safe as the iterable (its elements, a dict's keys and
        values); enumerate's count is a number; zip's parts pair with its arguments."""
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.args:
            if iterable.func.id == "enumerate" and isinstance(target, ast.Tuple) and len(target.elts) == 2:
                _Scope._bind(found, target.elts[0], ast.Constant(0))
                _Scope._bind_loop(found, target.elts[1], iterable.args[0])
                return
            if (iterable.func.id == "zip" and isinstance(target, ast.Tuple)
                    and len(target.elts) == len(iterable.args)):
                for one_target, one_iterable in zip(target.elts, iterable.args, strict=True):
                    _Scope._bind_loop(found, one_target, one_iterable)
                return
            if iterable.func.id in ("sorted", "reversed", "list", "tuple", "set"):
                _Scope._bind_loop(found, target, iterable.args[0])
                return
        if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
                and iterable.func.attr in ("items", "values", "keys") and not iterable.args):
            iterable = iterable.func.value
        if isinstance(target, ast.Name) and isinstance(iterable, (ast.Tuple, ast.List)):
            found.setdefault(target.id, []).extend(iterable.elts)
            return
        if (isinstance(target, ast.Tuple) and isinstance(iterable, (ast.Tuple, ast.List))
                and all(isinstance(row, ast.Tuple) and len(row.elts) == len(target.elts) for row in iterable.elts)):
            for position, one_target in enumerate(target.elts):  # for a, b in (("x", 1), ("y", 2))
                _Scope._bind_loop(found, one_target, ast.Tuple([row.elts[position] for row in iterable.elts]))
            return
        for leaf in ast.walk(target):
            if isinstance(leaf, ast.Name):
                found.setdefault(leaf.id, []).append(iterable)


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
        for module in (constant_modules or {}).values():  # the ETL's functions a page calls
            for function in _functions(module):
                if function is not None:
                    self.functions.setdefault(function.name, []).append((function, module))
            for node in module.body:  # `from x import NAME as ALIAS`: the alias names the same constant
                for alias in node.names if isinstance(node, ast.ImportFrom) else ():
                    if alias.asname and alias.name in self.constants:
                        self.constants.setdefault(alias.asname, self.constants[alias.name])
        for module in modules.values():
            for node in module.body:
                for alias in node.names if isinstance(node, ast.ImportFrom) else ():
                    if alias.asname and alias.name in self.constants:
                        self.constants.setdefault(alias.asname, self.constants[alias.name])
        self._returns: dict[int, bool] = {}
        self._parameters: dict[tuple[int, str], bool] = {}

    def returns_safe(self, name: str, seen: frozenset[str]) -> bool:
        """Every function of that name (the call cannot say which) returns only safe values."""
        defined = self.functions.get(name)
        if not defined:  # not ours (a library's): not provable
            return False
        for function, module in defined:
            if _annotation_names(function.returns) and _annotation_names(function.returns) <= NUMBER_TYPES:
                continue  # `-> int`: a number whatever it computes
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
            parts = [part for part in node.values if isinstance(part, ast.FormattedValue)]
        elif isinstance(node, ast.FormattedValue):
            parts = [node.value]
        elif isinstance(node, ast.BinOp):
            parts = [node.left, node.right]
        elif isinstance(node, ast.IfExp):
            parts = [node.body, node.orelse]
        elif isinstance(node, (ast.BoolOp,)):
            parts = list(node.values)
        elif isinstance(node, (ast.Tuple, ast.List)):
            parts = list(node.elts)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in SAFE_STRING_METHODS):
            parts = [node.func.value, *node.args]
        elif isinstance(node, ast.Call) and _called_name(node) == "str":
            parts = list(node.args)
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
        if isinstance(node, ast.Dict):  # keys and values (a `**mapping` has no key)
            return all(self.is_safe(part, scope, seen) for part in [*node.keys, *node.values] if part is not None
                       ) and all(key is not None for key in node.keys)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            return self.is_safe(node.elt, scope.with_loops(node.generators), seen)
        if isinstance(node, ast.DictComp):
            inner = scope.with_loops(node.generators)
            return self.is_safe(node.key, inner, seen) and self.is_safe(node.value, inner, seen)
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
            return self.is_trusted_object(node.value, scope, seen)
        if isinstance(node, ast.Subscript):  # an item of a safe constant table (LABELS[key])
            return self.is_safe(node.value, scope, seen) or self.is_trusted_object(node.value, scope, seen)
        if isinstance(node, ast.Name):
            return self._is_safe_name(node.id, scope, seen)
        return False

    def is_trusted_object(self, node: ast.expr, scope: _Scope, seen: frozenset[str]) -> bool:
        """A value of one of TRUSTED_TYPES, or an attribute, item or `.get/.values()` of one; `ctx.settings.x`."""
        chain = node
        while isinstance(chain, ast.Attribute):
            if chain.attr == "settings":
                return True
            chain = chain.value
        while isinstance(node, (ast.Attribute, ast.Subscript)) or (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "values", "items")):
            node = node.func.value if isinstance(node, ast.Call) else node.value  # type: ignore[union-attr]
        if isinstance(node, ast.Call):
            defined = self.functions.get(_called_name(node) or "", [])
            return bool(defined) and all(_mentions_trusted_type(function.returns) for function, _ in defined)
        if not isinstance(node, ast.Name):
            return False
        if node.id in scope.trusted:
            return True
        key = f"{id(scope.function)}:trusted:{node.id}"
        values = scope.assigned.get(node.id)
        if key in seen or not values:
            return False
        return all(value is not None and (
            self.is_trusted_object(value, scope, seen | {key})
            or (isinstance(value, (ast.ListComp, ast.GeneratorExp)) and self.is_trusted_object(
                value.elt, scope.with_loops(value.generators), seen | {key}))
            or (isinstance(value, ast.DictComp) and self.is_trusted_object(
                value.value, scope.with_loops(value.generators), seen | {key})))
            for value in values)

    def _is_safe_name(self, name: str, scope: _Scope, seen: frozenset[str]) -> bool:
        key = f"{id(scope.function)}:{name}"
        if key in seen:
            return True  # a name built from itself (`text += ...`): its other assignments decide
        if name in scope.parameters:
            return self.parameter_safe(scope.function, name, seen | {key})
        if name not in scope.assigned:
            return name.isupper() and self.constant_safe(name, seen)  # imported
        return all(self.parameter_safe(scope.function, name, seen | {key}) if value is PARAMETER
                   else self.is_safe(value, scope, seen | {key}) for value in scope.assigned[name])

    def _is_safe_call(self, node: ast.Call, scope: _Scope, seen: frozenset[str]) -> bool:
        function = node.func
        name = _called_name(node)
        if name in SAFE_FORMATTERS:
            return True
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(function, ast.Attribute) and name == "get":  # TABLE.get(key, default): a value or the default
            return self.is_safe(function.value, scope, seen) and (
                len(node.args) < 2 or self.is_safe(node.args[1], scope, seen))
        if isinstance(function, ast.Attribute) and name in SAFE_STRING_METHODS:
            return self.is_safe(function.value, scope, seen) and all(
                self.is_safe(argument, scope, seen) for argument in arguments)
        if name == "str":
            return all(self.is_safe(argument, scope, seen) for argument in arguments)
        if isinstance(function, ast.Attribute) and self.is_trusted_object(function.value, scope, seen):
            return True  # a method of a trusted object (state.words(...)): its own text
        return name is not None and self.returns_safe(name, seen)


def _annotation_names(annotation: ast.expr | None) -> set[str]:
    return {leaf.id for leaf in ast.walk(annotation) if isinstance(leaf, ast.Name)} if annotation else set()


def _mentions_trusted_type(annotation: ast.expr | None) -> bool:
    return annotation is not None and any(
        (isinstance(leaf, ast.Name) and leaf.id in TRUSTED_TYPES) or (isinstance(leaf, ast.Constant)
        and isinstance(leaf.value, str) and any(kind in leaf.value for kind in TRUSTED_TYPES))
        for leaf in ast.walk(annotation))


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
        if index < len(call.args) and not (index == 1 and options_safe):
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
