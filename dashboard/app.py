"""The cxpulse dashboard: `streamlit run dashboard/app.py` from the repository root.

The router: page setup, the global filters in the sidebar (kept in the URL), the run information, then
the chosen page. Adding a page is one line in PAGES.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root; an installed
# package needs nothing.
if importlib.util.find_spec("dashboard") is None or importlib.util.find_spec("etl") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import datetime as dt
import os
import zoneinfo

import sqlalchemy
import streamlit as st

from dashboard import audit_session, data_access, queries, source_time
from dashboard.context import PageContext, set_context
from dashboard.filters import (
    COMPARE_LAST_YEAR,
    COMPARE_MODES,
    COMPARE_PREVIOUS,
    EARLIEST_DATE,
    LATEST_DATE,
    LIST_PARAMS,
    LOW_CONFIDENCE_PARAM,
    FilterOptions,
    Filters,
    default_filters,
    from_date_widget,
    from_query_params,
    parse_list,
    to_query_params,
)
from dashboard.formatting import escape_markdown
from dashboard.navigation import identity_line, pages_for
from dashboard.page_errors import run_guarded
from dashboard.sign_in import auth_section, configuration_problem, current_viewer, is_signed_in, sign_in_buttons
from dashboard.widgets import definition_link, source_notice
from dashboard.widgets.access_notices import NO_DATA_IN_SCOPE
from dashboard.widgets.intent_source_note import intent_source_note
from etl.access import Scope, Viewer
from etl.config import ConfigError
from etl.secrets import redact_text
from etl.serving import OPEN_MODE_VARIABLE, banner
from etl.warehouse import WarehouseError

# Each page is a folder, dashboard/app_pages/<page>/, whose page.py calls its view's render(): files, so that
# AppTest can switch to them; the views hold the code. Not "pages/": Streamlit treats a pages/ folder beside the
# entry script as a version-1 multipage app and runs it in lieu of this router (streamlit/runtime/pages_manager.py),
# which loses the sidebar's widget state on every page switch.
PAGES_DIR = "app_pages"
PAGE_ICON = "📊"
# The browser tab's icon: an emoji, which Streamlit's page turns into an inline data: URL. A ":material/...:"
# favicon would be fetched from fonts.gstatic.com (Streamlit 1.67's frontend), a request leaving the machine; the
# Material icons inside the page come from the font Streamlit serves itself (issue 13).
# Streamlit serves the default page at the root URL only (its url_path answers "Page not found"), so the root
# is a hidden page that opens the Executive review at its own URL: every page has one URL, shared links included.
HOME_SCRIPT = f"{PAGES_DIR}/home/page.py"
LANDING_SCRIPT = f"{PAGES_DIR}/executive/page.py"
PAGES = {
    "Review": [
        st.Page(HOME_SCRIPT, title="Executive review", url_path="home", default=True, visibility="hidden"),
        st.Page(LANDING_SCRIPT, title="Executive review", icon=":material/insights:", url_path="executive"),
        st.Page(f"{PAGES_DIR}/escalations/page.py", title="Escalations", icon=":material/trending_up:",
                url_path="escalations"),
        st.Page(f"{PAGES_DIR}/overview/page.py", title="Service trends", icon=":material/dashboard:",
                url_path="overview"),
    ],
    "Customer": [
        st.Page(f"{PAGES_DIR}/journeys/page.py", title="Journeys and repeat contact", icon=":material/replay:",
                url_path="journeys"),
        st.Page(f"{PAGES_DIR}/automation/page.py", title="Automation", icon=":material/smart_toy:",
                url_path="automation"),
        st.Page(f"{PAGES_DIR}/experience/page.py", title="Experience", icon=":material/sentiment_satisfied:",
                url_path="experience"),
    ],
    "Accounts": [
        st.Page(f"{PAGES_DIR}/risk/page.py", title="Churn and revenue risk", icon=":material/trending_down:",
                url_path="risk"),
    ],
    "Operations": [
        st.Page(f"{PAGES_DIR}/capacity/page.py", title="Capacity", icon=":material/groups:", url_path="capacity"),
    ],
    "Trust": [
        st.Page(f"{PAGES_DIR}/data_health/page.py", title="Data health", icon=":material/health_and_safety:",
                url_path="data-health"),
        st.Page(f"{PAGES_DIR}/definitions/page.py", title="Definitions", icon=":material/menu_book:",
                url_path=definition_link.URL_PATH),
        st.Page(f"{PAGES_DIR}/detector_quality/page.py", title="Detector quality", icon=":material/fact_check:",
                url_path="detector-quality"),
        st.Page(f"{PAGES_DIR}/intent_discovery/page.py", title="Intent discovery", icon=":material/category:",
                url_path="intent-discovery"),
        st.Page(f"{PAGES_DIR}/audit_log/page.py", title="Audit log", icon=":material/policy:", url_path="audit-log"),
    ],
}
DATE_KEY = "filter_dates"
DEFAULT_DATES_KEY = "filter_dates_default"  # the default dates of the last run: dates left at them follow the data
LIST_KEYS = {field: f"filter_{param}" for param, field in LIST_PARAMS.items()}
LIST_LABELS = {"sources": "Source", "channels": "Channel", "intents": "Intent", "queues": "Queue", "teams": "Team",
               "segments": "Segment"}
COMPARE_KEY = "filter_compare"
COMPARE_LABELS = {COMPARE_PREVIOUS: "Previous period", COMPARE_LAST_YEAR: "Same period last year"}
LOW_CONFIDENCE_KEY = "filter_low_confidence"
URL_KEYS = ("start", "end", "compare", *LIST_PARAMS, LOW_CONFIDENCE_PARAM)


def _today(timezone: str) -> dt.date:
    try:
        return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.datetime.now(dt.UTC).date()


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _reset(defaults: Filters) -> None:
    st.session_state[DATE_KEY] = (defaults.start, defaults.end)
    st.session_state[COMPARE_KEY] = defaults.compare
    st.session_state[LOW_CONFIDENCE_KEY] = defaults.include_low_confidence
    for key in LIST_KEYS.values():
        st.session_state[key] = []


def _sidebar_filters(defaults: Filters, options: FilterOptions, scope: Scope) -> Filters:
    """The filter widgets, first filled from the URL; every change is written back to the URL. The options are
    those of the viewer's scope, and the scope itself rides in the Filters (never in the URL)."""
    from_url = from_query_params(_url_params(), defaults, options)
    default_dates = (defaults.start, defaults.end)
    if DATE_KEY not in st.session_state:
        st.session_state[DATE_KEY] = (from_url.start, from_url.end)
    elif st.session_state[DATE_KEY] == st.session_state.get(DEFAULT_DATES_KEY):
        st.session_state[DATE_KEY] = default_dates  # not chosen by hand: follow the sources chosen
    st.session_state[DEFAULT_DATES_KEY] = default_dates
    if COMPARE_KEY not in st.session_state:
        st.session_state[COMPARE_KEY] = from_url.compare
    if LOW_CONFIDENCE_KEY not in st.session_state:
        st.session_state[LOW_CONFIDENCE_KEY] = from_url.include_low_confidence
    for field, key in LIST_KEYS.items():
        if key not in st.session_state:
            st.session_state[key] = list(getattr(from_url, field))
        allowed = set(getattr(options, field))
        st.session_state[key] = [v for v in st.session_state[key] if v in allowed]

    with st.sidebar:
        st.subheader("Filters")
        dates = st.date_input(
            "Dates", key=DATE_KEY, min_value=EARLIEST_DATE, max_value=LATEST_DATE, format="YYYY-MM-DD",
            help=f"Default: the last {defaults.days} days of the newest data among the sources and channels chosen "
                 "(days in the reporting time zone).",
        )
        start, end = from_date_widget(dates, from_url)
        compare = st.radio(
            "Compare with", COMPARE_MODES, key=COMPARE_KEY, format_func=COMPARE_LABELS.get, horizontal=True,
            help="Changes are shown against this period, with their confidence interval.",
        )
        lists = {
            field: tuple(
                st.multiselect(
                    LIST_LABELS[field], getattr(options, field), key=key, placeholder="All",
                )
            )
            for field, key in LIST_KEYS.items()
        }
        include_low_confidence = st.toggle(
            "Include low-confidence intents", key=LOW_CONFIDENCE_KEY,
            help="Off: leave out the contacts whose intent is the classifier's guess in the Low confidence band.",
        )
        st.button("Reset filters", on_click=_reset, args=(defaults,), type="tertiary")
    filters = Filters(start=start, end=end, **lists, compare=compare or defaults.compare,
                      include_low_confidence=bool(include_low_confidence), scope=scope)

    wanted = to_query_params(filters, defaults)
    for key in URL_KEYS:
        if key in wanted and st.query_params.get_all(key) != [wanted[key]]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]
    return filters


