"""Properties of the demo simulator's canonical export (small scales so the suite stays fast)."""

from __future__ import annotations

import csv
import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from etl.demo import generate, phrases

END_DATE = date(2026, 11, 21)
PROPERTY_SCALE = 6_000
SMALL_SCALE = 2_000
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHLY_STREAMS = {"interactions": "csv", "events": "jsonl", "messages": "jsonl", "surveys": "csv"}
SURVEY_SCALES = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}
STATUSES = {"open", "pending", "solved", "closed", "abandoned"}
EVENT_TYPES = {
    "created", "ivr_entered", "bot_started", "queued", "answered", "abandoned", "hold_started", "hold_ended",
    "transferred", "handoff", "agent_assigned", "status_changed", "escalated", "reopened", "solved", "closed",
    "disconnected",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def read_stream(folder: Path, stream: str) -> list[dict]:
    suffix = MONTHLY_STREAMS[stream]
    rows: list[dict] = []
    for path in sorted(folder.glob(f"{stream}-*.{suffix}")):
        rows.extend(read_csv(path) if suffix == "csv" else read_jsonl(path))
    return rows


def month_of(path: Path) -> str:
    return path.stem.split("-", 1)[1]


def parse_utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], list[tuple[int, int]]]:
    folder = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int]] = []
    rows = generate(folder, scale=PROPERTY_SCALE, seed=7, end_date=END_DATE, export_format="canonical",
                    progress=lambda done, total: calls.append((done, total)))
    return folder, rows, calls


@pytest.fixture(scope="module")
def folder(export: tuple[Path, dict[str, int], list[tuple[int, int]]]) -> Path:
    return export[0]


@pytest.fixture(scope="module")
def interactions(folder: Path) -> list[dict[str, str]]:
    return read_stream(folder, "interactions")


@pytest.fixture(scope="module")
def events(folder: Path) -> list[dict]:
    return read_stream(folder, "events")


@pytest.fixture(scope="module")
def messages(folder: Path) -> list[dict]:
    return read_stream(folder, "messages")


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    generate(tmp_path / "a", scale=SMALL_SCALE, seed=3, end_date=END_DATE, export_format="canonical")
    generate(tmp_path / "b", scale=SMALL_SCALE, seed=3, end_date=END_DATE, export_format="canonical")
    generate(tmp_path / "c", scale=SMALL_SCALE, seed=4, end_date=END_DATE, export_format="canonical")
    first, again, other = (file_bytes(tmp_path / name) for name in "abc")
    assert first == again
    assert first.keys() == other.keys()
    assert first["interactions-2026-08.csv"] != other["interactions-2026-08.csv"]
    assert first["messages-2026-08.jsonl"] != other["messages-2026-08.jsonl"]


def test_small_scale_stays_small(tmp_path: Path) -> None:
    rows = generate(tmp_path, scale=SMALL_SCALE, seed=1, end_date=END_DATE, export_format="canonical")
    total_bytes = sum(path.stat().st_size for path in tmp_path.iterdir())
    assert abs(rows["interactions"] - SMALL_SCALE) <= 0.05 * SMALL_SCALE
    assert total_bytes < 8_000_000
    assert rows["accounts"] >= 30 and rows["customers"] >= 100


def test_files_follow_the_naming_contract(folder: Path, export: tuple) -> None:
    names = {path.name for path in folder.iterdir()}
    assert {"accounts.csv", "customers.csv", "agents.csv", "queues.csv", "README.md"} <= names
    months = {month_of(folder / name) for name in names if name.startswith("interactions-")}
    assert len(months) == 7
    for stream, suffix in MONTHLY_STREAMS.items():
        assert {f"{stream}-{month}.{suffix}" for month in months} <= names
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "seed: 7" in readme and END_DATE.isoformat() in readme


def test_returned_counts_match_files(folder: Path, export: tuple) -> None:
    rows = export[1]
    for stream in MONTHLY_STREAMS:
        assert rows[stream] == len(read_stream(folder, stream))
    for table in ("accounts", "customers", "agents", "queues"):
        assert rows[table] == len(read_csv(folder / f"{table}.csv"))
    assert abs(rows["interactions"] - PROPERTY_SCALE) <= 0.05 * PROPERTY_SCALE


def test_progress_reports_increasing_counts_up_to_the_total(export: tuple) -> None:
    calls = export[2]
    done = [call[0] for call in calls]
    assert done == sorted(done)
    assert calls[-1][0] == calls[-1][1] == export[1]["interactions"]


