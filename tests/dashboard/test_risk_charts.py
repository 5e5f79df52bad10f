"""The Churn and revenue risk page's chart builders and pure helpers, with values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.app_pages.risk import charts as charts_risk
from dashboard.app_pages.risk import queries as queries_risk
from dashboard.app_pages.risk import view as risk
from dashboard.charts import OKABE_ITO
from dashboard.filters import Filters

# ---------------------------------------------------------------- words


def test_effect_labels_are_short_enough_for_an_axis() -> None:
    assert risk.effect_label("contacts in the window (per SD of log(1 + value))") == "Contacts in the window (+1 SD)"
    assert risk.effect_label("escalated contacts (per SD)") == "Escalated contacts (+1 SD)"
    assert risk.effect_label("no survey answer in the window (yes vs no)") == "No survey answer in the window"
    assert risk.effect_label("industry is Retail (vs Healthcare)") == "Industry is Retail (vs Healthcare)"


def test_an_odds_ratio_reads_as_a_sentence() -> None:
    # 1.11 <= 1 is false: the interval excludes 1, so no "could be chance"
    assert risk.effect_sentence("contacts in the window (per SD of log(1 + value))", 2.06, 1.11, 3.83) == (
        "Each extra standard deviation of contacts in the window (on a log scale) multiplies the odds of churning "
        "by 2.06 (95% interval 1.11 to 3.83).")
    # 0.78 cuts the odds by 1 - 0.78 = 22%; the interval 0.38-1.62 includes 1
    assert risk.effect_sentence("escalated contacts (per SD)", 0.78, 0.38, 1.62) == (
        "Each extra standard deviation of escalated contacts multiplies the odds of churning by 0.78, cutting them "
        "by 22% (95% interval 0.38 to 1.62: could be chance, the interval includes 1).")
    assert risk.effect_sentence("industry is Retail (vs Healthcare)", 1.27, None, None) == (
        "Industry is Retail rather than Healthcare multiplies the odds of churning by 1.27.")
    assert risk.effect_sentence("no contact at all in the window (yes vs no)", 2.5, 1.2, 5.0).startswith(
        "No contact at all in the window (against not) multiplies the odds of churning by 2.50")


def test_effects_are_ordered_largest_odds_ratio_first() -> None:
    coefficients = pd.DataFrame({
        "feature_label": ["ARR (per SD)", "repeats (per SD)", "segment is smb (vs enterprise)"],
        "odds_ratio": [0.5, 2.0, 1.2], "odds_ratio_ci_low": [0.3, 1.5, None], "odds_ratio_ci_high": [0.8, 2.7, None],
    })
    frame = risk.effects_frame(coefficients)
    assert frame["label"].tolist() == ["Repeats (+1 SD)", "Segment is smb (vs enterprise)", "ARR (+1 SD)"]
    assert frame["odds_ratio"].tolist() == [2.0, 1.2, 0.5]
    assert frame["sentence"].iloc[2].endswith("cutting them by 50% (95% interval 0.30 to 0.80).")


def test_model_quality_in_words() -> None:
    # always guessing the test set's rate p = 6 / 58: Brier p(1 - p) = 0.10345 x 0.89655 = 0.09275
    assert risk.brier_reference(58, 6) == pytest.approx(6 / 58 * 52 / 58)
    assert risk.brier_reference(0, 0) is None
    assert risk.auc_words(0.6955).startswith("AUC 0.70: it ranks an account that churned above one that stayed 70%")
    assert risk.auc_words(0.6955).endswith("a modest ranking")
    assert risk.auc_words(0.55).endswith("a weak ranking")
    assert risk.auc_words(None).startswith("no AUC")
    # the rule's bands (0, 5%), (1, 10%), (3, 25%), (5, 50%)
    assert risk.rule_bands_words(((0, 0.05), (1, 0.10), (3, 0.25), (5, 0.50))) == (
        "0 → 5%, 1-2 → 10%, 3-4 → 25%, 5 or more → 50%")


def test_reasons_join_and_rule_points_read_as_points() -> None:
    assert risk.reason_text("silent account (+2)", "repeats (+1)", None) == (
        "silent account (+2 points) · repeats (+1 point)")
    assert risk.reason_text(None, float("nan"), None) == "—"


def test_money_is_shortened_to_three_figures() -> None:
    assert risk.short_money(1_255_900.95) == "$1.26M"
    assert risk.short_money(793_245.62) == "$793k"
    assert risk.short_money(3_678.19) == "$3.68k"
    assert risk.short_money(512.4) == "$512"
    assert risk.short_money(999_950.0) == "$1M"  # 3 figures round it up to a million
    assert risk.short_money(-2_500.0, "EUR") == "-€2.5k"
    assert risk.short_money(1_255_900.95, "CHF") == "1.26M CHF"
    assert risk.short_money(None) == "—"
    # 1,255,900.95 - 194,474.92 = 1,061,426.03; / 194,474.92 = +545.8%
    assert risk.short_delta(1_255_900.95, 194_474.92, "money") == "+$1.06M (+545.8%)"
    assert risk.short_delta(5.0, 5.0, "money") == "$0"
    assert risk.short_delta(20.0, 0.0, "count") == "+20"


def test_local_time_of_a_fit() -> None:
    # 22:29 UTC is 23:29 in Rome in November (CET, UTC+1)
    stamp = pd.Timestamp("2026-11-22 22:29:25")
    assert risk.local_time_text(stamp, "Europe/Rome") == "22 Nov 2026 at 23:29 Europe/Rome"
    assert risk.local_time_text(None, "UTC") == "—"


def _accounts(matching: list[int]) -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": ["a1", "a2"], "account_name": ["Acme", None], "segment": ["smb", "enterprise"],
        "arr_amount": [10_000.4, 250_000.0], "churn_probability": [0.5, 0.1], "risk_band": ["high", "low"],
        "revenue_at_risk": [5_000.2, 25_000.0], "reason_1": ["silent account (+2)", None], "reason_2": [None, None],
        "reason_3": [None, None], "count_window_contacts": [4, 10], "count_matching_contacts": matching,
    })


def test_accounts_table_shows_the_filters_column_only_when_it_differs() -> None:
    table = risk.accounts_table(_accounts([4, 10]))
    assert list(table.columns) == ["Account", "Segment", "ARR", "Churn risk", "Band", "Revenue at risk",
                                   "Why (strongest first)", "Contacts in window"]
    assert table["Account"].tolist() == ["Acme", "a2"]
    assert table["ARR"].tolist() == [10_000.0, 250_000.0]
    assert table["Band"].tolist() == ["High", "Low"]
    assert table["Why (strongest first)"].tolist() == ["silent account (+2 points)", "—"]
    filtered = risk.accounts_table(_accounts([1, 10]))
    assert filtered["In these filters"].tolist() == [1, 10]


def test_member_frame_names_the_silent_accounts() -> None:
    figures = pd.DataFrame({"member": ["billing_dispute", "no_contact", "billing_dispute"],
                            "metric": ["revenue_at_risk"] * 3, "period": ["current", "current", "previous"],
                            "value": [1500.0, 200.0, 99.0]})
    frame = risk.member_frame(figures, "revenue_at_risk", "money", "USD")
    assert frame["member"].tolist() == ["billing dispute", "No contact in the window (silent accounts)"]
    assert frame["value_text"].tolist() == ["$1.5k", "$200"]


def test_the_accounts_table_key_changes_with_filters_and_page() -> None:
    filters = Filters(start=dt.date(2026, 8, 24), end=dt.date(2026, 11, 21))
    key = risk.accounts_table_key(filters, 0)
    assert key.startswith("risk_accounts_") and key.endswith("_p1")
    assert risk.accounts_table_key(filters, 0) == key
    assert risk.accounts_table_key(filters, 1) != key
    assert risk.accounts_table_key(Filters(start=filters.start, end=filters.end, segments=("smb",)), 0) != key


def test_pages_of_fifty() -> None:
    assert queries_risk.page_count(0) == 1
    assert queries_risk.page_count(50) == 1
    assert queries_risk.page_count(51) == 2
    assert queries_risk.total_rows(pd.DataFrame({"total_rows": [180, 180]})) == 180
    assert queries_risk.total_rows(pd.DataFrame()) == 0


# ---------------------------------------------------------------- charts


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_calibration_chart_has_points_and_the_diagonal() -> None:
    deciles = pd.DataFrame({"decile": [1, 2], "count_accounts": [6, 5], "mean_predicted": [0.05, 0.3],
                            "observed_rate": [0.0, 0.4], "count_churned": [0, 2]})
    spec = charts_risk.calibration_chart(deciles).to_dict()
    diagonal, points, key = _layers(spec)
    assert diagonal["mark"]["type"] == "line" and diagonal["mark"]["strokeDash"]
    assert points["mark"]["type"] == "circle"
    assert points["encoding"]["x"]["field"] == "mean_predicted"
    assert points["encoding"]["y"]["field"] == "observed_rate"
    assert points["encoding"]["y"]["axis"]["format"] == ".0%"
    # both axes reach 5% past the largest value, 0.4
    assert points["encoding"]["x"]["scale"]["domain"] == [0, pytest.approx(0.42)]
    assert key["mark"]["type"] == "text"
    assert spec["config"]["axis"]["labelFontSize"] >= 12
    with pytest.raises(ValueError):
        charts_risk.calibration_chart(deciles.iloc[0:0])


def test_odds_ratio_chart_draws_bars_from_one_on_a_log_scale() -> None:
    effects = pd.DataFrame({"label": ["Repeats (+1 SD)", "ARR (+1 SD)"], "odds_ratio": [2.0, 0.5],
                            "odds_ratio_ci_low": [1.5, 0.3], "odds_ratio_ci_high": [2.7, 0.8],
                            "sentence": ["a", "b"]})
    spec = charts_risk.odds_ratio_chart(effects).to_dict()
    bars, interval, ends, no_effect = _layers(spec)
    assert [layer["mark"]["type"] for layer in ends["layer"]] == ["tick", "tick"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["scale"]["type"] == "log"
    # domain: lowest 0.3 / 1.15, highest 2.7 x 1.15
    assert bars["encoding"]["x"]["scale"]["domain"] == [pytest.approx(0.3 / 1.15), pytest.approx(2.7 * 1.15)]
    assert bars["encoding"]["x2"]["field"] == "one"
    assert bars["encoding"]["y"]["sort"] == ["Repeats (+1 SD)", "ARR (+1 SD)"]
    assert bars["encoding"]["color"]["scale"]["range"] == [OKABE_ITO["vermillion"], OKABE_ITO["blue"]]
    assert interval["mark"]["type"] == "rule"
    assert (interval["encoding"]["x"]["field"], interval["encoding"]["x2"]["field"]) == ("low", "high")
    assert no_effect["mark"]["strokeDash"]
    data = next(iter(spec["datasets"].values()))
    assert [row["effect"] for row in data] == [charts_risk.RAISES, charts_risk.LOWERS]
    with pytest.raises(ValueError):
        charts_risk.odds_ratio_chart(effects.iloc[0:0])


def test_rule_and_revenue_bars() -> None:
    rule = charts_risk.rule_points_chart(pd.DataFrame({"label": ["Silent", "Repeats"], "points": [2.0, 1.0]}))
    spec = rule.to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["field"] == "points"
    assert spec["height"] == {"step": charts_risk.BAR_HEIGHT}
    frame = pd.DataFrame({"member": ["smb", "enterprise", "mid market"], "value": [76_078.9, 421_568.7, 0.0],
                          "value_text": ["$76.1k", "$422k", "$0"]})
    spec = charts_risk.revenue_bars(frame, category="Segment").to_dict()
    bars, labels = _layers(spec)
    # largest first; a member with nothing at risk is left out
    assert bars["encoding"]["y"]["sort"] == ["enterprise", "smb"]
    assert bars["encoding"]["x"]["axis"]["format"] == "~s"
    assert labels["encoding"]["text"]["field"] == "value_text"
    with pytest.raises(ValueError):
        charts_risk.revenue_bars(frame[frame["value"] == 0], category="Segment")


def test_risk_history_needs_two_fits() -> None:
    one = pd.DataFrame({"fitted_at": [dt.datetime(2026, 11, 1)], "churn_probability": [0.2]})
    with pytest.raises(ValueError):
        charts_risk.risk_history_chart(one)
    two = pd.concat([one, pd.DataFrame({"fitted_at": [dt.datetime(2026, 11, 8)], "churn_probability": [0.3]})])
    spec = charts_risk.risk_history_chart(two).to_dict()
    assert [layer["mark"]["type"] for layer in _layers(spec)] == ["line", "circle"]
