"""`cxpulse ingest` of single files then `cxpulse build`, through the command line, on both engines.

Issue 11: a one-off ingest named its source after the file, so the same record in a later file became a new
contact (ids carry the source name); and `build` skipped the enrichment steps, leaving every XLA empty.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from etl.cli import app
from etl.warehouse import open_reader
from tests.conftest import REPO_ROOT

runner = CliRunner(env={"COLUMNS": "250"})
TWCS_MAPPING = REPO_ROOT / "mappings" / "twcs.yml"
HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
FIRST_FILE = [
    "101,c1,True,Wed Oct 04 13:59:33 +0000 2017,@Brand my order never arrived and nobody answers. Terrible.,102,",
    "102,Brand,False,Wed Oct 04 14:10:00 +0000 2017,@c1 Sorry to hear that! Can you DM us your order number?,,101",
    "103,c2,True,Thu Oct 05 09:00:00 +0000 2017,@Brand I love the new app. Great work!,,",
]
# tweet 103 again with its text edited (a later export of the same record), and one new tweet
SECOND_FILE = [
    "103,c2,True,Thu Oct 05 09:00:00 +0000 2017,@Brand the new app keeps crashing. Awful.,,",
    "104,c3,True,Fri Oct 06 18:29:06 +0000 2017,@Brand is the service down?,,",
]


def _config(tmp_path: Path, warehouse_url: str) -> Path:
    path = tmp_path / "cxpulse.toml"
    path.write_text(f'[warehouse]\nurl = "{warehouse_url}"\n[ingest]\nmax_rejected_share = 0.05\n',
                    encoding="utf-8")
    return path


def _write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _ingest(config: Path, data_file: Path) -> None:
    result = runner.invoke(app, ["ingest", "--config", str(config), "--format", "mapped",
                                 "--mapping", str(TWCS_MAPPING), str(data_file)])
    assert result.exit_code == 0, result.output
    assert "1 file(s) loaded" in result.output


def test_single_file_ingests_update_the_same_contacts_and_build_enriches(tmp_path: Path, warehouse_url: str) -> None:
    config = _config(tmp_path, warehouse_url)
    # two files of different names in different folders: neither name nor folder may reach the ids
    _ingest(config, _write(tmp_path / "monday" / "tweets-a.csv", FIRST_FILE))
    _ingest(config, _write(tmp_path / "tuesday" / "export.csv", SECOND_FILE))
    built = runner.invoke(app, ["build", "--config", str(config)])
    assert built.exit_code == 0, built.output

    contacts = _query(warehouse_url, "select interaction_id from core.fct_interactions order by interaction_id")
    # tweets 101, 102, 103, 104: four contacts, one per tweet id (103 is not doubled), ids free of file names
    assert list(contacts["interaction_id"]) == [f"mapped:cli:twcs:{n}" for n in (101, 102, 103, 104)]
    texts = _query(warehouse_url, "select message_id, message_text from core.fct_messages order by message_id")
    by_id = dict(texts.itertuples(index=False))
    assert len(by_id) == 4
    assert by_id["mapped:cli:twcs:103"] == "@Brand the new app keeps crashing. Awful."  # the later file's version

    # `build` ran the enrichment steps: every message scored, every inbound contact has a sentiment
    scored = _query(warehouse_url, "select count(distinct message_id) as n from core.fct_message_sentiment")
    assert int(scored.at[0, "n"]) == 4
    experience = _query(
        warehouse_url,
        "select interaction_id, customer_sentiment_start from core.fct_contact_experience"
        " where customer_sentiment_start is not null order by interaction_id",
    )
    # inbound tweets 101, 103, 104 carry customer messages; 102 is the brand's reply
    assert list(experience["interaction_id"]) == [f"mapped:cli:twcs:{n}" for n in (101, 103, 104)]
    start = dict(experience.itertuples(index=False))
    assert start["mapped:cli:twcs:101"] < 0  # "never arrived ... Terrible."
    assert start["mapped:cli:twcs:103"] < 0  # the edited text ("crashing. Awful."), not the first one ("love")


def test_build_without_enrichment_leaves_the_scores_empty_when_asked(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'wh.duckdb'}"
    config = _config(tmp_path, url)
    _ingest(config, _write(tmp_path / "tweets.csv", FIRST_FILE))
    built = runner.invoke(app, ["build", "--config", str(config), "--no-enrich"])
    assert built.exit_code == 0, built.output
    scored = _query(url, "select count(*) as n from core.fct_message_sentiment")
    assert int(scored.at[0, "n"]) == 0


def test_the_source_name_of_a_one_off_ingest_can_be_given(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'wh.duckdb'}"
    config = _config(tmp_path, url)
    result = runner.invoke(app, ["ingest", "--config", str(config), "--format", "mapped", "--mapping",
                                 str(TWCS_MAPPING), "--source", "twitter", str(_write(tmp_path / "t.csv", FIRST_FILE))])
    assert result.exit_code == 0, result.output
    names = _query(url, "select distinct source_name from ops.batches")
    assert list(names["source_name"]) == ["twitter"]
