"""The intent of every contact: the mapped vendor value, else a rule, else the classifier, else unclassified.

In order, for each contact:
1. **vendor**: a vendor value the taxonomy maps (sql/intermediate/int_interaction_vendor_intents.sql);
   confidence 1.0, the reason names the source kind, field and value.
2. **rule**: the taxonomy's keywords / regexes on the contact's subject and first customer messages
   (FIRST_CUSTOMER_MESSAGES of them); confidence 1.0, the reason names the rule (etl/intents/rules.py).
3. **model**: the classifier (etl/intents/classifier.py) trained on the contacts labelled by 1 and 2 that have
   text, scoring the others' text; its calibrated probability is the confidence. A guess below
   `[intents] confidence_floor` is not an intent: the contact is unclassified, and the guess and its confidence
   stay in `model_guess` / `model_confidence` (for people checking the detector and for discovery).
4. **unclassified**: no vendor value, rule or confident model guess (or no text); confidence null.

Rows go to `core.enr_contact_intents`, stamped with the detector version (this module's version, the
taxonomy's content version and, for model and unclassified rows, the model's version and the floor) and a hash
of the contact's inputs. A contact gets a new row only when its latest row's version or input hash differs, so
a rerun on unchanged data writes nothing, and a changed taxonomy file relabels every contact. The models read
each contact's latest row. The classifier's quality (training size, held-out accuracy, macro-F1, per-intent
precision / recall / support) goes to `core.enr_intent_models` when its training data (hash of the labelled
contacts' ids, intents and texts) or the taxonomy changes; with fewer than MIN_LABELLED_CONTACTS labelled
contacts or fewer than two intents among them no model is fitted: one row says why, and the contacts the rules
and vendor fields leave are unclassified with that reason. Models are not stored as pickles: a run that needs
predictions from an unchanged model refits it in memory (the fit is deterministic) without writing a new row. No
model is fitted when no contact needs one (every contact with text has a vendor value or a rule), and it learns
from at most MAX_TRAINING_CONTACTS labelled contacts (a fixed sample by a hash of the id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.config import IntentSettings
from etl.enrich.steps import EnrichmentStep, StepContext
from etl.intents.classifier import IntentModel, fit_intent_model, predict_intents
from etl.intents.rules import compile_rules, match_rules
from etl.intents.taxonomy import UNCLASSIFIED, Taxonomy, load_taxonomy
from etl.warehouse import Warehouse, check_identifier

DETECTOR_VERSION = "intents-1"
FIRST_CUSTOMER_MESSAGES = 2
MIN_LABELLED_CONTACTS = 50
MIN_INTENTS = 2
VENDOR, RULE, MODEL = "vendor", "rule", "model"
FITTED, INSUFFICIENT, NOT_NEEDED = "fitted", "insufficient_data", "not_needed"
NO_MODEL = "no-model"
# the classifier learns from at most this many labelled contacts (a fixed sample by a hash of the id): TF-IDF +
# logistic regression fits 10,000 texts in about 40 s on one core, and more labels of the same intents add little
MAX_TRAINING_CONTACTS = 20_000

ASSIGNMENT_COLUMNS = ["interaction_id", "intent", "intent_source", "intent_confidence", "intent_reason",
                      "model_guess", "model_confidence", "detector_version", "taxonomy_version", "model_version",
                      "input_hash", "run_id", "assigned_at"]
MODEL_COLUMNS = ["model_version", "taxonomy_version", "run_id", "fitted_at", "training_data_hash", "status",
                 "reason", "n_labelled", "n_train", "n_heldout", "heldout_accuracy", "heldout_macro_f1", "intent",
                 "intent_precision", "intent_recall", "intent_support"]


@dataclass(frozen=True)
class ModelSummary:
    """What the model stage did: its version, status and quality (the fitted model itself when there is one)."""

    model_version: str
    training_data_hash: str
    status: str
    reason: str | None
    n_labelled: int
    fitted: IntentModel | None = None


def contact_text(subject: object, messages: object) -> str:
    """The words a contact is classified on: its subject (when it has one) and its first customer messages."""
    parts = [str(part).strip() for part in (subject, messages) if isinstance(part, str) and part.strip()]
    return "\n".join(parts)


def input_hash(frame: pd.DataFrame) -> pd.Series:
    """Per contact, a hash of what its intent is decided from (mapped vendor value and text)."""
    keys = (frame["vendor_intent"].fillna("") + "\x1f" + frame["vendor_reason"].fillna("") + "\x1f"
            + frame["text"].fillna(""))
    return keys.map(lambda key: hashlib.sha256(key.encode()).hexdigest()[:16])


def label_by_vendor_and_rules(contacts: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Stages 1 and 2: `contacts` (interaction_id, vendor_intent, vendor_reason, text) with intent,
    intent_source and intent_reason filled where a vendor value or a rule gives one (null elsewhere)."""
    rules = compile_rules(taxonomy)
    out = contacts.copy()
    intents, sources, reasons = [], [], []
    for vendor_intent, vendor_reason, text in zip(out["vendor_intent"], out["vendor_reason"], out["text"],
                                                  strict=True):
        if isinstance(vendor_intent, str) and vendor_intent:
            intents.append(vendor_intent)
            sources.append(VENDOR)
            reasons.append(vendor_reason)
            continue
        found = match_rules(rules, text if isinstance(text, str) else None)
        intents.append(found.intent if found else None)
        sources.append(RULE if found else None)
        reasons.append(found.reason if found else None)
    out["intent"], out["intent_source"], out["intent_reason"] = intents, sources, reasons
    return out


