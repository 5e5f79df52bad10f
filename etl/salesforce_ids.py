"""Salesforce record ids: the 15-character case-sensitive id and its 18-character case-insensitive form.

Salesforce documents the 18-character id as the 15-character id followed by a 3-character checksum of its
letter case (Salesforce Help, "What are Salesforce IDs composed of?"; the `CASESAFEID()` formula function):
split the 15 characters into three blocks of five; in each block, bit i (i = 0..4, left to right) is 1 when
character i is an upper-case letter A-Z; the block's 5-bit number indexes `ABCDEFGHIJKLMNOPQRSTUVWXYZ012345`.
Exports mix the two forms (reports and the UI give 15, the API and Data Loader 18), so every id is turned into
its 18-character form before two of them are compared. `id_18` is the rule in Python (for tests and readers);
`id_18_sql` renders the same rule as SQL for the staging models (`{{ salesforce_id_18('account_id') }}`).
"""

from __future__ import annotations

CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def checksum(id_15: str) -> str:
    """The 3-character case checksum of a 15-character id."""
    suffix = ""
    for block in range(3):
        chunk = id_15[block * 5:block * 5 + 5]
        index = sum(1 << i for i, char in enumerate(chunk) if "A" <= char <= "Z")
        suffix += CHECKSUM_ALPHABET[index]
    return suffix


def id_18(record_id: str | None) -> str | None:
    """A 15-character id with its checksum appended; an 18-character id (or anything else) as given, trimmed."""
    if record_id is None:
        return None
    text = record_id.strip()
    return text + checksum(text) if len(text) == 15 else text or None


def id_18_sql(expression: str) -> str:
    """SQL for `id_18(expression)`: `ascii()` tests for A-Z (a `between 'A' and 'Z'` would follow the
    database's collation, under which lower-case letters sort between them on PostgreSQL)."""
    trimmed = f"trim({expression})"
    blocks = []
    for block in range(3):
        bits = " + ".join(
            f"case when ascii(substr({trimmed}, {block * 5 + i + 1}, 1)) between 65 and 90 then {1 << i} else 0 end"
            for i in range(5)
        )
        blocks.append(f"substr('{CHECKSUM_ALPHABET}', 1 + {bits}, 1)")
    suffix = " || ".join(blocks)
    return f"(case when length({trimmed}) = 15 then {trimmed} || {suffix} else nullif({trimmed}, '') end)"
