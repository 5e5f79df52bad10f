"""Secrets never printed: a warehouse URL's password is masked wherever it is shown (issue 13)."""

from __future__ import annotations

import pytest

from etl.secrets import redact_text, redact_url


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg://cx:hunter2@db.example.com:5432/cxpulse",
     "postgresql+psycopg://cx:***@db.example.com:5432/cxpulse"),
    # a password holding "@" and ":" is masked whole, up to the last "@" before the host
    ("postgresql://cx:p@ss:w0rd@db/cx?sslmode=require", "postgresql://cx:***@db/cx?sslmode=require"),
    ("postgresql://:only-password@db/cx", "postgresql://:***@db/cx"),
    ("postgresql+psycopg://cx@db/cx?sslmode=require&password=hunter2&connect_timeout=5",
     "postgresql+psycopg://cx@db/cx?sslmode=require&password=***&connect_timeout=5"),
    ("postgresql://db/cx?PASSWORD=hunter2", "postgresql://db/cx?PASSWORD=***"),
    ("host=db port=5432 password='two words' dbname=cx", "host=db port=5432 password=*** dbname=cx"),
])
def test_the_password_is_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize("url", [
    "duckdb:///data/cxpulse.duckdb",
    "postgresql+psycopg://cx@db.example.com:5432/cxpulse",  # a port is no password
    "postgresql://db.example.com/cxpulse?sslmode=require",
])
def test_a_url_without_a_password_is_unchanged(url: str) -> None:
    assert redact_url(url) == url


def test_every_url_quoted_in_a_message_is_masked() -> None:
    message = ("could not copy from 'postgresql://a:first-secret@h1/d' to postgresql+psycopg://b:second-secret@h2/d:"
               " refused")
    assert redact_text(message) == ("could not copy from 'postgresql://a:***@h1/d' to postgresql+psycopg://b:***@h2/d:"
                                    " refused")