def training_data_hash(labelled: pd.DataFrame) -> str:
    ordered = labelled.sort_values("interaction_id")
    payload = "\x1e".join(f"{i}\x1f{label}\x1f{text}" for i, label, text in
                          zip(ordered["interaction_id"], ordered["intent"], ordered["text"], strict=True))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def training_set(labelled_contacts: pd.DataFrame, limit: int = MAX_TRAINING_CONTACTS) -> pd.DataFrame:
    """Contacts labelled by a vendor value or a rule that have text to learn from (at most `limit`: those whose
    id hashes lowest, the same sample on every run and engine)."""
    has_text = labelled_contacts["text"].fillna("").str.strip() != ""
    training = labelled_contacts[labelled_contacts["intent_source"].isin([VENDOR, RULE]) & has_text]
    if len(training) <= limit:
        return training
    order = training["interaction_id"].map(lambda i: hashlib.sha256(f"cxpulse-intent-sample:{i}".encode()).hexdigest())
    return training.loc[order.sort_values(kind="stable").index[:limit]]


def fit_model(training: pd.DataFrame, taxonomy_version: str) -> ModelSummary:
    """Fit the classifier on the labelled contacts, or say why there is no model."""
    data_hash = training_data_hash(training)
    n = len(training)
    n_intents = training["intent"].nunique()
    if n < MIN_LABELLED_CONTACTS or n_intents < MIN_INTENTS:
        reason = (f"{n} contacts labelled by a vendor field or a rule, across {n_intents} intent(s): the classifier"
                  f" needs at least {MIN_LABELLED_CONTACTS} contacts and {MIN_INTENTS} intents")
        return ModelSummary(f"no-model/data-{data_hash}", data_hash, INSUFFICIENT, reason, n)
    model = fit_intent_model(training["text"].tolist(), training["intent"].tolist(),
                             training["interaction_id"].tolist(), random_state=0)
    if model.status != FITTED:
        return ModelSummary(model.version, data_hash, model.status, model.reason, n, model)
    return ModelSummary(model.version, data_hash, FITTED, model.reason, n, model)


def model_rows(summary: ModelSummary, taxonomy_version: str, run_id: int, fitted_at: dt.datetime) -> pd.DataFrame:
    """The rows of core.enr_intent_models for one fit: one per intent (one without an intent when no model)."""
    model: IntentModel | None = summary.fitted if summary.status == FITTED else None
    common = {
        "model_version": summary.model_version, "taxonomy_version": taxonomy_version, "run_id": run_id,
        "fitted_at": fitted_at, "training_data_hash": summary.training_data_hash, "status": summary.status,
        "reason": summary.reason, "n_labelled": summary.n_labelled,
        "n_train": model.n_train if model else None, "n_heldout": model.n_heldout if model else None,
        "heldout_accuracy": model.heldout_accuracy if model else None,
        "heldout_macro_f1": model.heldout_macro_f1 if model else None,
    }
    per_intent = model.per_intent if model else ()
    if not per_intent:
        rows = [{**common, "intent": None, "intent_precision": None, "intent_recall": None, "intent_support": None}]
    else:
        rows = [{**common, "intent": q.intent, "intent_precision": q.precision, "intent_recall": q.recall,
                 "intent_support": q.support} for q in per_intent]
    return pd.DataFrame(rows, columns=MODEL_COLUMNS)


