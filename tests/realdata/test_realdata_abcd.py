"""The ABCD sample (ASAPP, MIT; ../shared/data/abcd_sample) through the transcripts connector.

Counted by hand from abcd_sample.json (see its SOURCE.md):
  convo 3592 (product_defect/return_size): 29 turns = 12 agent, 13 customer, 4 action
  convo 9489 (product_defect/refund_status): 21 turns = 9 agent, 10 customer, 2 action
  convo 3695 (storewide_query/timing_4): 22 turns = 11 agent, 8 customer, 3 action
  -> 72 messages; the 9 actions are system messages, not public, and no events.
ABCD has no times: each conversation starts at 2021-01-01 00:00 UTC, one minute per turn, so 3592 closes at
00:28 (turn 28), 9489 at 00:20, 3695 at 00:21. 3695's scenario names no username or e-mail: its customer is
its phone "(859) 787-9085".
"""

from __future__ import annotations

import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import SHARED_DATA, expected_pseudonym, make_settings

ABCD = SHARED_DATA / "abcd_sample" / "abcd_sample.json"


@pytest.mark.realdata
def test_abcd_sample_loads_as_three_chats_of_72_turns(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, ABCD, "transcripts"), "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 0
    reader = open_reader(warehouse_url)
    try:
        contacts = reader.query_df(
            "select interaction_id, channel, intent, customer_id, created_at, closed_at, service_path"
            " from core.fct_interactions"
        ).set_index("interaction_id")
        roles = reader.query_df(
            "select author_role, count(*) as n, sum(case when is_public then 1 else 0 end) as n_public"
            " from core.fct_messages group by author_role"
        ).set_index("author_role")
        count_events = reader.scalar("select count(*) from core.fct_interaction_events")
        emails = reader.query_df("select customer_id, email from core.dim_customers").set_index("customer_id")
        unmapped = reader.query_df("select vendor_value, count_contacts from ops.intent_unmapped_vendor_values"
                                   " where source_kind = 'transcripts' order by vendor_value")
    finally:
        reader.close()
    assert sorted(contacts.index) == ["transcripts:3592", "transcripts:3695", "transcripts:9489"]
    assert set(contacts["channel"]) == {"chat"}
    # ABCD's flow/subflow names are no intent of the taxonomy (the test settings' fixture taxonomy): each contact
    # is labelled by a rule or the model, or stays unclassified, and the exported values are listed to map,
    # never dropped (one conversation each, from each conversation's scenario flow and subflow in the JSON)
    assert "product_defect/return_size" not in set(contacts["intent"])
    assert [tuple(r) for r in unmapped.itertuples(index=False)] == [
        ("product_defect/refund_status", 1), ("product_defect/return_size", 1),
        ("storewide_query/timing_4", 1)]
    assert str(contacts.loc["transcripts:3592", "created_at"]) == "2021-01-01 00:00:00"
    assert str(contacts.loc["transcripts:3592", "closed_at"]) == "2021-01-01 00:28:00"
    assert str(contacts.loc["transcripts:9489", "closed_at"]) == "2021-01-01 00:20:00"
    assert str(contacts.loc["transcripts:3695", "closed_at"]) == "2021-01-01 00:21:00"
    assert set(contacts["service_path"]) == {"human_only"}
    assert int(roles["n"].sum()) == 72
    assert {role: int(n) for role, n in roles["n"].items()} == {"agent": 32, "customer": 31, "system": 9}
    assert int(roles.loc["system", "n_public"]) == 0
    assert count_events == 0
    assert contacts.loc["transcripts:3592", "customer_id"] == "transcripts:cminh730"
    # e-mails and phones are pseudonymised at ingest (docs/privacy.md); "(859) 787-9085" is +18597879085
    assert emails.loc["transcripts:cminh730", "email"] == expected_pseudonym("em_", "cminh730@email.com")
    assert contacts.loc["transcripts:3695", "customer_id"] == "transcripts:" + expected_pseudonym("ph_", "+18597879085")
