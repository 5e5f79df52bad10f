"""Survey answers through the pipeline beside the canonical fixture, on DuckDB and PostgreSQL.

Worked by hand from tests/fixtures/surveys/survey-export-2026-05.csv (headers "Response ID", "Ticket ID",
"E-mail", "Survey", "Rating", "Submitted At", "Feedback"):
  R1 CSAT 5 on I4, R2 Customer Effort 6 on I1, R3 NPS 9 by " Ada@Acme.Example", R4 NPS 3 by
  carla@mail.example; R5 (CSAT 0), R6 (no link) and R7 ("happiness") are quarantined: 3 rejects, plus the
  canonical fixture's own 3.
  CSAT in service_daily: canonical S1 4, S2 2, S3 5 + R1 5 = 4 answers, 3 satisfied (score >= 4).
  R3's respondent is customer surveys:ada@acme.example, whom the identity rules join to C1 (same e-mail);
  R4's is surveys:carla@mail.example, joined to C3.
"""

from __future__ import annotations

from etl.pipeline import SUCCEEDED, run_pipeline
from etl.warehouse import open_reader
from tests.conftest import FIXTURES, expected_pseudonym, make_settings


def _settings(url: str):  # type: ignore[no-untyped-def]
    return make_settings(url, FIXTURES, sources=[
        {"name": "canon", "format": "canonical", "path": str(FIXTURES / "canonical_small")},
        {"name": "survey_tool", "format": "surveys", "path": str(FIXTURES / "surveys")},
    ])


def test_survey_answers_join_the_canonical_contacts(warehouse_url: str) -> None:
    result = run_pipeline(_settings(warehouse_url), "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 3 + 3
    reader = open_reader(warehouse_url)
    try:
        answers = reader.query_df(
            "select survey_response_id, interaction_id, customer_id, customer_key, survey_type, score"
            " from core.fct_surveys where survey_response_id like 'surveys%'"
        ).set_index("survey_response_id")
        csat = reader.query_df(
            "select sum(count_csat_responses) as answers, sum(count_csat_satisfied) as satisfied"
            " from marts.service_daily"
        )
    finally:
        reader.close()
    assert sorted(answers.index) == ["surveys:R1", "surveys:R2", "surveys:R3", "surveys:R4"]
    assert answers.loc["surveys:R1", "customer_id"] == "C2"  # from I4
    assert (answers.loc["surveys:R2", "survey_type"], answers.loc["surveys:R2", "score"]) == ("ces", 6)
    # the e-mail is pseudonymised at ingest (docs/privacy.md): the respondent's id carries its key
    assert answers.loc["surveys:R3", "customer_id"] == "surveys:" + expected_pseudonym("em_", "ada@acme.example")
    assert answers.loc["surveys:R3", "customer_key"] == "C1"
    assert answers.loc["surveys:R4", "customer_key"] == "C3"
    assert float(csat.at[0, "answers"]) == 4
    assert float(csat.at[0, "satisfied"]) == 3