def test_references_resolve_within_the_same_month(folder: Path) -> None:
    customers = {row["customer_id"] for row in read_csv(folder / "customers.csv")}
    accounts = {row["account_id"] for row in read_csv(folder / "accounts.csv")}
    agents = {row["agent_id"] for row in read_csv(folder / "agents.csv")}
    queues = {row["queue_id"] for row in read_csv(folder / "queues.csv")}
    assert {row["account_id"] for row in read_csv(folder / "customers.csv")} <= accounts
    for path in sorted(folder.glob("interactions-*.csv")):
        month = month_of(path)
        rows = read_csv(path)
        ids = {row["interaction_id"] for row in rows}
        assert {row["customer_id"] for row in rows} <= customers
        assert {row["queue_id"] for row in rows if row["queue_id"]} <= queues
        assert {row["agent_id"] for row in rows if row["agent_id"]} <= agents
        month_events = read_jsonl(folder / f"events-{month}.jsonl")
        assert {event["interaction_id"] for event in month_events} <= ids
        assert {event["agent_id"] for event in month_events if "agent_id" in event} <= agents
        assert {event["queue_id"] for event in month_events if "queue_id" in event} <= queues
        month_messages = read_jsonl(folder / f"messages-{month}.jsonl")
        assert {message["interaction_id"] for message in month_messages} <= ids
        assert {row["interaction_id"] for row in read_csv(folder / f"surveys-{month}.csv")} <= ids


def test_unique_keys(folder: Path, interactions: list, events: list, messages: list) -> None:
    surveys = read_stream(folder, "surveys")
    for rows, key in ((interactions, "interaction_id"), (events, "event_id"), (messages, "message_id"),
                      (surveys, "survey_response_id")):
        assert len({row[key] for row in rows}) == len(rows)


def test_tables_have_required_fields_and_valid_enums(folder: Path) -> None:
    accounts = read_csv(folder / "accounts.csv")
    assert {row["segment"] for row in accounts} == {"enterprise", "mid_market", "smb"}
    for row in accounts:
        assert row["account_id"] and TIMESTAMP.match(row["updated_at"]) and DAY.match(row["started_on"])
        assert float(row["arr_amount"]) >= 0
        assert row["churned_on"] == "" or (DAY.match(row["churned_on"]) and row["churned_on"] >= row["started_on"])
    for row in read_csv(folder / "customers.csv"):
        assert row["customer_id"] and TIMESTAMP.match(row["updated_at"])
        assert row["email"] == row["email"].lower() and "@" in row["email"]
        assert row["phone"] == "" or re.match(r"^\+[1-9]\d{7,14}$", row["phone"])
    agents = read_csv(folder / "agents.csv")
    assert {row["agent_kind"] for row in agents} == {"human", "bot"}
    assert len({row["team_name"] for row in agents if row["agent_kind"] == "human"}) >= 3
    assert all(TIMESTAMP.match(row["updated_at"]) for row in agents)
    queues = read_csv(folder / "queues.csv")
    assert {row["channel"] for row in queues} == {"voice", "chat", "email", "ticket", "social"}


def test_contact_streams_have_required_fields_and_valid_enums(folder: Path, interactions: list, events: list,
                                                              messages: list) -> None:
    for row in interactions:
        assert row["interaction_id"] and row["status"] in STATUSES
        assert row["channel"] in {"voice", "chat", "email", "ticket", "social"}
        assert row["priority"] in {"low", "normal", "high", "urgent"}
        assert TIMESTAMP.match(row["created_at"]) and TIMESTAMP.match(row["updated_at"])
        assert row["closed_at"] == "" or TIMESTAMP.match(row["closed_at"])
        for field in ("talk_seconds", "hold_seconds", "acw_seconds"):
            assert row[field] == "" or 0 <= int(row[field]) <= 86_400
    for event in events:
        assert event["interaction_id"] and event["event_type"] in EVENT_TYPES and TIMESTAMP.match(event["occurred_at"])
    for message in messages:
        assert message["interaction_id"] and message["text"] and TIMESTAMP.match(message["sent_at"])
        assert message["author_role"] in {"customer", "agent", "bot", "system"}
    for survey in read_stream(folder, "surveys"):
        low, high = SURVEY_SCALES[survey["survey_type"]]
        assert low <= int(survey["score"]) <= high and TIMESTAMP.match(survey["responded_at"])


