"""Pure parts of the contact_intents step (etl/enrich/intents.py): the words a contact is classified on, the
training sample, and the vendor-then-rule order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.enrich.intents import contact_text, label_by_vendor_and_rules, training_set
from etl.intents.taxonomy import load_taxonomy


def test_the_subject_comes_before_the_first_customer_messages() -> None:
    expected = "Parcel missing\nIt never came\nStill nothing"
    assert contact_text("Parcel missing", "It never came\nStill nothing") == expected
    assert contact_text(None, "  only words  ") == "only words"
    assert contact_text("", None) == ""


def test_the_training_sample_is_capped_by_a_hash_of_the_id_and_keeps_only_labelled_text() -> None:
    frame = pd.DataFrame({
        "interaction_id": [f"C{n}" for n in range(10)],
        "intent": ["a"] * 10,
        "intent_source": ["vendor", "rule", None, "vendor", "rule", "vendor", "rule", "vendor", "rule", "vendor"],
        "text": ["x", "y", "z", "", "w", "v", "u", "t", "s", "r"],
    })
    whole = training_set(frame)
    assert sorted(whole["interaction_id"]) == sorted(["C0", "C1", "C4", "C5", "C6", "C7", "C8", "C9"])
    capped = training_set(frame, limit=3)
    assert len(capped) == 3
    assert list(training_set(frame, limit=3)["interaction_id"]) == list(capped["interaction_id"])  # the same sample
    assert set(capped["interaction_id"]) <= set(whole["interaction_id"])


def test_a_mapped_vendor_value_wins_over_a_rule(tmp_path: Path) -> None:
    path = tmp_path / "intents.yml"
    path.write_text("intents:\n  - {name: billing, label: B, rules: {keywords: [refund]}}\n"
                    "  - {name: delivery, label: D, rules: {keywords: [parcel]}}\n", encoding="utf-8")
    contacts = pd.DataFrame({
        "interaction_id": ["V", "R", "N"],
        "vendor_intent": ["delivery", None, None],
        "vendor_reason": ["canonical intent = delivery", None, None],
        "text": ["I want a refund", "I want a refund", "hello"],
    })
    out = label_by_vendor_and_rules(contacts, load_taxonomy(path)).set_index("interaction_id")
    assert out.loc["V", ["intent", "intent_source", "intent_reason"]].tolist() == [
        "delivery", "vendor", "canonical intent = delivery"]
    assert out.loc["R", ["intent", "intent_source", "intent_reason"]].tolist() == [
        "billing", "rule", "rule billing: keyword 'refund'"]
    assert out.loc["N", ["intent", "intent_source", "intent_reason"]].isna().all()
