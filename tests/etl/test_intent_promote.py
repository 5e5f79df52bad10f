"""Promoting a discovered cluster to an intent: the taxonomy file keeps its content and comments, the new intent
reloads with its rule, and bad names are refused (etl/intents/promote.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.intents.promote import PromotionError, promote_cluster, write_taxonomy
from etl.intents.rules import compile_rules, match_rules
from etl.intents.taxonomy import STARTER_PATH, load_taxonomy

OWN_FILE = """\
# Our taxonomy: the starter pack plus our own intents.
extends: starter   # the shipped customer-service pack

intents:
  # gift cards are ours only
  - name: gift_card
    label: Gift card
    parent: billing_and_refunds   # billed like any order
    rules:
      keywords: [gift card]
  - {name: loyalty_points, label: Loyalty points}

# nothing below this line is an intent
"""


def known(path: Path) -> set[str]:
    return set(load_taxonomy(path).names())


def test_a_promoted_cluster_is_appended_and_everything_else_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    path.write_text(OWN_FILE, encoding="utf-8")
    new_text = promote_cluster(OWN_FILE, name="warranty_claim", label="Warranty claim",
                               description="The customer claims a repair or replacement under warranty.",
                               parent="technical_fault", keywords=["warranty", "under warranty", " warranty "],
                               known_intents=known(path), comment="promoted from discovery cluster 2")
    old_lines = OWN_FILE.splitlines()
    # every old line kept, in order; the new intent after the last intent, before the blank line and trailing comment
    assert new_text.splitlines() == [*old_lines[:11],
        "  # promoted from discovery cluster 2",
        "  - name: warranty_claim",
        "    label: Warranty claim",
        "    description: The customer claims a repair or replacement under warranty.",
        "    parent: technical_fault",
        "    rules:",
        "      keywords: [warranty, under warranty]",
        *old_lines[11:]]
    write_taxonomy(path, new_text)
    taxonomy = load_taxonomy(path)
    promoted = taxonomy.get("warranty_claim")
    assert (promoted.label, promoted.parent) == ("Warranty claim", "technical_fault")
    assert promoted.keywords == ("warranty", "under warranty")  # the repeat is dropped
    assert taxonomy.get("gift_card").keywords == ("gift card",)
    rules = compile_rules(taxonomy)
    assert match_rules(rules, "my kettle is still under warranty").intent == "warranty_claim"


def test_a_file_without_intents_gets_the_list() -> None:
    new_text = promote_cluster("extends: starter\n", name="warranty_claim", label="Warranty claim",
                               keywords=["warranty"], known_intents={"billing_and_refunds"})
    assert new_text.splitlines() == ["extends: starter", "intents:", "  - name: warranty_claim",
                                     "    label: Warranty claim", "    rules:", "      keywords: [warranty]"]
    empty_list = promote_cluster("extends: starter\nintents: []\n", name="warranty_claim", label="Warranty claim",
                                 keywords=["warranty"], known_intents=set())
    assert empty_list.splitlines()[:3] == ["extends: starter", "intents:", "  - name: warranty_claim"]


@pytest.mark.parametrize(("name", "label", "parent", "keywords", "message"), [
    ("Warranty Claim", "Warranty", None, ["warranty"], "lower case"),
    ("warranty-claim", "Warranty", None, ["warranty"], "lower case"),
    ("1warranty", "Warranty", None, ["warranty"], "lower case"),
    ("unclassified", "Unclassified", None, ["warranty"], "reserved"),
    ("gift_card", "Gift card", None, ["gift"], "already has"),
    ("billing_and_refunds", "Billing", None, ["bill"], "already has"),
    ("warranty_claim", "  ", None, ["warranty"], "label"),
    ("warranty_claim", "Warranty", "no_such_intent", ["warranty"], "parent"),
    ("warranty_claim", "Warranty", None, [" ", ""], "keyword"),
])
def test_bad_promotions_are_refused(tmp_path: Path, name: str, label: str, parent: str | None,
                                    keywords: list[str], message: str) -> None:
    path = tmp_path / "taxonomy.yml"
    path.write_text(OWN_FILE, encoding="utf-8")
    with pytest.raises(PromotionError, match=message):
        promote_cluster(OWN_FILE, name=name, label=label, parent=parent, keywords=keywords, known_intents=known(path))


def test_a_shipped_pack_is_never_written_and_a_bad_file_is_not_written(tmp_path: Path) -> None:
    starter = STARTER_PATH.read_text(encoding="utf-8")
    with pytest.raises(PromotionError, match="shipped pack"):
        write_taxonomy(STARTER_PATH, starter)
    assert STARTER_PATH.read_text(encoding="utf-8") == starter
    path = tmp_path / "taxonomy.yml"
    path.write_text(OWN_FILE, encoding="utf-8")
    # a keyword regex that cannot compile is caught only by the full reload
    broken = OWN_FILE.replace("keywords: [gift card]", "keywords: [gift card]\n      regexes: ['(']")
    with pytest.raises(PromotionError, match="does not load"):
        write_taxonomy(path, broken)
    assert path.read_text(encoding="utf-8") == OWN_FILE
    assert [p.name for p in tmp_path.iterdir()] == ["taxonomy.yml"]
