"""Escalations: where do escalations come from, and what happened in them?

Top to bottom: escalations per week by a breakdown (click a bar to drill into its week and member), the
escalated conversations of the filters and the drill (select a row), and the selected conversation: its
transcript with who spoke and the customer's sentiment, the handoff, the restatement, its SLA events and the
customer's contacts 30 days either side.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import audit_session, queries
from dashboard.app_pages.escalations import charts
from dashboard.app_pages.escalations import queries as eq
from dashboard.charts import OKABE_ITO
from dashboard.context import PageContext, context, page_header
from dashboard.data_access import mask_rows, masked_pages
from dashboard.download_buttons import (
    chart_download_buttons,
    conversation_download_buttons,
    naming_for,
    streamed_table_download_buttons,
)
from dashboard.formatting import escape_markdown, format_value
from dashboard.scorecard import scorecard_rows
from dashboard.widgets import access_notices, label_form
from dashboard.widgets.chart import show_chart
from dashboard.widgets.definition_link import definition_link
from dashboard.widgets.empty_states import empty_text
from dashboard.widgets.intent_source_note import intent_source_note

PAGE = "escalations"
HEADLINE_METRICS = ("escalations", "escalation_rate")
BREAKDOWN_LABELS = {"reason": "Reason", "trigger": "Trigger", "intent": "Intent", "channel": "Channel",
                    "queue": "Queue", "team": "Team"}
BREAKDOWN_KEY = "escalations_breakdown"
ROUND_KEY = "escalations_chart_round"
PAGE_KEY = "escalations_page"
# Query parameters that keep the drill and the chosen conversation: a click writes them, a link (or AppTest,
# which cannot click) opens the page on them. Their values are hostile text: bound in queries, shown with st.text.
DRILL_PARAMS = ("drill_by", "drill_week", "drill_member")
CONVERSATION_PARAM = "conversation"
LAST_CLICK_KEY = "escalations_last_click"
LAST_ROW_KEY = "escalations_last_row"
SHOWN_ID_LENGTH = 200  # characters of an id shown back to the viewer (the whole id is still looked up)
TRIGGER_WORDS = {"customer_request": "customer asked for a person", "escalation_keyword": "escalation language",
                 "negative_sentiment": "negative sentiment", "bot_fallback": "bot fallback",
                 "complexity": "complexity", "other": "other"}
ROLE_AVATARS = {"customer": ":material/person:", "agent": ":material/support_agent:", "bot": ":material/smart_toy:",
                "system": ":material/info:"}
ROLE_NAMES = {"customer": "Customer", "agent": "Agent", "bot": "Bot", "system": "System"}
OTHER_ROLE = "Other participant"
SENTIMENT_HEADER = "Sentiment start → end"
THIS_CONTACT = "This contact"
LIST_HEADERS = {
    "created_at": "Created (UTC)", "channel": "Channel", "intent": "Intent", "queue_name": "Queue",
    "team_name": "Team", "reason": "Reason", "primary_trigger": "Primary trigger",
    "customer_sentiment_start": "Sentiment start", "customer_sentiment_end": "Sentiment end",
    "is_restatement": "Repeated themselves", "is_sla_breached": "SLA breached", "interaction_id": "Interaction",
}
# the export: every column of the list, sentiment as two numbers (VADER compound, -1 to +1)
EXPORT_HEADERS = LIST_HEADERS
EXPORT_UNITS = {"customer_sentiment_start": "score", "customer_sentiment_end": "score"}


# ---------------------------------------------------------------- pure helpers


def drill_from_params(params: dict[str, str], breakdown: str) -> tuple[str, str] | None:
    """(week as YYYY-MM-DD, member) from the query parameters when they drill into the current breakdown."""
    if params.get("drill_by") != breakdown:
        return None
    week, member = params.get("drill_week"), params.get("drill_member")
    if not week or not member:
        return None
    try:
        return dt.date.fromisoformat(week).isoformat(), member
    except ValueError:
        return None


def drill_params(breakdown: str, drill: tuple[str, str] | None) -> dict[str, str]:
    """The query parameters that reopen a drill ({} for none) (pure)."""
    if drill is None:
        return {}
    week, member = drill
    return {"drill_by": breakdown, "drill_week": week, "drill_member": member}


def chosen(clicked: str | tuple[str, str] | None, last_clicked: object, from_url: str | tuple[str, str] | None
           ) -> str | tuple[str, str] | None:
    """What the page shows (a drill, or a conversation): a click wins; a click taken back (the selection
    emptied since the last run) shows nothing; otherwise what the URL says (a link, a reload) (pure)."""
    if clicked is not None:
        return clicked
    if last_clicked is not None:
        return None
    return from_url


def breakdown_from_params(params: dict[str, str]) -> str:
    """The breakdown a link drills into, so that its drill applies; else the default, by reason (pure)."""
    wanted = params.get("drill_by")
    return wanted if wanted in BREAKDOWN_LABELS else "reason"


def shown_id(interaction_id: str) -> str:
    """An id from a link as shown back: at most SHOWN_ID_LENGTH characters (pure; display with st.text)."""
    return interaction_id if len(interaction_id) <= SHOWN_ID_LENGTH else interaction_id[:SHOWN_ID_LENGTH] + "…"


def sentiment_text(compound: float | None, label: str | None) -> str:
    """'-0.46 (negative)'; '—' when the message was not scored."""
    if compound is None or pd.isna(compound):
        return "—"
    return f"{compound:+.2f} ({label})" if label else f"{compound:+.2f}"


def sentiment_change_text(start: float | None, end: float | None) -> str:
    """'-0.32 → +0.17'; '—' when the customer wrote nothing scored (pure)."""
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return "—"
    return f"{start:+.2f} → {end:+.2f}"


def list_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The conversations as the table shows them (pure): trigger in words, sentiment start → end in one column,
    headers for people."""
    shown = frame.assign(
        primary_trigger=frame["primary_trigger"].map(lambda t: TRIGGER_WORDS.get(t, t)),
        created_at=pd.to_datetime(frame["created_at"]),
        customer_sentiment_start=[sentiment_change_text(a, b) for a, b in
                                  zip(frame["customer_sentiment_start"], frame["customer_sentiment_end"], strict=True)],
    )
    table = shown[[c for c in LIST_HEADERS if c != "customer_sentiment_end"]]
    return table.rename(columns={**LIST_HEADERS, "customer_sentiment_start": SENTIMENT_HEADER})


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A page of the conversations export (pure): triggers in words; sentiment start and end stay numbers."""
    return frame.assign(primary_trigger=frame["primary_trigger"].map(lambda t: TRIGGER_WORDS.get(t, t)),
                        created_at=pd.to_datetime(frame["created_at"]))


def journey_frame(frame: pd.DataFrame, interaction_id: str) -> pd.DataFrame:
    """The customer's contacts, with this one marked (pure)."""
    return pd.DataFrame({
        "": ["▶ this" if i == interaction_id else "" for i in frame["interaction_id"]],
        "Created (UTC)": pd.to_datetime(frame["created_at"]),
        "Channel": frame["channel"], "Intent": frame["intent"], "Status": frame["status"],
        "Escalated": frame["is_escalated"].astype("boolean"), "Path": frame["service_path"],
        "Interaction": frame["interaction_id"],
    })


