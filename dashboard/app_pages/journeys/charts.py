"""Chart builders of the Journeys page: pure functions from a frame to an Altair chart (house theme, Okabe-Ito).

The frames come from dashboard.queries / dashboard.app_pages.journeys.queries; the `*_frame` helpers only pick, rank and
label figures for display (no metric maths beyond queries.metric_value).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import (
    FONT_SIZE,
    OKABE_ITO,
    TARGET_COLOUR,
    TEXT_COLOUR,
    apply_theme,
    member_texts,
    min_tick_step,
    numbers,
)
from dashboard.formatting import format_count, format_rate
from dashboard.queries import metric_value
from etl.catalog import Metric
from etl.change import PeriodSums, is_thin

SELECTION = "pick"
MIN_RATE_AXIS = 0.05  # the axis of a ranked rate reaches at least 5%, so that all-zero rates still get ticks
MUTED = "#B8C2CC"
BAR_HEIGHT = 30
LADDER_ORDER = ("confirmed", "no_return", "tone_not_negative", "unconfirmed")
LADDER_COLOURS = {"confirmed": OKABE_ITO["green"], "no_return": OKABE_ITO["sky_blue"],
                  "tone_not_negative": OKABE_ITO["orange"], "unconfirmed": OKABE_ITO["vermillion"]}
PATH_KINDS = ("One contact", "Came back on the same channel", "Switched channel")
PATH_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["sky_blue"], OKABE_ITO["orange"])


def ranked_frame(figures: pd.DataFrame, metric: Metric, min_cases: int, *, top: int = 15,
                 higher_first: bool = True) -> pd.DataFrame:
    """The members of a breakdown ranked by one metric (current period of queries.period_figures_by).

    Members with fewer cases than min_cases are thin: ranked after every member with enough cases (a small
    intent must not top the list on 3 contacts). Keeps the `top` first rows. Columns: member, value, cases,
    is_thin, rank, value_text, cases_text, label (the text drawn beside the bar)."""
    columns = ["member", "value", "cases", "is_thin", "rank", "value_text", "cases_text", "label"]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    rows = figures[(figures["metric"] == metric.name) & (figures["period"] == "current")]
    rows = rows[numbers(rows["value"]).notna()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame({
        "member": member_texts(rows["member"]).to_numpy(),
        "value": numbers(rows["value"]).to_numpy(),
        "cases": numbers(rows["denominator"]).fillna(0.0).to_numpy(),
    })
    out["is_thin"] = [is_thin(metric, PeriodSums(v * c, c), min_cases) for v, c in zip(out["value"], out["cases"],
                                                                                         strict=True)]
    out = out.sort_values(["is_thin", "value", "cases", "member"], ascending=[True, not higher_first, False, True],
                          ignore_index=True).head(top)
    out["rank"] = range(1, len(out) + 1)
    out["value_text"] = [format_rate(v) for v in out["value"]]
    out["cases_text"] = [format_count(c) for c in out["cases"]]
    out["label"] = [f"{v} · {c} contacts" + (" · thin" if t else "")
                    for v, c, t in zip(out["value_text"], out["cases_text"], out["is_thin"], strict=True)]
    return out[columns]


def ranked_rate_chart(frame: pd.DataFrame, *, member_title: str, metric_label: str, overall: float | None = None,
                      selected: str | None = None, selectable: bool = True) -> alt.TopLevelMixin:
    """Horizontal bars, worst first, with the figure and its cases beside each bar; thin members pale; the
    overall figure as a dashed rule. With `selectable`, a click picks a member (point selection SELECTION)."""
    if frame.empty:
        raise ValueError(f"no {metric_label} figures to rank")
    shown = frame.copy()
    shown["state"] = ["Thin (too few cases)" if t else ("Chosen" if m == selected else "Enough cases")
                      for m, t in zip(shown["member"], shown["is_thin"], strict=True)]
    order = shown["member"].tolist()
    top = float(shown["value"].max())
    y = alt.Y("member:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    right = max(top * 1.6, MIN_RATE_AXIS)
    x = alt.X("value:Q", title=f"{metric_label} (%)", axis=alt.Axis(format=".0%", tickCount=5,
                                                                     tickMinStep=min_tick_step(".0%")),
              scale=alt.Scale(domain=[0, right], nice=False))
    tooltip = [alt.Tooltip("member:N", title=member_title), alt.Tooltip("value_text:N", title=metric_label),
               alt.Tooltip("cases_text:N", title="Contacts judged")]
    bars = alt.Chart(shown).mark_bar(height=BAR_HEIGHT * 0.7, cursor="pointer" if selectable else "default").encode(
        y=y, x=x, tooltip=tooltip,
        color=alt.Color("state:N", title=None, scale=alt.Scale(
            domain=["Enough cases", "Chosen", "Thin (too few cases)"],
            range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"], MUTED]), legend=alt.Legend(orient="top")),
    )
    if selectable:
        bars = bars.add_params(alt.selection_point(name=SELECTION, fields=["member"], on="click"))
    # the figures in a column at the right edge, clear of the dashed line of the overall figure
    labels = alt.Chart(shown).mark_text(align="right", dx=-2, fontSize=FONT_SIZE, color=TEXT_COLOUR).encode(
        y=alt.Y("member:N", sort=order), x=alt.datum(right), text="label:N")
    layers: list[alt.Chart] = [bars, labels]
    if overall is not None:
        rule = pd.DataFrame({"value": [overall], "text": [f"All: {format_rate(overall)}"]})
        layers.insert(0, alt.Chart(rule).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4]).encode(x="value:Q"))
    # a height per bar (a Step), not a total: Streamlit fits a fixed total around the legend and the axis too, and
    # three bars in 140 pixels were drawn a few pixels high
    chart = alt.layer(*layers).properties(height=alt.Step(BAR_HEIGHT), width="container")
    return apply_theme(chart)


def path_kind(channel_path: str) -> str:
    """One contact; came back on the same channel only; or switched channel at least once."""
    steps = channel_path.split(">")
    if len(steps) == 1:
        return PATH_KINDS[0]
    return PATH_KINDS[1] if len(set(steps)) == 1 else PATH_KINDS[2]


def paths_frame(paths: pd.DataFrame) -> pd.DataFrame:
    """The channel paths (a page of queries_journeys.episode_paths) with their resolution rate, kind and label.

    resolution_rate: resolved / episodes whose outcome is known (None when none is known)."""
    columns = ["channel_path", "path_text", "episodes", "resolved_episodes", "determined_episodes",
               "resolution_rate", "kind", "label"]
    if paths.empty:
        return pd.DataFrame(columns=columns)
    out = paths.assign(episodes=numbers(paths["episodes"]), resolved_episodes=numbers(paths["resolved_episodes"]),
                       determined_episodes=numbers(paths["determined_episodes"]))
    out = out[out["episodes"].notna()]  # a path without a count of episodes cannot be drawn
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["episodes"] = out["episodes"].astype("int64")
    out["channel_path"] = member_texts(out["channel_path"])
    rates = [metric_value(r, d, True) for r, d in zip(out["resolved_episodes"], out["determined_episodes"],
                                                        strict=True)]
    out["resolution_rate"] = pd.Series(rates, index=out.index, dtype="float64")  # NaN where no outcome is known
    out["kind"] = [path_kind(str(p)) for p in out["channel_path"]]
    out["path_text"] = [str(p).replace(">", " → ") for p in out["channel_path"]]
    out["label"] = [f"{format_count(e)} · {format_rate(r, 0) if r is not None else '—'} resolved"
                    for e, r in zip(out["episodes"], rates, strict=True)]
    return out[columns]


def paths_chart(frame: pd.DataFrame, *, top: int = 12) -> alt.TopLevelMixin:
    """The most frequent channel paths as horizontal bars of episodes, coloured by kind, labelled with the
    count and the resolution rate."""
    shown = frame.head(top)
    if shown.empty:
        raise ValueError("no channel paths to draw")
    order = shown["path_text"].tolist()
    most = float(shown["episodes"].max())
    y = alt.Y("path_text:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    bars = alt.Chart(shown).mark_bar(height=BAR_HEIGHT * 0.7).encode(
        y=y,
        x=alt.X("episodes:Q", title="Episodes (by their first contact)",
                axis=alt.Axis(format=",d", tickCount=5, tickMinStep=1),
                scale=alt.Scale(domain=[0, most * 1.5], nice=False)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=list(PATH_KINDS), range=list(PATH_COLOURS)),
                        legend=alt.Legend(orient="top", labelLimit=320)),
        tooltip=[alt.Tooltip("path_text:N", title="Channel path"), alt.Tooltip("episodes:Q", title="Episodes",
                                                                               format=","),
                 alt.Tooltip("label:N", title="Episodes · resolved")],
    )
    labels = alt.Chart(shown).mark_text(align="left", dx=6, fontSize=FONT_SIZE, color=TEXT_COLOUR).encode(
        y=alt.Y("path_text:N", sort=order), x="episodes:Q", text="label:N")
    chart = alt.layer(bars, labels).properties(height=alt.Step(BAR_HEIGHT), width="container")
    return apply_theme(chart)


LADDER_COLUMNS = {"group": "object", "rung": "object", "rung_label": "object", "order": "int64", "share": "float64",
                  "episodes": "int64", "determined": "int64", "share_text": "object"}


def _first_number(match: pd.DataFrame, column: str) -> float | None:
    value = numbers(match[column]).iloc[0] if column in match else float("nan")
    return None if pd.isna(value) else float(value)


def ladder_frame(periods_by_group: dict[str, pd.DataFrame], rungs: dict[str, Metric]) -> pd.DataFrame:
    """The confidence ladder of each group (name -> queries.period_figures of the rung metrics): one row per
    group and rung with its share, label, episodes counted and the order in the stack.

    A group without figures (no rows, or every share NULL) adds no rows; with no figures at all the frame is
    empty but typed, so the stacking below never meets an object column. `rungs` maps a rung (LADDER_ORDER) to
    its catalog metric; labels come from the catalog."""
    rows = []
    for group, periods in periods_by_group.items():
        if periods.empty or not {"period", "metric", "value"} <= set(periods.columns):
            continue
        current = periods[periods["period"] == "current"]
        for order, rung in enumerate(LADDER_ORDER):
            match = current[current["metric"] == rungs[rung].name]
            share = _first_number(match, "value") if not match.empty else None
            if share is None:
                continue
            rows.append({"group": str(group), "rung": rung, "rung_label": rungs[rung].label, "order": order,
                         "share": share, "episodes": int(_first_number(match, "numerator") or 0),
                         "determined": int(_first_number(match, "denominator") or 0),
                         "share_text": format_rate(share)})
    out = pd.DataFrame(rows, columns=list(LADDER_COLUMNS)).astype(LADDER_COLUMNS)
    out["end"] = out.groupby("group", sort=False)["share"].cumsum()
    out["start"] = out["end"] - out["share"]
    out["middle"] = (out["start"] + out["end"]) / 2
    return out


def ladder_chart(frame: pd.DataFrame, rung_labels: dict[str, str]) -> alt.TopLevelMixin:
    """Confidence in resolution as one 100% stacked bar per group, the strongest evidence first (left)."""
    if frame.empty:
        raise ValueError("no episodes whose outcome is known")
    groups = list(dict.fromkeys(frame["group"]))
    labels = [rung_labels[r] for r in LADDER_ORDER]
    shown = frame.assign(inside=[t if s >= 0.06 else "" for t, s in zip(frame["share_text"], frame["share"],
                                                                          strict=True)])
    y = alt.Y("group:N", sort=groups, title=None, axis=alt.Axis(labelLimit=260))
    bars = alt.Chart(shown).mark_bar(height=BAR_HEIGHT * 1.2).encode(
        y=y,
        x=alt.X("start:Q", title="Share of episodes whose outcome is known", axis=alt.Axis(format=".0%", tickCount=5),
                scale=alt.Scale(domain=[0, 1])),
        x2="end:Q",
        color=alt.Color("rung_label:N", title=None, sort=labels, scale=alt.Scale(
            domain=labels, range=[LADDER_COLOURS[r] for r in LADDER_ORDER]), legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("group:N", title="Episodes"), alt.Tooltip("rung_label:N", title="Evidence"),
                 alt.Tooltip("share_text:N", title="Share"), alt.Tooltip("episodes:Q", title="Episodes", format=",")],
    )
    text = alt.Chart(shown).mark_text(align="center", fontSize=FONT_SIZE, color="#000000").encode(
        y=alt.Y("group:N", sort=groups), x="middle:Q", text="inside:N")
    chart = alt.layer(bars, text).properties(height=alt.Step(56), width="container")
    return apply_theme(chart)
