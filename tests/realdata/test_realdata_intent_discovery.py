"""Intent discovery on the public contact exports (tests/realdata/datasets.py), on DuckDB and PostgreSQL: the
contacts left unclassified with a customer message are clustered, and on the Twitter sample no cluster is named
after a company's @handle or a link (the clustering reads the text without them)."""

from __future__ import annotations

import re
from contextlib import closing

import pandas as pd
import pytest

from etl.warehouse import open_reader
from tests.realdata.conftest import app_on
from tests.realdata.datasets import TWITTER

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def _query(url: str, sql: str) -> pd.DataFrame:
    with closing(open_reader(url)) as reader:
        return reader.query_df(sql)


def test_the_unclassified_contacts_are_clustered_without_handles_or_links(real_warehouse_url: str) -> None:
    unclassified = _query(real_warehouse_url, """
        select count(distinct i.interaction_id) as n from core.fct_interactions i
        inner join core.fct_messages m on m.interaction_id = i.interaction_id
        where i.intent_source = 'unclassified' and m.author_role = 'customer' and m.message_text is not null""")
    n_unclassified = int(unclassified["n"][0])
    assert n_unclassified >= 20  # the Twitter sample alone leaves hundreds of customers' tweets unclassified
    clusters = _query(real_warehouse_url, "select cluster_id, cluster_size, top_terms, n_texts, n_without_terms"
                                          " from core.fct_intent_clusters order by cluster_id")
    assert 2 <= len(clusters) <= 12
    assert set(clusters["n_texts"].astype(int)) == {n_unclassified}
    assert int(clusters["cluster_size"].sum()) == n_unclassified - int(clusters["n_without_terms"].iloc[0])
    assert clusters["cluster_size"].is_monotonic_decreasing
    tweets = pd.read_csv(TWITTER, dtype=str)
    texts = tweets["text"].dropna()
    handles = {h.lower() for text in texts for h in re.findall(r"@(\w+)", text)}
    # words that only ever appear as an @handle ("applesupport", "amazonhelp"): never a term
    plain = {w.lower() for text in texts for w in re.findall(r"\w+", re.sub(r"https?://\S+|@\w+", " ", text))}
    terms = {word for top in clusters["top_terms"] for term in top.split(", ") for word in term.split()}
    assert handles - plain
    assert not terms & (handles - plain)
    assert not terms & {"https", "http", "www"}


def test_the_page_lists_the_clusters(monkeypatch: pytest.MonkeyPatch, real_warehouse_url: str) -> None:
    clusters = _query(real_warehouse_url, "select cluster_size from core.fct_intent_clusters order by cluster_id")
    at = app_on(monkeypatch, real_warehouse_url, "intent_discovery")
    assert not at.exception
    assert at.dataframe[0].value["Contacts"].tolist() == clusters["cluster_size"].astype(int).tolist()
    assert len(at.dataframe[1].value) == 5
