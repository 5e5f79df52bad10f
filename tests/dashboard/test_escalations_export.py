"""The escalations exports hold every row of the filters, read page by page (issue 11: the workbook held only
the 50-row page on screen). On DuckDB and PostgreSQL, with more escalations than a page of the list."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from dashboard.app_pages.escalations import queries as eq
from dashboard.app_pages.escalations import view as page
from dashboard.exports import export_conversations
from dashboard.filters import Filters
from etl.warehouse import open_reader
from tests.dashboard.conftest import ESCALATED_CHATS, ESCALATION_REASONS, escalated_chat_times

MAY = Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))


def _expected_order() -> list[str]:
    """Newest first, ties by id descending: worked out from the fixture's own times, not from the warehouse."""
    chats = [(created, f"X{number:03d}") for number, created in enumerate(escalated_chat_times())]
    in_may = [(c, i) for c, i in chats if c.date() <= MAY.end]
    return [i for _, i in sorted(in_may, reverse=True)]


def _pages(url: str, drill: tuple[dt.date | None, str | None] = (None, None), page_rows: int = 7) -> pd.DataFrame:
    pages = list(eq.conversation_pages(url, "reason", MAY, drill, (), page_rows=page_rows))
    assert all(len(p) <= page_rows for p in pages)
    return pd.concat(pages, ignore_index=True)


def test_every_escalated_conversation_is_exported_in_the_lists_order(escalated_warehouse_url: str) -> None:
    expected = _expected_order()
    # 130 chats every 90 minutes from 4 May: the last starts 4 May + 129 x 1.5 h (about 8 days later), all in May
    assert len(expected) == ESCALATED_CHATS > eq.PAGE_ROWS
    exported = _pages(escalated_warehouse_url)
    assert list(exported["interaction_id"]) == expected  # 19 pages of 7 (the last of 4), no row twice or lost
    one_page = _pages(escalated_warehouse_url, page_rows=eq.EXPORT_PAGE_ROWS)
    assert list(one_page["interaction_id"]) == expected


def test_the_drill_narrows_the_export(escalated_warehouse_url: str) -> None:
    # the week of Monday 4 May, reason negative_sentiment: the odd-numbered chats created that week
    week = dt.date(2026, 5, 4)
    wanted = {f"X{n:03d}" for n, created in enumerate(escalated_chat_times())
              if created.date() <= week + dt.timedelta(days=6) and ESCALATION_REASONS[n % 2] == "negative_sentiment"}
    exported = _pages(escalated_warehouse_url, (week, "negative_sentiment"), page_rows=5)
    assert set(exported["interaction_id"]) == wanted and len(exported) == len(wanted)


def test_the_workbook_holds_all_rows_as_typed_cells(escalated_warehouse_url: str) -> None:
    out = io.BytesIO()
    pages = (page.export_frame(p) for p in eq.conversation_pages(escalated_warehouse_url, "reason", MAY,
                                                                 (None, None), (), page_rows=40))
    written = export_conversations(pages, out, "xlsx", columns=page.EXPORT_HEADERS, units=page.EXPORT_UNITS)
    assert written == ESCALATED_CHATS
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    headers = [c.value for c in sheet[1]]
    assert sheet.max_row == ESCALATED_CHATS + 1  # the header and every conversation, not a page of 50
    ids = [row[headers.index("Interaction")].value for row in sheet.iter_rows(min_row=2)]
    assert ids == _expected_order()
    created = sheet.cell(row=2, column=headers.index("Created (UTC)") + 1)
    assert created.data_type == "d" and created.value == max(escalated_chat_times())
    triggers = {row[headers.index("Primary trigger")].value for row in sheet.iter_rows(min_row=2)}
    assert triggers <= set(page.TRIGGER_WORDS.values())  # in words, as on the page


def test_the_journey_export_holds_every_contact(escalated_warehouse_url: str) -> None:
    reader = open_reader(escalated_warehouse_url)
    try:
        key = reader.query_df("select customer_key from core.fct_interactions where interaction_id = 'X000'").iat[0, 0]
    finally:
        reader.close()
    around = dt.datetime(2026, 5, 4, 9, 0)
    contacts = pd.concat(list(eq.journey_pages(escalated_warehouse_url, str(key), around, page_rows=9)))
    # every chat of C1 is within 30 days of the first: all 130, oldest first, ties by id
    expected = [i for _, i in sorted((c, f"X{n:03d}") for n, c in enumerate(escalated_chat_times()))]
    assert list(contacts["interaction_id"]) == expected


def test_an_export_of_nothing_has_no_page(escalated_warehouse_url: str) -> None:
    empty = Filters(start=dt.date(2001, 1, 1), end=dt.date(2001, 1, 31))
    assert list(eq.conversation_pages(escalated_warehouse_url, "reason", empty, (None, None), ())) == []
