"""The intent taxonomy loader (etl/intents/taxonomy.py), its rules (etl/intents/rules.py) and the [intents]
settings: shipped packs load, bad files fail with the file and line named, rules are word-bounded and the
most specific match wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import ConfigError, settings_from_mapping
from etl.intents.rules import compile_rules, match_rules
from etl.intents.taxonomy import (
    DEMO_PATH,
    STARTER_PATH,
    TaxonomyError,
    load_taxonomy,
    value_key,
    vendor_mapping_rows,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, text: str, name: str = "intents.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_packs_load_and_the_demo_keeps_its_twelve_intents_under_the_starter_pack() -> None:
    from etl.demo.catalog import INTENT_NAMES

    starter = load_taxonomy(STARTER_PATH)
    for name in ("billing_and_refunds", "cancellation", "account_access", "order_or_delivery_status",
                 "technical_fault", "product_question", "complaint", "change_of_details"):
        assert name in starter.names()
    demo = load_taxonomy(DEMO_PATH)
    assert set(INTENT_NAMES) <= set(demo.names())
    assert demo.get("password_reset").parent == "account_access"
    assert demo.depth("password_reset") == 1
    assert len(demo.intents) == len(starter.intents) + 12
    helpdesk = load_taxonomy(REPO_ROOT / "mappings" / "helpdesk_italian_intents.yml")
    assert helpdesk.get("product_21").parent == "product_support"


@pytest.mark.parametrize(("text", "message"), [
    ("intents:\n  - name: billing\n", "intents.yml:2: intent 'billing' has no label"),
    ("intents:\n  - {name: Billing, label: B}\n", "intents.yml:2: name 'Billing' must be lower case"),
    ("intents:\n  - {name: a, label: A}\n  - {name: a, label: A again}\n",
     "intents.yml:3: intent 'a' is already defined at"),
    ("intents:\n  - {name: a, label: A, parent: b}\n", "intents.yml:2: intent 'a' has unknown parent 'b'"),
    ("intents:\n  - {name: a, label: A, parent: b}\n  - {name: b, label: B, parent: a}\n",
     "parents of 'a' loop"),
    ("intents:\n  - {name: a, label: A, rules: {regexes: ['(unclosed']}}\n",
     "intents.yml:2: intent 'a': regex '(unclosed' does not compile"),
    ("intents:\n  - {name: a, label: A, vendor_values: {freshdesk: {tags: [x]}}}\n",
     "unknown source kind 'freshdesk'"),
    ("intents:\n  - {name: a, label: A, vendor_values: {zendesk: {Reason: [x]}}}\n",
     "zendesk has no intent field 'Reason'"),
    ("intents:\n  - {name: a, label: A, vendor_values: {salesforce: {Reason: [Billing]}}}\n"
     "  - {name: b, label: B, vendor_values: {salesforce: {Reason: [billing]}}}\n",
     "salesforce Reason 'billing' is mapped to both 'a' and 'b'"),
    ("intents:\n  - {name: unclassified, label: U}\n", "'unclassified' is reserved"),
    ("intents:\n  - {name: a, label: A, colour: red}\n", "intents.yml:2: unknown key(s) colour"),
    ("extends: nowhere.yml\nintents: []\n", "taxonomy file not found"),
    ("intents: [\n", "not valid YAML"),
])
def test_a_bad_taxonomy_file_fails_naming_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    assert message in str(raised.value)
    assert str(tmp_path) in str(raised.value)


def test_a_deployment_file_extends_the_starter_pack_and_comes_first(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: starter\nintents:\n"
                            "  - {name: late_refund, label: Late refund, parent: billing_and_refunds,\n"
                            "     vendor_values: {salesforce: {Reason: [Refund Late]}}}\n")
    taxonomy = load_taxonomy(path)
    assert taxonomy.names()[0] == "late_refund"
    assert taxonomy.files == (path.resolve(), STARTER_PATH.resolve())
    rows = vendor_mapping_rows(taxonomy)
    # the deployment's value is ranked first; every intent's own name maps after every listed value
    assert rows[0] == ("salesforce", "Reason", "refund_late", "late_refund", 1)
    listed = [r for r in rows if r[0] != "*"]
    assert rows[len(listed)] == ("*", "*", "late_refund", "late_refund", len(listed) + 1)


def test_the_content_version_changes_with_a_rule_and_not_with_a_label(tmp_path: Path) -> None:
    base = "intents:\n  - {name: a, label: A, rules: {keywords: [refund]}}\n"
    one = load_taxonomy(_write(tmp_path, base, "one.yml")).content_version
    relabelled = load_taxonomy(_write(tmp_path, base.replace("label: A", "label: Another"), "two.yml"))
    more_rules = load_taxonomy(_write(tmp_path, base.replace("[refund]", "[refund, refunded]"), "three.yml"))
    assert relabelled.content_version == one
    assert more_rules.content_version != one


def test_vendor_values_compare_trimmed_lower_case_with_spaces_as_underscores() -> None:
    assert value_key("  Billing   Enquiry ") == "billing_enquiry"
    assert value_key("Delivery - Damaged item") == "delivery_-_damaged_item"


RULES_TAXONOMY = """\
intents:
  - {name: billing, label: Billing, rules: {keywords: [refund, billing]}}
  - {name: details, label: Details, rules: {keywords: [change my billing address]}}
  - {name: access, label: Access, rules: {regexes: ['pass ?word']}}
  - {name: password_reset, label: Password reset, parent: access, rules: {keywords: [reset my password]}}
"""


@pytest.mark.parametrize(("text", "intent", "reason"), [
    ("I want a REFUND please", "billing", "rule billing: keyword 'refund'"),
    ("I was refunded twice", None, None),  # word-bounded: "refunded" is not "refund"
    ("can I change my   billing address?", "details", "rule details: keyword 'change my billing address'"),
    ("please reset my password", "password_reset", "rule password_reset: keyword 'reset my password'"),
    ("my pass word expired", "access", "rule access: regex 'pass ?word'"),
    ("", None, None),
])
def test_rules_are_word_bounded_and_the_most_specific_match_wins(tmp_path: Path, text: str, intent: str | None,
                                                                  reason: str | None) -> None:
    rules = compile_rules(load_taxonomy(_write(tmp_path, RULES_TAXONOMY)))
    found = match_rules(rules, text)
    assert (found.intent if found else None, found.reason if found else None) == (intent, reason)


def test_intent_settings_default_and_validate(tmp_path: Path) -> None:
    default = settings_from_mapping({}, tmp_path).intents
    assert (default.taxonomy, default.confidence_floor, default.high_from, default.medium_from) == (
        None, 0.5, 0.8, 0.6)
    named = settings_from_mapping({"intents": {"taxonomy": "demo"}}, tmp_path).intents
    assert named.taxonomy == DEMO_PATH
    relative = settings_from_mapping({"intents": {"taxonomy": "mine.yml"}}, tmp_path).intents
    assert relative.taxonomy == tmp_path / "mine.yml"
    for bad, message in (({"confidence_floor": 1.5}, "between 0 and 1"),
                         ({"high_from": 0.5, "medium_from": 0.7}, "medium_from must not exceed high_from"),
                         ({"floor": 0.5}, "unknown setting(s) floor")):
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            settings_from_mapping({"intents": bad}, tmp_path)