def _chosen(field: str, options: FilterOptions) -> tuple[str, ...]:
    """A list filter's values before its widget is drawn: the widget's state, else the URL's."""
    key = LIST_KEYS[field]
    if key in st.session_state:
        return tuple(st.session_state[key])
    param = next(param for param, name in LIST_PARAMS.items() if name == field)
    return parse_list(st.query_params.get_all(param), getattr(options, field))


def _sign_in_gate() -> None:
    """Nobody signed in, or a person whose claims map to no role (deny by default): no page, no data."""
    if not is_signed_in():
        st.title("cxpulse")
        st.text("Sign in to see your organisation's service figures.")
        sign_in_buttons(auth_section() or {})
        return
    st.title("cxpulse")
    st.error("You are signed in, but no role of this app is granted to you. Ask an administrator for access.")
    st.button("Sign out", on_click=st.logout)


def _who(viewer: Viewer) -> None:
    """The sidebar's first lines: who is signed in, with which role, and Sign out; in open mode the banner saying
    there is no sign-in and who can reach this server (set by `cxpulse serve`)."""
    with st.sidebar:
        if viewer.signed_in:
            st.text(identity_line(viewer))
            st.button("Sign out", on_click=st.logout, key="sign_out")
        else:
            st.text(banner(os.environ.get(OPEN_MODE_VARIABLE)))


