"""Masking personal data in free text by entity type, as Amazon Contact Lens does ([EMAIL], [PHONE], ...).

Pure functions. `find_pii` returns the spans; `mask_pii` replaces each span with its entity's mask.
The detectors behind them live in etl/pii/detectors.py (issue 13).
"""

from __future__ import annotations

from collections.abc import Sequence

from etl.pii.detectors import detect
from etl.pii.entities import ADDRESS, CARD, EMAIL, ENTITY_TYPES, IBAN, NAME, PHONE, PiiSpan

__all__ = ["ADDRESS", "CARD", "EMAIL", "ENTITY_TYPES", "IBAN", "NAME", "PHONE", "PiiSpan", "find_pii", "mask_pii"]


def find_pii(text: str, known_names: Sequence[str] = ()) -> list[PiiSpan]:
    """Non-overlapping spans of personal data in `text`, in order. `known_names`: the customer's and agents'
    names already known from the export records."""
    return detect(text, known_names)


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
