"""The whole pipeline on the hand-made fixture in tests/fixtures/canonical_small, on DuckDB and PostgreSQL.

Every expected figure below is worked out by hand from the fixture files:

interactions-2026-05.csv has 8 rows; I8 (channel "fax") is quarantined, so 7 contacts load.
Voice and chat queue outcomes (service-level threshold 20 s, short-abandon threshold 5 s):
  I1 queued 09:00:30, answered 09:00:45 -> wait 15 s, answered within 20 s
  I2 queued 10:00:10, abandoned 10:00:13 -> 3 s, a short abandon (left out of offered)
  I3 queued 11:00:00, abandoned 11:01:00 -> 60 s, abandoned
  I4 queued 12:00:00, answered 12:00:50 -> 50 s, answered late
  I5 handed off by the bot, queued 13:02:00, answered 13:02:10 -> 10 s, answered within 20 s
  offered = I1, I3, I4, I5 = 4; within threshold = 2; abandoned = 1; short abandons = 1
First reply (first public human message): I5 13:00:00 -> 13:02:30 = 150 s; I6 08:00 -> 10:00 = 7,200 s
  (the 09:00 internal note is not public and does not count); I7 is bot-only: no human reply.
CSAT: S1 4 (I1), S2 2 (I5), S3 5 (I6) -> 3 answers, 2 satisfied; S5 (score 9 on a 1-5 scale) is quarantined.
Customer sentiment: VADER compound values published in the vaderSentiment README:
  "The book was good." 0.4404, "Today SUX!" -0.5461, "Not bad at all" 0.431,
  "At least it isn't a horrible book." 0.431.
  I5 mean = (0.4404 - 0.5461) / 2 = -0.05285; I6 = 0.431; I7 = 0.431 (the bot's negative line in I7,
  "VADER is not smart, handsome, nor funny." -0.7424, is a bot turn and never counts).
  sum = 0.80915 over 3 contacts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.pipeline import COMPLETED_WITH_ERRORS, SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, expected_pseudonym, make_settings

SMALL = FIXTURES / "canonical_small"


def _mart_totals(url: str) -> dict[str, float]:
    reader = open_reader(url)
    try:
        frame = reader.query_df(
            "select sum(count_interactions) as interactions, sum(count_offered) as offered,"
            " sum(count_answered) as answered,"
            " sum(count_answered_within_threshold) as within_threshold, sum(count_abandoned) as abandoned,"
            " sum(count_short_abandoned) as short_abandoned, sum(count_first_replies) as first_replies,"
            " sum(sum_first_reply_seconds) as first_reply_seconds, sum(count_csat_responses) as csat_responses,"
            " sum(count_csat_satisfied) as csat_satisfied, sum(count_sentiment_interactions) as sentiment_contacts,"
            " sum(sum_customer_sentiment) as sentiment_sum from marts.service_daily"
        )
    finally:
        reader.close()
    return {k: float(v) for k, v in frame.iloc[0].items()}


def _row_counts(url: str) -> dict[str, int]:
    from etl.status import read_status

    reader = open_reader(url)
    try:
        tables = read_status(reader).tables
    finally:
        reader.close()
    counts = {f"{s}.{t}": int(n) for s, t, n in tables.itertuples(index=False)}
    return {name: n for name, n in counts.items() if not name.startswith("ops.")}


def test_fixture_figures_match_the_hand_worked_values(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, SMALL), "run")
    assert result.status == SUCCEEDED, result.problems
    totals = _mart_totals(warehouse_url)
    assert totals["interactions"] == 7
    assert totals["offered"] == 4
    assert totals["answered"] == 3
    assert totals["within_threshold"] == 2
    assert totals["abandoned"] == 1
    assert totals["short_abandoned"] == 1
    assert totals["first_replies"] == 2
    assert totals["first_reply_seconds"] == pytest.approx(150 + 7_200)
    assert totals["csat_responses"] == 3
    assert totals["csat_satisfied"] == 2
    assert totals["sentiment_contacts"] == 3
    assert totals["sentiment_sum"] == pytest.approx(-0.05285 + 0.431 + 0.431, abs=1e-4)


def test_core_tables_carry_paths_segments_and_merges(warehouse_url: str) -> None:
    run_pipeline(make_settings(warehouse_url, SMALL), "run")
    reader = open_reader(warehouse_url)
    try:
        contacts = reader.query_df(
            "select interaction_id, service_path, segment, is_escalated, escalation_reason, handle_seconds"
            " from core.fct_interactions order by interaction_id"
        ).set_index("interaction_id")
        accounts = reader.query_df("select account_id, segment, is_churned from core.dim_accounts").set_index(
            "account_id"
        )
        email = reader.scalar("select email from core.dim_customers where customer_id = 'C1'")
        bot_score = reader.scalar(
            "select compound from core.enr_message_sentiment where message_id = 'M9'"
        )
    finally:
        reader.close()
    assert contacts.loc["I5", "service_path"] == "bot_to_human"
    assert contacts.loc["I7", "service_path"] == "bot_only"
    assert contacts.loc["I1", "service_path"] == "human_only"
    # I6's customer C3 has no account
    assert contacts.loc["I6", "segment"] == "unknown"
    # A2 appears twice; the later version (updated 2026-04-02) says smb and churned
    assert accounts.loc["A2", "segment"] == "smb"
    assert bool(accounts.loc["A2", "is_churned"]) is True
    assert contacts.loc["I2", "segment"] == "smb"
    # I5's escalation event has no event_id: the key is derived, and the event still counts
    assert bool(contacts.loc["I5", "is_escalated"]) is True
    assert contacts.loc["I5", "escalation_reason"] == "negative_sentiment"
    # handle time = talk + hold + after-contact work: 300 + 60 + 30
    assert contacts.loc["I1", "handle_seconds"] == 390
    # " Ada@Acme.example " trimmed, lower-cased and pseudonymised at ingest (docs/privacy.md)
    assert email == expected_pseudonym("em_", "ada@acme.example")
    # bot turns are scored separately (README value for this sentence)
    assert bot_score == pytest.approx(-0.7424, abs=1e-4)


def test_bad_records_are_quarantined_with_file_line_field_and_reason(warehouse_url: str) -> None:
    result = run_pipeline(make_settings(warehouse_url, SMALL), "run")
    assert result.rows_rejected == 3
    reader = open_reader(warehouse_url)
    try:
        rejects = reader.query_df(
            "select stream, source_file, source_line, field_name, reason, payload from ops.rejected_records"
            " order by stream"
        )
    finally:
        reader.close()
    by_stream = {row.stream: row for row in rejects.itertuples(index=False)}
    assert set(by_stream) == {"events", "interactions", "surveys"}
    fax = by_stream["interactions"]
    assert Path(fax.source_file).name == "interactions-2026-05.csv"
    assert fax.source_line == 9  # the header is line 1; I8 is the eighth record
    assert fax.field_name == "channel"
    assert "not one of" in fax.reason
    assert '"fax"' in fax.payload
    truncated = by_stream["events"]
    assert truncated.source_line == 16
    assert truncated.reason.startswith("invalid JSON")
    survey = by_stream["surveys"]
    assert survey.field_name == "score"
    assert survey.reason == "score 9 is outside the csat scale 1-5"


def test_rejected_share_over_threshold_fails_the_run_but_keeps_everything(warehouse_url: str) -> None:
    settings = make_settings(warehouse_url, SMALL, ingest={"max_rejected_share": 0.05})
    result = run_pipeline(settings, "run")
    assert result.status == COMPLETED_WITH_ERRORS
    assert result.exit_code == 1
    assert len(result.problems) == 3  # interactions 1/8, events 1/16, surveys 1/5 are all over 5%
    assert _mart_totals(warehouse_url)["interactions"] == 7


def test_second_run_on_the_same_files_changes_nothing(warehouse_url: str) -> None:
    settings = make_settings(warehouse_url, SMALL)
    run_pipeline(settings, "run")
    before_counts, before_totals = _row_counts(warehouse_url), _mart_totals(warehouse_url)
    again = run_pipeline(settings, "run")
    assert again.rows_loaded == 0
    assert {f.status for f in again.files} == {"skipped"}
    assert _row_counts(warehouse_url) == before_counts
    assert _mart_totals(warehouse_url) == before_totals


def test_an_overlapping_export_adds_only_what_is_new(warehouse_url: str, tmp_path: Path) -> None:
    source = tmp_path / "exports"
    shutil.copytree(SMALL, source)
    settings = make_settings(warehouse_url, source)
    run_pipeline(settings, "run")
    # A later export repeats I1 unchanged, updates I4 (now urgent) and adds I9.
    header, *rows = (SMALL / "interactions-2026-05.csv").read_text(encoding="utf-8").splitlines()
    original_i1 = next(row for row in rows if row.startswith("I1,"))
    (source / "interactions-2026-06.csv").write_text(
        "\n".join([
            header,
            original_i1,
            "I4,voice,C2,Q1,AG1,password_reset,urgent,closed,2026-05-05T12:00:00Z,2026-05-07T08:00:00Z,"
            "2026-05-05T12:06:00Z,,240,0,20",
            "I9,email,C2,Q3,AG1,invoice_copy,low,open,2026-06-01T08:00:00Z,2026-06-01T08:00:00Z,,,,,",
        ]) + "\n",
        encoding="utf-8",
    )
    result = run_pipeline(settings, "run")
    new_file = next(f for f in result.files if f.path.name == "interactions-2026-06.csv")
    assert (new_file.rows_loaded, new_file.rows_duplicate) == (2, 1)
    reader = open_reader(warehouse_url)
    try:
        contacts = reader.query_df("select interaction_id, priority from core.fct_interactions").set_index(
            "interaction_id"
        )
    finally:
        reader.close()
    assert len(contacts) == 8
    assert contacts.loc["I4", "priority"] == "urgent"  # the latest version by updated_at wins
    assert contacts.loc["I1", "priority"] == "normal"


def test_the_same_records_under_another_file_name_add_nothing(warehouse_url: str, tmp_path: Path) -> None:
    source = tmp_path / "exports"
    shutil.copytree(SMALL, source)
    settings = make_settings(warehouse_url, source)
    run_pipeline(settings, "run")
    before = _row_counts(warehouse_url)
    # the same records in another order: another file digest, no new record
    lines = (source / "messages-2026-05.jsonl").read_text(encoding="utf-8").splitlines()
    (source / "messages-2026-05-resent.jsonl").write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    result = run_pipeline(settings, "run")
    resent = [f for f in result.files if f.path.name == "messages-2026-05-resent.jsonl"]
    assert resent[0].status == "loaded"
    assert resent[0].rows_loaded == 0
    assert resent[0].rows_duplicate == 9
    assert _row_counts(warehouse_url) == before


def test_a_failure_mid_load_leaves_no_partial_batch(warehouse_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import etl.load

    settings = make_settings(warehouse_url, SMALL)
    real_land = etl.load._land_new_rows

    def fail_on_messages(warehouse, stream, *args):  # type: ignore[no-untyped-def]
        if stream.name == "messages":
            real_land(warehouse, stream, *args)  # the rows are in the raw table when the failure strikes
            raise RuntimeError("injected failure while loading messages")
        return real_land(warehouse, stream, *args)

    monkeypatch.setattr(etl.load, "_land_new_rows", fail_on_messages)
    with pytest.raises(RuntimeError, match="injected failure"):
        run_pipeline(settings, "run")
    monkeypatch.undo()

    reader = open_reader(warehouse_url)
    try:
        if warehouse_url.startswith("duckdb:"):
            # the whole run is discarded: only the record of the failed run remains
            assert reader.scalar("select count(*) from ops.batches") == 0
        else:
            # files before the failure are committed batches; the messages file left nothing behind
            assert reader.scalar("select count(*) from raw.canonical__messages") == 0
            assert reader.scalar("select count(*) from raw.canonical__events") == 15
            assert reader.scalar("select count(*) from ops.batches where stream = 'messages'") == 0
            assert reader.scalar("select count(*) from ops.stream_state where stream = 'messages'") == 0
        assert reader.scalar("select status from ops.runs order by run_id desc limit 1") == "failed"
    finally:
        reader.close()
    # a clean rerun completes the load and gives the hand-worked figures
    assert run_pipeline(settings, "run").status == SUCCEEDED
    assert _mart_totals(warehouse_url)["interactions"] == 7
    assert _mart_totals(warehouse_url)["sentiment_contacts"] == 3


def test_a_failed_build_keeps_the_previous_models(warehouse_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import etl.build

    settings = make_settings(warehouse_url, SMALL)
    run_pipeline(settings, "run")
    before = _mart_totals(warehouse_url)

    def broken_check(warehouse, model):  # type: ignore[no-untyped-def]
        if model.name == "service_daily":
            raise etl.build.BuildError("injected grain failure")

    monkeypatch.setattr(etl.build, "_check_unique_key", broken_check)
    with pytest.raises(etl.build.BuildError):
        run_pipeline(settings, "build", do_ingest=False)
    assert _mart_totals(warehouse_url) == before


def test_stream_state_tells_where_the_next_export_should_start(warehouse_url: str) -> None:
    from etl.status import read_status

    run_pipeline(make_settings(warehouse_url, SMALL), "run")
    reader = open_reader(warehouse_url)
    try:
        streams = read_status(reader, lookback_hours=24).streams.set_index("stream")
    finally:
        reader.close()
    # the latest updated_at among the loaded interactions is I6's 2026-05-06 10:00 (I8, rejected, does not count)
    assert str(streams.loc["interactions", "watermark"]) == "2026-05-06 10:00:00"
    assert str(streams.loc["interactions", "next_export_from"]) == "2026-05-05 10:00:00"
    assert int(streams.loc["interactions", "rows_loaded"]) == 7
