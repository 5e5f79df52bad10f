"""Discovery of what the taxonomy misses, on hand-made message sets (etl/intents/discovery.py)."""

from __future__ import annotations

import itertools

import pytest

from etl.intents.discovery import CLUSTERED, INSUFFICIENT, discover_clusters, input_hash

GROUPS = {
    "bill": ["refund", "money", "charged", "twice", "payment", "invoice"],
    "pass": ["password", "reset", "login", "locked", "account", "username"],
    "ship": ["parcel", "delivery", "courier", "tracking", "arrived", "shipped"],
}


def group_texts(name: str, count: int) -> list[str]:
    """`count` distinct texts, each three of the group's own words joined by stop words."""
    words = GROUPS[name]
    combos = itertools.islice(itertools.combinations(words, 3), count)
    return [f"the {a} and my {b} is {c}" for a, b, c in combos]


def three_groups() -> tuple[list[str], list[str]]:
    sizes = {"bill": 12, "pass": 10, "ship": 8}  # 30 texts: k can go up to 30 / 5 = 6
    ids, texts = [], []
    for name, size in sizes.items():
        for n, text in enumerate(group_texts(name, size)):
            ids.append(f"{name}-{n:02d}")
            texts.append(text)
    return ids, texts


def test_three_separate_topics_give_three_clusters_largest_first() -> None:
    ids, texts = three_groups()
    found = discover_clusters(ids, texts)
    assert found.status == CLUSTERED
    assert found.k == 3
    assert [c.size for c in found.clusters] == [12, 10, 8]
    assert [c.cluster_id for c in found.clusters] == [1, 2, 3]
    for cluster, name in zip(found.clusters, ["bill", "pass", "ship"], strict=True):
        assert {i.split("-")[0] for i in cluster.member_ids} == {name}
        assert {word for term in cluster.top_terms[:3] for word in term.split()} <= set(GROUPS[name])
        assert len(cluster.example_ids) == 5
        assert all(i.startswith(name) for i in cluster.example_ids)
        assert [texts[ids.index(i)] for i in cluster.example_ids] == list(cluster.example_texts)
        assert 0 < cluster.cohesion <= 1
    # k is the one of best silhouette over 2..6 (30 texts / 5)
    others = [discover_clusters(ids, texts, n_clusters=k).silhouette for k in (2, 4, 5, 6)]
    assert found.silhouette is not None
    assert all(other is not None and found.silhouette > other for other in others)


def test_identical_messages_are_perfectly_cohesive() -> None:
    # two clusters, each of ten copies of one message: every member sits on its centre (cosine 1), and the two
    # messages share no term, so they are orthogonal: silhouette (1 - 0) / 1 = 1
    texts = ["refund my money"] * 10 + ["reset password"] * 10
    found = discover_clusters([str(n) for n in range(20)], texts, n_clusters=2)
    assert [c.size for c in found.clusters] == [10, 10]
    assert [c.cohesion for c in found.clusters] == [pytest.approx(1.0), pytest.approx(1.0)]
    assert found.silhouette == pytest.approx(1.0)
    assert {c.top_terms[0] for c in found.clusters} <= {"refund", "money", "refund money", "reset", "password",
                                                        "reset password"}


def test_texts_without_words_are_counted_and_left_out() -> None:
    ids, texts = three_groups()
    found = discover_clusters([*ids, "x1", "x2", "x3"], [*texts, "", "the and is", "12345"])
    assert found.n_texts == 33
    assert found.n_without_terms == 3
    assert sum(c.size for c in found.clusters) == 30


def test_too_few_texts_is_insufficient_data() -> None:
    found = discover_clusters([str(n) for n in range(19)], ["refund my money"] * 19)
    assert found.status == INSUFFICIENT
    assert found.reason == "19 texts, fewer than the 20 needed to cluster"
    assert found.clusters == ()
    words = discover_clusters([str(n) for n in range(25)], ["the and is"] * 25)
    assert words.status == INSUFFICIENT
    assert words.reason == "no text has a word to cluster on"


def test_discovery_is_deterministic_and_the_input_hash_ignores_order() -> None:
    ids, texts = three_groups()
    assert discover_clusters(ids, texts) == discover_clusters(ids[::-1], texts[::-1])
    assert input_hash(ids, texts) == input_hash(ids[::-1], texts[::-1])
    assert input_hash(ids, texts) != input_hash(ids, [*texts[:-1], "changed"])