def test_times_and_statuses_are_consistent(interactions: list, events: list, messages: list) -> None:
    created = {row["interaction_id"]: row["created_at"] for row in interactions}
    export_end = f"{(END_DATE + timedelta(days=1)).isoformat()}T00:00:00Z"
    for record, field in [(event, "occurred_at") for event in events] + [(msg, "sent_at") for msg in messages]:
        assert created[record["interaction_id"]] <= record[field] <= export_end
    abandoned_ids = {event["interaction_id"] for event in events if event["event_type"] == "abandoned"}
    for row in interactions:
        assert row["created_at"] <= row["updated_at"] <= export_end
        if row["status"] in {"solved", "closed", "abandoned"}:
            assert row["created_at"] <= row["closed_at"] <= row["updated_at"]
        else:
            assert row["closed_at"] == ""
        assert (row["status"] == "abandoned") == (row["interaction_id"] in abandoned_ids)


def test_holds_and_talk_time_match_events(interactions: list, events: list) -> None:
    hold_seconds: dict[str, float] = defaultdict(float)
    started: dict[str, datetime] = {}
    for event in events:
        if event["event_type"] == "hold_started":
            started[event["interaction_id"]] = parse_utc(event["occurred_at"])
        elif event["event_type"] == "hold_ended":
            ended = parse_utc(event["occurred_at"])
            hold_seconds[event["interaction_id"]] += (ended - started.pop(event["interaction_id"])).total_seconds()
    voice = [row for row in interactions if row["channel"] == "voice" and row["status"] == "closed"]
    assert sum(1 for row in voice if int(row["hold_seconds"]) > 0) > 0
    for row in voice:
        assert int(row["hold_seconds"]) == hold_seconds.get(row["interaction_id"], 0)
        assert int(row["talk_seconds"]) > 0


def test_channel_mix_is_roughly_as_designed(interactions: list) -> None:
    shares = {channel: count / len(interactions) for channel, count in
              Counter(row["channel"] for row in interactions).items()}
    expected = {"voice": 0.30, "chat": 0.35, "email": 0.20, "ticket": 0.12, "social": 0.03}
    for channel, share in expected.items():
        assert abs(shares[channel] - share) < 0.05, channel


def test_survey_answer_rates_and_scores_follow_the_experience(folder: Path, interactions: list) -> None:
    surveys = read_stream(folder, "surveys")
    rate = Counter(row["survey_type"] for row in surveys)
    assert 0.13 <= rate["csat"] / len(interactions) <= 0.22
    assert 0.07 <= rate["ces"] / len(interactions) <= 0.13
    assert 0 < rate["nps"] < rate["ces"]
    repeated = repeat_interaction_ids(interactions)
    csat_repeat = [int(row["score"]) for row in surveys
                   if row["survey_type"] == "csat" and row["interaction_id"] in repeated]
    csat_first = [int(row["score"]) for row in surveys
                  if row["survey_type"] == "csat" and row["interaction_id"] not in repeated]
    assert statistics.mean(csat_repeat) < statistics.mean(csat_first)


def repeat_interaction_ids(interactions: list[dict[str, str]], window_days: int = 7) -> set[str]:
    """Contacts by a customer about an intent they already raised within the window."""
    last_seen: dict[tuple[str, str], datetime] = {}
    repeats = set()
    for row in sorted(interactions, key=lambda item: item["created_at"]):
        key = (row["customer_id"], row["intent"])
        created = parse_utc(row["created_at"])
        if key in last_seen and created - last_seen[key] <= timedelta(days=window_days):
            repeats.add(row["interaction_id"])
        last_seen[key] = created
    return repeats


def test_outage_spike_is_visible_in_daily_counts(interactions: list) -> None:
    outage_days = Counter(row["created_at"][:10] for row in interactions
                          if row["intent"] in {"outage_report", "integration_error"})
    median_day = statistics.median(outage_days.values())
    peak_day, peak = outage_days.most_common(1)[0]
    assert peak >= 3 * median_day
    period_start = date.fromisoformat(min(outage_days))
    position = (date.fromisoformat(peak_day) - period_start).days / (END_DATE - period_start).days
    assert 0.5 <= position <= 0.7


def test_intent_profiles_differ_in_bot_containment(interactions: list, events: list) -> None:
    handed_off = {event["interaction_id"] for event in events if event["event_type"] == "handoff"}
    chats: dict[str, list[bool]] = defaultdict(list)
    for row in interactions:
        if row["channel"] == "chat":
            chats[row["intent"]].append(row["interaction_id"] in handed_off)
    handoff_share = {intent: sum(flags) / len(flags) for intent, flags in chats.items()}
    assert handoff_share["password_reset"] < 0.4 and handoff_share["invoice_copy"] < 0.4
    assert max(handoff_share.values()) > 0.85
    assert handoff_share["billing_dispute"] > handoff_share["password_reset"]


