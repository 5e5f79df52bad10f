"""`cxpulse labels import` through the command line, on both engines: tweet ids mapped to their customer messages,
unmatched rows listed (an agent's tweet is not a customer message), a second import adds nothing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from etl.cli import app
from tests.conftest import REPO_ROOT, query_frame

runner = CliRunner(env={"COLUMNS": "250"})
TWEETS = """tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
101,c1,True,Wed Oct 04 13:59:33 +0000 2017,@Brand my order never arrived and nobody answers.,102,
102,Brand,False,Wed Oct 04 14:10:00 +0000 2017,@c1 Sorry to hear that! Can you DM us your order number?,,101
103,c2,True,Thu Oct 05 09:00:00 +0000 2017,@Brand I love the new app. Great work!,,
"""
LABELS = "tweet_id,label\n101,negative\n102,neutral\n103,positive\n999,neutral\n"


def test_labels_import_maps_tweet_ids_and_is_idempotent(tmp_path: Path, warehouse_url: str) -> None:
    config = tmp_path / "cxpulse.toml"
    config.write_text(f'[warehouse]\nurl = "{warehouse_url}"\n', encoding="utf-8")
    tweets = tmp_path / "tweets.csv"
    tweets.write_text(TWEETS, encoding="utf-8")
    ingested = runner.invoke(app, ["ingest", "--config", str(config), "--format", "mapped",
                                   "--mapping", str(REPO_ROOT / "mappings" / "twcs.yml"), str(tweets)])
    assert ingested.exit_code == 0, ingested.output
    built = runner.invoke(app, ["build", "--config", str(config), "--no-enrich"])
    assert built.exit_code == 0, built.output
    labels = tmp_path / "labels.csv"
    labels.write_text(LABELS, encoding="utf-8")

    first = runner.invoke(app, ["labels", "import", str(labels), "--source", "cli:twcs", "--config", str(config)])
    assert first.exit_code == 1, first.output  # two rows matched no customer message
    assert "4 rows read: 2 labels added, 0 already present, 2 matched no customer message" in first.output
    assert "no customer message mapped:cli:twcs:102" in first.output
    assert "no customer message mapped:cli:twcs:999" in first.output
    stored = query_frame(warehouse_url, "select message_id, interaction_id, detector, label_value, labelled_by"
                                        " from feedback.labels order by message_id")
    assert stored.values.tolist() == [
        ["mapped:cli:twcs:101", "mapped:cli:twcs:101", "sentiment", "negative", "fixture:labels.csv"],
        ["mapped:cli:twcs:103", "mapped:cli:twcs:103", "sentiment", "positive", "fixture:labels.csv"],
    ]
    again = runner.invoke(app, ["labels", "import", str(labels), "--source", "cli:twcs", "--config", str(config)])
    assert "4 rows read: 0 labels added, 2 already present" in again.output
    assert len(query_frame(warehouse_url, "select label_id from feedback.labels")) == 2