# ---------------------------------------------------------------- sections


def _headline(ctx: PageContext) -> None:
    catalog = queries.catalog_in_use()
    metrics = [catalog[name] for name in HEADLINE_METRICS if name in catalog]
    if not metrics:
        return
    compare_start, _ = ctx.filters.comparison
    compare = ctx.first_day is not None and compare_start >= ctx.first_day
    names = [m.name for m in metrics]
    rows = scorecard_rows(metrics, queries.period_figures(ctx.warehouse_url, ctx.version, names, ctx.filters,
                                                 unmeasured_rows=True),
                          queries.weekly_figures(ctx.warehouse_url, ctx.version, names, ctx.filters),
                          ctx.settings, compare=compare)
    for column, row, metric in zip(st.columns(len(rows)), rows, metrics, strict=True):
        with column, st.container(border=True):
            st.metric(row.label, row.tile_text, help=metric.description)
            lead = f"{row.reason_caption}  \n" if row.reason_caption else f"Change: {row.change_text} · {row.noise}  \n"
            st.caption(f"{lead}[How is this computed?]({definition_link(row.metric)})")
    st.caption("*Escalations* count every escalated contact: an escalation event (higher tier, specialist, priority "
               "raise) or a bot handing over to a person. The *escalation rate* counts escalation events only, over "
               "all contacts.")


