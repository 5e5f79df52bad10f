"""The Churn and revenue risk page through AppTest on the demo warehouse (scale 4,000: 40 accounts, 4 churned,
so the points rule scores), with the figures checked against independent queries of the marts and core tables,
and on a copy of it whose stored fit is turned into a logistic regression (the model card's other branch)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app_pages.risk.view import accounts_table_key, short_money
from dashboard.filters import Filters

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/risk/page.py"
HEADINGS = ("Accounts by risk", "Where the revenue at risk sits", "Silent Exodus: accounts that left without a word",
            "How far to trust the scores: the model")


def _app(monkeypatch: pytest.MonkeyPatch, url: str, params: dict[str, str] | None = None,
         state: dict[str, object] | None = None) -> AppTest:
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    at.run()
    if state:
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
    return at


def _texts(elements: object) -> str:
    """The elements' text as a reader sees it: Markdown's backslash escapes (the page escapes text that comes
    from an export, dashboard.formatting.escape_markdown) are read as the characters they stand for."""
    text = " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>$~:])", r"\1", text)


def _tiles(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


@pytest.fixture(scope="module")
def independent(demo_warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """A connection to a copy of the demo warehouse, for the tests' own queries."""
    path = tmp_path_factory.mktemp("risk_independent") / "copy.duckdb"
    shutil.copyfile(demo_warehouse_url.removeprefix("duckdb:///"), path)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def _default_period(connection: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    # the default filters: the last 90 days that end on the last day with data
    last = connection.execute("select max(date_day) from marts.service_daily").fetchone()[0]
    return last - dt.timedelta(days=89), last


def _active_accounts(connection: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date,
                     segment: str | None = None) -> list[tuple[str, str, float]]:
    """(name, segment, revenue at risk) of the active accounts with a contact in their window within the dates,
    or with none in their window when its last day is within them: by revenue at risk, largest first."""
    return connection.execute(
        """
        select risk.account_name, risk.segment, risk.revenue_at_risk
        from core.fct_account_risk as risk
        where not risk.is_churned
            and ($segment is null or risk.segment = $segment)
            and (exists (select 1 from core.fct_interactions as i
                         where i.account_id = risk.account_id and i.created_at >= risk.window_start_at
                             and i.created_at < risk.observation_at and i.date_day between $start and $end)
                 or (coalesce(risk.count_window_contacts, 0) = 0
                     and cast(risk.observation_at - interval 1 day as date) between $start and $end))
        order by risk.revenue_at_risk desc, risk.churn_probability desc, risk.account_id
        """,
        {"start": start, "end": end, "segment": segment},
    ).fetchall()


def test_default_filters_show_the_risk_its_accounts_and_the_rule(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str, independent: duckdb.DuckDBPyConnection,
) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    assert not at.exception
    assert "Churn and revenue risk" in _texts(at.title)
    headings = _texts(at.subheader)
    for heading in HEADINGS:
        assert heading in headings
    start, end = _default_period(independent)
    revenue, high, churned = independent.execute(
        "select sum(sum_revenue_at_risk), sum(sum_high_risk_account_share), sum(sum_churned_arr_amount)"
        " from marts.account_risk_daily where date_day between ? and ?", [start, end]).fetchone()
    tiles = _tiles(at)
    assert tiles["Revenue at risk"] == short_money(revenue)
    assert tiles["Accounts at high risk"] == f"{round(high):,}"
    assert tiles["Churned ARR"] == short_money(churned)
    assert tiles["Churn risk"].endswith("%")

    accounts = _active_accounts(independent, start, end)
    table = at.dataframe[0].value
    assert table["Account"].tolist() == [name for name, _, _ in accounts]
    assert table["Revenue at risk"].tolist() == [round(value) for _, _, value in accounts]
    assert f"{len(accounts):,} active accounts with a contact within the filters" in _texts(at.caption)

    # 40 accounts and 4 churned: the rule scores, and the card says why
    reason = independent.execute("select fallback_reason from core.enr_churn_models").fetchone()[0]
    markdown = _texts(at.markdown)
    assert "Method: points rule (fallback)" in markdown
    assert reason in markdown
    specs = _specs(at)
    assert any(spec.get("encoding", {}).get("x", {}).get("field") == "points" for spec in specs)
    calibration = [s for s in specs if any(layer.get("encoding", {}).get("x", {}).get("field") == "mean_predicted"
                                           for layer in s.get("layer", []))]
    assert len(calibration) == 1
    # revenue at risk by segment and by intent
    bars = [s for s in specs if [layer["mark"]["type"] for layer in s.get("layer", [])] == ["bar", "text"]]
    assert len(bars) == 2
    assert "attribution by share of contacts" in _texts(at.caption)
    assert "/definitions?metric=revenue_at_risk" in _texts(at.caption)


def test_silent_exodus_counts_the_churns_of_the_period(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str, independent: duckdb.DuckDBPyConnection,
) -> None:
    at = _app(monkeypatch, demo_warehouse_url)
    start, end = _default_period(independent)
    churned, arr, silent = independent.execute(
        "select count(*), sum(arr_amount), count(case when is_silent_exodus then 1 end)"
        " from marts.signal_silent_exodus_accounts where churned_on between ? and ?", [start, end]).fetchone()
    tiles = _tiles(at)
    assert tiles["Accounts churned"] == f"{churned:,}"
    assert tiles["ARR lost"] == short_money(arr)
    assert tiles["Of them, in silence"] == f"{silent:,}"
    if silent == 0:
        assert "none left in silence" in _texts(at.success)


def test_a_segment_filter_narrows_figures_and_accounts(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str, independent: duckdb.DuckDBPyConnection,
) -> None:
    start, end = _default_period(independent)
    segment, revenue = independent.execute(
        "select segment, sum(sum_revenue_at_risk) from marts.account_risk_daily where date_day between ? and ?"
        " group by segment order by 2 desc limit 1", [start, end]).fetchone()
    at = _app(monkeypatch, demo_warehouse_url, {"segment": segment})
    assert not at.exception
    assert at.multiselect(key="filter_segment").value == [segment]
    assert _tiles(at)["Revenue at risk"] == short_money(revenue)
    table = at.dataframe[0].value
    assert set(table["Segment"]) == {segment}
    assert table["Account"].tolist() == [name for name, _, _ in _active_accounts(independent, start, end, segment)]


def test_selecting_an_account_shows_its_reasons_and_contacts(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str, independent: duckdb.DuckDBPyConnection,
) -> None:
    start, end = _default_period(independent)
    key = accounts_table_key(Filters(start=start, end=end), 0)
    at = _app(monkeypatch, demo_warehouse_url, state={key: {"selection": {"rows": [0], "columns": []}}})
    assert not at.exception
    name = _active_accounts(independent, start, end)[0][0]
    account_id, segment, industry, contacts, reason = independent.execute(
        "select account_id, segment, industry, count_window_contacts, reason_1 from core.fct_account_risk"
        " where account_name = ?", [name]).fetchone()
    assert f"{name} ({segment}, {industry})" in _texts(at.subheader)
    assert "Band" in _tiles(at)
    if reason is not None:
        assert reason.split(" (+")[0] in _texts(at.markdown)
    in_window = independent.execute(
        "select count(*) from core.fct_interactions as i inner join core.fct_account_risk as r"
        " on r.account_id = i.account_id and i.created_at >= r.window_start_at and i.created_at < r.observation_at"
        " where r.account_id = ?", [account_id]).fetchone()[0]
    assert in_window == contacts
    if in_window:
        assert f"{in_window:,} contacts in the window, newest first." in _texts(at.caption)
        contacts_table = at.dataframe[1].value
        assert len(contacts_table) == min(in_window, 50)
        assert "Handled by" in contacts_table.columns
    else:
        assert "a silent account" in _texts(at.info)


def test_a_range_without_data_says_so(monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str) -> None:
    at = _app(monkeypatch, demo_warehouse_url, {"start": "2001-01-01", "end": "2001-01-31"})
    assert not at.exception
    assert "No account risk for these filters" in _texts(at.info)
    assert len(at.dataframe) == 0
    assert len(at.get("vega_lite_chart")) == 0


def test_a_logit_fit_shows_its_odds_ratios_in_words(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str, tmp_path: Path,
) -> None:
    """The stored fit of a copy of the demo is made a logistic regression with two odds ratios: the card shows
    the method, the held-out figures and the odds-ratio chart with its sentences."""
    path = tmp_path / "logit.duckdb"
    shutil.copyfile(demo_warehouse_url.removeprefix("duckdb:///"), path)
    connection = duckdb.connect(str(path))
    run_id, version, fitted_at = connection.execute(
        "select run_id, model_version, fitted_at from core.enr_churn_models").fetchone()
    connection.execute(
        "update core.enr_churn_models set method = 'logit', fallback_reason = null, n_train = 27, n_test = 12,"
        " n_train_churned = 3, n_test_churned = 1, heldout_auc = 0.75, brier_score = 0.07, is_regularised = true")
    connection.execute("delete from core.enr_churn_coefficients")
    connection.executemany(
        "insert into core.enr_churn_coefficients values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[version, run_id, fitted_at, "intercept", "intercept (the average account's log-odds)", -2.5, 0.4, 0.08,
          0.04, 0.18, 0.0],
         [version, run_id, fitted_at, "count_restatements", "restatements after a bot handoff (per SD)", 0.58,
          0.17, 1.78, 1.28, 2.48, 0.001],
         [version, run_id, fitted_at, "arr_amount", "annual recurring revenue (per SD of log(1 + value))", -0.53,
          0.25, 0.59, 0.36, 0.96, 0.03]])
    connection.close()
    at = _app(monkeypatch, f"duckdb:///{path}")
    assert not at.exception
    markdown = _texts(at.markdown)
    assert "Method: logistic regression" in markdown
    assert "Trained on 27 accounts (3 churned), tested on 12 it had not seen (1 churned)" in markdown
    assert "AUC 0.75: it ranks an account that churned above one that stayed 75% of the time" in markdown
    # always guessing the test set's rate 1/12: Brier (1/12)(11/12) = 0.076
    assert "would score 0.076" in markdown
    assert ("Each extra standard deviation of restatements after a bot handoff multiplies the odds of churning by "
            "1.78 (95% interval 1.28 to 2.48).") in markdown
    assert "cutting them by 41%" in markdown  # 1 - 0.59
    odds = [s for s in _specs(at) if any(layer.get("encoding", {}).get("x", {}).get("scale", {}).get("type") == "log"
                                         for layer in s.get("layer", []))]
    assert len(odds) == 1
    bars = odds[0]["layer"][0]
    assert bars["encoding"]["y"]["sort"] == ["Restatements after a bot handoff (+1 SD)",
                                             "Annual recurring revenue (+1 SD)"]
