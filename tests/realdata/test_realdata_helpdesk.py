"""Time to resolution and repeat contacts on the real help-desk event log (../shared/data/helpdesk_italian,
finale.csv: 21,348 events of 4,580 tickets, 2010-2014), computed by the product and, independently, with
pandas straight from the CSV. The two must agree ticket by ticket.

The log has no intent; SOURCE.md describes recurrence as "same customer + same product", and the repository's
mapping (mappings/helpdesk_italian.yml) carries `intent: product`, which its taxonomy
(mappings/helpdesk_italian_intents.yml) maps onto one intent per product code: an episode is one customer's
tickets about one product.

Definitions, shared by both sides so the comparison is exact:
- Timestamps are the log's local Italian time (Europe/Rome), converted to UTC (the mapping's rule; no event
  falls in a clock change, the mapping test loads every row).
- A ticket's creation is its first event; its customer and product are those of its last event carrying one
  (latest timestamp, then latest line of the file).
- Time to resolution (contact level, from core.fct_interactions as it stands: created_at -> first_solved_at
  and last_solved_at): from creation to the first / the last "Resolve ticket" or "RESOLVED" event, in seconds;
  none when the ticket has no such event. ("Closed" is set automatically about 30 days after the resolution,
  SOURCE.md, so it is not used when a resolution exists.)
- Episodes (core.fct_episodes, core.int_contact_episodes): per customer and product, tickets in order of
  creation (ties by interaction id, 'mapped:real:Case N' as text); a ticket within 7 days (inclusive) of its
  episode's first ticket joins it, a later one starts the next episode. A ticket is a repeat when it is not
  the first of its episode. It has a return when the customer's next ticket about the product comes within 7
  days (inclusive); it is censored (undetermined, return seen or not) when creation + 7 days is after the last
  creation in the log.
- Episode resolution: the episode's last ticket had a solve or close event and no return; its time runs from
  the first ticket's creation to the last ticket's last solve (else its last close).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import REPO_ROOT, SHARED_DATA, make_settings
from tests.realdata.datasets import REAL_TAXONOMY

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
LOG = SHARED_DATA / "helpdesk_italian" / "finale.csv"
WINDOW = pd.Timedelta(days=7)
SOLVED = {"Resolve ticket", "RESOLVED"}
CLOSED = {"Closed", "INVALID", "DUPLICATE"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("helpdesk")
    url = f"duckdb:///{folder / 'warehouse.duckdb'}"
    source = {"name": "real", "format": "mapped", "path": str(LOG),
              "mapping": str(REPO_ROOT / "mappings" / "helpdesk_italian.yml")}
    settings = make_settings(url, LOG, sources=[source], intents={"taxonomy": str(REAL_TAXONOMY)})
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 0
    return url


def _query(url: str, sql: str) -> pd.DataFrame:
    reader = open_reader(url)
    try:
        return reader.query_df(sql)
    finally:
        reader.close()


def _tickets_from_the_csv(path: Path) -> pd.DataFrame:
    """One row per ticket, from the raw CSV with pandas only."""
    events = pd.read_csv(path, dtype=str)
    events["line"] = range(len(events))
    local = pd.to_datetime(events["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f")
    events["at"] = local.dt.tz_localize("Europe/Rome", ambiguous="raise", nonexistent="raise").dt.tz_convert(
        "UTC").dt.tz_localize(None)
    events = events.sort_values(["Case ID", "at", "line"])
    by_case = events.groupby("Case ID")
    tickets = pd.DataFrame({
        "created_at": by_case["at"].min(),
        "customer": by_case["customer"].last(),
        "product": by_case["product"].last(),
    })
    solved = events[events["Activity"].isin(SOLVED)].groupby("Case ID")["at"]
    closed = events[events["Activity"].isin(CLOSED)].groupby("Case ID")["at"]
    tickets["first_solved_at"] = solved.min()
    tickets["last_solved_at"] = solved.max()
    tickets["last_closed_at"] = closed.max()
    tickets.index = "mapped:real:" + tickets.index
    tickets.index.name = "interaction_id"
    return tickets


def _walk_episodes(tickets: pd.DataFrame) -> pd.DataFrame:
    """Episode number, position, repeat, return and censoring of every ticket, walking each customer's tickets
    about each product in time order."""
    data_end = tickets["created_at"].max()
    ordered = tickets.reset_index().sort_values(["customer", "product", "created_at", "interaction_id"])
    rows = []
    for _, group in ordered.groupby(["customer", "product"], sort=False):
        times = list(group["created_at"])
        ids = list(group["interaction_id"])
        episode, start, seq = 0, None, 0
        for position, (interaction_id, created) in enumerate(zip(ids, times, strict=True)):
            if start is None or created > start + WINDOW:
                episode, start, seq = episode + 1, created, 0
            seq += 1
            following = times[position + 1] if position + 1 < len(times) else None
            returned = following is not None and following <= created + WINDOW
            censored = created + WINDOW > data_end  # undetermined whether or not a return was already seen
            rows.append({
                "interaction_id": interaction_id, "episode": (ids[0], episode), "episode_seq": seq,
                "is_repeat_contact": seq > 1, "has_return": None if censored else returned, "is_censored": censored,
            })
    return pd.DataFrame(rows).set_index("interaction_id")


@pytest.fixture(scope="module")
def expected() -> tuple[pd.DataFrame, pd.DataFrame]:
    tickets = _tickets_from_the_csv(LOG)
    return tickets, _walk_episodes(tickets)


def _seconds(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.total_seconds()


def test_time_to_resolution_matches_pandas_ticket_by_ticket(warehouse: str,
                                                            expected: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    tickets, _ = expected
    product = _query(
        warehouse,
        "select interaction_id, created_at, first_solved_at, last_solved_at from core.fct_interactions",
    ).set_index("interaction_id").sort_index()
    tickets = tickets.sort_index()
    assert list(product.index) == list(tickets.index)  # the 4,580 tickets
    assert len(product) == 4_580
    for column in ("created_at", "first_solved_at", "last_solved_at"):
        product[column] = pd.to_datetime(product[column])
    pd.testing.assert_series_equal(product["created_at"], tickets["created_at"], check_names=False,
                                   check_dtype=False)
    for resolution in ("first_solved_at", "last_solved_at"):
        ours = _seconds(product[resolution], product["created_at"])
        theirs = _seconds(tickets[resolution], tickets["created_at"])
        assert ours.isna().equals(theirs.isna()), resolution
        assert (ours - theirs).abs().max() < 1e-6, resolution
    # a sanity figure, not a reference: tickets with a resolution event
    assert product["first_solved_at"].notna().sum() == tickets["first_solved_at"].notna().sum() > 4_000


def test_repeat_contacts_and_returns_match_pandas(warehouse: str, expected: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, walked = expected
    product = _query(
        warehouse,
        "select interaction_id, episode_id, episode_seq, is_repeat_contact, has_return_within_window,"
        " is_return_censored from core.int_contact_episodes",
    ).set_index("interaction_id").sort_index()
    walked = walked.sort_index()
    assert list(product.index) == list(walked.index)
    assert list(product["episode_seq"].astype(int)) == list(walked["episode_seq"])
    assert list(product["is_repeat_contact"].astype(bool)) == list(walked["is_repeat_contact"])
    assert list(product["is_return_censored"].astype(bool)) == list(walked["is_censored"])
    ours = [None if pd.isna(v) else bool(v) for v in product["has_return_within_window"]]
    assert ours == list(walked["has_return"])
    # the same partition into episodes (ids are named differently on each side)
    assert product.groupby("episode_id").size().sort_values().tolist() == \
        walked.groupby("episode").size().sort_values().tolist()
    repeats = int(walked["is_repeat_contact"].sum())
    assert int(_query(warehouse, "select sum(count_repeat_contacts) from marts.journey_daily").iloc[0, 0]) == repeats
    assert 0 < repeats < 4_580


def test_episode_resolution_matches_pandas(warehouse: str, expected: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    tickets, walked = expected
    joined = walked.join(tickets)
    rows = []
    for _, episode in joined.sort_values(["created_at", "episode_seq"]).groupby("episode", sort=False):
        episode = episode.sort_values("episode_seq")
        last = episode.iloc[-1]
        has_resolution_event = pd.notna(last["last_solved_at"]) or pd.notna(last["last_closed_at"])
        resolved = None if last["has_return"] is None else bool(has_resolution_event and not last["has_return"])
        resolved_at = last["last_solved_at"] if pd.notna(last["last_solved_at"]) else last["last_closed_at"]
        seconds = (resolved_at - episode["created_at"].iloc[0]).total_seconds() if resolved else None
        rows.append({"first_interaction_id": episode.index[0], "resolved": resolved, "seconds": seconds})
    theirs = pd.DataFrame(rows).set_index("first_interaction_id").sort_index()
    ours = _query(
        warehouse,
        "select first_interaction_id, is_resolved, episode_resolution_seconds from core.fct_episodes",
    ).set_index("first_interaction_id").sort_index()
    assert list(ours.index) == list(theirs.index)
    assert [None if pd.isna(v) else bool(v) for v in ours["is_resolved"]] == list(theirs["resolved"])
    difference = (ours["episode_resolution_seconds"].astype(float) - theirs["seconds"].astype(float)).abs()
    assert ours["episode_resolution_seconds"].isna().equals(theirs["seconds"].isna())
    assert difference.max() < 1e-6


def test_the_log_is_read_as_local_italian_time() -> None:
    # 2012/10/09 14:50:17 in Rome (summer time, UTC+2) is 12:50:17 UTC: the first event of Case 1
    tickets = _tickets_from_the_csv(LOG)
    assert tickets.loc["mapped:real:Case 1", "created_at"] == dt.datetime(2012, 10, 9, 12, 50, 17)