def _clear_drill() -> None:
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.session_state[PAGE_KEY] = 1
    st.session_state[LAST_CLICK_KEY] = None
    st.session_state[LAST_ROW_KEY] = None
    for name in (*DRILL_PARAMS, CONVERSATION_PARAM):
        if name in st.query_params:
            del st.query_params[name]


def _url_params() -> dict[str, str]:
    return {name: st.query_params.get(name, "") for name in (*DRILL_PARAMS, CONVERSATION_PARAM)}


def _keep_drill_in_url(breakdown: str, drill: tuple[str, str] | None) -> None:
    """The drill shown goes into the URL; a changed drill drops the conversation chosen in the old one."""
    wanted = drill_params(breakdown, drill)
    if {name: st.query_params.get(name) for name in DRILL_PARAMS if name in st.query_params} == wanted:
        return
    for name in (*DRILL_PARAMS, CONVERSATION_PARAM):
        if name in st.query_params:
            del st.query_params[name]
    for name, value in wanted.items():
        st.query_params[name] = value


def _chart(ctx: PageContext, breakdown: str) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, str] | None]:
    """The weekly bars; returns the weekly counts, the top members and the drill (week, member) or None."""
    weekly = eq.weekly_escalations(ctx.warehouse_url, ctx.version, breakdown, ctx.filters)
    if weekly.empty:
        return weekly, (), None
    top = charts.top_members(weekly)
    lumped = charts.lump_members(weekly, top)
    label = BREAKDOWN_LABELS[breakdown]
    chart = charts.escalations_chart(lumped, breakdown_label=label)
    event = show_chart(chart, width="stretch", theme=None, on_select="rerun",
                            key=f"escalations_chart_{breakdown}_{st.session_state.get(ROUND_KEY, 0)}")
    clicked = charts.selected_point(event.get("selection", {}) if hasattr(event, "get") else None)
    drill = chosen(clicked, st.session_state.get(LAST_CLICK_KEY), drill_from_params(_url_params(), breakdown))
    st.session_state[LAST_CLICK_KEY] = clicked
    _keep_drill_in_url(breakdown, drill if isinstance(drill, tuple) else None)
    st.caption(f"Escalated contacts per week by {label.lower()} (the {charts.TOP_MEMBERS} largest; the rest as "
               "*other*), by the day of the contact. **Click a bar** to list its conversations below.")
    if breakdown == "intent":
        intent_source_note(ctx, "escalations")
    with st.expander("Download this chart"):
        chart_download_buttons(chart, subject=f"Escalations by {label.lower()}", naming=naming_for(PAGE, ctx))
    return lumped, top, drill


