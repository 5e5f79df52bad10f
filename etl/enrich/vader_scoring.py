"""VADER's `polarity_scores`, computed the same way with less work, for two lexicons from one reading of a text.

Stock `SentimentIntensityAnalyzer.polarity_scores` (vaderSentiment 3.3.2) rebuilds the lower-cased word list of
the whole text for every rule it checks around every lexicon word, and walks every character of the text in
Python to find emojis. This module runs the same rules in the same order with the same arithmetic (so the four
scores are equal to the last bit, which tests/etl/test_vader_scoring.py checks against stock VADER on real
text), but reads each text once: the emoji replacement is skipped when the text holds no emoji, and the words,
their lower-case forms and the capitals flag are computed once and shared by every rule.

`TwoLexiconScorer` scores a text under the stock lexicon and under a second one (the customer-service layer's
adapted lexicon, with its phrase marking) from that one reading: when marking leaves the text unchanged and
none of its words is one whose valence the second lexicon changes, every rule sees the same values, so the
second score is the first; otherwise the second lexicon's valences are computed over the words already read
(or over the marked text when marking changed it).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
)

Scores = tuple[float, float, float, float]  # compound, positive, neutral, negative (VADER's rounding)
_NEGATE = frozenset(NEGATE)
_PUNCTUATION = string.punctuation
# the scores of a text with words but none in the lexicon: compound 0, all neutral
_NO_LEXICON_WORD: Scores = (0.0, 0.0, 1.0, 0.0)


@dataclass(frozen=True)
class ReadText:
    """A text as VADER reads it: emojis replaced by their descriptions and stripped, its words (punctuation
    stripped as VADER strips it), their lower-case forms and whether only some words are in capitals."""

    text: str
    words: list[str]
    lower: list[str]
    is_cap_diff: bool


def _negated(word_lower: str) -> bool:
    return word_lower in _NEGATE or "n't" in word_lower


def _scalar_inc_dec(word: str, valence: float, is_cap_diff: bool) -> float:
    scalar = 0.0
    word_lower = word.lower()
    if word_lower in BOOSTER_DICT:
        scalar = BOOSTER_DICT[word_lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and is_cap_diff:
            scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    return scalar


def _negation_check(valence: float, lower: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated(lower[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    elif start_i == 2:
        if ((lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this"))
                or (lower[i - 1] == "so" or lower[i - 1] == "this")):
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lower: list[str], i: int) -> float:
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for sequence in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence: float, lower: list[str], i: int, lexicon: dict[str, float]) -> float:
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


def _word_valence(read: ReadText, i: int, lexicon: dict[str, float]) -> float:
    """VADER's `sentiment_valence` of word `i` (a word in the lexicon)."""
    words, lower = read.words, read.lower
    item_lower = lower[i]
    valence = lexicon[item_lower]
    if item_lower == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
        valence = 0.0
    if ((i > 0 and lower[i - 1] == "no") or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))):
        valence = lexicon[item_lower] * N_SCALAR
    if read.is_cap_diff and words[i].isupper():
        valence = valence + C_INCR if valence > 0 else valence - C_INCR
    for start_i in range(3):
        if i > start_i and lower[i - (start_i + 1)] not in lexicon:
            s = _scalar_inc_dec(words[i - (start_i + 1)], valence, read.is_cap_diff)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = _negation_check(valence, lower, start_i, i)
            if start_i == 2:
                valence = _special_idioms_check(valence, lower, i)
    return _least_check(valence, lower, i, lexicon)


def _but_check(lower: list[str], sentiments: list[float]) -> list[float]:
    """VADER's "but" rule, as written (it finds each sentiment by value with `list.index`)."""
    if "but" in lower:
        bi = lower.index("but")
        for sentiment in sentiments:
            si = sentiments.index(sentiment)
            if si < bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 0.5)
            elif si > bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 1.5)
    return sentiments


