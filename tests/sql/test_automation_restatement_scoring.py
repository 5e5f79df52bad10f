"""The restatement step on a real warehouse (DuckDB and PostgreSQL): a conversation scored while still open is
scored again once the customer has written more, and keeps one row per version."""

from __future__ import annotations

from etl.enrich.restatement import RESTATEMENT_VERSION, STEPS, score_handoffs
from etl.warehouse import Warehouse, open_writer

INTERACTIONS = "core.test_interactions"
MESSAGES = "core.test_messages"


def _message(warehouse: Warehouse, message_id: str, sent_at: str, text: str) -> None:
    warehouse.execute(
        f"insert into {MESSAGES} values (:id, 'I1', cast(:at as timestamp), 'customer', :text)",
        {"id": message_id, "at": sent_at, "text": text},
    )


def test_an_open_conversation_is_scored_again_when_it_grows(warehouse_url: str) -> None:
    with open_writer(warehouse_url) as warehouse:
        warehouse.execute("create schema if not exists core")
        for statement in STEPS[0].ddl:
            warehouse.execute(statement)
        warehouse.execute(f"create table {INTERACTIONS} (interaction_id text, service_path text,"
                          " handoff_at timestamp, queued_at timestamp, answered_at timestamp)")
        warehouse.execute(f"create table {MESSAGES} (message_id text, interaction_id text, sent_at timestamp,"
                          " author_role text, message_text text)")
        warehouse.execute(f"insert into {INTERACTIONS} values ('I1', 'bot_to_human',"
                          " cast('2026-05-04 10:01:00' as timestamp), null, null)")
        _message(warehouse, "M1", "2026-05-04 10:00:20", "Our invoice lists removed seats twice.")
        # first run: only the turn to the bot exists -> nothing to compare, not a restatement
        assert score_handoffs(warehouse, INTERACTIONS, MESSAGES) == 1
        # nothing changed -> nothing to score
        assert score_handoffs(warehouse, INTERACTIONS, MESSAGES) == 0
        # the customer repeats it to the person: {invoic, list, remov, seat, twic} all said before -> 1.0
        _message(warehouse, "M2", "2026-05-04 10:03:00", "The invoice lists removed seats twice.")
        assert score_handoffs(warehouse, INTERACTIONS, MESSAGES) == 1
        rows = warehouse.query_df(
            "select count_customer_turns_before, count_customer_turns_after, similarity, is_restatement"
            " from core.enr_handoff_restatement where restatement_version = :version",
            {"version": RESTATEMENT_VERSION},
        )
    assert len(rows) == 1
    assert rows.iloc[0].tolist() == [1, 1, 1.0, True]
