"""Promoting a discovered cluster to an intent of the deployment's taxonomy file.

`promote_cluster` is pure: the file's text in, the new text out, with one intent appended to its `intents` list
as a block of YAML and every other line (comments included) left as it was. The new intent carries the
keywords the user chose (usually the cluster's top terms) as rules, so the next `cxpulse build` labels the
contacts they match and those contacts then train the classifier. `write_taxonomy` writes the text only after
the whole taxonomy (with the packs it extends) reloads without error.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path

import yaml

from etl.intents.taxonomy import NAME_PATTERN, PACKS, UNCLASSIFIED, TaxonomyError, load_taxonomy

_INTENTS_KEY = re.compile(r"^intents:\s*(#.*)?$")
_INLINE_EMPTY = re.compile(r"^intents:\s*\[\s*\]\s*(#.*)?$")
_TOP_LEVEL = re.compile(r"^[^\s#-]")
_ITEM = re.compile(r"^(\s*)- ")


class PromotionError(ValueError):
    """The promotion was refused (bad name, unknown parent, no keyword, a file that cannot take it)."""


def _clean(values: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        text = " ".join(str(value).split())
        if text and text.lower() not in {v.lower() for v in seen}:
            seen.append(text)
    return seen


def intent_block(name: str, label: str, description: str, parent: str | None, keywords: Sequence[str],
                 indent: str) -> list[str]:
    """The new intent as YAML lines of a block sequence item at `indent`."""
    item: dict[str, object] = {"name": name, "label": label}
    if description:
        item["description"] = description
    if parent:
        item["parent"] = parent
    item["rules"] = {"keywords": list(keywords)}
    dumped = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    return [indent + line for line in dumped.splitlines()]


def promote_cluster(taxonomy_text: str, *, name: str, label: str, description: str = "",
                    parent: str | None = None, keywords: Sequence[str], known_intents: Collection[str],
                    comment: str | None = None) -> str:
    """The taxonomy text with the intent `name` appended (rules: `keywords`).

    `known_intents` are the names the taxonomy already has (its own and those of the packs it extends): the
    new name must not be one of them, and the parent must be. `comment` (one line) goes above the new intent.
    """
    name = name.strip()
    label = " ".join(label.split())
    description = " ".join(description.split())
    parent = (parent or "").strip() or None
    if not NAME_PATTERN.match(name):
        raise PromotionError(f"name {name!r} must start with a lower case letter and hold only lower case letters,"
                             " digits and underscores")
    if name == UNCLASSIFIED:
        raise PromotionError(f"{UNCLASSIFIED!r} is reserved for contacts without an intent")
    if name in known_intents:
        raise PromotionError(f"the taxonomy already has an intent {name!r}")
    if not label:
        raise PromotionError("the intent needs a label")
    if parent is not None and parent not in known_intents:
        raise PromotionError(f"parent {parent!r} is not an intent of the taxonomy")
    words = _clean(keywords)
    if not words:
        raise PromotionError("give at least one keyword: the rule is what labels the cluster's contacts")

    lines = taxonomy_text.splitlines()
    start = next((i for i, line in enumerate(lines) if _INTENTS_KEY.match(line) or _INLINE_EMPTY.match(line)), None)
    if start is None:
        if any(line.startswith("intents:") for line in lines):
            raise PromotionError("the file's intents list is written inline: write it as a block list first")
        indent = "  "
        lines = [*lines, "intents:"]
        insert_at = len(lines)
    else:
        if _INLINE_EMPTY.match(lines[start]):
            lines[start] = "intents:"
        end = next((i for i in range(start + 1, len(lines)) if _TOP_LEVEL.match(lines[i])), len(lines))
        content = [i for i in range(start + 1, end) if lines[i].strip() and not lines[i].startswith("#")]
        insert_at = content[-1] + 1 if content else start + 1
        first_item = next((_ITEM.match(lines[i]) for i in content if _ITEM.match(lines[i])), None)
        indent = first_item.group(1) if first_item else "  "
    block = intent_block(name, label, description, parent, words, indent)
    if comment:
        block = [f"{indent}# {' '.join(comment.split())}", *block]
    new_lines = [*lines[:insert_at], *block, *lines[insert_at:]]
    new_text = "\n".join(new_lines) + "\n"
    _check_only_appended(taxonomy_text, new_text, name)
    return new_text


def _check_only_appended(old_text: str, new_text: str, name: str) -> None:
    try:
        old = yaml.safe_load(old_text) or {}
        new = yaml.safe_load(new_text)
    except yaml.YAMLError as error:
        raise PromotionError(f"the taxonomy is not valid YAML: {error}") from error
    if not isinstance(old, dict) or not isinstance(new, dict):
        raise PromotionError("a taxonomy is a mapping with `intents` (and optionally `extends`)")
    old_intents = old.get("intents") or []
    new_intents = new.get("intents") or []
    if {k: v for k, v in new.items() if k != "intents"} != {k: v for k, v in old.items() if k != "intents"} or (
            new_intents[:-1] != old_intents or not new_intents or new_intents[-1].get("name") != name):
        raise PromotionError("the file's layout did not allow appending the intent safely; add it by hand")


def write_taxonomy(path: Path, new_text: str) -> None:
    """Write `new_text` to `path` once it loads as a whole taxonomy (a temporary file beside it is loaded, so
    `extends` resolves the same way); a shipped pack is never written."""
    path = Path(path)
    if path.resolve() in {p.resolve() for p in PACKS.values()}:
        raise PromotionError("the configured taxonomy is a shipped pack: set [intents] taxonomy to a file of your"
                             " own (for example one that says `extends: starter`)")
    handle, temporary = tempfile.mkstemp(prefix=".taxonomy-", suffix=".yml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(new_text)
        try:
            load_taxonomy(temporary)
        except TaxonomyError as error:
            raise PromotionError(f"the new taxonomy does not load: {error}") from error
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