def test_one_intent_loops_with_repeat_contacts(interactions: list) -> None:
    repeated = repeat_interaction_ids(interactions)
    by_intent: dict[str, list[bool]] = defaultdict(list)
    for row in interactions:
        by_intent[row["intent"]].append(row["interaction_id"] in repeated)
    shares = sorted((sum(flags) / len(flags) for flags in by_intent.values()), reverse=True)
    assert shares[0] > 1.5 * statistics.median(shares)


def test_escalations_and_transfers_carry_reasons_and_queues(events: list) -> None:
    escalations = [event for event in events if event["event_type"] == "escalated"]
    transfers = [event for event in events if event["event_type"] == "transferred"]
    assert escalations and transfers
    allowed = {"customer_request", "negative_sentiment", "complexity", "policy_exception", "bot_failure"}
    assert {event["reason"] for event in escalations} <= allowed
    assert all(event["from_value"] != event["to_value"] for event in transfers)


def test_some_handoffs_make_the_customer_restate_the_issue(interactions: list, events: list,
                                                          messages: list) -> None:
    handed_off = {event["interaction_id"] for event in events if event["event_type"] == "handoff"}
    answered_at = {event["interaction_id"]: event["occurred_at"] for event in events
                   if event["event_type"] == "answered" and event["interaction_id"] in handed_off}
    customer_turns: dict[str, list[dict]] = defaultdict(list)
    for message in messages:
        if message["author_role"] == "customer" and message["interaction_id"] in answered_at:
            customer_turns[message["interaction_id"]].append(message)
    restated = 0
    for interaction_id, turns in customer_turns.items():
        after = [turn for turn in turns if turn["sent_at"] >= answered_at[interaction_id]]
        if after and any(prefix in after[0]["text"] for prefix in phrases.RESTATEMENT_PREFIXES):
            assert after[0]["text"] != turns[0]["text"]
            restated += 1
    assert 0.1 * len(answered_at) < restated < 0.6 * len(answered_at)


def test_message_counts_per_thread(interactions: list, messages: list) -> None:
    channel = {row["interaction_id"]: row["channel"] for row in interactions if row["status"] != "open"}
    per_thread = Counter(message["interaction_id"] for message in messages if message["interaction_id"] in channel)
    chat_counts = [count for interaction_id, count in per_thread.items() if channel[interaction_id] == "chat"]
    email_counts = [count for interaction_id, count in per_thread.items() if channel[interaction_id] == "email"]
    assert min(chat_counts) >= 4 and max(chat_counts) <= 12
    assert 2 <= statistics.median(email_counts) <= 5
    assert not any(channel[interaction_id] == "voice" for interaction_id in per_thread)


def test_customer_wording_carries_the_mood(folder: Path, messages: list) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    csat = {row["interaction_id"]: int(row["score"]) for row in read_stream(folder, "surveys")
            if row["survey_type"] == "csat"}
    polarity: dict[int, list[float]] = defaultdict(list)
    for message in messages:
        score = csat.get(message["interaction_id"])
        if message["author_role"] == "customer" and score in (1, 5):
            polarity[score].append(analyzer.polarity_scores(message["text"])["compound"])
    assert statistics.mean(polarity[1]) < statistics.mean(polarity[5]) - 0.2


def test_churn_rate_and_churners_had_worse_experiences(folder: Path, interactions: list) -> None:
    accounts = read_csv(folder / "accounts.csv")
    churned = {row["account_id"] for row in accounts if row["churned_on"]}
    assert 0.08 <= len(churned) / len(accounts) <= 0.12
    account_of = {row["customer_id"]: row["account_id"] for row in read_csv(folder / "customers.csv")}
    people = Counter(account_of.values())
    repeated = repeat_interaction_ids(interactions)
    bad: Counter[str] = Counter()
    for row in interactions:
        if row["status"] == "abandoned" or row["interaction_id"] in repeated:
            bad[account_of[row["customer_id"]]] += 1
    bad_per_person = {account: bad[account] / people[account] for account in people}
    churner_mean = statistics.mean(bad_per_person[account] for account in churned)
    retained_mean = statistics.mean(value for account, value in bad_per_person.items() if account not in churned)
    assert churner_mean > retained_mean
