"""The intent taxonomy: a YAML file of intents, each with a label, a description, an optional parent, optional
rules (keywords and regular expressions) and the vendor values that mean it.

    extends: starter            # optional: a shipped pack (starter, demo) or a path relative to this file
    intents:
      - name: password_reset    # lower case letters, digits and underscores
        label: Password reset
        description: The customer cannot sign in because of a forgotten or expired password.
        parent: account_access  # optional; an intent of this file or of the file it extends
        rules:                  # optional; case-insensitive and word-bounded
          keywords: [reset my password, forgot password]
          regexes: ['pass ?word (reset|expired)']
        vendor_values:          # optional; source kind -> vendor field -> values (compared case-insensitively)
          zendesk: {tags: [password_reset]}
          salesforce: {Reason: [Password]}

Loading is pure (no warehouse): `load_taxonomy(path)` returns a `Taxonomy` or raises `TaxonomyError` naming the
file and line. A vendor value equal to an intent's name (case-insensitive, spaces read as underscores) maps to
that intent without being listed. `content_version` changes whenever anything that labels contacts changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

STARTER = "starter"
STARTER_PATH = Path(__file__).with_name("starter_taxonomy.yml")
DEMO_PATH = Path(__file__).with_name("demo_taxonomy.yml")
PACKS = {STARTER: STARTER_PATH, "demo": DEMO_PATH}
UNCLASSIFIED = "unclassified"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
INTENT_KEYS = {"name", "label", "description", "parent", "rules", "vendor_values"}
RULE_KEYS = {"keywords", "regexes"}
# The vendor fields each source kind's staging model lists (sql/staging/*/stg_*__intent_values.sql).
VENDOR_FIELDS: dict[str, tuple[str, ...]] = {
    "zendesk": ("tags", "custom_fields", "via_channel"),
    "salesforce": ("Reason", "Type"),
    "amazon_connect": ("attributes.intent", "contact_lens_category"),
    "genesys": ("wrap_up_code",),
    "mapped": ("intent",),
    "transcripts": ("intent",),
    "canonical": ("intent",),
}
_LINE = "__line__"


class TaxonomyError(ValueError):
    """The taxonomy file is missing, unreadable or inconsistent (the message names the file and line)."""


@dataclass(frozen=True)
class VendorValue:
    source_kind: str
    vendor_field: str
    vendor_value: str

    @property
    def value_key(self) -> str:
        return value_key(self.vendor_value)


@dataclass(frozen=True)
class Intent:
    name: str
    label: str
    description: str
    parent: str | None = None
    keywords: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    vendor_values: tuple[VendorValue, ...] = ()
    defined_in: str = ""


@dataclass(frozen=True)
class Taxonomy:
    """Intents in priority order: the deployment's own file first, then the file it extends."""

    intents: tuple[Intent, ...]
    files: tuple[Path, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(intent.name for intent in self.intents)

    def get(self, name: str) -> Intent:
        for intent in self.intents:
            if intent.name == name:
                return intent
        raise KeyError(name)

    def depth(self, name: str) -> int:
        depth, parent = 0, self.get(name).parent
        while parent is not None:
            depth, parent = depth + 1, self.get(parent).parent
        return depth

    @property
    def content_version(self) -> str:
        """A fingerprint of everything that labels contacts (names, parents, rules, vendor values)."""
        payload = [(i.name, i.parent, i.keywords, i.regexes,
                    sorted((v.source_kind, v.vendor_field, v.value_key) for v in i.vendor_values))
                   for i in self.intents]
        return "taxonomy-" + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]


def value_key(value: str) -> str:
    """How vendor values are compared: trimmed, lower case, runs of spaces as one underscore."""
    return re.sub(r"\s+", "_", str(value).strip().lower())


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under `__line__`."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        raise TaxonomyError(f"{where}: {what} must be a list of strings")
    texts = tuple(str(v).strip() for v in value)
    if any(not t for t in texts):
        raise TaxonomyError(f"{where}: {what} holds an empty value")
    return texts


