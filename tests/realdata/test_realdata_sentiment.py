"""Sentiment against human judgement: VADER's published tweet ground truth and our hand-labelled support tweets.

tests/fixtures/sentiment/twcs_customer_labels.csv holds only tweet ids, labels and splits (LABELLING.md says how
they were chosen and labelled); the texts are read from ../shared/data at run time, so those tests skip without it.
"""

from __future__ import annotations

import csv
import hashlib
import math

import pandas as pd
import pytest

from etl.enrich.cs_lexicon import label, mark_phrases, score_adapted
from etl.enrich.evaluate_cs_lexicon import (
    LABELS_CSV,
    TWCS_CSV,
    VADER_TWEETS,
    f1_per_class,
    labelled_texts,
    macro_f1,
    read_labels,
    read_twcs_texts,
    read_vader_tweets,
    split_scores,
    vader_tweets_r,
)
from tests.conftest import SHARED_DATA


def test_macro_f1_on_a_hand_worked_confusion_matrix() -> None:
    # gold -> predicted: neg->neg x3, neg->neu x1, neu->neu x2, neu->pos x1, pos->pos x2, pos->neg x1
    # negative: tp 3, fp 1, fn 1 -> F1 6/8 = 0.75; neutral: tp 2, fp 1, fn 1 -> 4/6; positive: tp 2, fp 1, fn 1 -> 4/6
    # macro = (0.75 + 2/3 + 2/3) / 3 = 0.694444...
    gold = ["negative"] * 4 + ["neutral"] * 3 + ["positive"] * 3
    predicted = ["negative"] * 3 + ["neutral"] + ["neutral"] * 2 + ["positive"] + ["positive"] * 2 + ["negative"]
    assert f1_per_class(gold, predicted, "negative") == pytest.approx(0.75)
    assert f1_per_class(gold, predicted, "neutral") == pytest.approx(2 / 3)
    assert macro_f1(gold, predicted) == pytest.approx(0.6944444, abs=1e-6)


def test_a_class_never_predicted_scores_zero() -> None:
    # negative: tp 1, fp 1, fn 0 -> 2/3; positive: never predicted -> 0; macro over the two = 1/3
    two_classes = ("negative", "positive")
    assert macro_f1(["negative", "positive"], ["negative", "negative"], two_classes) == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        macro_f1(["negative"], [])


def test_a_lone_phrase_scores_its_valence_normalised() -> None:
    # VADER's compound is x / sqrt(x^2 + 15); "still waiting" alone is one marker of valence -2.0
    assert score_adapted(["still waiting"]) == [pytest.approx(-2 / math.sqrt(19), abs=1e-4)]
    assert "cx_still_unresolved" in mark_phrases("I am STILL waiting for my refund")


def test_a_plain_request_is_neutral_and_a_polite_complaint_is_negative() -> None:
    request, complaint, praise = score_adapted([
        "Can you please help me with my account",
        "Thanks, but my internet is still not working and no one has replied",
        "Thank you so much, the engineer was brilliant",
    ])
    assert label(request) == "neutral"
    assert label(complaint) == "negative"
    assert label(praise) == "positive"


def test_label_fixture_holds_ids_labels_and_the_seeded_split_only() -> None:
    with LABELS_CSV.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["tweet_id", "label", "split"]
        rows = list(reader)
    assert len(rows) == 300
    assert len({row["tweet_id"] for row in rows}) == 300
    assert {row["label"] for row in rows} == {"negative", "neutral", "positive"}
    for row in rows:
        digit = int(hashlib.sha256(f"cxpulse-sentiment-split:{row['tweet_id']}".encode()).hexdigest(), 16) % 10
        assert row["split"] == ("tune" if digit < 6 else "heldout")


@pytest.mark.realdata
def test_labelled_tweets_are_the_first_300_inbound_of_four_words_or_more() -> None:
    frame = pd.read_csv(SHARED_DATA / TWCS_CSV, dtype={"tweet_id": "int64", "text": str})
    inbound = frame[frame["inbound"].astype(str) == "True"]
    assert len(inbound) == 2_718  # SOURCE.md
    long_enough = inbound[inbound["text"].str.split().str.len() >= 4].sort_values("tweet_id")
    assert [int(row["tweet_id"]) for row in read_labels()] == long_enough["tweet_id"].head(300).tolist()


@pytest.mark.realdata
def test_stock_vader_tracks_the_human_mean_on_the_papers_tweets() -> None:
    means, texts = read_vader_tweets(SHARED_DATA / VADER_TWEETS)
    assert len(means) == 4_200  # SOURCE.md
    # first line of the file, read with od: "1<TAB>2.726315789<TAB>Somehow I was blessed ... So lucky.<CR><LF>"
    assert means[0] == pytest.approx(2.726315789)
    assert texts[0].startswith("Somehow I was blessed") and texts[0].endswith("So lucky.")
    n, stock_r, _ = vader_tweets_r(SHARED_DATA / VADER_TWEETS)
    assert n == 4_200
    assert stock_r >= 0.87  # paper: 0.881


@pytest.mark.realdata
def test_adapted_scoring_is_at_least_as_good_as_stock_on_held_out_tweets() -> None:
    rows = labelled_texts(read_labels(), read_twcs_texts(SHARED_DATA / TWCS_CSV))
    scores = split_scores(rows)
    n, stock, adapted = scores["heldout"]
    assert n == 120
    assert adapted >= stock
