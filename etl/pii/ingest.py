"""Personal data out of every record before it reaches `raw` (docs/privacy.md). Pure functions.

Per record of a chunk, following the stream's declarations (`Field.pii`):
- free text is masked by entity type with `mask_pii`, knowing the names of the record and those met earlier
  in the run;
- an e-mail or a phone becomes a pseudonymous key: HMAC-SHA256, under the pseudonym key, of the value the
  identity rules normalise to (etl/identity.py), as hex behind `em_` or `ph_` (`emx_`/`phx_` for a value
  that is no usable e-mail or phone, which identity resolution then ignores as it did the clear value);
- a customer's name becomes "[NAME]"; an agent's name stays and is a known name for the free text;
- the payload (the record's original text) is rebuilt from the same masked values: every string in it is
  masked the same way, so no clear value survives in `_payload` or `ops.rejected_records.payload`.

The record hash is a keyed hash (HMAC-SHA256 under the same key) of the ORIGINAL record text: it does not
change when the detectors improve (a masked-payload hash would, and an overlapping export would then add its
records again), and unlike a plain hash of the clear record it cannot be used to confirm a guessed value
without the key. A rerun of the same files gives the same hashes as long as the key is the same.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from etl.identity import normalise_email, normalise_phone
from etl.parsing import RecordChunk
from etl.pii.masking import mask_pii
from etl.streams import Stream

NAME_MASK = "[NAME]"
EMAIL_PREFIX, PHONE_PREFIX = "em_", "ph_"
UNUSABLE_EMAIL_PREFIX, UNUSABLE_PHONE_PREFIX = "emx_", "phx_"
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_WORD = re.compile(r"\w+")
_DIGIT_OR_AT = re.compile(r"[\d@]")
_CACHE_TEXTS = 200_000
_NAME_PART_MIN_CHARS = 3
_WALKED = frozenset({str, dict, list})
"""Types of a decoded payload's values that masking looks into (numbers, booleans and null stay)."""


@dataclass(frozen=True)
class IngestPrivacy:
    key: bytes = field(repr=False)
    default_country_code: str = "1"
    keep_clear_text: bool = False


@dataclass(frozen=True)
class ClearValue:
    """One value as the file held it, for `restricted.clear_text` (only when clear text is kept)."""

    source_line: int
    field_name: str
    clear_value: str


@dataclass
class MaskedChunk:
    chunk: RecordChunk
    clear_values: list[ClearValue] = field(default_factory=list)
    identities: dict[str, tuple[str, str]] = field(default_factory=dict)
    """pseudonym -> (kind, clear value), only when clear text is kept."""


def contact_kind(value: str) -> tuple[str, str]:
    """(kind, value) of a contact address: `tel:+1...` is a phone (the scheme dropped), one with @ an e-mail."""
    if value[:4].lower() == "tel:":
        return "phone", value[4:]
    return ("email", value) if "@" in value else ("phone", value)


def pseudonym(key: bytes, kind: str, value: str, default_country_code: str = "1") -> str:
    """The pseudonymous key of an e-mail (`kind` "email"), a phone ("phone") or a contact address."""
    if kind == "contact_address":
        kind, value = contact_kind(value)
    if kind == "email":
        normalised = normalise_email(value)
        prefix = EMAIL_PREFIX if normalised else UNUSABLE_EMAIL_PREFIX
        normalised = normalised or value.strip().lower()
    else:
        normalised = normalise_phone(value, default_country_code)
        prefix = PHONE_PREFIX if normalised else UNUSABLE_PHONE_PREFIX
        normalised = normalised or value.strip()
    return prefix + hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def record_hash(key: bytes, original_text: str) -> str:
    return hmac.new(key, b"record\x1f" + original_text.encode("utf-8"), hashlib.sha256).hexdigest()


def record_hashes(key: bytes, original_texts: Iterable[str]) -> list[str]:
    """`record_hash` of many texts at once: the keyed state is prepared once and copied per text."""
    keyed = hmac.new(key, b"record\x1f", hashlib.sha256)
    hashes = []
    for text in original_texts:
        state = keyed.copy()
        state.update(text.encode("utf-8"))
        hashes.append(state.hexdigest())
    return hashes


class KnownNames:
    """Names met so far in a run (customers' and agents'), found in a text by its words, not by scanning
    every name."""

    def __init__(self) -> None:
        self._by_word: dict[str, set[str]] = {}
        self.count = 0
        """How many names and name parts are known (an attribute: the masker reads it for every text)."""

    def add(self, name: str) -> None:
        parts = [name, *(p for p in name.split() if len(p) >= _NAME_PART_MIN_CHARS and p[:1].isupper())]
        for part in dict.fromkeys(parts):
            first_word = _WORD.search(part.lower())
            names = self._by_word.setdefault(first_word.group(), set()) if first_word else None
            if names is not None and part not in names:
                names.add(part)
                self.count += 1

    def __len__(self) -> int:
        return self.count

    def in_text(self, text: str) -> set[str]:
        if not self._by_word:
            return set()
        lowered = text.lower()
        found: set[str] = set()
        for word in set(_WORD.findall(lowered)):
            for name in self._by_word.get(word, ()):
                if name.lower() in lowered:
                    found.add(name)
        return found


