"""The surveys reader: header variants, survey type spellings, id prefixes, links; pure, no warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import SourceConfig
from etl.parsing import FileError, parse_chunk, read_kind
from etl.sources.surveys import SURVEYS, canonical_survey_type, header_map, kinds_for
from tests.conftest import FIXTURES

EXPORT = FIXTURES / "surveys" / "survey-export-2026-05.csv"


def _kind(**options: object):  # type: ignore[no-untyped-def]
    (kind,) = kinds_for(SourceConfig("svy", "surveys", EXPORT.parent, options=dict(options)))
    return kind


def test_header_variants_map_to_fields() -> None:
    header = ["Response ID", "Ticket ID", "E-mail", "Survey", "Rating", "Submitted At", "Feedback"]
    assert header_map(header) == {
        "survey_response_id": "Response ID", "interaction_id": "Ticket ID", "customer_email": "E-mail",
        "survey_type": "Survey", "score": "Rating", "responded_at": "Submitted At", "comment": "Feedback",
    }


@pytest.mark.parametrize(
    ("spelling", "survey_type"),
    [("CSAT", "csat"), ("Customer Effort", "ces"), ("net-promoter-score", "nps"), ("happiness", "happiness")],
)
def test_survey_type_spellings(spelling: str, survey_type: str) -> None:
    assert canonical_survey_type(spelling) == survey_type


def test_fixture_answers_parse_and_the_bad_ones_are_set_aside() -> None:
    ((stream, chunk),) = list(read_kind(EXPORT, _kind()))
    parsed = parse_chunk(stream, chunk)
    # 7 answers: R5 (CSAT 0), R6 (no link), R7 ("happiness") are quarantined; R1-R4 remain
    assert sorted(parsed.rows["survey_response_id"]) == ["R1", "R2", "R3", "R4"]
    reasons = dict(zip(parsed.rejects["source_line"], parsed.rejects["reason"], strict=True))
    assert reasons == {
        6: "score 0 is outside the csat scale 1-5",
        7: "an answer needs an interaction id, a customer id or an e-mail",
        8: "not one of csat, ces, nps",
    }
    rows = parsed.rows.set_index("survey_response_id")
    assert rows.at["R2", "survey_type"] == "ces"
    assert rows.at["R3", "customer_email"] == "Ada@Acme.Example"  # text is stripped; case is staging's job


def test_id_prefixes_from_the_source_options() -> None:
    ((_, chunk),) = list(read_kind(EXPORT, _kind(interaction_id_prefix="zendesk:")))
    assert chunk.values[0]["interaction_id"] == "zendesk:I4"
    assert '"Ticket ID":"I4"' in chunk.payloads[0]  # the payload keeps the row as written


def test_a_file_without_a_score_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("id,email,type,when\n1,a@b.example,csat,2026-05-01\n", encoding="utf-8")
    with pytest.raises(FileError, match="no column for score, responded_at"):
        list(read_kind(path, _kind()))


def test_the_survey_type_option_stands_in_for_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "nps.csv"
    path.write_text("email,score,date\na@b.example,10,2026-05-01\n", encoding="utf-8")
    ((_, chunk),) = list(read_kind(path, _kind(survey_type="NPS")))
    parsed = parse_chunk(SURVEYS, chunk)
    assert parsed.rows.at[0, "survey_type"] == "nps"
    assert parsed.rows.at[0, "score"] == 10