def summary_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The drilled conversations by primary trigger, as the table shows them (pure)."""
    return pd.DataFrame({
        "Primary trigger": frame["primary_trigger"].map(lambda t: TRIGGER_WORDS.get(t, t)),
        "Conversations": frame["count_conversations"].astype("int64"),
        "Repeated themselves": frame["count_restated"].astype("int64"),
        "SLA breached": frame["count_sla_breached"].astype("int64"),
        "Mean sentiment start": frame["mean_sentiment_start"].astype("float64"),
        "Mean sentiment end": frame["mean_sentiment_end"].astype("float64"),
    })


def _drill_summary(ctx: PageContext, breakdown: str, drill_key: tuple[dt.date | None, str | None],
                   top: tuple[str, ...]) -> None:
    frame = eq.drill_summary(ctx.warehouse_url, ctx.version, breakdown, ctx.filters, drill_key, top)
    if frame.empty:
        return
    st.markdown("**What happened in these conversations**, by what triggered the escalation")
    table = summary_frame(frame)
    st.dataframe(table, hide_index=True, width="stretch", key="escalations_drill_summary", column_config={
        "Mean sentiment start": st.column_config.NumberColumn(format="%+.2f"),
        "Mean sentiment end": st.column_config.NumberColumn(format="%+.2f"),
    })


def _conversations(ctx: PageContext, breakdown: str, lumped: pd.DataFrame, top: tuple[str, ...],
                   drill: tuple[str, str] | None) -> str | None:
    """The list; returns the selected interaction id, if any (never for a role that may not open conversations)."""
    label = BREAKDOWN_LABELS[breakdown]
    st.subheader("Escalated conversations")
    if not access_notices.may_open_conversations(ctx.viewer):
        access_notices.aggregates_only()
        return None
    week, member = drill if drill else (None, None)
    shown = lumped
    if drill:
        heading, button = st.columns([5, 1], vertical_alignment="center")
        with heading:
            st.markdown(f"Drilled into the week of **{pd.Timestamp(week):%d %b %Y}**, {label.lower()}:")
            st.text(member)  # from a click or a link: shown as text, never as Markdown
        with button:
            st.button("Clear", on_click=_clear_drill, icon=":material/close:", key="escalations_clear")
        shown = lumped[(lumped["week"] == week) & (lumped["member"] == member)]
    total = int(shown["count_escalations"].sum())
    if total == 0:
        st.info("No escalated conversation for this selection. Clear the drill or widen the filters.")
        return _chosen_conversation(None)
    pages = max(1, -(-total // eq.PAGE_ROWS))
    if st.session_state.get(PAGE_KEY, 1) > pages:
        st.session_state[PAGE_KEY] = 1
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    with left:
        page = int(st.number_input("Page", min_value=1, max_value=pages, step=1, key=PAGE_KEY))
    with right:
        st.caption(f"{format_value(total, 'count')} escalated conversations, newest first, {eq.PAGE_ROWS} a page "
                   f"(page {page} of {pages}). **Select a row** to read the conversation.")
    drill_key = (pd.Timestamp(week).date() if week else None, member)
    frame = eq.escalated_conversations(ctx.warehouse_url, ctx.version, breakdown, ctx.filters, drill_key, top, page)
    if frame.empty:
        st.info("No escalated conversation on this page.")
        return _chosen_conversation(None)
    table = list_frame(mask_rows(frame, ctx.viewer))
    event = st.dataframe(
        table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=f"escalations_list_{breakdown}_{week}_{member}_{page}_{st.session_state.get(ROUND_KEY, 0)}",
        column_config={
            "Created (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            SENTIMENT_HEADER: st.column_config.TextColumn(
                help="VADER compound (-1..+1) of the customer's first and last scored message"),
            "Repeated themselves": st.column_config.CheckboxColumn(
                help="After the bot's handoff the customer restated their request (bot sessions only)"),
            "SLA breached": st.column_config.CheckboxColumn(help="Any SLA target of the contact breached"),
        },
    )
    rows = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
    picked = str(frame["interaction_id"].iloc[rows[0]]) if rows and rows[0] < len(frame) else None
    if drill:
        _drill_summary(ctx, breakdown, drill_key, top)
    with st.expander("Download the conversations"):
        if not access_notices.may_export_rows(ctx.viewer):
            access_notices.row_exports_withheld()
            return _chosen_conversation(picked)
        st.caption(f"Every escalated conversation of the filters{' and the drill' if drill else ''} "
                   f"({format_value(total, 'count')}, not only this page), one row each, newest first; read from "
                   "the warehouse page by page when you click:")
        conversation_download_buttons(
            lambda: (export_frame(p) for p in masked_pages(
                eq.conversation_pages(ctx.warehouse_url, breakdown, ctx.filters, drill_key, top), ctx.viewer)),
            subject="Escalated conversations", naming=naming_for(PAGE, ctx), columns=EXPORT_HEADERS,
            units=EXPORT_UNITS, currency=ctx.settings.currency)
    return _chosen_conversation(picked)


def _chosen_conversation(picked: str | None) -> str | None:
    """The conversation to show: the row picked in the list, else the URL's; kept in the URL."""
    conversation = chosen(picked, st.session_state.get(LAST_ROW_KEY), st.query_params.get(CONVERSATION_PARAM) or None)
    st.session_state[LAST_ROW_KEY] = picked
    if conversation is None:
        if CONVERSATION_PARAM in st.query_params:
            del st.query_params[CONVERSATION_PARAM]
        return None
    if st.query_params.get(CONVERSATION_PARAM) != conversation:
        st.query_params[CONVERSATION_PARAM] = str(conversation)
    return str(conversation)


