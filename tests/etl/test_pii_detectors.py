"""The PII detectors: checksums worked by hand, each format, each hard negative, overlaps, names, and the
hand-labelled message set (tests/fixtures/pii, README.md there)."""

from __future__ import annotations

import csv
import json
import runpy
import time

import pytest

from etl.pii.detectors import iban_valid, luhn_valid, name_terms, resolve_overlaps
from etl.pii.entities import ADDRESS, CARD, EMAIL, IBAN, NAME, PHONE, PiiSpan
from etl.pii.masking import find_pii, mask_pii
from etl.pii.scoring import matched_count, score_by_entity, spans_from_entities
from tests.conftest import FIXTURES, SHARED_DATA

PII_FIXTURES = FIXTURES / "pii"


# ---------------------------------------------------------------- checksums worked by hand


def test_luhn_on_the_textbook_number() -> None:
    # 7992739871x: doubling every second digit from the right of 7992739871 gives
    # 7,18->9,9,4,7,6,9,16->7,7,2 -> 7+9+9+4+7+6+9+7+7+2 = 67, so the check digit is 3 (67 + 3 = 70)
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("79927398714")


def test_luhn_on_test_card_numbers() -> None:
    # 4111 1111 1111 1111: the doubled digits are 4->8 and seven 1->2: 8 + 14 + eight undoubled 1s = 30
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("4111 1111 1111 1111")  # digits only
    assert not luhn_valid("")


def test_iban_mod_97_by_hand() -> None:
    # GB82 WEST 1234 5698 7654 32 -> WEST12345698765432GB82 -> W=32 E=14 S=28 T=29, G=16 B=11:
    # 3214282912345698765432161182 mod 97 = 1
    assert int("3214282912345698765432161182") % 97 == 1
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert iban_valid("gb82west12345698765432")
    assert not iban_valid("GB82 WEST 1234 5698 7654 33")  # last digit changed
    assert not iban_valid("GB82 WEST 1234 5698 7654 3")  # one short of Britain's 22
    assert not iban_valid("XX82 WEST 1234 5698 7654 32")  # no such country


# ---------------------------------------------------------------- each format

FORMAT_CASES = [
    # emails
    ("write to ann.lee@example.com today", "write to [EMAIL] today"),
    ("ANN_LEE+shop@sub.example.co.uk.", "[EMAIL]."),
    ("ann dot lee at example dot com", "[EMAIL]"),
    ("ann [at] example [dot] org", "[EMAIL]"),
    # phones
    ("call +44 20 7946 0958 now", "call [PHONE] now"),
    ("call +1-415-555-0132", "call [PHONE]"),
    ("or 0044 20 7946 0958", "or [PHONE]"),
    ("+49 (0)30 1234567 bitte", "[PHONE] bitte"),
    ("(415) 555-0132", "[PHONE]"),
    ("415.555.0132", "[PHONE]"),
    ("1-800-555-0199", "[PHONE]"),
    ("UK 020 7946 0958", "UK [PHONE]"),
    ("mob 07700 900123", "mob [PHONE]"),
    ("mob 07700900123", "mob [PHONE]"),
    ("Tel. 030 1234567", "Tel. [PHONE]"),
    ("Handy 0151 23456789", "Handy [PHONE]"),
    ("FR 01 23 45 67 89", "FR [PHONE]"),
    ("FR 01.23.45.67.89", "FR [PHONE]"),
    ("IT 06 1234 5678", "IT [PHONE]"),
    ("cell. 347 123 4567", "cell. [PHONE]"),
    ("móvil 612 345 678", "móvil [PHONE]"),
    ("NL 020 123 4567", "NL [PHONE]"),
    ("AU (02) 5550 1234", "AU [PHONE]"),
    ("AU 0491 570 156", "AU [PHONE]"),
    ("my phone number is 4155550111", "my phone number is [PHONE]"),
    ("call me on 0012125550147", "call me on [PHONE]"),  # 00 1 212 555 0147 run together, after a phone word
    # cards
    ("card 4111 1111 1111 1111 exp 12/27", "card [CARD] exp 12/27"),
    ("card 4111-1111-1111-1111", "card [CARD]"),
    ("card 4111111111111111", "card [CARD]"),
    ("amex 3782 822463 10005", "amex [CARD]"),
    ("diners 3056 930902 5904", "diners [CARD]"),
    ("visa 4222222222222 (13 digits)", "visa [CARD] (13 digits)"),
    ("it's 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 ok", "it's [CARD] ok"),
    # ibans
    ("IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN [IBAN] please"),
    ("to DE89370400440532013000.", "to [IBAN]."),
    ("FR14 2004 1010 0505 0001 3M02 606 merci", "[IBAN] merci"),
    ("nl91 abna 0417 1643 00", "[IBAN]"),
    # addresses
    ("send to 221B Baker Street, London NW1 6XE please", "send to [ADDRESS] please"),
    ("Flat 3, 17 Elm Grove, Leeds, LS6 2AB", "[ADDRESS]"),
    ("ship to 123 Main St, Apt 4B, New York, NY 10001.", "ship to [ADDRESS]."),
    ("an: Hauptstraße 12, 10115 Berlin.", "an: [ADDRESS]."),
    ("au 12 rue de la Paix, 75002 Paris le 14", "au [ADDRESS] le 14"),
    ("a Via Roma 12, 00184 Roma entro", "a [ADDRESS] entro"),
    ("a Calle Mayor 5, 28013 Madrid el", "a [ADDRESS] el"),
]


