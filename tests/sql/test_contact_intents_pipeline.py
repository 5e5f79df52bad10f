"""Every contact's intent through the whole pipeline (vendor value mapped, rule, classifier, unclassified), on
DuckDB and PostgreSQL, from small canonical exports written by each test with its own taxonomy.

The taxonomy (TAXONOMY below) and the contacts of `_rules_exports`, worked by hand:
  V1  vendor intent "Billing  Enquiry" (listed for billing; compared trimmed, lower case, spaces as one "_")
      and a message naming a parcel: the vendor value comes first -> billing, vendor, 1.0, High.
  V2  vendor intent "delivery": equal to an intent's name -> delivery, vendor.
  U1  vendor intent "Loyalty points" (mapped to nothing: listed in ops.intent_unmapped_vendor_values, 1 contact)
      and the message "I want a refund" -> billing by the keyword "refund".
  R1  "Please reset my password": password_reset's keyword and access's regex both match; password_reset is
      deeper (parent access) -> password_reset, rule, parent access.
  R2  no message, subject "Parcel missing" -> delivery by the keyword "parcel" (the subject counts).
  R3  "I was refunded twice": "refund" is word-bounded, "refunded" is another word -> no rule; four labelled
      contacts with text are fewer than the classifier's 50 -> unclassified, no confidence, no band.
  N1  no vendor value, no subject, no message -> unclassified.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from etl.pipeline import run_pipeline
from tests.conftest import make_settings, query_frame

TAXONOMY = """\
intents:
  - name: billing
    label: Billing
    rules: {keywords: [refund, invoice]}
    vendor_values: {canonical: {intent: [Billing Enquiry]}}
  - name: delivery
    label: Delivery
    rules: {keywords: [parcel, delivery]}
  - name: access
    label: Account access
    rules: {regexes: ['pass ?word']}
  - name: password_reset
    label: Password reset
    parent: access
    rules: {keywords: [reset my password]}
