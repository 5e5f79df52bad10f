"""Churn and revenue risk: which accounts are at risk, why, and how much revenue is at stake?

Headline figures are catalog metrics (sql/metrics/accounts.yml) re-aggregated over the filters by
dashboard.queries; the model card, the accounts, their contacts and the Silent Exodus are columns of core and
marts tables read by dashboard.app_pages.risk.queries. The pure helpers here turn the model's numbers into words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import zoneinfo
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.app_pages.risk import charts as charts_risk
from dashboard.app_pages.risk import queries as queries_risk
from dashboard.charts import OKABE_ITO
from dashboard.context import PageContext, context, page_header
from dashboard.download_buttons import ExportNaming, chart_download_buttons, naming_for, streamed_table_download_buttons
from dashboard.filters import Filters
from dashboard.formatting import MISSING, escape_markdown, format_delta, format_value, is_flat
from dashboard.scorecard import ScorecardRow, scorecard_rows
from dashboard.widgets import access_notices
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import URL_PATH as DEFINITIONS_PATH
from dashboard.widgets.definition_link import definition_link
from dashboard.widgets.intent_source_note import intent_source_note
from etl.enrich.churn import FEATURE_SET_ATTRIBUTES, HIGH_RISK_FROM, MEDIUM_RISK_FROM, RULE_BANDS

PAGE = "risk"
TITLE = "Churn and revenue risk"
QUESTION = "Which accounts are at risk, why, and how much revenue is at stake?"
HEADLINE_METRICS = ("revenue_at_risk", "accounts_at_high_risk", "churned_arr", "churn_risk")
# The risk figures are one snapshot (the latest fit scored each account once): a change between periods would
# only compare two slices of the same snapshot. Churned ARR follows the churns, so its change means something.
METRICS_WITH_CHANGE = ("churned_arr",)
BAND_WORDS = {"high": "High", "medium": "Medium", "low": "Low"}
PATH_WORDS = {"bot_only": "Bot only", "bot_to_human": "Bot, then agent", "human_only": "Agent only"}
NO_CONTACT_INTENT = "no_contact"
SILENCE_WORDS = {"went quiet": "Went quiet (no contact)", "no complaint, no survey": "No complaint, no survey",
                 "contacted bots only": "Contacted bots only"}
ACCOUNTS_PAGE_KEY = "risk_accounts_page"
SILENT_PAGE_KEY = "risk_silent_page"


# ---------------------------------------------------------------- pure helpers: the model in words

_PER_SD_LOG = " (per SD of log(1 + value))"
_PER_SD = " (per SD)"
_YES_NO = " (yes vs no)"
_VERSUS = re.compile(r"^(?P<subject>.*) \(vs (?P<reference>[^()]*)\)$")


def number_or_none(value: object) -> float | None:
    """A figure from a query as a float, None when it is null (not measured, never 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return None if pd.isna(value) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _fallback_words(fit: dict[str, Any], otherwise: str = "no account was scored") -> str:
    """Why the fit fell back, as stored with it, escaped for Markdown."""
    return escape_markdown(str(fit.get("fallback_reason") or otherwise))


def _feature_set_name(fit: dict[str, Any], otherwise: str) -> str:
    """The fit's feature set as stored with it, escaped for Markdown."""
    return escape_markdown(str(fit.get("feature_set") or otherwise))


def feature_set_words(fit: dict[str, Any]) -> str:
    """What the model read, in words, from the fit's feature set."""
    window = int(fit["feature_window_days"]) if fit.get("feature_window_days") else None
    if fit.get("feature_set") == FEATURE_SET_ATTRIBUTES:
        return ("the account export's attributes alone (no contact history links to these accounts): its "
                "segment, industry, size, tenure and every further column the model could read")
    return (f"what each account's people went through in the {window} days before its observation date "
            "(repeats, unresolved issues, negative messages, waits, abandons, transfers, escalations, restatements "
            "after a bot, low survey answers, silence) and the account's attributes (segment, industry, size, tenure "
            "and the further columns of the CRM export)")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def effect_label(feature_label: str) -> str:
    """A model column's label, short enough for a chart axis: 'contacts in the window (per SD of log(1 +
    value))' -> 'Contacts in the window (+1 SD)'."""
    for suffix in (_PER_SD_LOG, _PER_SD):
        if feature_label.endswith(suffix):
            return _capitalised(feature_label.removesuffix(suffix)) + " (+1 SD)"
    if feature_label.endswith(_YES_NO):
        return _capitalised(feature_label.removesuffix(_YES_NO))
    return _capitalised(feature_label)


def effect_sentence(feature_label: str, odds_ratio: float, low: float | None, high: float | None) -> str:
    """One odds ratio as a COO reads it: 'Each extra standard deviation of repeat contacts multiplies the
    odds of churning by 1.62 (95% interval 0.84 to 3.15: could be chance, the interval includes 1).'"""
    effect = f"multiplies the odds of churning by {odds_ratio:.2f}"
    if odds_ratio < 1:
        effect += f", cutting them by {1 - odds_ratio:.0%}"
    if feature_label.endswith(_PER_SD_LOG):
        subject = feature_label.removesuffix(_PER_SD_LOG)
        text = f"Each extra standard deviation of {subject} (on a log scale) {effect}"
    elif feature_label.endswith(_PER_SD):
        text = f"Each extra standard deviation of {feature_label.removesuffix(_PER_SD)} {effect}"
    elif feature_label.endswith(_YES_NO):
        text = f"{_capitalised(feature_label.removesuffix(_YES_NO))} (against not) {effect}"
    elif match := _VERSUS.match(feature_label):
        text = f"{_capitalised(match['subject'])} rather than {match['reference']} {effect}"
    else:
        text = f"{_capitalised(feature_label)}: {effect}"
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return text + "."
    interval = f"95% interval {low:.2f} to {high:.2f}"
    if low <= 1 <= high:
        return f"{text} ({interval}: could be chance, the interval includes 1)."
    return f"{text} ({interval})."


def effects_frame(coefficients: pd.DataFrame) -> pd.DataFrame:
    """The strongest odds ratios (from queries_risk.strongest_effects) for the chart: label, odds ratio, its
    interval and the sentence, the largest odds ratio first."""
    frame = coefficients.dropna(subset=["odds_ratio"])
    rows = [{
        "label": effect_label(str(r.feature_label)),
        "odds_ratio": float(r.odds_ratio),
        "odds_ratio_ci_low": None if pd.isna(r.odds_ratio_ci_low) else float(r.odds_ratio_ci_low),
        "odds_ratio_ci_high": None if pd.isna(r.odds_ratio_ci_high) else float(r.odds_ratio_ci_high),
        "sentence": effect_sentence(str(r.feature_label), float(r.odds_ratio),
                                    None if pd.isna(r.odds_ratio_ci_low) else float(r.odds_ratio_ci_low),
                                    None if pd.isna(r.odds_ratio_ci_high) else float(r.odds_ratio_ci_high)),
    } for r in frame.itertuples()]
    out = pd.DataFrame(rows, columns=["label", "odds_ratio", "odds_ratio_ci_low", "odds_ratio_ci_high", "sentence"])
    return out.sort_values("odds_ratio", ascending=False, kind="stable", ignore_index=True)


def rule_frame(coefficients: pd.DataFrame) -> pd.DataFrame:
    """The points rule's warning signs (coefficient = points) for the chart, most points first."""
    out = pd.DataFrame({"label": [_capitalised(str(v)) for v in coefficients["feature_label"]],
                        "points": coefficients["coefficient"].astype(float)})
    return out.sort_values("points", ascending=False, kind="stable", ignore_index=True)


def brier_reference(n_test: int, n_test_churned: int) -> float | None:
    """The Brier score of always guessing the test set's own churn rate p: p x (1 - p)."""
    if n_test <= 0:
        return None
    rate = n_test_churned / n_test
    return rate * (1 - rate)


def auc_words(auc: float | None) -> str:
    """What a held-out AUC means, in words."""
    if auc is None or math.isnan(auc):
        return "no AUC (the test accounts hold only one outcome)"
    quality = "weak" if auc < 0.6 else "modest" if auc < 0.7 else "useful" if auc < 0.8 else "strong"
    return (f"AUC {auc:.2f}: it ranks an account that churned above one that stayed {auc:.0%} of the time "
            f"(0.5 is a coin toss, 1 is perfect): a {quality} ranking")


def rule_bands_words(bands: tuple[tuple[int, float], ...] = RULE_BANDS) -> str:
    """'0 points → 5%, 1-2 → 10%, 3-4 → 25%, 5 or more → 50%' from the rule's bands."""
    parts = []
    for position, (lowest, probability) in enumerate(bands):
        following = bands[position + 1][0] if position + 1 < len(bands) else None
        if following is None:
            span = f"{lowest} or more"
        elif following - 1 == lowest:
            span = f"{lowest}"
        else:
            span = f"{lowest}-{following - 1}"
        parts.append(f"{span} → {probability:.0%}")
    return ", ".join(parts)


def accounts_table_key(filters: Filters, page: int) -> str:
    """The widget key of the accounts table: it changes with the filters and the page, so that a selected row
    never silently points at another account once the rows change."""
    digest = hashlib.sha256(repr((filters.start, filters.end, filters.lists)).encode()).hexdigest()[:10]
    return f"risk_accounts_{digest}_p{page + 1}"


def short_money(value: float | None, currency: str = "USD") -> str:
    """Money to three significant figures with k, M or B, for figures read at a glance: $1.26M, $793k, $512.
    The currency symbol or code comes from format_value."""
    if value is None or math.isnan(value):
        return MISSING
    prefix, suffix = format_value(0.0, "money", currency).split("0.00")
    sign = "-" if value < 0 else ""
    rounded = float(f"{abs(value):.3g}")
    for scale, letter in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if rounded >= scale:
            return f"{sign}{prefix}{rounded / scale:g}{letter}{suffix}"
    return f"{sign}{prefix}{abs(value):,.0f}{suffix}"


def short_figure(value: float | None, unit: str, currency: str = "USD") -> str:
    """A figure in its unit (format_value), money shortened (short_money)."""
    return short_money(value, currency) if unit == "money" else format_value(value, unit, currency)


def short_delta(current: float | None, previous: float | None, unit: str, currency: str = "USD") -> str | None:
    """The change from the previous period as format_delta writes it, money shortened: '+$1.06M (+545.8%)'."""
    if unit != "money" or current is None or previous is None:
        return format_delta(current, previous, unit, currency)
    change = float(current) - float(previous)
    magnitude = short_money(abs(change), currency)
    if not any(character in "123456789" for character in magnitude):
        return magnitude
    text = ("+" if change > 0 else "-") + magnitude
    if float(previous) != 0:
        text += f" ({change / abs(float(previous)) * 100:+.1f}%)"
    return text


def reason_text(*reasons: object) -> str:
    """The account's reasons (strongest first) as one line; rule points read '(+2 points)'."""
    kept = [str(r) for r in reasons if r is not None and not (isinstance(r, float) and math.isnan(r)) and str(r)]
    kept = [re.sub(r"\(\+(\d+)\)$", lambda m: f"(+{m[1]} point{'s' if m[1] != '1' else ''})", r) for r in kept]
    return " · ".join(kept) if kept else "—"


def local_time_text(stamp: Any, timezone: str) -> str:
    """A naive UTC timestamp as '22 Nov 2026 at 23:29 Europe/Rome'."""
    if stamp is None or pd.isna(stamp):
        return MISSING
    moment = pd.Timestamp(stamp).to_pydatetime().replace(tzinfo=dt.UTC)
    try:
        local = moment.astimezone(zoneinfo.ZoneInfo(timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local, timezone = moment, "UTC"
    return f"{local.day} {local:%b %Y} at {local:%H:%M} {timezone}"


def accounts_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One page of queries_risk.accounts_at_risk as the table a person reads (money rounded to whole units;
    the column 'In these filters' only when the filters keep part of some account's contacts)."""
    table = pd.DataFrame({
        "Account": frame["account_name"].fillna(frame["account_id"]).astype(str),
        "Segment": frame["segment"].fillna(MISSING).astype(str),
        "ARR": pd.to_numeric(frame["arr_amount"]).round(0),
        "Churn risk": pd.to_numeric(frame["churn_probability"]),
        "Band": [BAND_WORDS.get(str(b), MISSING) for b in frame["risk_band"]],
        "Revenue at risk": pd.to_numeric(frame["revenue_at_risk"]).round(0),
        "Why (strongest first)": [reason_text(a, b, c) for a, b, c in
                                  zip(frame["reason_1"], frame["reason_2"], frame["reason_3"], strict=True)],
        "Contacts in window": pd.to_numeric(frame["count_window_contacts"]).fillna(0).astype(int),
    })
    matching = pd.to_numeric(frame["count_matching_contacts"]).fillna(0).astype(int)
    if (matching != table["Contacts in window"]).any():
        table["In these filters"] = matching
    return table


def contacts_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One page of an account's contacts (queries_risk.account_contacts) as a person reads it."""
    return pd.DataFrame({
        "Contacted (UTC)": pd.to_datetime(frame["created_at"]),
        "Channel": frame["channel"].astype(str),
        "Intent": frame["intent"].astype(str).str.replace("_", " "),
        "Handled by": [PATH_WORDS.get(str(p), str(p)) for p in frame["service_path"]],
        "Queue": frame["queue_name"].astype(str),
        "Status": frame["status"].astype(str),
        "Abandoned": frame["is_abandoned"].astype("boolean"),
        "Escalated": frame["is_escalated"].astype("boolean"),
        "Transfers": pd.to_numeric(frame["count_transfers"]).fillna(0).astype(int),
        "Queue wait": [format_value(None if pd.isna(v) else float(v), "seconds") for v in frame["queue_wait_seconds"]],
    })


# The downloads of the account lists: every row of the filters as typed cells (money as money, churn risk as a
# share, a duration as a duration, dates as dates), with the account id beside its name.
ACCOUNTS_EXPORT_UNITS = {"ARR": "money", "Churn risk": "rate", "Revenue at risk": "money",
                         "Contacts in window": "count", "Contacts in these filters": "count"}
CONTACTS_EXPORT_UNITS = {"Transfers": "count", "Queue wait": "seconds"}
SILENT_EXPORT_UNITS = {"ARR": "money", "Contacts": "count", "Bot-only contacts": "count"}


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Float64").reset_index(drop=True)


def accounts_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of queries_risk.accounts_at_risk as the typed rows of the accounts download (pure): exact money (the
    page rounds it), unknown ARR empty, never 0."""
    return pd.DataFrame({
        "Account": frame["account_name"].fillna(frame["account_id"]).astype(str).reset_index(drop=True),
        "Account id": frame["account_id"].astype(str).reset_index(drop=True),
        "Segment": frame["segment"].astype("string").reset_index(drop=True),
        "Industry": frame["industry"].astype("string").reset_index(drop=True),
        "ARR": _numbers(frame["arr_amount"]),
        "Churn risk": _numbers(frame["churn_probability"]),
        "Band": [BAND_WORDS.get(str(b)) for b in frame["risk_band"]],
        "Revenue at risk": _numbers(frame["revenue_at_risk"]),
        "Why (strongest first)": [reason_text(a, b, c) for a, b, c in
                                  zip(frame["reason_1"], frame["reason_2"], frame["reason_3"], strict=True)],
        "Contacts in window": _numbers(frame["count_window_contacts"]).fillna(0),
        "Contacts in these filters": _numbers(frame["count_matching_contacts"]).fillna(0),
    })


def contacts_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of queries_risk.account_contacts as the typed rows of their download (pure): the queue wait a duration
    in seconds (the page shows it as text)."""
    table = contacts_table(frame).drop(columns=["Queue wait"]).reset_index(drop=True)
    table.insert(1, "Interaction", frame["interaction_id"].astype(str).reset_index(drop=True))
    table["Queue wait"] = _numbers(frame["queue_wait_seconds"])
    return table


def silent_accounts_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """Rows of queries_risk.silent_exodus_accounts as a person reads them and as their download (pure)."""
    return pd.DataFrame({
        "Account": accounts["account_name"].fillna(accounts["account_id"]).astype(str),
        "Segment": accounts["segment"].astype(str),
        "Industry": accounts["industry"].astype(str),
        "ARR": pd.to_numeric(accounts["arr_amount"]).round(0),
        "Churned on": pd.to_datetime(accounts["churned_on"]),
        "How": [SILENCE_WORDS.get(str(k), str(k)) for k in accounts["silence_kind"]],
        "Contacts": pd.to_numeric(accounts["count_contacts"]).fillna(0).astype(int),
        "Bot-only contacts": pd.to_numeric(accounts["count_bot_only_contacts"]).fillna(0).astype(int),
        "Last contact (UTC)": pd.to_datetime(accounts["last_contact_at"]),
    })


def member_frame(figures: pd.DataFrame, metric: str, unit: str, currency: str) -> pd.DataFrame:
    """The current period of queries.period_figures_by for one metric: member, value, value_text."""
    if figures.empty:
        return pd.DataFrame(columns=["member", "value", "value_text"])
    rows = figures[(figures["metric"] == metric) & (figures["period"] == queries.CURRENT)]
    members = [("No contact in the window (silent accounts)" if str(m) == NO_CONTACT_INTENT
                else str(m).replace("_", " ")) for m in rows["member"]]
    values = pd.to_numeric(rows["value"])
    return pd.DataFrame({"member": members, "value": values.to_numpy(),
                         "value_text": [short_figure(None if pd.isna(v) else float(v), unit, currency)
                                        for v in values]})


# ---------------------------------------------------------------- page sections


def _pager(label: str, key: str, total: int) -> int:
    """A page number input under a table; returns the zero-based page."""
    pages = queries_risk.page_count(total)
    if total <= queries_risk.ROWS_PER_PAGE:
        return 0
    column, _ = st.columns([1, 3])
    with column:
        chosen = st.number_input(f"{label}: page (of {pages}, {queries_risk.ROWS_PER_PAGE} a page)", min_value=1,
                                 max_value=pages, value=1, step=1, key=key)
    return int(chosen) - 1


def _current_page(key: str) -> int:
    """The zero-based page a pager chose on the previous run (its widget is drawn under the table)."""
    value = st.session_state.get(key, 1)
    return max(int(value) - 1, 0) if isinstance(value, int | float) else 0


def _headline(ctx: PageContext, fit: dict[str, Any] | None) -> bool:
    """The four risk figures; False when the filters leave nothing."""
    catalog = queries.catalog_in_use()
    metrics = [catalog[name] for name in HEADLINE_METRICS if name in catalog]
    compare_start, compare_end = ctx.filters.comparison
    compare = ctx.first_day is not None and compare_start >= ctx.first_day
    periods = queries.period_figures(ctx.warehouse_url, ctx.version, [m.name for m in metrics], ctx.filters)
    current = periods[periods["period"] == queries.CURRENT] if not periods.empty else periods
    # rows of no mart row (row_count 0) only carry a not-measured reason: the words below say why there is no risk
    if current.empty or not (current["row_count"].fillna(0) > 0).any():
        st.info(_no_risk_words(ctx, fit))
        return False
    rows: list[ScorecardRow] = scorecard_rows(metrics, periods, pd.DataFrame(), ctx.settings, compare=compare)
    currency = ctx.settings.currency
    for column, row in zip(st.columns(len(rows)), rows, strict=True):
        delta = None
        if row.metric in METRICS_WITH_CHANGE and row.change is not None:
            delta = short_delta(row.change.current, row.change.previous, row.unit, currency)
            delta = None if is_flat(delta) else delta
        with column:
            st.metric(row.label, short_figure(row.value, row.unit, currency), delta=delta,
                      delta_color="off" if delta is None or is_flat(delta) else "inverse",
                      help=catalog[row.metric].description, border=True)
    links = " · ".join(f"[{catalog[m].label}]({definition_link(m)})" for m in HEADLINE_METRICS if m in catalog)
    window = int(fit["feature_window_days"]) if fit and fit.get("feature_window_days") else None
    if fit is None:
        snapshot = "No churn model has scored the accounts yet."
    elif fit["method"] == "none":
        snapshot = ("Churn risk is not measured: too few churned accounts to fit a model, and no contact history "
                    "for the points rule (see How far to trust the scores).")
    elif fit.get("feature_set") == FEATURE_SET_ATTRIBUTES:
        snapshot = (f"Risk figures are a snapshot: the latest fit ({local_time_text(fit['fitted_at'], ctx.timezone)}) "
                    "scored each active account once, from the account export's attributes alone (no contact "
                    "history). Each account counts on the day its export describes.")
    else:
        snapshot = (f"Risk figures are a snapshot: the latest fit ({local_time_text(fit['fitted_at'], ctx.timezone)}) "
                    f"scored each active account once, on its contacts of the last {window} days and its "
                    "attributes. They count the accounts whose contacts fall within the filters, split by share of "
                    "contacts.")
    change = (f" Churned ARR is compared with {compare_start:%d %b %Y} – {compare_end:%d %b %Y}."
              if compare else "")
    st.caption(f"{snapshot}{change} How is this computed? {links}")
    return True


def _no_risk_words(ctx: PageContext, fit: dict[str, Any] | None) -> str:
    """Why the filters hold no account risk: what the fit read, and the days its accounts are dated on."""
    if fit is not None and fit["method"] == "none":
        return "Churn risk is not measured: " + _fallback_words(fit) + "."
    first, last = queries_risk.risk_days(ctx.warehouse_url, ctx.version)
    if fit is None or first is None or last is None:
        return ("No account risk for these filters: no account had a contact in its window within them. Widen the "
                "dates or clear a filter in the sidebar.")
    days = f"{first:%d %b %Y}" if first == last else f"{first:%d %b %Y} – {last:%d %b %Y}"
    if fit.get("feature_set") == FEATURE_SET_ATTRIBUTES:
        return (f"No account risk for these filters. The churn model read the account export alone ("
                f"{FEATURE_SET_ATTRIBUTES}) and dates each account on the day its export describes: {days}. "
                "Choose dates that include it, or clear a filter in the sidebar.")
    return (f"No account risk for these filters: no account had a contact in its window within them (the accounts' "
            f"windows end between {days}). Widen the dates or clear a filter in the sidebar.")


def _fit_summary(ctx: PageContext, fit: dict[str, Any]) -> None:
    auc = fit.get("heldout_auc")
    ranking = auc_words(None if auc is None else float(auc))
    when = local_time_text(fit["fitted_at"], ctx.timezone)
    if fit["method"] == "none":
        st.info("Churn risk is not measured: " + _fallback_words(fit) + ".")
        return
    if fit["method"] == "logit":
        text = (f"Scored by a logistic regression fitted {when} on {_feature_set_name(fit, 'account attributes')}. "
                f"On {int(fit['n_test'] or 0)} accounts it was not fitted on, {ranking}.")
    else:
        text = (f"Scored by a simple points rule ({when}), used while too few accounts have churned to fit a model. "
                f"On the {int(fit['n_test'] or 0)} accounts whose outcome is known, {ranking}.")
    st.markdown(f"{text} See *How far to trust the scores* below.")


def _account_drilldown(ctx: PageContext, fit: dict[str, Any] | None, account: pd.Series,
                       naming: ExportNaming) -> None:
    currency = ctx.settings.currency
    name = str(account["account_name"] if pd.notna(account["account_name"]) else account["account_id"])
    with st.container(border=True):
        st.subheader(escape_markdown(f"{name} ({account['segment']}, {account['industry']})"))
        probability = None if pd.isna(account["churn_probability"]) else float(account["churn_probability"])
        band = BAND_WORDS.get(str(account["risk_band"]), MISSING)
        columns = st.columns(4)
        columns[0].metric("Churn risk", format_value(probability, "rate"), border=True,
                          help=f"Band: low below {MEDIUM_RISK_FROM:.0%}, medium below {HIGH_RISK_FROM:.0%}, "
                               f"high from {HIGH_RISK_FROM:.0%}.")
        columns[1].metric("Band", band, border=True)
        arr, at_risk = number_or_none(account["arr_amount"]), number_or_none(account["revenue_at_risk"])
        columns[2].metric("ARR", short_money(arr, currency), border=True,
                          help=format_value(arr, "money", currency) if arr is not None
                          else "Not measured: the account export gives no ARR for this account.")
        columns[3].metric("Revenue at risk", short_money(at_risk, currency), border=True,
                          help="Churn risk × ARR: "
                          + format_value(at_risk, "money", currency))
        reasons = [r for r in (account["reason_1"], account["reason_2"], account["reason_3"])
                   if r is not None and not pd.isna(r)]
        is_rule = str(account["risk_method"]) == "rule"
        st.markdown("**Why**" + (" (the warning signs that fired, with their points)" if is_rule else
                                 " (what raises its odds most above the average account's, strongest first)"))
        if reasons:
            st.markdown("\n".join(f"{i}. {escape_markdown(reason_text(r))}" for i, r in enumerate(reasons, start=1)))
        else:
            st.markdown("Nothing stands out: no warning sign fired." if is_rule else
                        "Nothing raises its odds above the average account's.")

        if fit is not None:
            history = queries_risk.account_risk_history(ctx.warehouse_url, ctx.version, str(account["account_id"]),
                                                        str(fit["model_version"]), ctx.filters.scope)
            try:
                chart = charts_risk.risk_history_chart(history)
            except ValueError:
                st.caption(f"Scored once so far, by the fit of {local_time_text(fit['fitted_at'], ctx.timezone)}: "
                           "its risk over time grows with each run on changed data.")
            else:
                st.markdown("**Its risk at each fit of the model**")
                show_chart(chart, width="stretch", theme=None)
                with st.expander("Download"):
                    chart_download_buttons(chart, subject=f"Churn risk history {name}", naming=naming)

        if fit is not None and fit.get("feature_set") == FEATURE_SET_ATTRIBUTES:
            st.caption("No contact history is loaded for these accounts: the model read the account export alone.")
            return
        start, end = account["window_start_at"], account["observation_at"]
        window = (f"{pd.Timestamp(start):%d %b %Y} – {pd.Timestamp(end) - pd.Timedelta(days=1):%d %b %Y}"
                  if pd.notna(start) and pd.notna(end) else "its window")
        st.markdown(f"**Its contacts in the feature window** ({window}: what the model saw)")
        if not access_notices.may_open_conversations(ctx.viewer):
            access_notices.aggregates_only()
            return
        key = f"risk_contacts_page_{account['account_id']}"
        contacts = queries_risk.account_contacts(ctx.warehouse_url, ctx.version, str(account["account_id"]),
                                                 ctx.filters.scope, _current_page(key))
        total = queries_risk.total_rows(contacts)
        if contacts.empty:
            st.info("No contact in the window: a silent account. Silence is itself a warning sign.")
            return
        table = contacts_table(contacts)
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Contacted (UTC)": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
            "Transfers": st.column_config.NumberColumn(format="%d"),
        })
        _pager("Contacts", key, total)
        st.caption(f"{total:,} contacts in the window, newest first.")
        account_id = str(account["account_id"])
        with st.expander("Download (every contact in the window, not only this page)"):
            if not access_notices.may_export_rows(ctx.viewer):
                access_notices.row_exports_withheld()
                return
            scope = ctx.filters.scope
            streamed_table_download_buttons(
                lambda: (contacts_export(page) for page in queries_risk.account_contact_pages(ctx.warehouse_url,
                                                                                             account_id, scope)),
                subject=f"Contacts of {name}", naming=naming, units=CONTACTS_EXPORT_UNITS,
                currency=ctx.settings.currency)


def _accounts(ctx: PageContext, fit: dict[str, Any] | None, naming: ExportNaming) -> None:
    st.subheader("Accounts by risk")
    if fit is not None:
        _fit_summary(ctx, fit)
    page = _current_page(ACCOUNTS_PAGE_KEY)
    frame = queries_risk.accounts_at_risk(ctx.warehouse_url, ctx.version, ctx.filters.start, ctx.filters.end,
                                          ctx.filters.lists, page)
    total = queries_risk.total_rows(frame)
    if frame.empty and page > 0:
        st.session_state[ACCOUNTS_PAGE_KEY] = 1
        page = 0
        frame = queries_risk.accounts_at_risk(ctx.warehouse_url, ctx.version, ctx.filters.start, ctx.filters.end,
                                              ctx.filters.lists, page)
        total = queries_risk.total_rows(frame)
    if frame.empty:
        st.info("No active account has a contact within these filters.")
        return
    currency = ctx.settings.currency.upper()
    table = accounts_table(frame)
    event = st.dataframe(
        table.style.map(lambda b: "color: #D55E00; font-weight: 600" if b == "High" else "", subset=["Band"]),
        hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=accounts_table_key(ctx.filters, page),
        column_config={
            "ARR": st.column_config.NumberColumn(f"ARR ({currency})", format="localized"),
            "Churn risk": st.column_config.ProgressColumn("Churn risk", min_value=0.0, max_value=1.0,
                                                          format="percent", width="small"),
            "Revenue at risk": st.column_config.NumberColumn(f"Revenue at risk ({currency})", format="localized"),
            "Why (strongest first)": st.column_config.TextColumn(width="large"),
            "Contacts in window": st.column_config.NumberColumn("Contacts", format="%d", width="small",
                                                                help="Contacts in the account's feature window"),
        },
    )
    _pager("Accounts", ACCOUNTS_PAGE_KEY, total)
    scope = (f"{total:,} active accounts dated within the filters (each on the day its export describes: no "
             "contact history)" if fit is not None and fit.get("feature_set") == FEATURE_SET_ATTRIBUTES else
             f"{total:,} active accounts with a contact within the filters (accounts with none in their window count "
             "when its last day is in the period)")
    st.caption(
        f"{scope}, by revenue at risk = churn risk × ARR (— where the export gives no ARR). The reasons are the "
        "model's. "
        "**Select a row** (the box at its left) to see the account's reasons and contacts. "
        f"How is this computed? [Revenue at risk]({definition_link('revenue_at_risk')})"
    )
    filters = ctx.filters
    with st.expander("Download (every account, not only this page)"):
        if access_notices.may_export_rows(ctx.viewer):
            streamed_table_download_buttons(
                lambda: (accounts_export(page) for page in queries_risk.account_pages(ctx.warehouse_url, filters)),
                subject="Accounts by risk", naming=naming, units=ACCOUNTS_EXPORT_UNITS,
                currency=ctx.settings.currency)
        else:
            access_notices.row_exports_withheld()
    selection = getattr(event, "selection", None)
    rows = list(getattr(selection, "rows", []) or []) if selection is not None else []
    if rows and 0 <= int(rows[0]) < len(frame):
        _account_drilldown(ctx, fit, frame.iloc[int(rows[0])], naming)


def _breakdowns(ctx: PageContext, naming: ExportNaming) -> None:
    st.subheader("Where the revenue at risk sits")
    catalog = queries.catalog_in_use()
    metric = catalog["revenue_at_risk"]
    currency = ctx.settings.currency
    left, right = st.columns(2)
    for column, breakdown, title, colour in ((left, "segment", "By segment", OKABE_ITO["vermillion"]),
                                             (right, "intent", "By intent", OKABE_ITO["orange"])):
        with column:
            st.markdown(f"**{title}**")
            figures = queries.period_figures_by(ctx.warehouse_url, ctx.version, [metric.name], ctx.filters, breakdown)
            frame = member_frame(figures, metric.name, metric.unit, currency)
            try:
                chart = charts_risk.revenue_bars(frame, category=breakdown.title(), unit=metric.unit,
                                                 currency=currency, colour=colour)
            except ValueError:
                st.info(f"No revenue at risk by {breakdown} for these filters (not measured for accounts whose "
                        "export gives no ARR).")
                continue
            show_chart(chart, width="stretch", theme=None)
            if breakdown == "intent":
                intent_source_note(ctx, "risk")
            with st.expander("Download"):
                chart_download_buttons(chart, subject=f"Revenue at risk {title.lower()}", naming=naming,
                                       columns={"member": breakdown.title(), "value": f"Revenue at risk ({currency})"})
    st.caption(
        "By intent is an **attribution by share of contacts**: each account's revenue at risk is split equally over "
        "its contacts in the window, so an intent's bar is the part of the risk its contacts represent, not proof "
        "that the intent caused it. Accounts without a contact in their window show as *No contact in the window*. "
        f"How is this computed? [{metric.label}]({definition_link(metric.name)})"
    )


def _silent_exodus(ctx: PageContext, naming: ExportNaming) -> None:
    st.subheader("Silent Exodus: accounts that left without a word")
    days = ctx.settings.signals.silent_exodus_days
    st.caption(
        f"Accounts whose churn date falls in the period. In the {days} days before churning, a **silent exodus** "
        "account made no complaint (no escalation, no negative message, no low CSAT, CES or NPS answer) and answered "
        "no survey (*without a word*), or every contact it made was handled by a bot alone (*after bots only*): the "
        "people who run service never heard it was unhappy. Only the segment filter applies: churn is an "
        f"account's, not a channel's. [Definitions](/{DEFINITIONS_PATH})"
    )
    compare_start, compare_end = ctx.filters.comparison
    compare = ctx.first_day is not None and compare_start >= ctx.first_day
    summary = queries_risk.silent_exodus_summary(ctx.warehouse_url, ctx.version, ctx.filters.start, ctx.filters.end,
                                                 compare_start, compare_end, ctx.filters.lists)
    current = summary[summary["period"] == queries.CURRENT]
    if current.empty:
        st.info(f"No account churned between {ctx.filters.start:%d %b %Y} and {ctx.filters.end:%d %b %Y}.")
        return
    now = current.iloc[0]
    before = summary[summary["period"] == queries.PREVIOUS]
    previous = before.iloc[0] if compare and not before.empty else None
    currency = ctx.settings.currency

    def delta(column: str, unit: str) -> str | None:
        if not compare:
            return None
        text = short_delta(number_or_none(now[column]),
                           number_or_none(previous[column]) if previous is not None else 0.0, unit,
                           currency)
        return None if is_flat(text) else text

    figures = (
        ("Accounts churned", "count_churned", "count", "Accounts whose CRM churn date is in the period."),
        ("ARR lost", "churned_arr_amount", "money", "ARR of the accounts that churned in the period."),
        ("Of them, in silence", "count_silent", "count", "Churned accounts that left without a word or after "
                                                          "bots only."),
        ("ARR lost in silence", "silent_arr_amount", "money", "ARR of the silent-exodus accounts."),
    )
    count_observed = int(now["count_observed"])
    for column, (label, field, unit, help_text) in zip(st.columns(len(figures)), figures, strict=True):
        judged = field in ("count_churned", "churned_arr_amount") or count_observed > 0
        change = delta(field, unit) if judged else None
        with column:
            figure = short_figure(number_or_none(now[field]), unit, currency) if judged else MISSING
            st.metric(label, figure, delta=change,
                      delta_color="off" if change is None or is_flat(change) else "inverse",
                      help=help_text if judged else "Not measured: no contact history at these churn dates.",
                      border=True)
    unobserved = int(now["count_churned"]) - count_observed
    if count_observed == 0:
        st.info("Silence is not measured for these churns: the warehouse holds no contacts of these accounts' "
                "people around their churn dates (an account export alone, or contacts from another period), so "
                "leaving without a word cannot be told from missing data.")
        return
    if unobserved > 0:
        st.caption(f"{unobserved:,} of these churns fall outside the contact history and are not judged.")
    count_silent = int(now["count_silent"])
    words = (f"Without a word: {int(now['count_without_a_word'])} "
             f"({short_money(number_or_none(now['without_a_word_arr_amount']), currency)} ARR); after bots only: "
             f"{int(now['count_after_bots_only'])} "
             f"({short_money(number_or_none(now['after_bots_only_arr_amount']), currency)} ARR); an account can be "
             "both.")
    if compare:
        words += f" Changes are against churns of {compare_start:%d %b %Y} – {compare_end:%d %b %Y}."
    st.caption(words)
    if count_silent == 0:
        st.success("Every account that churned in the period had complained or answered a survey first: none left "
                   "in silence.")
        return
    page = _current_page(SILENT_PAGE_KEY)
    accounts = queries_risk.silent_exodus_accounts(ctx.warehouse_url, ctx.version, ctx.filters.start,
                                                   ctx.filters.end, ctx.filters.lists, page)
    if accounts.empty and page > 0:
        st.session_state[SILENT_PAGE_KEY] = 1
        accounts = queries_risk.silent_exodus_accounts(ctx.warehouse_url, ctx.version, ctx.filters.start,
                                                       ctx.filters.end, ctx.filters.lists, 0)
    table = silent_accounts_table(accounts)
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "ARR": st.column_config.NumberColumn(f"ARR ({currency.upper()})", format="localized"),
        "Churned on": st.column_config.DateColumn(format="D MMM YYYY"),
        "Last contact (UTC)": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
        "Contacts": st.column_config.NumberColumn(format="%d", help=f"Contacts in the {days} days before churning"),
        "Bot-only contacts": st.column_config.NumberColumn(format="%d"),
    })
    _pager("Silent accounts", SILENT_PAGE_KEY, queries_risk.total_rows(accounts))
    filters = ctx.filters
    with st.expander("Download (every account, not only this page)"):
        if not access_notices.may_export_rows(ctx.viewer):
            access_notices.row_exports_withheld()
            return
        streamed_table_download_buttons(
            lambda: (silent_accounts_table(page).assign(**{"Account id": page["account_id"].astype(str)})
                     for page in queries_risk.silent_exodus_account_pages(ctx.warehouse_url, filters)),
            subject="Silent exodus accounts", naming=naming, units=SILENT_EXPORT_UNITS, currency=currency)


