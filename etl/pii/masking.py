"""Masking personal data in free text by entity type, as Amazon Contact Lens does ([EMAIL], [PHONE], ...).

Pure functions. `find_pii` returns the spans; `mask_pii` replaces each span with its entity's mask.
The detectors behind them live in etl/pii/detectors.py (issue 13).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

EMAIL, PHONE, CARD, IBAN, ADDRESS, NAME = "EMAIL", "PHONE", "CARD", "IBAN", "ADDRESS", "NAME"
ENTITY_TYPES: tuple[str, ...] = (EMAIL, PHONE, CARD, IBAN, ADDRESS, NAME)


@dataclass(frozen=True)
class PiiSpan:
    start: int
    end: int
    entity: str  # one of ENTITY_TYPES


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def find_pii(text: str, known_names: Sequence[str] = ()) -> list[PiiSpan]:
    """Non-overlapping spans of personal data in `text`, in order. `known_names`: the customer's and agents'
    names already known from the export records."""
    return [PiiSpan(match.start(), match.end(), EMAIL) for match in _EMAIL.finditer(text)]


def mask_pii(text: str, known_names: Sequence[str] = ()) -> str:
    """`text` with every span found replaced by its mask, "[EMAIL]" and so on."""
    pieces: list[str] = []
    position = 0
    for span in find_pii(text, known_names):
        pieces.append(text[position:span.start])
        pieces.append(f"[{span.entity}]")
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)