@pytest.mark.parametrize(("text", "masked"), FORMAT_CASES)
def test_each_format(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text", [
    "I live on 14 Elm Street",  # a street with no postcode is not masked (precision before recall)
    "my postcode area is M1",
    "ZIP 10001",
])
def test_addresses_need_street_and_postcode(text: str) -> None:
    assert find_pii(text) == []


# ---------------------------------------------------------------- hard negatives

@pytest.mark.parametrize("text", [
    "order #112-4567890-1234567 placed 31/10/2017",
    "My order number is 0201234567",
    "ticket INC0012345, case 03456789",
    "placed on 2017-10-28 at 09:41, again 12.05.2024 10:30",
    "paid $1,250.00 on 11/03/2017 and 1.234,56 € and 12 345,67 €",
    "tracking 1Z999AA10123456784 and 9400 1000 0000 0000 0000 00",
    "tracking 00340434161094042557",
    "iOS 11.1.2, version 2.10.4 (build 20171103)",
    "router 192.168.0.1 and 203.0.113.45",
    "reference 1234 5678 9012 3456",  # 16 digits, not Luhn
    "4111 1111 1111 1112",  # a test card with its last digit changed
    "IMEI 356938035643809",  # Luhn-valid, but an IMEI
    "GB82 WEST 1234 5698 7654 33",  # IBAN with a wrong check
    "prices from 2016 2017 and 2018 went up 15%",
    "job number 773451209 booked",
    "receipt number is 000451-2291",
    "@AmazonHelp @115850 thanks!",
    "Coordinates 51.5074, -0.1278",
    "MAC 00:1A:2B:3C:4D:5E",
    "meet at noon, look at this dot",
    "refund for 0012125550147 (JFK-LHR)",  # 13 digits from 001: as likely an airline e-ticket number
])
def test_hard_negatives(text: str) -> None:
    assert find_pii(text) == []


# ---------------------------------------------------------------- names

def test_name_terms_skip_short_and_common_parts() -> None:
    # "Lee" has 3 letters (kept), "Al" 2 (dropped), "Will" is a common word (only the full name)
    assert name_terms(["Ann Lee", "Al Will Jones"]) == ["Al Will Jones", "Ann Lee", "Jones", "Ann", "Lee"]


def test_known_names_whole_words_any_case() -> None:
    text = "Hi ANN, Lee here. Annabel and Leeds are not names; ann lee is."
    assert mask_pii(text, ["Ann Lee"]) == "Hi [NAME], [NAME] here. Annabel and Leeds are not names; [NAME] is."


def test_common_word_parts_only_after_a_title_or_greeting() -> None:
    names = ["Will Jordan", "Thomas Reed"]
    assert mask_pii("Hey Will, I will call. Mr Reed, the reed bed.", names) == (
        "Hey [NAME], I will call. Mr [NAME], the reed bed.")
    assert mask_pii("will jordan wrote", names) == "[NAME] wrote"


def test_possessive_names_and_hyphenated_other_names() -> None:
    names = ["Ann Lee", "Grace O'Neill"]
    assert mask_pii("Ann's order, Lee’s reply, O'Neill's card; Ann-Marie wrote", names) == (
        "[NAME]'s order, [NAME]’s reply, [NAME]'s card; Ann-Marie wrote")


def test_missing_names_are_skipped() -> None:
    assert mask_pii("Hi Ann", [float("nan"), None, "", "Ann Lee"]) == "Hi [NAME]"  # type: ignore[list-item]


def test_names_not_inside_emails_or_handles() -> None:
    assert mask_pii("@AnnLee ann@example.com Ann", ["Ann Lee"]) == "@AnnLee [EMAIL] [NAME]"


def test_no_names_without_known_names() -> None:
    assert find_pii("Hi Ann Lee, thanks") == []


