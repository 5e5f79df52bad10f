"""Chart builders of the Escalations page: pure functions, frame in, Altair chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import PALETTE, apply_theme

OTHER = "other"
OTHER_COLOUR = "#9AA5B1"
TOP_MEMBERS = 6
SELECTION = "drill"
HEIGHT = 300


def top_members(frame: pd.DataFrame, most: int = TOP_MEMBERS) -> tuple[str, ...]:
    """The members with the most escalations over the whole frame, largest first (ties by name)."""
    if frame.empty:
        return ()
    totals = frame.groupby("member", as_index=False)["count_escalations"].sum()
    totals = totals.sort_values(["count_escalations", "member"], ascending=[False, True])
    return tuple(str(m) for m in totals["member"].head(most))


def lump_members(frame: pd.DataFrame, top: tuple[str, ...]) -> pd.DataFrame:
    """Weekly counts with every member outside `top` summed into OTHER; a `week` column (ISO date text, the
    selection's value) and `member_order` (stacking and legend order: top members first, OTHER last)."""
    lumped = frame.assign(member=[m if m in top else OTHER for m in frame["member"].astype(str)])
    lumped = lumped.groupby(["week_start", "member"], as_index=False)["count_escalations"].sum()
    order = {member: rank for rank, member in enumerate((*top, OTHER))}
    lumped["member_order"] = lumped["member"].map(order)
    lumped["week"] = pd.to_datetime(lumped["week_start"]).dt.strftime("%Y-%m-%d")
    return lumped.sort_values(["week_start", "member_order"], ignore_index=True)


def escalations_chart(lumped: pd.DataFrame, *, breakdown_label: str) -> alt.TopLevelMixin:
    """Stacked bars of escalations per week, coloured by member; clicking a bar selects its week and member
    (point selection SELECTION on the fields week and member). Drawn as SVG so that its bars can be clicked
    and read in a browser test."""
    if lumped.empty:
        raise ValueError("no escalations to chart")
    members = [m for m in lumped.sort_values("member_order")["member"].unique()]
    colours = [OTHER_COLOUR if m == OTHER else PALETTE[i % len(PALETTE)] for i, m in enumerate(members)]
    selection = alt.selection_point(fields=["week", "member"], name=SELECTION)
    chart = (
        alt.Chart(lumped)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("week:O", title="Week starting", sort="ascending",
                    axis=alt.Axis(labelExpr="utcFormat(toDate(datum.value), '%d %b')", labelAngle=0,
                                  labelOverlap=True)),
            y=alt.Y("count_escalations:Q", title="Escalated contacts", stack="zero",
                    axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color("member:N", title=breakdown_label, scale=alt.Scale(domain=members, range=colours),
                            legend=alt.Legend(orient="right", labelLimit=220)),
            order=alt.Order("member_order:Q", sort="ascending"),
            opacity=alt.condition(selection, alt.value(1.0), alt.value(0.35)),
            tooltip=[alt.Tooltip("week:N", title="Week starting"), alt.Tooltip("member:N", title=breakdown_label),
                     alt.Tooltip("count_escalations:Q", title="Escalated contacts", format=",")],
        )
        .add_params(selection)
        .properties(height=HEIGHT, usermeta={"embedOptions": {"renderer": "svg"}})
    )
    return apply_theme(chart)


def selected_point(selection: object) -> tuple[str, str] | None:
    """(week, member) of the clicked bar from a Streamlit chart selection event, or None."""
    if not isinstance(selection, dict):
        try:
            selection = dict(selection)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
    points = selection.get(SELECTION)
    if not points:
        return None
    point = points[0]
    week, member = point.get("week"), point.get("member")
    if week is None or member is None:
        return None
    return str(week), str(member)