def _messages(messages: pd.DataFrame, handed_off_at: object) -> None:
    handoff = pd.Timestamp(handed_off_at) if handed_off_at is not None and not pd.isna(handed_off_at) else None
    marked = handoff is None
    for message in messages.itertuples(index=False):
        sent = pd.Timestamp(message.sent_at)
        if not marked and sent >= handoff:
            st.markdown(f":orange-badge[:material/swap_horiz: Handed off to a person at {handoff:%H:%M:%S}]")
            marked = True
        role = str(message.author_role)
        name = ROLE_NAMES.get(role, OTHER_ROLE)  # a role from the export is never put into Markdown
        with st.chat_message(name, avatar=ROLE_AVATARS.get(role, ":material/chat:")):
            who = f"**{name}** · {sent:%Y-%m-%d %H:%M:%S}"
            if role == "customer":
                who += f" · sentiment {escape_markdown(sentiment_text(message.compound, message.sentiment_label))}"
            st.caption(who)
            st.text(str(message.message_text))
    if not marked:
        st.markdown(f":orange-badge[:material/swap_horiz: Handed off to a person at {handoff:%H:%M:%S}]")


def _transcript(ctx: PageContext, interaction_id: str) -> None:
    st.subheader("Transcript of the chosen conversation")
    st.text(f"Conversation {shown_id(interaction_id)}")  # from a click or a link: text, never Markdown
    head = eq.conversation(ctx.warehouse_url, ctx.version, interaction_id, ctx.filters.scope)
    if head.empty:  # unknown, not escalated, or out of the viewer's scope: the same words (existence not leaked)
        access_notices.conversation_not_found()
        return
    audit_session.conversation_opened(ctx, interaction_id)
    info = head.iloc[0]
    restated = info["is_restatement"]
    if pd.isna(restated) or not bool(info["is_restatement_comparable"]):
        repeat = "not measured (no bot handoff with text on both sides)"
    else:
        repeat = ("**yes**" if bool(restated) else "no") + (
            f" (text similarity before and after the handoff {float(info['restatement_similarity']):.2f};"
            " saying so, e.g. \"I have to repeat myself\", also counts)")
    kind = str(info["escalation_kind"]).replace("_", " ")
    trigger = TRIGGER_WORDS.get(info["primary_trigger"], info["primary_trigger"])
    # channel, intent, queue, team and reason come from the export: plain text
    st.text(f"{info['channel']} · {info['intent']} · {info['queue_name']} · {info['team_name']}\n"
            f"Escalated {pd.Timestamp(info['escalation_at']):%Y-%m-%d %H:%M} UTC ({kind}) · reason: {info['reason']}"
            f" · primary trigger: {trigger}")
    st.markdown(f"Customer had to repeat themselves after the handoff: {repeat}")
    messages = mask_rows(eq.transcript(ctx.warehouse_url, ctx.version, interaction_id, ctx.filters.scope),
                         ctx.viewer, text_columns=("message_text",))
    conversation, side = st.columns([3, 2], gap="large")
    with conversation:
        if messages.empty:
            st.info("No transcript: this contact has no messages (a call, or a contact without text).")
        else:
            _messages(messages, info["handed_off_at"])
            if len(messages) >= eq.MESSAGES_LIMIT:
                st.caption(f"The first {eq.MESSAGES_LIMIT} messages.")
    with side:
        st.markdown("**SLA events**")
        events = eq.sla_events(ctx.warehouse_url, ctx.version, interaction_id, ctx.filters.scope)
        if events.empty:
            st.caption("No SLA target applied to this contact.")
        else:
            sla = pd.DataFrame({
                "Metric": events["sla_metric"].str.replace("_", " "),
                "Target": [format_value(v, "seconds") for v in events["target_seconds"]],
                "Elapsed": [format_value(v, "seconds") for v in events["elapsed_seconds"]],
                "Clock": ["business hours" if b else "calendar" for b in events["is_business_time"]],
                "Status": events["status"],
            })
            st.dataframe(sla.style.map(_status_colour, subset=["Status"]), hide_index=True, width="stretch")
    _journey(ctx, info, interaction_id)
    label_form.render(ctx, interaction_id)


