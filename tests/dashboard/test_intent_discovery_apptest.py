"""The Intent discovery page through AppTest on DuckDB and PostgreSQL: a warehouse built by the real pipeline from
canonical_small plus 30 chats without an intent in three topics no rule knows (12 about telescopes, 10 about
garden seeds, 8 about violins); the page shows the three clusters, a cluster's example messages as plain text,
and promotes a cluster to an intent of the configured taxonomy file."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.intents.taxonomy import load_taxonomy
from etl.pipeline import run_pipeline
from tests.conftest import FIXTURE_TAXONOMY, FIXTURES, empty_warehouse, make_settings, query_frame

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/intent_discovery/page.py"
TOPICS = {
    "telescope": (12, ["telescope", "eyepiece", "lens", "focus", "tripod", "astronomy"]),
    "seeds": (10, ["seeds", "garden", "soil", "planting", "sprout", "compost"]),
    "violin": (8, ["violin", "strings", "bow", "tuning", "rosin", "bridge"]),
}


def topic_texts() -> list[tuple[str, str, str]]:
    """(interaction_id, text, topic): three of the topic's words in each message, every message distinct."""
    rows = []
    for topic, (count, words) in TOPICS.items():
        for n, (a, b, c) in enumerate(itertools.islice(itertools.combinations(words, 3), count)):
            rows.append((f"D{topic[:3].upper()}{n:02d}", f"hi, my {a} and the {b} with {c} <b>help</b>", topic))
    return rows


def write_source(folder: Path) -> Path:
    shutil.copytree(FIXTURES / "canonical_small", folder)
    lines = ["interaction_id,channel,customer_id,queue_id,agent_id,intent,priority,status,created_at,updated_at,"
             "closed_at,subject,talk_seconds,hold_seconds,acw_seconds"]
    messages = []
    for number, (interaction_id, text, _) in enumerate(topic_texts()):
        stamp = f"2026-05-20T{9 + number // 6:02d}:{(number % 6) * 10:02d}:00Z"
        lines.append(f"{interaction_id},chat,C1,Q2,AG1,,normal,closed,{stamp},{stamp},{stamp},,,,")
        messages.append(json.dumps({"message_id": f"{interaction_id}-1", "interaction_id": interaction_id,
                                    "sent_at": stamp, "author_role": "customer", "text": text}))
    (folder / "interactions-discovery.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "messages-discovery.jsonl").write_text("\n".join(messages) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def discovery_setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[str, Path]]:
    """(warehouse URL, the configured taxonomy file: a writable copy of the fixture taxonomy)."""
    folder = tmp_path_factory.mktemp("discovery")
    taxonomy = folder / "taxonomy.yml"
    shutil.copyfile(FIXTURE_TAXONOMY, taxonomy)
    source = write_source(folder / "source")
    with empty_warehouse(request.param, tmp_path_factory, "discovery") as url:
        result = run_pipeline(make_settings(url, source, intents={"taxonomy": str(taxonomy)}), "run")
        assert result.exit_code == 0, result.problems
        config = folder / "cxpulse.toml"
        config.write_text(f'[warehouse]\nurl = "{url}"\n\n[intents]\ntaxonomy = "{taxonomy}"\n', encoding="utf-8")
        yield url, config


def _app(monkeypatch: pytest.MonkeyPatch, url: str, config: Path) -> AppTest:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    monkeypatch.setenv("CXPULSE_CONFIG", str(config))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    return at.run()


def test_the_unclassified_contacts_form_three_clusters(discovery_setup: tuple[str, Path]) -> None:
    url, _ = discovery_setup
    sources = query_frame(url, "select intent_source, count(*) as n from core.fct_interactions"
                          " where interaction_id like 'D%' group by intent_source")
    assert sources.set_index("intent_source")["n"].to_dict() == {"unclassified": 30}
    clusters = query_frame(url, "select cluster_id, cluster_size from core.fct_intent_clusters order by cluster_id")
    assert clusters["cluster_size"].tolist() == [12, 10, 8]


def test_the_page_shows_clusters_and_plain_text_examples(monkeypatch: pytest.MonkeyPatch,
                                                         discovery_setup: tuple[str, Path]) -> None:
    url, config = discovery_setup
    at = _app(monkeypatch, url, config)
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Contacts"].tolist() == [12, 10, 8]
    assert table["Cluster"].tolist() == [1, 2, 3]
    top_words = [set(" ".join(terms.split(", ")).split()) for terms in table["Top terms"]]
    for words, topic in zip(top_words, TOPICS, strict=True):
        assert words & set(TOPICS[topic][1])
    at.selectbox(key="discovery_cluster").set_value(2).run()
    examples = at.dataframe[1].value
    assert len(examples) == 5
    expected = {i: text for i, text, topic in topic_texts() if topic == "seeds"}
    assert all(expected[c] == m for c, m in zip(examples["Contact"], examples["First customer message"], strict=True))
    # the messages' markup stays text: no Markdown element carries it
    assert all("<b>" not in str(element.value) for element in at.markdown)


def test_too_few_unclassified_contacts_say_why(monkeypatch: pytest.MonkeyPatch, small_warehouse_url: str) -> None:
    # canonical_small: 8 contacts, fewer than the 20 texts discovery needs, whatever their intents
    n_texts = int(query_frame(small_warehouse_url, "select max(n_texts) as n from core.enr_intent_clusters")["n"][0])
    assert n_texts < 20
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", small_warehouse_url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert [str(i.value) for i in at.info] == [f"No clusters: {n_texts} texts, fewer than the 20 needed to cluster."]
    assert len(at.dataframe) == 0


def test_promoting_a_cluster_writes_the_taxonomy(monkeypatch: pytest.MonkeyPatch,
                                                 discovery_setup: tuple[str, Path]) -> None:
    url, config = discovery_setup
    taxonomy = config.parent / "taxonomy.yml"
    before = taxonomy.read_text(encoding="utf-8")
    at = _app(monkeypatch, url, config)
    at.selectbox(key="discovery_cluster").set_value(3).run()
    at.text_input(key="discovery_promote_name").set_value("Violin Help")
    at.text_input(key="discovery_promote_label").set_value("Violin help")
    at.button[0].click().run()
    assert "lower case" in " ".join(str(t.value) for t in at.text)
    assert taxonomy.read_text(encoding="utf-8") == before
    at.text_input(key="discovery_promote_name").set_value("violin_help")
    at.text_input(key="discovery_promote_keywords").set_value("violin, rosin")
    at.button[0].click().run()
    assert not at.exception
    assert [str(s.value) for s in at.success] == [f"Added the intent violin\\_help to {taxonomy}."]  # the name escaped
    assert "next `cxpulse build` labels" in " ".join(str(t.value) for t in at.text)
    promoted = load_taxonomy(taxonomy).get("violin_help")
    assert (promoted.label, promoted.keywords) == ("Violin help", ("violin", "rosin"))
    assert taxonomy.read_text(encoding="utf-8").startswith(before.rstrip("\n"))