def _vendor_values(raw: Any, where: str) -> tuple[VendorValue, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: vendor_values must map source kinds to fields")
    values = []
    for kind, fields in raw.items():
        if kind == _LINE:
            continue
        if kind not in VENDOR_FIELDS:
            raise TaxonomyError(f"{where}: unknown source kind {kind!r} (one of {', '.join(VENDOR_FIELDS)})")
        if not isinstance(fields, dict):
            raise TaxonomyError(f"{where}: vendor_values.{kind} must map fields to lists of values")
        for field_name, field_values in fields.items():
            if field_name == _LINE:
                continue
            if field_name not in VENDOR_FIELDS[kind]:
                raise TaxonomyError(f"{where}: {kind} has no intent field {field_name!r}"
                                    f" (one of {', '.join(VENDOR_FIELDS[kind])})")
            for value in _strings(field_values, where, f"vendor_values.{kind}.{field_name}"):
                values.append(VendorValue(kind, field_name, value))
    return tuple(values)


def _rules(raw: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: rules must be a mapping with keywords and/or regexes")
    unknown = set(raw) - RULE_KEYS - {_LINE}
    if unknown:
        raise TaxonomyError(f"{where}: unknown rule key(s) {', '.join(sorted(unknown))}")
    keywords = _strings(raw.get("keywords"), where, "rules.keywords")
    regexes = _strings(raw.get("regexes"), where, "rules.regexes")
    for pattern in regexes:
        try:
            re.compile(pattern)
        except re.error as error:
            raise TaxonomyError(f"{where}: regex {pattern!r} does not compile: {error}") from error
    return keywords, regexes


def _parse_intent(raw: Any, path: Path, index: int) -> Intent:
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{path}: intent {index + 1} is not a mapping")
    line = raw.get(_LINE, "?")
    where = f"{path}:{line}"
    unknown = set(raw) - INTENT_KEYS - {_LINE}
    if unknown:
        raise TaxonomyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise TaxonomyError(f"{where}: name {name!r} must be lower case letters, digits and underscores")
    if name == UNCLASSIFIED:
        raise TaxonomyError(f"{where}: {UNCLASSIFIED!r} is reserved for contacts without an intent")
    where = f"{where}: intent {name!r}"
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise TaxonomyError(f"{where} has no label")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise TaxonomyError(f"{where}: description must be text")
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise TaxonomyError(f"{where}: parent must be an intent name")
    keywords, regexes = _rules(raw.get("rules"), where)
    return Intent(name, label.strip(), description.strip(), parent, keywords, regexes,
                  _vendor_values(raw.get("vendor_values"), where), f"{path}:{line}")


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # a SafeLoader subclass
    except FileNotFoundError as error:
        raise TaxonomyError(f"taxonomy file not found: {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise TaxonomyError(f"cannot read taxonomy file {path}: {error}") from error
    except yaml.YAMLError as error:
        raise TaxonomyError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise TaxonomyError(f"{path}: a taxonomy is a mapping with `intents` (and optionally `extends`)")
    unknown = set(data) - {"extends", "intents", _LINE}
    if unknown:
        raise TaxonomyError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    return data


def _load_chain(path: Path, seen: tuple[Path, ...]) -> tuple[list[Intent], list[Path]]:
    path = path.resolve()
    if path in seen:
        raise TaxonomyError(f"{path}: extends itself through {' -> '.join(str(p) for p in seen)}")
    data = _read(path)
    raw_intents = data.get("intents") or []
    if not isinstance(raw_intents, list):
        raise TaxonomyError(f"{path}: intents must be a list")
    own = [_parse_intent(raw, path, i) for i, raw in enumerate(raw_intents)]
    extends = data.get("extends")
    if extends is None:
        return own, [path]
    if not isinstance(extends, str) or not extends.strip():
        raise TaxonomyError(f"{path}: extends must be a shipped pack ({', '.join(PACKS)}) or a file path")
    base_path = PACKS.get(extends, path.parent / extends)
    base, files = _load_chain(base_path, (*seen, path))
    return own + base, [path, *files]


def _check(intents: list[Intent]) -> None:
    by_name: dict[str, Intent] = {}
    for intent in intents:
        if intent.name in by_name:
            raise TaxonomyError(f"{intent.defined_in}: intent {intent.name!r} is already defined at"
                                f" {by_name[intent.name].defined_in}")
        by_name[intent.name] = intent
    for intent in intents:
        seen = [intent.name]
        parent = intent.parent
        while parent is not None:
            if parent not in by_name:
                raise TaxonomyError(f"{intent.defined_in}: intent {intent.name!r} has unknown parent {parent!r}")
            if parent in seen:
                raise TaxonomyError(f"{intent.defined_in}: parents of {intent.name!r} loop: {' -> '.join(seen)}")
            seen.append(parent)
            parent = by_name[parent].parent
    mapped: dict[tuple[str, str, str], Intent] = {}
    for intent in intents:
        for value in intent.vendor_values:
            key = (value.source_kind, value.vendor_field, value.value_key)
            other = mapped.get(key)
            if other is not None and other.name != intent.name:
                raise TaxonomyError(f"{intent.defined_in}: {value.source_kind} {value.vendor_field}"
                                    f" {value.vendor_value!r} is mapped to both {other.name!r} and {intent.name!r}")
            mapped[key] = intent


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """The taxonomy of `path` (the starter pack when None), with the files it extends."""
    intents, files = _load_chain(Path(path) if path is not None else STARTER_PATH, ())
    if not intents:
        raise TaxonomyError(f"{files[0]}: the taxonomy has no intents")
    _check(intents)
    return Taxonomy(tuple(intents), tuple(files))


def vendor_mapping_rows(taxonomy: Taxonomy) -> list[tuple[str, str, str, str, int]]:
    """(source_kind, vendor_field, value_key, intent, mapping_rank) rows: the listed values in priority order,
    then every intent's own name for any source and field ('*'), ranked after every listed value."""
    rows: list[tuple[str, str, str, str, int]] = []
    seen: set[tuple[str, str, str]] = set()
    for intent in taxonomy.intents:
        for value in intent.vendor_values:
            key = (value.source_kind, value.vendor_field, value.value_key)
            if key not in seen:
                seen.add(key)
                rows.append((*key, intent.name, len(rows) + 1))
    listed = len(rows)
    for index, intent in enumerate(taxonomy.intents):
        rows.append(("*", "*", intent.name, intent.name, listed + index + 1))
    return rows