class _TextMasker:
    """mask_pii with a cache per distinct text and a quick pass for texts that cannot hold PII (no digit, no
    `@`, no known name; a timestamp). The cache is of texts masked without names of their own record; it is
    emptied when a new name becomes known (that name may be in a text cached before) or when it is full."""

    def __init__(self, known: KnownNames) -> None:
        self.known = known
        self.cache: dict[str, str] = {}
        self.names_known = 0

    def mask(self, text: str, record_names: Iterable[str]) -> str:
        # the cache first (it never holds a timestamp, which is returned as it is before anything is cached)
        own = {n for n in record_names if n in text} if record_names else set()
        if not own:
            if self.known.count != self.names_known:
                self.cache.clear()
                self.names_known = self.known.count
            cached = self.cache.get(text)
            if cached is not None:
                return cached
        if _ISO_TIME.fullmatch(text):
            return text
        names = tuple(sorted(own | self.known.in_text(text)))
        masked = mask_pii(text, names) if names or _DIGIT_OR_AT.search(text) else text
        if not own:
            if len(self.cache) >= _CACHE_TEXTS:
                self.cache.clear()
            self.cache[text] = masked
        return masked


def _holds(stream: Stream, record: dict[str, Any], rule: tuple[str, tuple[str, ...]]) -> bool:
    field_name, values = rule
    value = record.get(stream.field(field_name).key)
    return isinstance(value, str) and value.strip().lower() in values


def _is_staff(stream: Stream, record: dict[str, Any]) -> bool:
    if stream.customer_rows is not None and not _holds(stream, record, stream.customer_rows):
        return True
    return stream.staff_rows is not None and _holds(stream, record, stream.staff_rows)


def _as_clear(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


class ChunkMasker:
    """Masks chunks of one run; remembers the names met for the chunks after."""

    def __init__(self, privacy: IngestPrivacy, known: KnownNames | None = None) -> None:
        self.privacy = privacy
        self.known = known if known is not None else KnownNames()
        self.texts = _TextMasker(self.known)

    def _identity(self, kind: str, clear: str, out: MaskedChunk) -> str:
        key = pseudonym(self.privacy.key, kind, clear, self.privacy.default_country_code)
        if self.privacy.keep_clear_text:
            out.identities[key] = (contact_kind(clear)[0] if kind == "contact_address" else kind, clear)
        return key

    def _mask_payload(self, payload: str, replacements: dict[str, str], names: set[str]) -> str:
        """The record's text with every string value masked: an identity or name value of the record by its
        replacement, any other string by mask_pii. JSON stays JSON; a text that is not JSON is masked whole."""
        try:
            document = orjson.loads(payload)
        except orjson.JSONDecodeError:
            masked = payload
            for clear in sorted(replacements, key=len, reverse=True):
                masked = masked.replace(clear, replacements[clear])
            return self.texts.mask(masked, names)
        changed = False
        mask = self.texts.mask

        def walk(node: Any) -> Any:  # orjson gives exact types: `type(...) is` is enough, and quicker
            nonlocal changed
            kind = type(node)
            if kind is str:
                stripped = node.strip() if replacements else node
                new = replacements[stripped] if stripped in replacements else mask(node, names)
                changed = changed or new != node
                return new
            if kind is dict:
                return {k: walk(v) if type(v) in _WALKED else v for k, v in node.items()}
            if kind is list:
                return [walk(v) if type(v) in _WALKED else v for v in node]
            return node

        result = walk(document)
        return orjson.dumps(result).decode() if changed else payload

    def mask_chunk(self, stream: Stream, chunk: RecordChunk) -> MaskedChunk:
        declared = [(spec.name, spec.key, spec.pii) for spec in stream.fields if spec.pii]
        out = MaskedChunk(chunk)
        keep = self.privacy.keep_clear_text
        values: list[dict[str, Any]] = []
        payloads: list[str] = []
        for line, record, payload in zip(chunk.lines, chunk.values, chunk.payloads, strict=True):
            staff = _is_staff(stream, record)
            names = {clear for _, key, pii in declared if pii in ("person_name", "agent_name")
                     if (clear := _as_clear(record.get(key)))}
            for name in names:
                self.known.add(name)
            replacements: dict[str, str] = {}
            masked = dict(record)
            for field_name, key, pii in declared:
                clear = _as_clear(record.get(key))
                if clear is None:
                    continue
                if pii == "free_text":
                    new = self.texts.mask(clear, names)
                elif pii in ("email", "phone", "contact_address"):
                    new = self._identity(pii, clear, out)
                    replacements[clear] = new
                elif pii == "person_name" and not staff:
                    new = NAME_MASK
                    replacements[clear] = new
                else:  # an agent's name stays in its own field (and in the payload's same field)
                    replacements[clear] = clear
                    continue
                if new != clear:
                    masked[key] = new
                    if keep:
                        out.clear_values.append(ClearValue(line, field_name, clear))
            values.append(masked)
            payloads.append(self._mask_payload(payload, replacements, names))
        unreadable = [(line, reason, self._mask_payload(text, {}, set())) for line, reason, text in chunk.unreadable]
        out.chunk = replace(chunk, values=values, payloads=payloads, unreadable=unreadable,
                            record_hashes=record_hashes(self.privacy.key, chunk.payloads))
        return out
