"""The effort step's reads and writes on both engines: a fit stored as rows, and no refit on the same data."""

from __future__ import annotations

import pytest

from etl.enrich.effort import EFFORT_MODEL_VERSION, FEATURES, FITTED, STEPS, fit_and_store
from etl.warehouse import open_reader, open_writer
from tests.etl.test_effort_model import TRUE, synthetic


def test_a_fit_is_stored_per_term_and_not_repeated_on_the_same_data(warehouse_url: str) -> None:
    frame = synthetic(400, seed=5)
    with open_writer(warehouse_url) as warehouse:
        warehouse.execute("create schema if not exists core")
        warehouse.execute("create schema if not exists staging")
        for statement in STEPS[0].ddl:
            warehouse.execute(statement)
        columns = ", ".join(f"{f} double precision" for f in (*FEATURES, "ces_score_mean"))
        warehouse.execute(f"create table staging.features (interaction_id text, {columns})")
        warehouse.bulk_insert("staging.features", frame)
        first = fit_and_store(warehouse, "staging.features", run_id=1)
        again = fit_and_store(warehouse, "staging.features", run_id=2)
        warehouse.execute("update staging.features set ces_score_mean = ces_score_mean + 1"
                          " where interaction_id = 'I00000'")
        changed = fit_and_store(warehouse, "staging.features", run_id=3)
    assert first is not None and first.status == FITTED
    assert again is None  # same data: no refit
    assert changed is not None
    reader = open_reader(warehouse_url)
    try:
        rows = reader.query_df("select run_id, term, coefficient, std_error, n_train, n_heldout, heldout_mae,"
                               " model_version from core.enr_effort_model order by run_id, term")
    finally:
        reader.close()
    assert sorted(set(rows["run_id"])) == [1, 3]
    run1 = rows[rows["run_id"] == 1].set_index("term")
    assert len(run1) == 1 + len(FEATURES)
    assert set(run1["model_version"]) == {EFFORT_MODEL_VERSION}
    assert int(run1["n_train"].iloc[0]) + int(run1["n_heldout"].iloc[0]) == 400
    # the stored coefficients are the fit's, and near the truth (400 rows: standard errors about 0.1-0.3)
    for term in first.terms:
        assert float(run1.loc[term.term, "coefficient"]) == pytest.approx(term.coefficient)
        assert abs(term.coefficient - TRUE[term.term]) < 4 * float(run1.loc[term.term, "std_error"])
