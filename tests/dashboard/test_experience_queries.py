"""The Experience page's own queries (dashboard/app_pages/experience/queries.py) on tests/fixtures/experience, on
DuckDB and
PostgreSQL. Expected figures worked out by hand from the fixture (see tests/sql/test_experience_pipeline.py for
the VADER arithmetic):

  X1 chat, AG1, queue Q1 (team Support), 4 May: start -0.4588 (negative), end +0.4404 (positive): recovered
  X2 chat, AG1, Q1, 4 May: start 0, end -0.5461 (negative): did not start negative
  X3 e-mail, no agent, Q3 (Support), 5 May: one message -0.5461: started negative, end negative, not recovered
  X4 voice (AG1) and X5 chat (no agent): no customer message scored
End tones: negative X2, X3 = 2; neutral 0 (absent); positive X1 = 1; all in the week of Monday 4 May.
AG1 (Dana Agent, human): contacts X1, X2, X4 = 3; started negative X1 = 1; recovered X1 = 1.
CES answers: 3 contacts, fewer than MIN_CES_ANSWERS = 50, so the effort model is not fitted.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.app_pages.experience import queries as queries_experience
from dashboard.filters import Filters
from etl.pipeline import SUCCEEDED, run_pipeline
from tests.conftest import FIXTURES, make_settings

MAY = Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))


@pytest.fixture
def experience_url(warehouse_url: str) -> str:
    result = run_pipeline(make_settings(warehouse_url, FIXTURES / "experience"), "run")
    assert result.status == SUCCEEDED, result.problems
    return warehouse_url


def test_end_tones_are_counted_in_the_database(experience_url: str) -> None:
    counts = queries_experience.end_tone_counts(experience_url, "v", MAY)
    assert dict(zip(counts["tone"], counts["contacts"], strict=True)) == {"negative": 2, "positive": 1}
    weekly = queries_experience.end_tone_by_week(experience_url, "v", MAY)
    assert set(weekly["week_start"].dt.date) == {dt.date(2026, 5, 4)}
    assert dict(zip(weekly["tone"], weekly["contacts"], strict=True)) == {"negative": 2, "positive": 1}
    # the global filters apply: on e-mail only X3 is left (negative)
    email = Filters(start=MAY.start, end=MAY.end, channels=("email",))
    counts = queries_experience.end_tone_counts(experience_url, "v", email)
    assert dict(zip(counts["tone"], counts["contacts"], strict=True)) == {"negative": 1}


def test_agents_are_ranked_only_with_enough_negative_starts(experience_url: str) -> None:
    # min_cases 1: AG1 is ranked, best and worst at once (the only one), 1 recovered of 1
    ranked = queries_experience.agent_ranking(experience_url, "v", MAY, min_cases=1)
    assert len(ranked) == 1
    row = ranked.iloc[0]
    assert (row["agent_id"].endswith("AG1"), row["agent_name"], row["team_name"]) == (True, "Dana Agent", "Support")
    assert (row["count_contacts"], row["count_negative_start"], row["count_recovered"]) == (3, 1, 1)
    assert (int(row["rank_best"]), int(row["rank_worst"]), int(row["agents_ranked"]), int(row["agents_thin"])) == (
        1, 1, 1, 0)
    # min_cases 2: nobody ranked; one row without an agent says one agent had too few (1 of 2)
    none = queries_experience.agent_ranking(experience_url, "v", MAY, min_cases=2)
    assert len(none) == 1
    assert none["agent_id"].isna().all()
    assert (int(none["agents_ranked"].iloc[0]), int(none["agents_thin"].iloc[0])) == (0, 1)


def test_a_team_lists_its_agents_page_by_page(experience_url: str) -> None:
    agents = queries_experience.team_agents(experience_url, "v", MAY, "Support", 0)
    assert len(agents) == 1
    assert agents.iloc[0]["agent_name"] == "Dana Agent"
    assert (agents.iloc[0]["count_contacts"], int(agents.iloc[0]["agents_total"])) == (3, 1)
    assert queries_experience.team_agents(experience_url, "v", MAY, "Support", 1).empty
    assert queries_experience.team_agents(experience_url, "v", MAY, "Billing", 0).empty


def test_the_effort_model_says_why_it_was_not_fitted(experience_url: str) -> None:
    model = queries_experience.effort_model(experience_url, "v")
    assert len(model) == 1
    assert model.iloc[0]["status"] == "insufficient_data"
    assert model.iloc[0]["reason"].startswith("3 contacts with a CES answer")
    assert model.iloc[0]["heldout_mae"] is None or model["heldout_mae"].isna().all()
