"""The identity rules' normalisation, as pure functions (docs/identity.md).

The warehouse applies the same rules in SQL (`sql/intermediate/int_customer_identity_identifiers.sql`),
where the heavy work stays; these functions state them in Python for tests, tools and the documentation,
and a pipeline test checks that both give the same values on the same fixture.
"""

from __future__ import annotations

DEFAULT_COUNTRY_CODE = "1"
PHONE_PUNCTUATION = str.maketrans("", "", " -.()/")
E164_MIN_DIGITS = 7
E164_MAX_DIGITS = 15


def normalise_email(email: str | None) -> str | None:
    """Lower-case and trimmed; None when it holds no `@` between other characters.

    Gmail dots and `+tags` are kept: `a.b+x@gmail.com` and `ab@gmail.com` stay different addresses, because
    folding them is right for one provider only and a wrong merge is worse than a missed one.
    """
    if email is None:
        return None
    value = email.strip().lower()
    at = value.find("@")
    return value if 0 < at < len(value) - 1 else None


def normalise_phone(phone: str | None, default_country_code: str = DEFAULT_COUNTRY_CODE) -> str | None:
    """E.164 (`+` and 7-15 digits, not starting with 0), or None when the result is not one.

    Spaces, dashes, dots, slashes and parentheses are removed; a leading `00` becomes `+`; a number with
    neither is national: one leading `0` (trunk prefix) is dropped and the default country code put before.
    """
    if phone is None:
        return None
    compact = phone.strip().translate(PHONE_PUNCTUATION)
    if compact.startswith("+"):
        e164 = compact
    elif compact.startswith("00"):
        e164 = "+" + compact[2:]
    elif compact.startswith("0"):
        e164 = "+" + default_country_code + compact[1:]
    else:
        e164 = "+" + default_country_code + compact
    digits = e164[1:]
    valid = digits.isascii() and digits.isdigit() and E164_MIN_DIGITS <= len(digits) <= E164_MAX_DIGITS
    return e164 if valid and not digits.startswith("0") else None