def main() -> None:
    st.set_page_config(page_title="cxpulse", page_icon=PAGE_ICON, layout="wide")
    try:
        settings = data_access.settings()
    except ConfigError as error:
        st.error(f"The configuration cannot be read: {escape_markdown(redact_text(str(error)))}")
        st.stop()
    problem = configuration_problem(settings.access)
    if problem:
        st.error(escape_markdown(problem))
        st.stop()
    viewer = current_viewer(settings.access)
    if viewer is None:
        _sign_in_gate()
        return
    _who(viewer)
    url = settings.warehouse_url
    unavailable: str | None = None
    first_day = last_day = None
    as_of = None
    version = "never"
    options = FilterOptions()
    series = None
    try:
        if not viewer.scope.grants_anything:  # deny by default: no figures at all (not zeros), and no query
            raise queries.DataUnavailable(NO_DATA_IN_SCOPE)
        version = queries.data_version(url)
        as_of = queries.last_successful_run(url)
        first_day, last_day = queries.data_bounds(url, version, viewer.scope)
        options = queries.filter_options(url, version, viewer.scope)
        series = source_time.series_bounds(url, version)
    except queries.DataUnavailable as error:
        unavailable = str(error)
    except (WarehouseError, sqlalchemy.exc.OperationalError) as error:  # OperationalError: the server refuses
        unavailable = f"The warehouse cannot be read: {redact_text(str(error))}"

    newest = (source_time.newest_day(series, _chosen("sources", options), _chosen("channels", options))
              if series is not None else None)
    defaults = default_filters(newest or last_day, _today(settings.metrics.reporting_timezone))
    filters = _sidebar_filters(defaults, options, viewer.scope)
    page_context = PageContext(
        settings=settings, warehouse_url=url, version=version, filters=filters, first_day=first_day,
        last_day=last_day, as_of=as_of, unavailable=unavailable, series=series, viewer=viewer,
    )
    set_context(page_context)
    if unavailable is None:
        with st.sidebar:  # how the intents behind the intent filter's choices were found, in these dates and filters
            try:
                intent_source_note(page_context, "contacts", table=False)
            except queries.DataUnavailable as error:
                st.text(str(error))
        source_notice.sidebar_data_times(url, version)
    page = st.navigation(pages_for(PAGES, viewer))
    audit_session.visit(page_context, page.url_path)  # the audit log: a page view with its filters, or a denial
    run_guarded(page.run, f"page {page.title!r}")


run_guarded(main, "the app's frame (settings, filters, navigation)")
