"""The one-reading VADER scorer (`etl.enrich.vader_scoring`) gives stock VADER's scores to the last bit, and the
customer-service layer's, on real text; the folded phrase search finds what a case-insensitive one finds.

Independent sources: stock `vaderSentiment.SentimentIntensityAnalyzer.polarity_scores` (its own code, not ours),
VADER's README examples (SOURCE.md of ../shared/data/vader_groundtruth), and a case-insensitive `re` search and
`subn` written here as cs_lexicon did them before folding.
"""

from __future__ import annotations

import re
import sys

import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from etl.enrich import cs_lexicon
from etl.enrich.sentiment import score_customer_texts
from etl.enrich.vader_scoring import TwoLexiconScorer, VaderReader
from tests.conftest import SHARED_DATA

TWCS = SHARED_DATA / "twcs_random5000" / "twcs_small.csv"
VADER_TWEETS = SHARED_DATA / "vader_groundtruth" / "tweets_GroundTruth.txt"
# written cases for the rules real tweets rarely reach: "but", "kind of", "least", "no", idioms, capitals, emojis
WRITTEN = [
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "The book was only kind of good.", "Roger Dodger is one of the least compelling variations on this theme.",
    "At least it isn't a horrible book.", "no no good, no or nor bad", "With VADER, sentiment analysis is the shit!",
    "Sentiment analysis has never been this good!", "Without a doubt, excellent idea.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "good good good but bad but good", "", "   ", "?!?!", "STILL WAITING!!! THANKS FOR NOTHING",
    "ſtill waiting", "stıll waiting, 3rd TİME", "\u212aept waiting", "I can't login, how many times??",
]


def _as_tuple(scores: dict[str, float]) -> tuple[float, float, float, float]:
    return scores["compound"], scores["pos"], scores["neu"], scores["neg"]


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    tweets = pd.read_csv(TWCS, usecols=["text"], dtype=str, keep_default_na=False)["text"].tolist()
    rated = pd.read_csv(VADER_TWEETS, sep="\t", header=None, quoting=3, dtype=str, encoding="utf-8",
                        encoding_errors="replace")[2].tolist()
    return list(dict.fromkeys(tweets + rated + WRITTEN))


def _old_mark_phrases(text: str) -> str:
    """cs_lexicon.mark_phrases as it was before folding: case-insensitive search, then `subn` rule by rule."""
    if not re.search("|".join(f"(?:{rule.pattern})" for rule in cs_lexicon.PHRASE_RULES), text, re.IGNORECASE):
        return text
    found = False
    for rule in cs_lexicon.PHRASE_RULES:
        text, count = re.subn(rule.pattern, f" {rule.marker} ", text, flags=re.IGNORECASE)
        found = found or count > 0
    if found:
        text = re.sub(cs_lexicon._THANKS.pattern, f" {cs_lexicon.POLITE_THANKS_MARKER} ", text, flags=re.IGNORECASE)
    return text


@pytest.fixture(scope="module")
def old_marks(real_texts: list[str]) -> list[str]:
    return [_old_mark_phrases(t) for t in real_texts]


@pytest.mark.realdata
def test_stock_scores_equal_stock_vader_on_every_real_text(real_texts: list[str]) -> None:
    stock = SentimentIntensityAnalyzer()
    reader = VaderReader()
    assert len(real_texts) > 9_000  # 5,000 support tweets and 4,200 rated tweets, less duplicates
    different = [t for t in real_texts if reader.polarity_scores(t) != _as_tuple(stock.polarity_scores(t))]
    assert different == []


@pytest.mark.realdata
def test_both_scores_equal_stock_and_the_layers_own_analyzer_on_every_real_text(real_texts: list[str],
                                                                              old_marks: list[str]) -> None:
    stock = SentimentIntensityAnalyzer()
    layer = cs_lexicon.adapted_analyzer()
    two = TwoLexiconScorer(cs_lexicon.adapted_lexicon, cs_lexicon.mark_phrases)
    expected = [(_as_tuple(stock.polarity_scores(t)), _as_tuple(layer.polarity_scores(marked)))
                for t, marked in zip(real_texts, old_marks, strict=True)]
    assert [two.scores(t) for t in real_texts] == expected
    frame = score_customer_texts(real_texts[:300] + real_texts[:5], processes=1)
    assert frame["compound"].tolist() == [pair[0][0] for pair in expected[:300] + expected[:5]]
    assert frame["adapted_compound"].tolist() == [pair[1][0] for pair in expected[:300] + expected[:5]]


@pytest.mark.realdata
def test_folded_phrase_marking_equals_case_insensitive_marking(real_texts: list[str], old_marks: list[str]) -> None:
    assert [cs_lexicon.mark_phrases(t) for t in real_texts] == old_marks


def test_readme_examples_of_vader() -> None:
    reader = VaderReader()
    # compound values from VADER's README (../shared/data/vader_groundtruth/SOURCE.md)
    assert reader.polarity_scores("The book was good.")[0] == 0.4404
    assert reader.polarity_scores("Today SUX!")[0] == -0.5461
    assert reader.polarity_scores("Not bad at all")[0] == 0.431
    assert reader.polarity_scores("VADER is not smart, handsome, nor funny.")[0] == -0.7424


def test_the_fold_pairs_every_character_that_re_pairs_with_an_ascii_letter() -> None:
    every_character = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    paired = {c for c in re.findall("[a-z]", every_character, re.IGNORECASE) if not c.isascii() or c.isupper()}
    assert set(map(chr, cs_lexicon._FOLD)) == paired
    for character, letter in cs_lexicon._FOLD.items():
        assert re.fullmatch(letter, chr(character), re.IGNORECASE)
    # the patterns run case-sensitively on folded text: no upper-case letter in them (escapes included)
    assert all(rule.pattern == rule.pattern.lower() for rule in cs_lexicon.PHRASE_RULES)
