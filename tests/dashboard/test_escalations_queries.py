"""The Escalations page's queries on DuckDB and PostgreSQL (tests/fixtures/automation), against counts of the
core tables made here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dashboard.app_pages.escalations import queries as eq
from dashboard.filters import Filters
from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, make_settings

FIRST, LAST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _sql(url: str, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql, params)
    finally:
        reader.close()


def test_the_page_queries_agree_with_the_core_tables(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "automation"), "run")
    assert result.status == SUCCEEDED, result.problems
    escalations = _sql(warehouse_url, "select interaction_id, channel, primary_trigger, created_at, customer_key"
                                      " from core.fct_escalations order by created_at desc, interaction_id desc")
    assert len(escalations) > 0
    filters = Filters(start=FIRST, end=LAST)
    version = "test"

    weekly = eq.weekly_escalations(warehouse_url, version, "trigger", filters)
    assert int(weekly["count_escalations"].sum()) == len(escalations)
    by_trigger = weekly.groupby("member")["count_escalations"].sum().to_dict()
    assert by_trigger == escalations["primary_trigger"].value_counts().to_dict()

    listed = eq.escalated_conversations(warehouse_url, version, "trigger", filters, (None, None), (), 1)
    assert list(listed["interaction_id"]) == list(escalations["interaction_id"].head(eq.PAGE_ROWS))
    exported = pd.concat(list(eq.conversation_pages(warehouse_url, "trigger", filters, (None, None), ())))
    assert len(exported) == len(escalations)

    trigger = str(escalations["primary_trigger"].iloc[0])
    drilled = eq.escalated_conversations(warehouse_url, version, "trigger", filters, (None, trigger), (), 1)
    assert set(drilled["primary_trigger"]) == {trigger}
    assert len(drilled) == min(int((escalations["primary_trigger"] == trigger).sum()), eq.PAGE_ROWS)
    # "other" = none of the top members: with the first trigger as the only top member, all the others
    others = eq.escalated_conversations(warehouse_url, version, "trigger", filters, (None, eq.OTHER), (trigger,), 1)
    assert trigger not in set(others["primary_trigger"])
    summary = eq.drill_summary(warehouse_url, version, "trigger", filters, (None, None), ())
    assert int(summary["count_conversations"].sum()) == len(escalations)

    first = escalations.iloc[0]
    head = eq.conversation(warehouse_url, version, str(first["interaction_id"]))
    assert len(head) == 1 and head.iloc[0]["primary_trigger"] == first["primary_trigger"]
    messages = eq.transcript(warehouse_url, version, str(first["interaction_id"]))
    expected = _sql(warehouse_url, "select message_id from core.fct_messages where interaction_id = :id"
                                   " order by message_seq", {"id": str(first["interaction_id"])})
    assert len(messages) == len(expected)
    eq.sla_events(warehouse_url, version, str(first["interaction_id"]))
    if not pd.isna(first["customer_key"]):
        contacts = eq.journey(warehouse_url, version, str(first["customer_key"]),
                              pd.Timestamp(first["created_at"]).to_pydatetime())
        assert str(first["interaction_id"]) in set(contacts["interaction_id"])