"""
HEADER = ("interaction_id,channel,customer_id,queue_id,agent_id,intent,priority,status,created_at,updated_at,"
          "closed_at,subject,talk_seconds,hold_seconds,acw_seconds")


def _write_exports(folder: Path, contacts: list[tuple[str, str, str, str | None]]) -> None:
    """contacts: (interaction_id, vendor intent, subject, first customer message or None)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [HEADER]
    messages = []
    for n, (interaction_id, intent, subject, text) in enumerate(contacts):
        day = 1 + n % 28
        lines.append(f"{interaction_id},email,C{n},Q1,,{intent},normal,closed,2026-05-{day:02d}T09:00:00Z,"
                     f"2026-05-{day:02d}T10:00:00Z,2026-05-{day:02d}T10:00:00Z,{subject},,,")
        if text is not None:
            messages.append(json.dumps({"message_id": f"M{n}", "interaction_id": interaction_id,
                                        "sent_at": f"2026-05-{day:02d}T09:00:00Z", "author_role": "customer",
                                        "text": text}))
    (folder / "interactions-2026-05.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "messages-2026-05.jsonl").write_text("\n".join(messages) + "\n", encoding="utf-8")


def _rules_exports(folder: Path) -> None:
    _write_exports(folder, [
        ("V1", "Billing  Enquiry", "", "where is my parcel"),
        ("V2", "delivery", "", None),
        ("U1", "Loyalty points", "", "I want a refund"),
        ("R1", "", "", "Please reset my password"),
        ("R2", "", "Parcel missing", None),
        ("R3", "", "", "I was refunded twice"),
        ("N1", "", "", None),
    ])


def _settings(url: str, exports: Path, taxonomy: Path, **intents: object):
    return make_settings(url, exports, intents={"taxonomy": str(taxonomy), **intents})


def _contacts(url: str):
    frame = query_frame(url, "select interaction_id, intent, intent_source, intent_confidence, intent_confidence_band,"
                             " intent_reason, intent_parent from core.fct_interactions order by interaction_id")
    return frame.set_index("interaction_id")


def _count(url: str, table: str) -> int:
    return int(query_frame(url, f"select count(*) as n from {table}")["n"].iloc[0])


def test_vendor_values_then_rules_then_unclassified(warehouse_url: str, tmp_path: Path) -> None:
    exports, taxonomy = tmp_path / "exports", tmp_path / "intents.yml"
    _rules_exports(exports)
    taxonomy.write_text(TAXONOMY, encoding="utf-8")
    result = run_pipeline(_settings(warehouse_url, exports, taxonomy), "run")
    assert result.exit_code == 0
    contacts = _contacts(warehouse_url)
    expected = {
        "V1": ("billing", "vendor", 1.0, "High", None),
        "V2": ("delivery", "vendor", 1.0, "High", None),
        "U1": ("billing", "rule", 1.0, "High", None),
        "R1": ("password_reset", "rule", 1.0, "High", "access"),
        "R2": ("delivery", "rule", 1.0, "High", None),
    }
    for interaction_id, (intent, source, confidence, band, parent) in expected.items():
        row = contacts.loc[interaction_id]
        assert (row.intent, row.intent_source, float(row.intent_confidence), row.intent_confidence_band) == (
            intent, source, confidence, band), interaction_id
        assert (None if pd.isna(row.intent_parent) else row.intent_parent) == parent, interaction_id
    assert contacts.loc["V1", "intent_reason"] == "canonical intent = Billing  Enquiry"
    assert contacts.loc["R1", "intent_reason"] == "rule password_reset: keyword 'reset my password'"
    assert contacts.loc["U1", "intent_reason"] == "rule billing: keyword 'refund'"
    for interaction_id in ("R3", "N1"):
        row = contacts.loc[interaction_id]
        assert (row.intent, row.intent_source) == ("unclassified", "unclassified")
        assert pd.isna(row.intent_confidence)
        assert pd.isna(row.intent_confidence_band)
    assert "50" in contacts.loc["R3", "intent_reason"]
    assert contacts.loc["N1", "intent_reason"].startswith("no text to classify")
    unmapped = query_frame(warehouse_url, "select source_kind, vendor_field, vendor_value, count_contacts"
                                          " from ops.intent_unmapped_vendor_values")
    assert [tuple(r) for r in unmapped.itertuples(index=False)] == [("canonical", "intent", "Loyalty points", 1)]
    models = query_frame(warehouse_url, "select status, n_labelled from core.enr_intent_models")
    # labelled contacts with text to learn from: V1, U1, R1, R2 (V2 has none)
    assert [tuple(r) for r in models.itertuples(index=False)] == [("insufficient_data", 4)]


def test_a_rerun_writes_nothing_and_a_taxonomy_change_relabels(warehouse_url: str, tmp_path: Path) -> None:
    exports, taxonomy = tmp_path / "exports", tmp_path / "intents.yml"
    _rules_exports(exports)
    taxonomy.write_text(TAXONOMY, encoding="utf-8")
    assert run_pipeline(_settings(warehouse_url, exports, taxonomy), "run").exit_code == 0
    assert _count(warehouse_url, "core.enr_contact_intents") == 7
    assert run_pipeline(_settings(warehouse_url, exports, taxonomy), "build").exit_code == 0
    assert _count(warehouse_url, "core.enr_contact_intents") == 7
    assert _count(warehouse_url, "core.enr_intent_models") == 1

    taxonomy.write_text(TAXONOMY.replace("keywords: [refund, invoice]", "keywords: [refund, refunded, invoice]"),
                        encoding="utf-8")
    assert run_pipeline(_settings(warehouse_url, exports, taxonomy), "build").exit_code == 0
    # a new taxonomy version: every contact gets a new row, and R3 now matches "refunded"
    assert _count(warehouse_url, "core.enr_contact_intents") == 14
    row = _contacts(warehouse_url).loc["R3"]
    assert (row.intent, row.intent_source, row.intent_reason) == ("billing", "rule", "rule billing: keyword 'refunded'")


# 30 contacts of each of two intents labelled by their vendor value, with words that never cross over
BILLING_TEXTS = ("my card was charged", "the charge on my card is wrong", "card charge appeared on statement",
                 "why this charge on my card", "card statement shows a charge")
DELIVERY_TEXTS = ("the courier van is late", "courier van did not come", "van driver courier missed me",
                  "when will the courier van arrive", "courier van left no note")


def _model_exports(folder: Path) -> None:
    contacts = []
    for n in range(30):
        contacts.append((f"B{n:02d}", "billing", "", f"{BILLING_TEXTS[n % 5]} {n}"))
        contacts.append((f"D{n:02d}", "delivery", "", f"{DELIVERY_TEXTS[n % 5]} {n}"))
    contacts.append(("X1", "", "", "courier van courier van"))
    contacts.append(("X2", "", "", "zzzz qqqq"))
    _write_exports(folder, contacts)


def test_the_classifier_labels_the_rest_and_the_floor_keeps_its_guess_aside(warehouse_url: str,
                                                                            tmp_path: Path) -> None:
    exports, taxonomy = tmp_path / "exports", tmp_path / "intents.yml"
    _model_exports(exports)
    taxonomy.write_text("intents:\n  - {name: billing, label: Billing}\n  - {name: delivery, label: Delivery}\n",
                        encoding="utf-8")
    # X2 shares no word or character trigram with the training texts: its probabilities are the two balanced
    # classes' (about 0.5 each), below a floor of 0.9
    assert run_pipeline(_settings(warehouse_url, exports, taxonomy, confidence_floor=0.9), "run").exit_code == 0
    contacts = _contacts(warehouse_url)
    x2 = contacts.loc["X2"]
    assert (x2.intent, x2.intent_source) == ("unclassified", "unclassified")
    assert pd.isna(x2.intent_confidence_band)
    guesses = query_frame(warehouse_url, "select interaction_id, model_guess, model_confidence"
                                         " from core.enr_contact_intents where interaction_id = 'X2'")
    assert guesses["model_guess"].iloc[0] in ("billing", "delivery")
    assert float(guesses["model_confidence"].iloc[0]) < 0.9
    assert "below the floor 0.90" in x2.intent_reason
    models = query_frame(warehouse_url, "select distinct status, n_labelled, n_train + n_heldout as n"
                                        " from core.enr_intent_models")
    assert [tuple(r) for r in models.itertuples(index=False)] == [("fitted", 60, 60)]
    # at the default floor 0.5 the best of two classes always passes: X1 (delivery's words only) is delivery
    assert run_pipeline(_settings(warehouse_url, exports, taxonomy), "build").exit_code == 0
    x1 = _contacts(warehouse_url).loc["X1"]
    assert (x1.intent, x1.intent_source) == ("delivery", "model")
    assert 0.5 <= float(x1.intent_confidence) <= 1.0
    band = "High" if x1.intent_confidence >= 0.8 else "Medium" if x1.intent_confidence >= 0.6 else "Low"
    assert x1.intent_confidence_band == band
    assert _count(warehouse_url, "core.enr_intent_models") == 2  # the same training data: no new fit
