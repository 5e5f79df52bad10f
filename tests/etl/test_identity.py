"""The identity rules' normalisation (etl.identity), worked by hand."""

from __future__ import annotations

import pytest

from etl.identity import normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (" Ada@Acme.Example ", "ada@acme.example"),
        ("a.b+news@gmail.com", "a.b+news@gmail.com"),  # no gmail folding: dots and +tags stay
        ("not-an-address", None),
        ("@acme.example", None),
        (None, None),
    ],
)
def test_emails_are_trimmed_and_lower_cased(written: str | None, expected: str | None) -> None:
    assert normalise_email(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("(415) 555-0101", "+14155550101"),  # national: default country code 1 put before 4155550101
        ("415.555.0101", "+14155550101"),
        ("0044 20 7946 0000", "+442079460000"),  # leading 00 -> +
        ("+44 (20) 7946-0000", "+442079460000"),
        ("020 7946 0000", "+12079460000"),  # trunk 0 dropped, then the default code (1), not the UK's
        ("12 34", None),  # +11234: 5 digits, too short for E.164
        ("ext. 12", None),
        (None, None),
    ],
)
def test_phones_become_e164_with_the_default_country_code(written: str | None, expected: str | None) -> None:
    assert normalise_phone(written) == expected


def test_another_default_country_code_applies_to_national_numbers_only() -> None:
    # 030 1234567 with code 49: trunk 0 dropped -> +49 30 1234567
    assert normalise_phone("030 1234567", default_country_code="49") == "+49301234567"
    assert normalise_phone("+1 415 555 0101", default_country_code="49") == "+14155550101"