def _score_valence(sentiments: list[float], text: str) -> Scores:
    if not sentiments:
        return 0.0, 0.0, 0.0, 0.0
    sum_s = float(sum(sentiments))
    ep_count = min(text.count("!"), 4)
    qm_count = text.count("?")
    qm_amplifier = 0 if qm_count <= 1 else (qm_count * 0.18 if qm_count <= 3 else 0.96)
    punct_emph_amplifier = ep_count * 0.292 + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    compound = normalize(sum_s)
    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = 0
    for score in sentiments:
        if score > 0:
            pos_sum += float(score) + 1
        if score < 0:
            neg_sum += float(score) - 1
        if score == 0:
            neu_count += 1
    if pos_sum > abs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < abs(neg_sum):
        neg_sum -= punct_emph_amplifier
    total = pos_sum + abs(neg_sum) + neu_count
    return (round(compound, 4), round(abs(pos_sum / total), 3), round(abs(neu_count / total), 3),
            round(abs(neg_sum / total), 3))


class VaderReader:
    """Reads texts as stock VADER does and scores a read text under a lexicon (one per process: the stock
    lexicon and emoji table load in the constructor)."""

    def __init__(self) -> None:
        stock = SentimentIntensityAnalyzer()
        self.stock_lexicon: dict[str, float] = stock.lexicon
        self._emojis: dict[str, str] = stock.emojis
        self._emoji_chars = frozenset(key for key in stock.emojis if len(key) == 1)

    def _replace_emojis(self, text: str) -> str:
        pieces: list[str] = []
        prev_space = True
        for char in text:
            description = self._emojis.get(char)
            if description is not None:
                if not prev_space:
                    pieces.append(" ")
                pieces.append(description)
                prev_space = False
            else:
                pieces.append(char)
                prev_space = char == " "
        return "".join(pieces)

    def read(self, text: str) -> ReadText:
        if not self._emoji_chars.isdisjoint(text):
            text = self._replace_emojis(text)
        text = text.strip()
        words = [token if len(stripped := token.strip(_PUNCTUATION)) <= 2 else stripped for token in text.split()]
        upper = sum(map(str.isupper, words))
        return ReadText(text, words, [word.lower() for word in words], 0 < len(words) - upper < len(words))

    def score(self, read: ReadText, lexicon: dict[str, float]) -> Scores:
        """VADER's four scores of a read text under `lexicon`."""
        lower = read.lower
        if lower and lexicon.keys().isdisjoint(lower):
            return _NO_LEXICON_WORD  # every word's valence is 0: what the rules below give, without walking them
        last = len(lower) - 1
        sentiments: list[float] = []
        for i, item_lower in enumerate(lower):
            if item_lower in BOOSTER_DICT or (i < last and item_lower == "kind" and lower[i + 1] == "of"):
                sentiments.append(0)
            elif item_lower in lexicon:
                sentiments.append(_word_valence(read, i, lexicon))
            else:
                sentiments.append(0)
        return _score_valence(_but_check(lower, sentiments), read.text)

    def polarity_scores(self, text: str) -> Scores:
        """Stock VADER's (compound, pos, neu, neg) of `text`."""
        return self.score(self.read(text), self.stock_lexicon)


class TwoLexiconScorer:
    """Stock VADER's scores and a second lexicon's (with its text marking) of a text, from one reading."""

    def __init__(self, second_lexicon_of: Callable[[dict[str, float]], dict[str, float]],
                 mark: Callable[[str], str]) -> None:
        """`second_lexicon_of(stock lexicon)`: the second lexicon; `mark`: the rewriting of a text that the
        second lexicon scores."""
        self.reader = VaderReader()
        stock = self.reader.stock_lexicon
        self.second_lexicon = second_lexicon_of(stock)
        self._mark = mark
        self._changed_words = frozenset(
            word for word in set(stock) | set(self.second_lexicon) if stock.get(word) != self.second_lexicon.get(word)
        )

    def stock_scores(self, text: str) -> Scores:
        return self.reader.polarity_scores(text)

    def scores(self, text: str) -> tuple[Scores, Scores]:
        """(stock scores, second lexicon's scores of the marked text)."""
        read = self.reader.read(text)
        stock = self.reader.score(read, self.reader.stock_lexicon)
        marked = self._mark(text)
        if marked != text:
            return stock, self.reader.score(self.reader.read(marked), self.second_lexicon)
        if self._changed_words.isdisjoint(read.lower):
            return stock, stock
        return stock, self.reader.score(read, self.second_lexicon)
