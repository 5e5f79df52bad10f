"""The one-row-per-conversation export: every contact of the filters, once, in pages."""

from __future__ import annotations

import datetime as dt
from contextlib import closing

from dashboard.filters import Filters
from dashboard.queries_conversations import conversation_pages
from etl.access import ALL_ROWS
from etl.warehouse import open_reader


def test_pages_cover_every_contact_of_the_filters_once(demo_warehouse_url: str) -> None:
    start, end = dt.date(2026, 9, 1), dt.date(2026, 9, 30)
    with closing(open_reader(demo_warehouse_url)) as reader:
        expected_all = int(reader.scalar(
            "select count(*) from core.fct_interactions where date_day between :s and :e", {"s": start, "e": end}))
        expected_chat = int(reader.scalar(
            "select count(*) from core.fct_interactions where date_day between :s and :e and channel = 'chat'",
            {"s": start, "e": end}))
    pages = list(conversation_pages(demo_warehouse_url, Filters(start, end, scope=ALL_ROWS), page_rows=100))
    assert len(pages) > 1
    ids = [i for page in pages for i in page["interaction_id"]]
    assert len(ids) == len(set(ids)) == expected_all
    chat = list(conversation_pages(demo_warehouse_url, Filters(start, end, channels=("chat",), scope=ALL_ROWS),
                                   page_rows=100))
    assert sum(len(page) for page in chat) == expected_chat
    assert {c for page in chat for c in page["channel"]} == {"chat"}