def apply_model(rest: pd.DataFrame, summary: ModelSummary, floor: float) -> pd.DataFrame:
    """Stages 3 and 4 for the contacts stages 1 and 2 left: a confident model guess, else unclassified."""
    out = rest.copy()
    out["intent"] = UNCLASSIFIED
    out["intent_source"] = UNCLASSIFIED
    out["intent_confidence"] = np.nan
    out["model_guess"] = None
    out["model_confidence"] = np.nan
    has_text = out["text"].fillna("").str.strip() != ""
    out["intent_reason"] = np.where(has_text, summary.reason or "", "no text to classify (no subject and no"
                                    " customer message) and no mapped vendor value")
    if summary.status != FITTED or not has_text.any():
        return out
    texts = out.loc[has_text, "text"].tolist()
    guesses, confidences = predict_intents(summary.fitted, texts)
    confidences = np.asarray(confidences, dtype=float)
    index = out.index[has_text]
    out.loc[index, "model_guess"] = list(guesses)
    out.loc[index, "model_confidence"] = confidences
    confident = confidences >= floor
    out.loc[index[confident], "intent"] = np.asarray(guesses, dtype=object)[confident]
    out.loc[index[confident], "intent_source"] = MODEL
    out.loc[index[confident], "intent_confidence"] = confidences[confident]
    out.loc[index[confident], "intent_reason"] = [f"model {summary.model_version}: probability {c:.2f}"
                                                  for c in confidences[confident]]
    out.loc[index[~confident], "intent_reason"] = [
        f"model {summary.model_version}: best guess {g} at probability {c:.2f}, below the floor {floor:.2f}"
        for g, c in zip(np.asarray(guesses, dtype=object)[~confident], confidences[~confident], strict=True)]
    return out


def read_contacts(warehouse: Warehouse, interactions_table: str, vendor_table: str,
                  messages_table: str) -> pd.DataFrame:
    """Every contact with its mapped vendor value (if any) and its text (subject and first customer messages)."""
    interactions = check_identifier(interactions_table)
    vendor = check_identifier(vendor_table)
    messages = check_identifier(messages_table)
    frame = warehouse.query_df(
        "select i.interaction_id, i.subject, v.intent as vendor_intent,"
        " v.source_system as vendor_source, v.vendor_field, v.vendor_value"
        f" from {interactions} i left join {vendor} v on v.interaction_id = i.interaction_id"
        " order by i.interaction_id"
    )
    texts = warehouse.query_df(
        "select interaction_id, message_text from ("
        " select interaction_id, message_text, sent_at, message_id, row_number() over (partition by interaction_id"
        " order by sent_at, message_id) as message_rank"
        f" from {messages} where author_role = 'customer' and message_text is not null) ranked"
        " where message_rank <= :first_messages order by interaction_id, message_rank",
        {"first_messages": FIRST_CUSTOMER_MESSAGES},
    )
    joined = texts.groupby("interaction_id", sort=False)["message_text"].agg(lambda s: "\n".join(map(str, s)))
    frame["messages"] = frame["interaction_id"].map(joined)
    # object columns even when there is no contact (pandas would make an empty column of floats)
    frame["text"] = pd.Series([contact_text(s, m) for s, m in zip(frame["subject"], frame["messages"], strict=True)],
                              index=frame.index, dtype=object)
    frame["vendor_reason"] = pd.Series([
        f"{kind} {field} = {value}" if isinstance(intent, str) else None
        for intent, kind, field, value in zip(frame["vendor_intent"], frame["vendor_source"], frame["vendor_field"],
                                              frame["vendor_value"], strict=True)], index=frame.index, dtype=object)
    frame["vendor_intent"] = frame["vendor_intent"].astype(object)
    return frame[["interaction_id", "vendor_intent", "vendor_reason", "text"]]