# ---------------------------------------------------------------- overlaps

def test_overlaps_longest_then_priority_then_start() -> None:
    spans = [PiiSpan(0, 10, PHONE), PiiSpan(0, 10, CARD), PiiSpan(5, 20, ADDRESS), PiiSpan(20, 25, NAME),
             PiiSpan(22, 27, EMAIL), PiiSpan(30, 35, IBAN)]
    # ADDRESS (15 characters) is taken first and CARD and PHONE (10) overlap it; NAME 20-25 and EMAIL 22-27 are
    # both 5 long and overlap, EMAIL outranks NAME; IBAN overlaps nothing
    assert resolve_overlaps(spans) == [PiiSpan(5, 20, ADDRESS), PiiSpan(22, 27, EMAIL), PiiSpan(30, 35, IBAN)]


def test_card_wins_a_tie_with_phone() -> None:
    assert resolve_overlaps([PiiSpan(3, 19, PHONE), PiiSpan(3, 19, CARD)]) == [PiiSpan(3, 19, CARD)]


def test_mask_keeps_the_rest_of_the_text() -> None:
    text = "Ann: card 4111 1111 1111 1111, mail ann@example.com, tel 020 7946 0958."
    assert mask_pii(text, ["Ann Lee"]) == "[NAME]: card [CARD], mail [EMAIL], tel [PHONE]."


@pytest.mark.parametrize(("text", "spans"), [
    ("Ann " * 20_000, 20_000),  # one NAME per word: overlap resolution must not be quadratic
    ("a dot " * 5_000 + " at b", 0),  # a spelled-out e-mail that never ends must not backtrack for ever
    ("a at " + "b dot " * 5_000, 0),
    ("1 " * 20_000, 0),
])
def test_long_hostile_texts_finish_quickly(text: str, spans: int) -> None:
    started = time.perf_counter()
    assert len(find_pii(text, ["Ann Lee"])) == spans
    assert time.perf_counter() - started < 10  # about 0.3 s at most on a busy two-core machine


# ---------------------------------------------------------------- scoring

def test_exact_and_overlap_matching() -> None:
    gold = [PiiSpan(0, 10, PHONE), PiiSpan(20, 30, PHONE)]
    found = [PiiSpan(0, 10, PHONE), PiiSpan(22, 31, PHONE), PiiSpan(40, 45, PHONE)]
    assert matched_count(gold, found, exact=True) == 1
    assert matched_count(gold, found, exact=False) == 2
    scores = {s.entity: s for s in score_by_entity([(gold, found)], exact=False)}
    assert (scores[PHONE].support, scores[PHONE].found, scores[PHONE].true_positives) == (2, 3, 2)
    assert scores[PHONE].precision == pytest.approx(2 / 3)
    assert scores[PHONE].recall == 1.0
    assert scores[EMAIL].precision is None


# ---------------------------------------------------------------- the labelled set

def _labelled(name: str = "labelled_messages") -> list[dict]:
    lines = (PII_FIXTURES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize(("name", "at_least"), [("labelled_messages", 220), ("holdout_messages", 60)])
def test_labelled_sets_are_built_from_their_sources(name: str, at_least: int) -> None:
    build = runpy.run_path(str(PII_FIXTURES / "build_labelled_set.py"))["build"]
    built = build(PII_FIXTURES / f"{name}.src.txt")
    assert built == _labelled(name)
    assert len(built) >= at_least


@pytest.mark.parametrize("name", ["labelled_messages", "holdout_messages"])
def test_labelled_spans_cover_their_values(name: str) -> None:
    for message in _labelled(name):
        for entity in message["entities"]:
            value = message["text"][entity["start"]:entity["end"]]
            assert value == value.strip() and value, (message["id"], entity)


@pytest.mark.parametrize("entity", [EMAIL, PHONE, CARD])
def test_labelled_set_recall_and_precision(entity: str) -> None:
    pairs = [(spans_from_entities(m["entities"]), find_pii(m["text"], m["known_names"])) for m in _labelled()]
    score = {s.entity: s for s in score_by_entity(pairs, exact=True)}[entity]
    assert score.support >= 20
    assert score.recall is not None and score.recall >= 0.95
    assert score.precision is not None and score.precision >= 0.9


@pytest.mark.realdata
def test_no_banking77_query_is_masked() -> None:
    # 13,083 crowd-written banking queries with amounts, dates, card and transfer talk, and no personal data
    texts = []
    for split in ("train", "test"):
        with (SHARED_DATA / "banking77" / f"{split}.csv").open(encoding="utf-8", newline="") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    assert len(texts) == 13_083
    assert [text for text in texts if find_pii(text)] == []
