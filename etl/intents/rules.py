"""Rule matching: the taxonomy's keywords and regular expressions against a contact's first words.

Patterns are case-insensitive and word-bounded (a keyword never matches inside a longer word; spaces in a
keyword match any run of white space). When several intents match, the most specific one wins: the deepest
under its parents, then the one whose matched words are longest ("change my billing address" over "billing"),
then the one listed first (a deployment's own intents come before the starter pack's). Within an intent, the
reason names its keyword / regex with the longest match (the first listed among equals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.intents.taxonomy import Taxonomy


@dataclass(frozen=True)
class CompiledRule:
    intent: str
    depth: int
    order: int
    any_pattern: re.Pattern[str]
    alternatives: tuple[tuple[str, re.Pattern[str]], ...]  # (reason, pattern)


@dataclass(frozen=True)
class RuleMatch:
    intent: str
    reason: str


def _bounded(pattern: str) -> str:
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def _keyword_pattern(keyword: str) -> str:
    return r"\s+".join(re.escape(part) for part in keyword.split())


def compile_rules(taxonomy: Taxonomy) -> tuple[CompiledRule, ...]:
    """The rules of every intent that has some, in the order they are tried."""
    compiled = []
    for order, intent in enumerate(taxonomy.intents):
        sources = [(f"rule {intent.name}: keyword {k!r}", _keyword_pattern(k)) for k in intent.keywords]
        sources += [(f"rule {intent.name}: regex {r!r}", r) for r in intent.regexes]
        if not sources:
            continue
        alternatives = tuple((reason, re.compile(_bounded(p), re.IGNORECASE)) for reason, p in sources)
        any_pattern = re.compile(_bounded("|".join(f"(?:{p})" for _, p in sources)), re.IGNORECASE)
        compiled.append(CompiledRule(intent.name, taxonomy.depth(intent.name), order, any_pattern, alternatives))
    return tuple(sorted(compiled, key=lambda rule: (-rule.depth, rule.order)))


def match_rules(rules: tuple[CompiledRule, ...], text: str | None) -> RuleMatch | None:
    """The intent the rules give `text`, with the rule as the reason; None when no rule matches."""
    if not text:
        return None
    best: tuple[tuple[int, int, int], RuleMatch] | None = None
    for rule in rules:
        if best is not None and -rule.depth > best[0][0]:
            break  # rules are sorted deepest first: a shallower intent cannot win any more
        if rule.any_pattern.search(text) is None:
            continue
        length, reason = max(
            ((len(found.group(0)), -position, reason) for position, (reason, pattern) in enumerate(rule.alternatives)
             if (found := pattern.search(text)) is not None),
        )[0::2]
        key = (-rule.depth, -length, rule.order)
        if best is None or key < best[0]:
            best = (key, RuleMatch(rule.intent, reason))
    return best[1] if best else None
