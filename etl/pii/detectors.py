"""Detectors of personal data in free text: compiled patterns plus checksums, no model, no network.

Each `find_<entity>(text)` returns candidate `PiiSpan`s of one entity type; `detect(text, known_names)` runs the
ones the text can hold (cards, IBANs and phones only with a run of 7+ digits, addresses only with a 5-digit code
or a UK postcode's inward part, e-mails only with "@" between word characters or a spelled-out "dot") and
resolves overlaps: the longest span wins, then the type earlier in `PRIORITY` (CARD > IBAN > EMAIL > PHONE >
ADDRESS > NAME), then the earlier start. Every pattern is bounded, so a long hostile text costs linear time.

Choices (precision before recall where a pattern is weak):
- CARD: 13-19 digits, separated by nothing, or by spaces/dashes in groups of 4 (4-6-5 and 4-6-4 for Amex and
  Diners), or digit by digit as when read aloud; must pass Luhn and start with 2-6 (the card networks).
- IBAN: country code, check digits, then the country's exact length (table below), mod-97 checked.
- PHONE: E.164 / 00-prefixed international, US 3-3-4 with separators, national numbers with a trunk 0 (UK, DE,
  FR, IT, NL, AU, ...) of 10-12 digits, Spanish and Italian mobiles in their spaced groups, and bare 9-12 digit
  runs (or 00-prefixed runs with no separator) only right after a phone word ("call me on", "tel", "mobile",
  ...). Never after an order/ticket/tracking word, never a date, time, IP address, amount or a piece of a
  longer run of digits.
- ADDRESS: only a house number with a street type together with a postcode of a known shape: UK postcodes,
  US state + ZIP, DE/FR/IT/ES 5-digit codes followed by a town. A street with no postcode is not masked.
- NAME: the known names (customer and agents from the export records), whole words, any case; each part alone
  when it has 3 letters or more and is not a common word (`COMMON_WORDS`); a part that is a common word only
  Capitalised after a title or greeting ("Hi Will", "Mr Reed").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Sequence

from etl.pii.entities import ADDRESS, CARD, EMAIL, IBAN, NAME, PHONE, PRIORITY, PiiSpan

# ---------------------------------------------------------------- checksums


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of a string of digits, as card numbers carry it."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616 check: the country's length and mod 97 == 1 of the rearranged number (letters as 10..35)."""
    compact = iban.replace(" ", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


# IBAN lengths by country (SWIFT IBAN registry), the countries a European or UK service meets most
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "VA": 22,
}

# ---------------------------------------------------------------- e-mail

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
# spelled out: "ann.lee at example dot com", "ann [at] example [dot] co [dot] uk"; only with a known top-level
# domain after the last "dot", so that "meet at noon" or "look at this dot" never match
_AT = r"(?:\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+)"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.])[A-Za-z0-9][A-Za-z0-9._+-]{{0,63}}(?:{_DOT}[A-Za-z0-9_+-]{{1,63}}){{0,3}}{_AT}[A-Za-z0-9-]{{2,63}}"
    rf"(?:{_DOT}[A-Za-z0-9-]{{2,63}}){{0,3}}"
    rf"{_DOT}(?:com|org|net|edu|gov|io|co|uk|de|fr|it|es|nl|eu|ie|be|ch|at|au)\b",
    re.IGNORECASE,
)


_AT_SIGN = re.compile(r"\w@\w")  # not a Twitter handle's "@" alone


def find_emails(text: str) -> list[PiiSpan]:
    spans = [PiiSpan(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)] if _AT_SIGN.search(text) else []
    lowered = text.lower()
    if "dot" in lowered:
        spans.extend(PiiSpan(m.start(), m.end(), EMAIL) for m in _SPELLED_EMAIL.finditer(text))
    return spans


# ---------------------------------------------------------------- payment cards

_CARD = re.compile(
    r"(?<![\w.,/-])(?:"
    r"\d{4}(?:[ -]\d{4}){2}[ -]\d{1,7}"  # 4-4-4-1..7 (13-19 digits), the usual print
    r"|\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{1,3}"  # 4-4-4-4-1..3 (17-19 digits)
    r"|\d{4}[ -]\d{6}[ -]\d{4,5}"  # Amex 4-6-5, Diners 4-6-4
    r"|\d{13,19}"  # no separators
    r"|\d(?: \d){12,18}"  # read aloud digit by digit
    r")(?![\w]|[.,/-]\d)"
)
_CARD_FIRST_DIGITS = frozenset("23456")


