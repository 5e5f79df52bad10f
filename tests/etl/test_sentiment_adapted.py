"""The customer-service scorer as the pipeline runs it (`score_texts(..., scorer="adapted")`), on written examples.

VADER's compound for a text whose sentiment is a plain sum of valences x is x / sqrt(x^2 + 15), rounded to
4 places. Stock valences used below (vader_lexicon.txt): please 1.3, help 1.7, good 1.9.
"""

from __future__ import annotations

import math

import pytest

from etl.enrich import sentiment
from etl.enrich.cs_lexicon import CS_LEXICON_VERSION, score_adapted
from etl.enrich.sentiment import ADAPTED, ADAPTED_VERSION, ANALYZER_VERSION, STOCK, score_texts, sentiment_label


def _compound(x: float) -> float:
    return round(x / math.sqrt(x * x + 15), 4)


def test_versions_keep_the_stock_analyzer_and_add_the_lexicon() -> None:
    assert f"{ANALYZER_VERSION}+{CS_LEXICON_VERSION}" == ADAPTED_VERSION
    assert ADAPTED_VERSION != ANALYZER_VERSION


def test_a_plain_request_is_praise_for_stock_vader_and_neutral_for_the_adapted_scorer() -> None:
    text = ["Can you please help me"]
    # stock: please 1.3 + help 1.7 = 3.0 -> 3 / sqrt(24) = 0.6124 (positive); adapted: both words 0 -> 0
    assert score_texts(text, processes=1, scorer=STOCK)["compound"][0] == pytest.approx(_compound(3.0))
    assert _compound(3.0) == pytest.approx(0.6124)
    adapted = score_texts(text, processes=1, scorer=ADAPTED)
    assert adapted["compound"][0] == pytest.approx(0.0)
    assert adapted["sentiment_label"][0] == "neutral"


def test_complaints_without_sentiment_words_are_negative() -> None:
    still, sarcastic = score_texts(["still waiting", "Thanks for nothing"], processes=1, scorer=ADAPTED)["compound"]
    # one marker each: cx_still_unresolved -2.0 -> -2 / sqrt(19) = -0.4588; cx_sarcastic_thanks -2.5 -> -0.5423
    assert still == pytest.approx(-0.4588)
    assert sarcastic == pytest.approx(-0.5423)
    stock_still = score_texts(["still waiting"], processes=1, scorer=STOCK)["compound"][0]
    assert stock_still == pytest.approx(0.0)  # neither word is in the stock lexicon


def test_praise_keeps_its_stock_score() -> None:
    # "good" 1.9 -> 1.9 / sqrt(18.61) = 0.4404 under both scorers (no rule touches it)
    for scorer in (STOCK, ADAPTED):
        assert score_texts(["The book was good."], processes=1, scorer=scorer)["compound"][0] == pytest.approx(0.4404)


def test_laughter_is_not_joy_in_a_support_message() -> None:
    texts = ["lol my order never arrived"]
    assert score_texts(texts, processes=1, scorer=STOCK)["sentiment_label"][0] == "positive"
    # lol -> 0; "never arrived" -> cx_not_working -1.8: -1.8 / sqrt(18.24) = -0.4215
    assert score_texts(texts, processes=1, scorer=ADAPTED)["compound"][0] == pytest.approx(-0.4215)


def test_the_process_pool_gives_the_same_scores_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentiment, "PARALLEL_FROM_TEXTS", 2)
    texts = ["still waiting", "Please help", "The book was good.", "Thanks for nothing", "still waiting",
             "third time I ask, no reply", "Thank you so much, all sorted"]
    pooled = score_texts(texts, processes=2, scorer=ADAPTED)["compound"].tolist()
    assert pooled == pytest.approx(score_adapted(texts))
    assert pooled[0] == pooled[4]  # duplicates scored once, returned for each position
    stock_pooled = score_texts(texts, processes=2, scorer=STOCK)["compound"].tolist()
    assert stock_pooled == pytest.approx(score_texts(texts, processes=1, scorer=STOCK)["compound"].tolist())


def test_labels_use_vaders_thresholds_and_unknown_scorers_are_refused() -> None:
    assert [sentiment_label(c) for c in (-0.0501, -0.05, 0.05, 0.0501)] == [
        "negative", "neutral", "neutral", "positive"]
    with pytest.raises(ValueError):
        score_texts(["hi"], scorer="fancy")


def test_text_without_any_phrase_is_left_as_it_is_and_keeps_its_thanks() -> None:
    from etl.enrich.cs_lexicon import mark_phrases

    # no rule applies: the pre-check returns the text untouched (its "thanks" stays praise)
    assert mark_phrases("Thanks, the engineer was brilliant") == "Thanks, the engineer was brilliant"
    # a rule applies: the phrase becomes its marker and the thanks turn neutral
    marked = mark_phrases("Thanks, but I am still waiting")
    assert "cx_still_unresolved" in marked and "cx_polite_thanks" in marked and "Thanks" not in marked
