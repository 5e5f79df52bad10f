"""The channel-paths query of the Journeys page on the hand-made journeys fixture, on DuckDB and PostgreSQL.

The fixture and every episode of it are worked out by hand in tests/sql/test_journeys_pipeline.py (all times
UTC, reporting time zone UTC). Its 13 episodes by channel path (first contact's day), with their outcome:
  email       C2|pw|1 (05-04, resolved), C3|os|2 (05-14, not: J08 open), C6|refund|1 (05-25, censored)
  voice       C7|cancel|2 (05-18, resolved), J09 and J10 (05-05, 05-06, unknown intent: undetermined)
  chat        J11, J12 (05-05, 05-06, no customer: undetermined)
  chat>chat   C3|os|1 (05-04, not: returned)      chat>voice  C1|billing|1 (05-04, resolved)
  email>chat  C2|pw|2 (05-11, resolved)           ticket      C5|refund|1 (05-20, censored)
  voice>chat  C7|cancel|1 (05-10, not: returned)
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.app_pages.journeys import queries as queries_journeys
from dashboard.filters import Filters
from tests.sql.test_journeys_pipeline import journeys_url  # noqa: F401  (the fixture, built once per engine)

MAY = Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))


def _rows(url: str, filters: Filters, page: int = 0) -> list[tuple]:
    frame = queries_journeys.episode_paths(url, "test", filters, page)
    return [(r.channel_path, int(r.episodes), int(r.resolved_episodes), int(r.determined_episodes),
             int(r.censored_episodes), int(r.undetermined_episodes)) for r in frame.itertuples()]


def test_paths_of_every_episode_with_outcomes(journeys_url: str) -> None:  # noqa: F811
    # (path, episodes, resolved, outcome known, censored, undetermined); most episodes first, then by name
    assert _rows(journeys_url, MAY) == [
        ("email", 3, 1, 2, 1, 0),
        ("voice", 3, 1, 1, 0, 2),
        ("chat", 2, 0, 0, 0, 2),
        ("chat>chat", 1, 0, 1, 0, 0),
        ("chat>voice", 1, 1, 1, 0, 0),
        ("email>chat", 1, 1, 1, 0, 0),
        ("ticket", 1, 0, 0, 1, 0),
        ("voice>chat", 1, 0, 1, 0, 0),
    ]
    frame = queries_journeys.episode_paths(journeys_url, "test", MAY)
    # 8 paths; 13 episodes = 9 stitched + 4 undetermined; censored C5, C6 = 2; undetermined J09-J12 = 4
    assert {int(v) for v in frame["path_count"]} == {8}
    assert {int(v) for v in frame["total_episodes"]} == {13}
    assert {int(v) for v in frame["total_censored_episodes"]} == {2}
    assert {int(v) for v in frame["total_undetermined_episodes"]} == {4}
    assert queries_journeys.episode_paths(journeys_url, "test", MAY, page=1).empty  # one page of 50 holds all


def test_paths_follow_the_first_contact_date_and_filters(journeys_url: str) -> None:  # noqa: F811
    # from 10 May: C7|cancel|1 (05-10), C2|pw|2 (05-11), C3|os|2 (05-14), C7|cancel|2 (05-18), C5 (05-20),
    # C6 (05-25); the episodes that started before 10 May are out (J16, a contact of 16 May, belongs to
    # C7|cancel|1 of 10 May and does not start a path of its own)
    later = Filters(start=dt.date(2026, 5, 10), end=dt.date(2026, 5, 31))
    assert [(p, e) for p, e, *_ in _rows(journeys_url, later)] == [
        ("email", 2), ("email>chat", 1), ("ticket", 1), ("voice", 1), ("voice>chat", 1)]
    # intent cancellation: C7's two episodes
    cancellation = Filters(start=MAY.start, end=MAY.end, intents=("cancellation",))
    assert _rows(journeys_url, cancellation) == [("voice", 1, 1, 1, 0, 0), ("voice>chat", 1, 0, 1, 0, 0)]
    # channel chat: episodes whose FIRST contact was a chat (C2|pw|2 started on e-mail: out)
    chat = Filters(start=MAY.start, end=MAY.end, channels=("chat",))
    assert [(p, e) for p, e, *_ in _rows(journeys_url, chat)] == [("chat", 2), ("chat>chat", 1), ("chat>voice", 1)]


def test_the_paths_export_reads_every_path_by_keyset(journeys_url: str,  # noqa: F811
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import queries_keyset

    monkeypatch.setattr(queries_keyset, "EXPORT_PAGE_ROWS", 3)  # 8 paths: pages of 3, 3 and 2
    pages = list(queries_journeys.episode_path_pages(journeys_url, MAY))
    assert [len(page) for page in pages] == [3, 3, 2]
    # the same paths in the same order as the page (worked by hand above), and the totals over all paths
    exported = [(str(p), int(e)) for page in pages for p, e in zip(page["channel_path"], page["episodes"],
                                                                   strict=True)]
    assert exported == [("email", 3), ("voice", 3), ("chat", 2), ("chat>chat", 1), ("chat>voice", 1),
                        ("email>chat", 1), ("ticket", 1), ("voice>chat", 1)]
    assert {int(v) for page in pages for v in page["total_episodes"]} == {13}