_NOT_CARD_BEFORE = re.compile(
    r"(?:imei|serial|s/n|sn|ean|upc|isbn|gtin|meid|tracking|track|order|ref|reference|awb|parcel|shipment)"
    r"\W{0,3}(?:no\.?|number|nr\.?)?\W{0,3}\Z",
    re.IGNORECASE,
)


def find_cards(text: str) -> list[PiiSpan]:
    spans = []
    for match in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if (13 <= len(digits) <= 19 and digits[0] in _CARD_FIRST_DIGITS and luhn_valid(digits)
                and not _NOT_CARD_BEFORE.search(text[max(0, match.start() - 20):match.start()])):
            spans.append(PiiSpan(match.start(), match.end(), CARD))
    return spans


# ---------------------------------------------------------------- IBAN

_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])")
_IBAN_BODY_CHAR = re.compile(r"[A-Za-z0-9]")


def find_ibans(text: str) -> list[PiiSpan]:
    spans = []
    for match in _IBAN_START.finditer(text):
        length = IBAN_LENGTHS.get(match.group()[:2].upper())
        if length is None:
            continue
        position, taken, last_space = match.end(), 4, False
        while taken < length and position < len(text):
            char = text[position]
            if _IBAN_BODY_CHAR.match(char):
                taken, last_space = taken + 1, False
            elif char == " " and not last_space:
                last_space = True
            else:
                break
            position += 1
        end = position
        if taken != length or (end < len(text) and text[end].isalnum()):
            continue
        candidate = text[match.start():end]
        if iban_valid(candidate):
            spans.append(PiiSpan(match.start(), end, IBAN))
    return spans


# ---------------------------------------------------------------- phone numbers

# words right before a number that make it something else than a phone number
_NOT_PHONE_BEFORE = re.compile(
    r"(?:(?<!\w)(?:order|ticket|case|ref|reference|tracking|track|invoice|account|acct|booking|confirmation"
    r"|reservation|transaction|serial|imei|policy|member|membership|id|parcel|shipment|awb|sku|item|pnr|iban"
    r"|job|claim|receipt|voucher|coupon|repair|rma|store|till|loyalty|gift card|flight|seat|room|zip|postcode"
    r"|bestellung|bestellnummer|auftrag|rechnung|kundennummer|commande|facture|dossier|ordine|fattura|pedido"
    r"|factura))\s*[.:#]?\s*(?:no\.?|nr\.?|n°|number|nummer|numéro|numero|número)?\s*[.:#]?\s*"
    r"(?:is|was|ist|est|è|es)?\s*[.:#]?\s*\Z",
    re.IGNORECASE,
)
_PHONE_WORD_BEFORE = re.compile(
    r"(?:phone|call|ring|tel|telephone|mobile|cell|cellphone|landline|whatsapp|text me|sms|reach me"
    r"|contact me|handy|telefon|rufnummer|anrufen|téléphone|portable|appelez|telefono|cellulare|chiamare"
    r"|teléfono|móvil|llamar|on|(?:phone|mobile|cell|contact|my|your|home|work|direct|whatsapp) number)\b"
    r"[^\d\n]{0,20}\Z",
    re.IGNORECASE,
)
_SEP = r"[ .\-\u00a0]"
_PHONE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # international: +44 20 7946 0958, +1-415-555-0132, 0044 20 7946 0958, +49 (0)30 1234567
    re.compile(rf"(?:\+|(?<!\d)00)[1-9]\d{{0,2}}(?:{_SEP}?\(0\))?(?:{_SEP}?\(?\d{{1,5}}\)?){{1,6}}"),
    # US / NANP with separators: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199
    re.compile(rf"(?:\b1{_SEP}?)?(?:\([2-9]\d{{2}}\) ?|\b[2-9]\d{{2}}{_SEP}{{1,2}})[2-9]\d{{2}}{_SEP}{{1,2}}\d{{4}}"),
    # national with trunk 0: 020 7946 0958, 07700 900123, 030 1234567, 01 23 45 67 89, (02) 9876 5432
    re.compile(rf"(?:\(0[1-9]\d{{0,3}}\)|\b0[1-9]\d{{0,3}})(?:(?:{_SEP}|/|{_SEP}?-{_SEP}?)?\d{{2,8}}){{1,4}}"),
    # Spanish and Italian mobiles in their spaced groups: 612 345 678, 612 34 56 78, 347 123 4567
    re.compile(r"\b[67]\d{2} \d{3} \d{3}\b|\b[67]\d{2} \d{2} \d{2} \d{2}\b|\b3\d{2} \d{3} \d{3,4}\b"),
)
# a bare run of digits counts only right after a phone word
_BARE_DIGITS = re.compile(r"\b\d{9,12}\b")
_DIGITS_BEFORE = re.compile(r"(?<![@\w])\d+[ .\-\u00a0]?\Z")  # digits right before, not an @handle's
_DIGITS_AFTER = re.compile(r"[ .\-\u00a0]\d")
_AMOUNT_OR_TIME_AFTER = re.compile(r"[.,]\d|:\d|%|[€$£]")
_CURRENCY_BEFORE = re.compile(r"[€$£]\s*\Z")
_DATE_LIKE = re.compile(r"\(?\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\Z")
_IPV4_LIKE = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\Z")