def _status_colour(status: str) -> str:
    return {"breached": f"color: {OKABE_ITO['vermillion']}; font-weight: 600",
            "met": f"color: {OKABE_ITO['green']}"}.get(status, "")


def _journey(ctx: PageContext, info: pd.Series, interaction_id: str) -> None:
    st.markdown(f"**The customer's contacts, {eq.JOURNEY_DAYS} days either side** (this one highlighted)")
    if pd.isna(info["customer_key"]):
        st.caption("The customer is not known: no journey.")
        return
    contacts = eq.journey(ctx.warehouse_url, ctx.version, str(info["customer_key"]),
                          pd.Timestamp(info["created_at"]).to_pydatetime(), ctx.filters.scope)
    journey = journey_frame(contacts, interaction_id)
    st.dataframe(journey.style.apply(
        lambda row: ["background-color: #FFF4D6; font-weight: 600" if row[""] else "" for _ in row], axis=1),
        hide_index=True, width="stretch",
        column_config={"": st.column_config.TextColumn(width="small"),
                       "Created (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
    if len(contacts) >= eq.JOURNEY_LIMIT:
        st.caption(f"The first {eq.JOURNEY_LIMIT} contacts shown; the download holds them all.")
    customer, around = str(info["customer_key"]), pd.Timestamp(info["created_at"]).to_pydatetime()
    with st.expander("Download the journey"):
        if not access_notices.may_export_rows(ctx.viewer):
            access_notices.row_exports_withheld()
            return
        streamed_table_download_buttons(
            lambda: (journey_frame(p, interaction_id).rename(columns={"": THIS_CONTACT})
                     for p in masked_pages(eq.journey_pages(ctx.warehouse_url, customer, around, ctx.filters.scope),
                                           ctx.viewer)),
            subject="Journey of the conversation", naming=naming_for(PAGE, ctx), currency=ctx.settings.currency)


def render() -> None:
    ctx = context()
    page_header("Escalations", "Where do escalations come from, and what happened in them?", ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    try:
        _headline(ctx)
        st.subheader("Escalations per week")
        breakdown = st.segmented_control("Break down by", list(BREAKDOWN_LABELS), format_func=BREAKDOWN_LABELS.get,
                                         default=breakdown_from_params(_url_params()), key=BREAKDOWN_KEY) or "reason"
        lumped, top, drill = _chart(ctx, breakdown)
        if lumped.empty:
            st.info(empty_text(ctx, "escalations", "No escalation for these filters. Widen the dates or clear a "
                               "filter in the sidebar."))
            return
        selected = _conversations(ctx, breakdown, lumped, top, drill)
        if selected:
            _transcript(ctx, selected)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
