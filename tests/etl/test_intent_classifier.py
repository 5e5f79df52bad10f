"""The intent classifier on small hand-made labelled sets (etl/intents/classifier.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from etl.intents.classifier import (
    FITTED,
    INSUFFICIENT,
    confidence_band,
    expected_calibration_error,
    fit_intent_model,
    fit_temperature,
    heldout_mask,
    predict_intents,
)

# three intents with words of their own; 20 phrasings each, every one sharing its intent's words
TEMPLATES = {
    "refund": "I want my money back, refund the payment {n}",
    "password": "cannot log in, reset my password login {n}",
    "delivery": "where is my parcel, delivery tracking late {n}",
}


def toy_set(per_intent: int = 20) -> tuple[list[str], list[str], list[str]]:
    texts, labels, ids = [], [], []
    for intent, template in TEMPLATES.items():
        for n in range(per_intent):
            texts.append(template.format(n=f"case{n}"))
            labels.append(intent)
            ids.append(f"{intent}-{n}")
    return texts, labels, ids


def test_a_separable_set_is_learnt_perfectly_and_measured_on_a_stratified_fifth() -> None:
    # 20 examples per intent: every fifth in hash order is held out -> 4 per intent, 12 in all; 48 train
    model = fit_intent_model(*toy_set())
    assert model.status == FITTED
    assert model.reason is None
    assert (model.n_train, model.n_heldout) == (48, 12)
    assert model.heldout_accuracy == 1.0
    assert model.heldout_macro_f1 == 1.0
    assert model.intents == ("delivery", "password", "refund")
    assert [(q.intent, q.precision, q.recall, q.support) for q in model.per_intent] == [
        ("delivery", 1.0, 1.0, 4), ("password", 1.0, 1.0, 4), ("refund", 1.0, 1.0, 4)]
    assert model.version.startswith("intent-clf-1/")
    intents, confidences = predict_intents(model, ["please refund my payment", "my password login fails",
                                                   "parcel delivery is late"])
    assert intents == ["refund", "password", "delivery"]
    assert confidences.shape == (3,)
    assert ((confidences > 1 / 3) & (confidences <= 1.0)).all()


def test_the_split_holds_out_every_fifth_example_of_each_intent() -> None:
    _, labels, ids = toy_set(per_intent=7)  # 7 per intent -> 1 held out each (rank 5); 4 per intent -> none
    mask = heldout_mask(ids, labels)
    assert mask.sum() == 3
    assert sorted(label for label, held in zip(labels, mask, strict=True) if held) == ["delivery", "password", "refund"]
    assert not heldout_mask(ids[:4], labels[:4]).any()
    # the same ids give the same split in any order
    reversed_mask = heldout_mask(ids[::-1], labels[::-1])
    assert list(reversed_mask[::-1]) == list(mask)


def test_fitting_is_deterministic_and_the_version_follows_the_data() -> None:
    texts, labels, ids = toy_set()
    first, second = fit_intent_model(texts, labels, ids), fit_intent_model(texts[::-1], labels[::-1], ids[::-1])
    assert first.version == second.version
    probe = ["refund my login parcel", "money back"]
    assert predict_intents(first, probe)[0] == predict_intents(second, probe)[0]
    np.testing.assert_allclose(predict_intents(first, probe)[1], predict_intents(second, probe)[1], rtol=1e-6)
    changed = fit_intent_model(texts, ["password", *labels[1:]], ids)
    assert changed.version != first.version


def test_too_few_labels_is_insufficient_data_with_the_reason() -> None:
    texts, labels, ids = toy_set()
    few = fit_intent_model(texts[:49], labels[:49], ids[:49])
    assert few.status == INSUFFICIENT
    assert few.reason == "49 labelled texts, fewer than the 50 needed"
    with pytest.raises(ValueError, match="cannot score"):
        predict_intents(few, ["refund please"])


def test_a_single_intent_is_insufficient_data() -> None:
    texts = [f"refund the payment case{n}" for n in range(60)]
    model = fit_intent_model(texts, ["refund"] * 60, [str(n) for n in range(60)])
    assert model.status == INSUFFICIENT
    assert model.reason == "1 intent with at least 2 examples, two are needed"


def test_an_intent_with_one_example_is_set_aside_and_the_rest_is_learnt() -> None:
    texts, labels, ids = toy_set()
    model = fit_intent_model([*texts, "my card was swallowed"], [*labels, "card"], [*ids, "card-0"])
    assert model.status == FITTED
    assert model.set_aside_intents == ("card",)
    assert model.intents == ("delivery", "password", "refund")
    assert model.reason == "fitted (1 intent with fewer than 2 examples set aside: card)"


def test_without_a_held_out_example_nothing_can_be_measured() -> None:
    # 13 intents x 4 examples = 52 labelled texts, but no intent reaches the 5 examples needed to hold one out
    texts = [f"topic{k} words{k} example {n}" for k in range(13) for n in range(4)]
    labels = [f"intent{k}" for k in range(13) for _ in range(4)]
    model = fit_intent_model(texts, labels, [f"{k}-{n}" for k in range(13) for n in range(4)])
    assert model.status == INSUFFICIENT
    assert model.reason == "no intent has the 5 examples needed to hold one out for measuring"


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="as many"):
        fit_intent_model(["a", "b"], ["x"], ["1", "2"])


@pytest.mark.parametrize(("confidence", "band"), [
    (1.0, "High"), (0.8, "High"), (0.7999, "Medium"), (0.6, "Medium"), (0.5999, "Low"), (0.0, "Low"),
    (math.nan, "Low"),
])
def test_confidence_bands_at_the_cut_offs(confidence: float, band: str) -> None:
    assert confidence_band(confidence) == band


def test_confidence_bands_with_other_cut_offs() -> None:
    assert confidence_band(0.75, high_from=0.7, medium_from=0.5) == "High"
    assert confidence_band(0.55, high_from=0.7, medium_from=0.5) == "Medium"
    with pytest.raises(ValueError):
        confidence_band(0.5, high_from=0.5, medium_from=0.6)


def test_expected_calibration_error_worked_by_hand() -> None:
    # bin of 0.9: 2 predictions, 1 right -> |0.5 - 0.9| = 0.4; bin of 0.6: 2 right -> |1.0 - 0.6| = 0.4
    # ECE = (2 x 0.4 + 2 x 0.4) / 4 = 0.4
    assert expected_calibration_error(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1, 0, 1, 1])) == pytest.approx(0.4)
    # perfectly calibrated: confidence 0.75, 3 of 4 right
    assert expected_calibration_error(np.full(4, 0.75), np.array([1, 1, 1, 0])) == pytest.approx(0.0)


def test_temperature_makes_the_confidence_match_the_accuracy() -> None:
    # two classes, every logit pair [0, 2], the second class right 3 times in 4: the best temperature gives
    # sigmoid(2 / T) = 0.75, so 2 / T = ln 3 and T = 2 / ln 3 = 1.8205
    logits = np.array([[0.0, 2.0]] * 4)
    truth = np.array([1, 1, 1, 0])
    assert fit_temperature(logits, truth) == pytest.approx(2 / math.log(3), rel=1e-3)


def test_repeated_texts_score_as_when_alone() -> None:
    model = fit_intent_model(*toy_set())
    intents, confidences = predict_intents(model, ["money back", "parcel late", "money back"])
    alone = [predict_intents(model, [text]) for text in ("money back", "parcel late")]
    assert intents == [alone[0][0][0], alone[1][0][0], alone[0][0][0]]
    np.testing.assert_allclose(confidences, [alone[0][1][0], alone[1][1][0], alone[0][1][0]])
    assert predict_intents(model, []) == ([], pytest.approx(np.zeros(0)))


def test_a_text_of_unseen_words_has_no_confidence() -> None:
    # "zzzz qqqq" shares no word with the training texts: the guess is the priors' alone, so confidence 0
    model = fit_intent_model(*toy_set())
    intents, confidences = predict_intents(model, ["zzzz qqqq", "refund the payment"])
    assert confidences[0] == 0.0
    assert intents[1] == "refund"
    assert confidences[1] > 1 / 3