def _phone_digits_ok(candidate: str) -> bool:
    digits = sum(char.isdigit() for char in candidate)
    if candidate.startswith(("+", "00")):
        return 8 <= digits - (2 if candidate.startswith("00") else 0) <= 15
    if candidate.lstrip("(").startswith("0"):
        return 10 <= digits <= 12
    return 9 <= digits <= 11


def _is_phone(text: str, start: int, end: int) -> bool:
    candidate = text[start:end]
    if _DIGITS_BEFORE.search(text[max(0, start - 24):start]) or _DIGITS_AFTER.match(text, end):
        return False  # a piece of a longer run of digits (tracking numbers, references)
    if not _phone_digits_ok(candidate) or _DATE_LIKE.match(candidate) or _IPV4_LIKE.match(candidate):
        return False
    before = text[max(0, start - 30):start]
    if _AMOUNT_OR_TIME_AFTER.match(text, end) or _CURRENCY_BEFORE.search(before):
        return False
    return not _NOT_PHONE_BEFORE.search(before)


def _phone_word_before(text: str, start: int) -> bool:
    return _PHONE_WORD_BEFORE.search(text[max(0, start - 30):start]) is not None


def find_phones(text: str) -> list[PiiSpan]:
    spans = []
    for pattern in _PHONE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._/-+#") and text[start] != "(":
                continue
            if end < len(text) and (text[end].isalnum() or text[end] in "-/"):
                continue
            if text.startswith("00", start) and text[start:end].isdigit() and not _phone_word_before(text, start):
                continue  # 13 digits from 001..: an airline e-ticket number as often as a dialled US number
            if _is_phone(text, start, end):
                spans.append(PiiSpan(start, end, PHONE))
    for match in _BARE_DIGITS.finditer(text):
        if _phone_word_before(text, match.start()) and _is_phone(text, match.start(), match.end()):
            spans.append(PiiSpan(match.start(), match.end(), PHONE))
    return spans


# ---------------------------------------------------------------- postal addresses