def _model_card(ctx: PageContext, fit: dict[str, Any] | None, naming: ExportNaming) -> None:
    st.subheader("How far to trust the scores: the model")
    if fit is None:
        st.info("The churn model has not scored any account yet: run `cxpulse run` (the model is fitted in the "
                "enrichment step).")
        return
    if fit["method"] == "none":
        st.markdown(f"**Feature set: {_feature_set_name(fit, 'account attributes only')}.** "
                    f"{int(fit['n_accounts'] or 0):,} accounts, {int(fit['n_churned'] or 0):,} churned with a known "
                    "outcome.")
        st.info("Churn risk is not measured: " + _fallback_words(fit) + ". "
                "No probability, no AUC and no revenue at risk are shown rather than figures the data cannot "
                "support.")
        _attribute_columns(ctx, fit)
        return
    is_logit = fit["method"] == "logit"
    n_test, n_test_churned = int(fit["n_test"] or 0), int(fit["n_test_churned"] or 0)
    left, right = st.columns([3, 2])
    with left:
        when = local_time_text(fit["fitted_at"], ctx.timezone)
        window = int(fit["feature_window_days"])
        if is_logit:
            st.markdown(
                f"**Method: logistic regression**, fitted {when} on {feature_set_words(fit)}. "
                f"**Feature set: {_feature_set_name(fit, 'account attributes + contact history')}.** "
                f"Trained on {int(fit['n_train'] or 0)} accounts "
                f"({int(fit['n_train_churned'] or 0)} churned), tested on {n_test} it had not seen "
                f"({n_test_churned} churned).")
            if fit.get("is_regularised"):
                st.markdown("With this few churned accounts a plain fit does not settle, so a **penalised** (ridge) "
                            "fit is used: it keeps every effect modest unless the data insist, and predicts better "
                            "on accounts it has not seen.")
        else:
            st.markdown(
                f"**Method: points rule (fallback)**, run {when}. Why not the logistic regression: "
                f"{_fallback_words(fit, 'too few churned accounts')}; with so few churns a fitted model "
                f"would be noise. The rule adds points for warning signs in the last {window} days and maps them to "
                f"a probability ({rule_bands_words()}). It learns nothing from the data, so all {n_test} accounts "
                f"with a known outcome ({n_test_churned} churned) test it.")
        auc = fit.get("heldout_auc")
        brier = fit.get("brier_score")
        reference = brier_reference(n_test, n_test_churned)
        lines = [f"- **Ranking:** {auc_words(None if auc is None else float(auc))}."]
        if brier is not None:
            lines.append(f"- **Accuracy of the probabilities:** Brier score {float(brier):.3f} (lower is better; "
                         + (f"always guessing the test accounts' churn rate of {n_test_churned / n_test:.0%} would "
                            f"score {reference:.3f})." if reference is not None else "no reference)."))
        hl_p = fit.get("hosmer_lemeshow_p")
        if hl_p is not None:
            verdict = ("the predicted rates are compatible with the observed ones" if float(hl_p) >= 0.05 else
                       "the predicted rates differ from the observed ones more than chance would explain")
            lines.append(f"- **Calibration:** Hosmer-Lemeshow p = {float(hl_p):.2f}: {verdict} (unreliable when "
                         "most groups expect fewer than one churn).")
        if n_test_churned < 10:
            lines.append(f"- Only {n_test_churned} churned test accounts: these figures move a lot from one sample "
                         "to the next. Read the ranking, not the second decimal.")
        st.markdown("\n".join(lines))
    with right:
        st.markdown("**Predicted vs observed churn, by decile of predicted risk**")
        deciles = queries_risk.calibration(ctx.warehouse_url, ctx.version, int(fit["run_id"]),
                                           str(fit["model_version"]))
        try:
            chart = charts_risk.calibration_chart(deciles)
        except ValueError:
            st.info("No calibration table: no account with a known outcome was tested.")
        else:
            show_chart(chart, width="stretch", theme=None)
            st.caption("Each point is a tenth of the test accounts, ranked by predicted risk. On the dashed line, "
                       "the model's probabilities match what happened.")
            with st.expander("Download"):
                chart_download_buttons(chart, subject="Churn model calibration", naming=naming)

    coefficients = queries_risk.strongest_effects(ctx.warehouse_url, ctx.version, int(fit["run_id"]),
                                                  str(fit["model_version"]), str(fit["method"]))
    if is_logit:
        st.markdown("**What moves the odds of churning most** (the strongest odds ratios, with their 95% interval)")
        effects = effects_frame(coefficients)
        try:
            chart = charts_risk.odds_ratio_chart(effects)
        except ValueError:
            st.info("The fit stored no odds ratios.")
            return
        show_chart(chart, width="stretch", theme=None)
        # the five strongest effects either way (furthest from 1 on the log scale), strongest first
        strongest = effects.iloc[effects["odds_ratio"].map(lambda r: -abs(math.log(r))).argsort(kind="stable")]
        st.markdown("\n".join(f"- {escape_markdown(s)}" for s in strongest["sentence"].head(5)))
        st.caption("An odds ratio of 2 doubles the odds of churning; 0.5 halves them; 1 is no effect. Numbers are per "
                   "standard deviation (a typical difference between accounts) or against a reference level. "
                   f"How is this computed? [Churn risk]({definition_link('churn_risk')})")
        with st.expander("Download"):
            chart_download_buttons(chart, subject="Churn odds ratios", naming=naming,
                                   columns={"label": "Feature", "odds_ratio": "Odds ratio",
                                            "odds_ratio_ci_low": "95% low", "odds_ratio_ci_high": "95% high",
                                            "sentence": "In words"})
    else:
        st.markdown("**The warning signs and their points**")
        try:
            chart = charts_risk.rule_points_chart(rule_frame(coefficients))
        except ValueError:
            st.info("The rule stored no warning signs.")
            return
        show_chart(chart, width="stretch", theme=None)
        st.caption("The thresholds and probabilities are round figures of our own near a 10% yearly churn rate, not "
                   "fitted; once enough accounts have churned, a logistic regression replaces the rule and this "
                   "section shows its odds ratios. "
                   f"How is this computed? [Churn risk]({definition_link('churn_risk')})")
        with st.expander("Download"):
            chart_download_buttons(chart, subject="Churn rule points", naming=naming)
    _attribute_columns(ctx, fit)


