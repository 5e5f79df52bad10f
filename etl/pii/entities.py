"""The kinds of personal data cxpulse masks, and a found span of one."""

from __future__ import annotations

from dataclasses import dataclass

EMAIL, PHONE, CARD, IBAN, ADDRESS, NAME = "EMAIL", "PHONE", "CARD", "IBAN", "ADDRESS", "NAME"
ENTITY_TYPES: tuple[str, ...] = (EMAIL, PHONE, CARD, IBAN, ADDRESS, NAME)
# when two candidate spans of the same length overlap, the earlier type here wins
PRIORITY: tuple[str, ...] = (CARD, IBAN, EMAIL, PHONE, ADDRESS, NAME)


@dataclass(frozen=True)
class PiiSpan:
    start: int
    end: int
    entity: str  # one of ENTITY_TYPES