_UK_POSTCODE = r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK"
    "|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_EN_STREET_TYPES = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Crescent|Cres|Place|Pl|Terrace|Gardens|Grove"
    r"|Court|Ct|Square|Sq|Hill|Row|Mews|Park|Boulevard|Blvd|Parkway|Pkwy|Highway|Hwy|Circle|Walk|Green)\.?"
)
_CAP_WORD = r"[A-Z][A-Za-z'’-]+"
_TOWN = r"[A-Z][A-Za-z'’.-]+(?:[ -][A-Z][A-Za-z'’.-]+){0,3}"
_ADDRESS_PATTERNS: tuple[re.Pattern[str], ...] = (
    # UK: 221B Baker Street, London NW1 6XE / Flat 2, 14 Elm Grove, Leeds, LS6 2AB
    re.compile(
        rf"\b(?:(?:Flat|Apartment|Unit) \w{{1,4}},? )?\d{{1,4}}[A-Za-z]?,? (?:{_CAP_WORD} ){{1,3}}{_EN_STREET_TYPES}"
        rf"(?:,? {_TOWN}){{0,2}},? {_UK_POSTCODE}\b"
    ),
    # US: 123 Main St, Apt 4B, New York, NY 10001
    re.compile(
        rf"\b\d{{1,6}} (?:(?:[NSEW]\.? )?{_CAP_WORD} ){{1,3}}{_EN_STREET_TYPES}"
        rf"(?:,? (?:Apt|Apartment|Suite|Ste|Unit|#) ?\w{{1,5}})?,? {_TOWN},? (?:{_US_STATES}) \d{{5}}(?:-\d{{4}})?\b"
    ),
    # DE: Hauptstraße 12, 10115 Berlin / Am Weiher 3a, 50667 Köln
    re.compile(
        r"\b(?:[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee)"
        r"|[A-ZÄÖÜ][a-zäöüß]+ (?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Damm))"
        r" \d{1,4}[a-z]?,? \d{5} [A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜa-z][a-zäöüß.]+)?\b"
    ),
    # FR: 12 rue de la Paix, 75002 Paris / 8 bis avenue Jean Jaurès 69007 Lyon
    re.compile(
        r"\b\d{1,4}(?: ?(?:bis|ter))?,? (?i:rue|avenue|av\.|boulevard|bd|place|allée|chemin|impasse|quai|route|cours)"
        r" [^\d\n,;:!?]{2,40}?,? \d{5} [A-ZÉ][\w'’-]+(?: [A-ZÉ][\w'’-]+)?"
    ),
    # IT: Via Roma 12, 00184 Roma / ES: Calle Mayor 5, 28013 Madrid
    re.compile(
        r"\b(?:Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Calle|C/|Avenida|Avda\.?|Plaza|Paseo|Carrer|Camino)"
        r" [^\d\n,;:!?]{2,40}?,? \d{1,4}[A-Za-z]?(?:/[A-Za-z0-9]{1,3})?(?:,? \d{1,2}º? ?[A-Za-z]?)?,? \d{5}"
        r" [A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?(?: \([A-Z]{2}\))?"
    ),
)


def find_addresses(text: str) -> list[PiiSpan]:
    return [PiiSpan(m.start(), m.end(), ADDRESS) for pattern in _ADDRESS_PATTERNS for m in pattern.finditer(text)]


# ---------------------------------------------------------------- known names

# words that are also first names or surnames: a part alone that is one of these is not masked (the full name is)
COMMON_WORDS: frozenset[str] = frozenset((
    "will", "mark", "may", "june", "april", "august", "bill", "rose", "grace", "hope", "joy", "faith", "frank",
    "art", "chase", "lane", "king", "young", "white", "brown", "green", "black", "gray", "grey", "rich", "long",
    "hill", "wood", "ward", "day", "page", "bell", "price", "cash", "dean", "rock", "sky", "summer", "winter",
    "autumn", "ray", "jack", "jay", "max", "don", "pat", "sue", "amber", "ruby", "pearl", "iris", "lily", "holly",
    "ivy", "hazel", "dawn", "sunny", "star", "baker", "cook", "glass", "stone", "field", "lake", "moss", "ash",
    "reed", "rice", "bishop", "knight", "love", "hart", "bond", "fox", "wolf", "bird", "drake", "crane", "sterling",
    "major", "noble", "guy", "gene", "christian", "earl", "duke", "prince", "sandy", "rusty", "harmony", "melody",
    "clay", "case", "house", "street", "park", "church", "hall", "head", "hand", "lord", "best", "good", "hardy",
    "little", "short", "strong", "sharp", "gold", "silver", "west", "north", "south", "east", "new", "man", "more",
    "paris", "florence", "sydney", "jordan", "austin", "dallas", "phoenix", "china", "india", "virginia", "georgia",
    "carolina", "madison", "help", "support", "team", "service", "agent", "customer", "thanks", "thank", "hello",
    "hi", "dear",
))
_NAME_PART_MIN_LETTERS = 3
# a part that is a common word is still masked when Capitalised right after a title or a greeting ("Hi Will",
# "Mr Reed", "Herr Wolf", "This is Mark")
_TITLE_OR_GREETING = (
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Herr|Frau|Monsieur|Madame|Mme|M|Signor|Signora|Sig|Sr|Sra|Señor|Señora"
    r"|Don|Doña|Dhr|Mevr|Hi|Hey|Hello|Dear|Thanks|Thank you|Cheers|Bye|Hallo|Liebe|Lieber|Bonjour|Ciao|Hola|Gentile"
    r"|Estimada|Estimado|Hoi|This is|I'm|I am|my name is|name is|Name:)"
)


# a name ends where the word ends: not inside "Ann-Marie", "Lee@", "O'Neill", but before a possessive "'s"
_NAME_END = r"(?![\w@]|-\w|['’](?![sS]\b)\w)"


