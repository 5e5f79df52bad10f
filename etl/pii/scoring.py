"""Precision and recall of PII spans against gold spans, per entity type (pure).

Two ways to count a true positive:
- exact: a found span with the same start, end and type as a gold span;
- overlap: a found span that shares at least one character with a gold span of the same type (each gold span and
  each found span counted at most once, matched greedily in text order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from etl.pii.entities import ENTITY_TYPES, PiiSpan


@dataclass(frozen=True)
class EntityScore:
    entity: str
    support: int  # gold spans
    found: int  # spans the detectors returned
    true_positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.support if self.support else None


def spans_from_entities(entities: Iterable[dict]) -> list[PiiSpan]:
    """Gold spans from a labelled message's `entities` ({"start", "end", "type"} each)."""
    return [PiiSpan(int(e["start"]), int(e["end"]), str(e["type"])) for e in entities]


def _overlaps(a: PiiSpan, b: PiiSpan) -> bool:
    return a.start < b.end and b.start < a.end


def matched_count(gold: Sequence[PiiSpan], found: Sequence[PiiSpan], exact: bool) -> int:
    """How many found spans match a gold span of the same type, one to one."""
    used: set[int] = set()
    count = 0
    for span in sorted(found, key=lambda s: (s.start, s.end)):
        for index, truth in enumerate(gold):
            if index in used or truth.entity != span.entity:
                continue
            if (truth.start == span.start and truth.end == span.end) if exact else _overlaps(truth, span):
                used.add(index)
                count += 1
                break
    return count


def score_by_entity(pairs: Iterable[tuple[Sequence[PiiSpan], Sequence[PiiSpan]]], exact: bool) -> list[EntityScore]:
    """Per entity type over (gold, found) pairs, one pair per message."""
    support = dict.fromkeys(ENTITY_TYPES, 0)
    found = dict.fromkeys(ENTITY_TYPES, 0)
    hits = dict.fromkeys(ENTITY_TYPES, 0)
    for gold, predicted in pairs:
        for entity in ENTITY_TYPES:
            gold_of = [s for s in gold if s.entity == entity]
            found_of = [s for s in predicted if s.entity == entity]
            support[entity] += len(gold_of)
            found[entity] += len(found_of)
            hits[entity] += matched_count(gold_of, found_of, exact)
    return [EntityScore(entity, support[entity], found[entity], hits[entity]) for entity in ENTITY_TYPES]