def _latest_rows(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.query_df(
        "select interaction_id, detector_version, input_hash from ("
        " select interaction_id, detector_version, input_hash, row_number() over (partition by interaction_id"
        " order by assigned_at desc, run_id desc) as row_rank from core.enr_contact_intents) latest"
        " where row_rank = 1"
    )


def _latest_model(warehouse: Warehouse, taxonomy_version: str) -> tuple[str | None, str | None]:
    frame = warehouse.query_df(
        "select model_version, training_data_hash from core.enr_intent_models where taxonomy_version = :taxonomy"
        " order by fitted_at desc, run_id desc limit 1", {"taxonomy": taxonomy_version})
    if frame.empty:
        return None, None
    return str(frame["model_version"].iloc[0]), str(frame["training_data_hash"].iloc[0])


def _needs_row(contacts: pd.DataFrame, latest: pd.DataFrame) -> pd.Series:
    merged = contacts[["interaction_id", "detector_version", "input_hash"]].merge(
        latest, on="interaction_id", how="left", suffixes=("", "_stored"))
    same = (merged["detector_version"] == merged["detector_version_stored"]) & (
        merged["input_hash"] == merged["input_hash_stored"])
    return pd.Series((~same.fillna(False)).to_numpy(dtype=bool), index=contacts.index)


def assign_and_store(warehouse: Warehouse, settings: IntentSettings, run_id: int, interactions_table: str,
                     vendor_table: str, messages_table: str) -> dict[str, object]:
    """Label every contact and append the rows that changed; returns counts by source and the model status."""
    taxonomy = load_taxonomy(settings.taxonomy)
    taxonomy_version = taxonomy.content_version
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    contacts = read_contacts(warehouse, interactions_table, vendor_table, messages_table)
    contacts["input_hash"] = input_hash(contacts)
    labelled = label_by_vendor_and_rules(contacts, taxonomy)
    is_labelled = labelled["intent_source"].notna()
    base_version = f"{DETECTOR_VERSION}/{taxonomy_version}"
    labelled["detector_version"] = base_version
    latest = _latest_rows(warehouse)
    training = training_set(labelled[is_labelled])
    data_hash = training_data_hash(training)
    stored_version, stored_hash = _latest_model(warehouse, taxonomy_version)
    rest = labelled[~is_labelled]
    # the model is fitted only when some contact needs it: one with text and no vendor value or rule
    needs_model = bool((rest["text"].fillna("").str.strip() != "").any())
    model_changed = needs_model and stored_hash != data_hash
    summary: ModelSummary | None = None
    if not needs_model:
        summary = ModelSummary(NO_MODEL, data_hash, NOT_NEEDED, None, len(training))
        model_version = NO_MODEL
    elif model_changed:
        summary = fit_model(training, taxonomy_version)
        model_version = summary.model_version
    else:
        model_version = str(stored_version)
    rest_version = f"{base_version}/{model_version}/floor-{settings.confidence_floor:g}"
    labelled.loc[~is_labelled, "detector_version"] = rest_version
    needs = _needs_row(labelled, latest)
    rows = []
    done = labelled[is_labelled & needs].copy()
    if not done.empty:
        done["intent_confidence"] = 1.0
        done["model_guess"] = None
        done["model_confidence"] = np.nan
        rows.append(done)
    pending = rest[needs[~is_labelled]]
    if not pending.empty:
        if summary is None:
            summary = fit_model(training, taxonomy_version)
        scored = apply_model(pending, summary, settings.confidence_floor)
        scored["detector_version"] = rest_version
        rows.append(scored)
    with warehouse.transaction():
        if model_changed and summary is not None:
            warehouse.bulk_insert("core.enr_intent_models", model_rows(summary, taxonomy_version, run_id, now))
        if rows:
            out = pd.concat(rows, ignore_index=True)
            out["taxonomy_version"] = taxonomy_version
            out["model_version"] = np.where(out["intent_source"].isin([VENDOR, RULE]), None, model_version)
            out["run_id"] = run_id
            out["assigned_at"] = now
            warehouse.bulk_insert("core.enr_contact_intents", out[ASSIGNMENT_COLUMNS])
    written = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["intent_source"])
    return {
        "rows_written": len(written),
        "by_source": written["intent_source"].value_counts().to_dict(),
        "model_status": summary.status if summary is not None else "unchanged",
    }


def _run_step(context: StepContext) -> int:
    report = assign_and_store(
        context.warehouse, context.settings.intents, context.run_id,
        context.table_of("int_interactions_unioned"), context.table_of("int_interaction_vendor_intents"),
        context.table_of("fct_messages"),
    )
    context.reports["contact_intents"] = report
    return int(report["rows_written"])


STEPS = [
    EnrichmentStep(
        name="contact_intents",
        description="Finding every contact's intent (vendor field, rule, classifier)",
        reads=("int_interactions_unioned", "int_interaction_vendor_intents", "fct_messages"),
        writes={"contact_intents": "core.enr_contact_intents", "intent_models": "core.enr_intent_models"},
        ddl=(
            """create table if not exists core.enr_contact_intents (
    interaction_id text not null,
    intent text not null,
    intent_source text not null,
    intent_confidence double precision,
    intent_reason text,
    model_guess text,
    model_confidence double precision,
    detector_version text not null,
    taxonomy_version text not null,
    model_version text,
    input_hash text not null,
    run_id bigint not null,
    assigned_at timestamp not null
)""",
            """create table if not exists core.enr_intent_models (
    model_version text not null,
    taxonomy_version text not null,
    run_id bigint not null,
    fitted_at timestamp not null,
    training_data_hash text not null,
    status text not null,
    reason text,
    n_labelled bigint not null,
    n_train bigint,
    n_heldout bigint,
    heldout_accuracy double precision,
    heldout_macro_f1 double precision,
    intent text,
    intent_precision double precision,
    intent_recall double precision,
    intent_support bigint
)""",
        ),
        run=_run_step,
    ),
]