def _clean_names(known_names: Iterable[object]) -> list[str]:
    """The names with white space folded; a missing one (NaN, None, "") of an export left out."""
    return [" ".join(name.split()) for name in known_names if isinstance(name, str) and name.strip()]


def _name_parts(name: str) -> list[str]:
    return [part.strip(".,") for part in name.split(" ") if sum(c.isalpha() for c in part) >= _NAME_PART_MIN_LETTERS]


def name_terms(known_names: Iterable[str]) -> list[str]:
    """The strings to mask anywhere for `known_names`: each full name, and each part of 3+ letters that is not a
    common word, longest first (so that "Ann Lee-Smith" is taken whole before "Lee-Smith")."""
    terms: set[str] = set()
    for full in _clean_names(known_names):
        terms.add(full)
        terms.update(part for part in _name_parts(full) if part.lower() not in COMMON_WORDS)
    return sorted(terms, key=lambda term: (-len(term), term.lower()))


def _alternatives(terms: Iterable[str]) -> str:
    return "|".join(r"\s+".join(re.escape(word) for word in term.split(" ")) for term in terms)


@functools.lru_cache(maxsize=4096)
def _name_patterns(known_names: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(any case, anywhere) for `name_terms`; (Capitalised, after a title or greeting) for the common-word parts."""
    terms = name_terms(known_names)
    common = sorted({part for name in _clean_names(known_names) for part in _name_parts(name)
                     if part.lower() in COMMON_WORDS}, key=lambda part: (-len(part), part))
    anywhere = (re.compile(rf"(?<![\w@])(?:{_alternatives(terms)}){_NAME_END}", re.IGNORECASE)
                if terms else None)
    titled = (re.compile(rf"(?<!\w)(?i:{_TITLE_OR_GREETING})\.?,? +({_alternatives(common)}){_NAME_END}")
              if common else None)
    return anywhere, titled


def find_names(text: str, known_names: Sequence[str]) -> list[PiiSpan]:
    anywhere, titled = _name_patterns(tuple(known_names))
    spans = [PiiSpan(m.start(), m.end(), NAME) for m in anywhere.finditer(text)] if anywhere else []
    if titled:
        spans.extend(PiiSpan(m.start(1), m.end(1), NAME) for m in titled.finditer(text))
    return spans


# ---------------------------------------------------------------- all together

_PRIORITY_RANK = {entity: rank for rank, entity in enumerate(PRIORITY)}
# cheap gates: every card, IBAN and phone number holds a run of 7+ digits (separators allowed between them);
# every address the patterns know ends in a 5-digit code or a UK postcode's inward part
_SEVEN_DIGIT_RUN = re.compile(r"\d(?:[ .()\-\u00a0/]{0,3}\d){6}")
_POSTCODE_HINT = re.compile(r"\d{5}|\d[A-Z]{2}\b")
_LONG_NUMBER_DETECTORS: tuple[Callable[[str], list[PiiSpan]], ...] = (find_cards, find_ibans, find_phones)


def resolve_overlaps(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Non-overlapping spans in text order: longest first, then by `PRIORITY`, then the earlier start."""
    ordered = sorted(set(spans), key=lambda s: (-(s.end - s.start), _PRIORITY_RANK[s.entity], s.start))
    starts: list[int] = []  # the taken spans, kept in text order (they never overlap one another)
    taken: list[PiiSpan] = []
    for span in ordered:
        index = bisect.bisect_left(starts, span.start)
        if index > 0 and taken[index - 1].end > span.start:
            continue  # overlaps the taken span that starts before it
        if index < len(taken) and taken[index].start < span.end:
            continue  # overlaps the taken span that starts at or after it
        starts.insert(index, span.start)
        taken.insert(index, span)
    return taken


def detect(text: str, known_names: Sequence[str] = ()) -> list[PiiSpan]:
    """Every span of personal data found in `text`, non-overlapping, in order."""
    spans = find_emails(text)
    if _SEVEN_DIGIT_RUN.search(text):
        for detector in _LONG_NUMBER_DETECTORS:
            spans.extend(detector(text))
    if _POSTCODE_HINT.search(text):
        spans.extend(find_addresses(text))
    if known_names:
        spans.extend(find_names(text, known_names))
    if len(spans) < 2:
        return spans
    return resolve_overlaps(spans)