def _attribute_columns(ctx: PageContext, fit: dict[str, Any]) -> None:
    """How the model read each further column of the CRM export (numeric, flag, categorical, left out and why)."""
    frame = queries_risk.attribute_columns(ctx.warehouse_url, ctx.version, int(fit["run_id"]),
                                           str(fit["model_version"]))
    if frame.empty:
        return
    with st.expander(f"The account export's further columns ({len(frame)}): how the model read them"):
        st.dataframe(pd.DataFrame({
            "Column": frame["attribute_name"].astype(str),
            "Read as": frame["treatment"].astype(str),
            "Why": frame["reason"].astype(str),
            "Accounts that fill it": pd.to_numeric(frame["count_accounts_filled"]).astype(int),
        }), hide_index=True, width="stretch")
        st.caption("Numbers are standardised (odds ratios per standard deviation); categories are compared with "
                   "their most common value; a column that names the outcome, marks an identifier or separates "
                   "churned from retained accounts on its own is left out so that the answer cannot leak in.")


def render() -> None:
    ctx = context()
    page_header(TITLE, QUESTION, ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    naming = naming_for(PAGE, ctx)
    try:
        fit = queries_risk.current_fit(ctx.warehouse_url, ctx.version)
        if not _headline(ctx, fit):
            return
        _accounts(ctx, fit, naming)
        _breakdowns(ctx, naming)
        _silent_exodus(ctx, naming)
        _model_card(ctx, fit, naming)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
