"""Restatement scoring on written examples. Stems are worked out by hand from the rules in `stem`."""

from __future__ import annotations

import pytest

from etl.enrich.restatement import (
    RESTATEMENT_THRESHOLD,
    classify,
    content_words,
    has_restatement_cue,
    restatement_similarity,
    stem,
)


@pytest.mark.parametrize(("words", "expected"), [
    (("charge", "charged", "charges", "charging"), "charg"),
    (("bill", "billed", "billing", "bills"), "bil"),
    (("invoice", "invoices", "invoiced"), "invoic"),
    (("apply", "applied", "applies"), "appli"),
    (("cancel", "cancelled", "canceled", "cancels"), "cancel"),
    (("refund", "refunded", "refunds"), "refund"),
    (("lock", "locked", "locks", "locking"), "lock"),
])
def test_inflections_share_a_stem(words: tuple[str, ...], expected: str) -> None:
    assert {stem(w) for w in words} == {expected}


def test_short_words_and_numbers_are_kept_as_they_are() -> None:
    assert stem("need") == "need"  # not "ne": the stem before -ed must keep three letters
    assert stem("2045") == "2045"


def test_content_words_drop_stop_words_and_straighten_apostrophes() -> None:
    # "We were charged twice this month!" -> we/were/this are stop words
    assert content_words("We were charged twice this month!") == {"charg", "twic", "month"}
    assert content_words("Hi, thanks, ok") == frozenset()
    assert content_words("It\u2019s the invoice") == {"invoic"}


def test_clear_restatement() -> None:
    before = ["Hi", "We were charged twice this month."]            # {charg, twic, month}
    after = ["Hello", "I was charged twice this month on my card"]  # {charg, twic, month, card}
    # 3 of the 4 post-handoff stems were already said: 0.75 >= 0.5 with 3 shared stems
    similarity, cue, restated = classify(before, after)
    assert similarity == pytest.approx(3 / 4)
    assert cue is False
    assert restated is True


def test_restatement_in_another_tense_is_caught_by_stemming() -> None:
    before = ["The invoice shows a charge for removed seats"]   # {invoic, show, charg, remov, seat}
    after = ["we are being charged for seats we removed"]      # {charg, seat, remov}
    assert restatement_similarity(before, after) == pytest.approx(1.0)


def test_partial_restatement_stays_below_the_threshold() -> None:
    before = ["we were charged twice this month."]                          # {charg, twic, month}
    after = ["I was charged two times this month, the double charge is on my card"]
    # {charg, two, time, month, doubl, card}: 2 of 6 = 0.333 < 0.5
    similarity, _, restated = classify(before, after)
    assert similarity == pytest.approx(2 / 6)
    assert similarity < RESTATEMENT_THRESHOLD
    assert restated is False


def test_unrelated_follow_up_is_not_a_restatement() -> None:
    before = ["we were charged twice this month."]
    after = ["Also, how do I add a new admin to the workspace?"]  # {add, new, admin, workspac}: 0 shared
    assert classify(before, after) == (0.0, False, False)


def test_greetings_only_have_nothing_to_compare() -> None:
    assert classify(["Hi", "hello"], ["Hi there", "thanks"]) == (None, False, False)
    assert classify(["we were charged twice"], ["Hello!", "Ok, thanks."]) == (None, False, False)
    assert classify([], ["we were charged twice"]) == (None, False, False)


def test_one_word_echo_needs_two_shared_stems() -> None:
    # "Refund?" after "I want a refund" is 1 of 1 stems (1.0) but only one shared stem: not a restatement
    similarity, _, restated = classify(["I want a refund for March"], ["Refund?"])
    assert similarity == pytest.approx(1.0)
    assert restated is False


def test_later_turns_do_not_dilute_the_first_statement() -> None:
    before = ["My account is locked after three login attempts"]         # {account, lock, three, login, attempt}
    after = ["my account is locked, three login attempts",                # all 5 stems already said: 1.0
             "Great, that worked, thanks so much! Really appreciate it"]  # {great, work, much, realli, appreci}
    # the best of the first two content turns counts: 1.0, not the union's 5 of 10
    assert restatement_similarity(before, after) == pytest.approx(1.0)


def test_an_explicit_cue_is_a_restatement_in_new_words() -> None:
    before = ["I need to reset my password."]                               # {reset, password}
    after = ["As I already told the bot, the reset email never arrives in my inbox."]
    # stems {reset, email, never, arriv, inbox}: 1 of 5 = 0.2, but the customer says they are repeating
    similarity, cue, restated = classify(before, after)
    assert similarity == pytest.approx(1 / 5)
    assert cue is True
    assert restated is True


@pytest.mark.parametrize("text", [
    "Like I said before, the invoice is wrong.", "I have to repeat myself, but the link is broken.",
    "Again, I already explained this: we were billed twice.", "As I wrote a minute ago, it is locked.",
    "To say it once more, refund the duplicate payment.",
])
def test_cues(text: str) -> None:
    assert has_restatement_cue([text])


@pytest.mark.parametrize("text", [
    "The bot said to reset it, which I did.",
    "I told my manager about the invoice.", "Could you repeat the steps?",
])
def test_not_cues(text: str) -> None:
    assert not has_restatement_cue([text])
