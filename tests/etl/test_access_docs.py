"""The README's "Who may see what" table is the one etl.access.CAPABILITIES gives, so it cannot drift."""

from __future__ import annotations

from etl.access_docs import role_table_markdown
from tests.conftest import REPO_ROOT


def test_the_readme_holds_the_role_table_of_the_code() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert role_table_markdown() in readme, "README.md: paste `python -c 'from etl.access_docs import *; " \
                                            "print(role_table_markdown())'` under 'Who may see what'"


def test_the_table_says_what_each_role_may_do() -> None:
    rows = role_table_markdown().splitlines()
    assert rows[0] == ("| role | pages | aggregates | conversations | transcripts (masked) | exports: aggregate |"
                       " exports: row-level | raw payloads | clear text | audit log | configuration |")
    # worked out by hand from the issue: exec aggregates only; manager drills to conversations; analyst exports
    # rows; admin raw payloads, clear text where configured, the audit log and configuration
    assert rows[2:] == [
        "| **exec** | every page but `audit-log` | yes, of its scope | no | no | yes | no | no | no | no | no |",
        "| **manager** | every page but `audit-log` | yes, of its scope | yes, of its scope | yes, of its scope | yes"
        " | no | no | no | no | no |",
        "| **analyst** | every page but `audit-log` | yes, of its scope | yes, of its scope | yes, of its scope | yes"
        " | yes | no | no | no | no |",
        "| **admin** | every page | yes, of its scope | yes, of its scope | yes, of its scope | yes | yes | yes"
        " | where `admin_sees_clear_text = true` | yes | yes |",
    ]
