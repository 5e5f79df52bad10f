"""The guard against Markdown injection (issue 13): no Streamlit call that renders Markdown receives text that is
not provably safe (tests/dashboard/markdown_calls.py says what "provably safe" means). The scanner is tested on
hand-written snippets first, each hit or miss worked out by reading the snippet, then run over dashboard/**."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard.markdown_calls import scan_folder, scan_source

ROOT = Path(__file__).resolve().parents[2]


def hits_in(source: str) -> list[tuple[int, str, str]]:
    return [(hit.line, hit.call, hit.source) for hit in scan_source(source)]


@pytest.mark.parametrize(("source", "expected"), [
    # stored injection: a warehouse cell, an exception's text, a context field
    ("import streamlit as st\ndef f(row):\n    st.markdown(row['team'])\n", [(3, "markdown", "row['team']")]),
    ("import streamlit as st\ndef f(ctx):\n    st.warning(ctx.unavailable)\n",
     [(3, "warning", "ctx.unavailable")]),
    ("import streamlit as st\ntry:\n    pass\nexcept ValueError as error:\n    st.error(str(error))\n",
     [(5, "error", "error")]),
    # the unsafe part of an f-string is named
    ("import streamlit as st\ndef f(frame):\n    team = frame.iloc[0]['team']\n    st.caption(f'Team **{team}**')\n",
     [(4, "caption", "team")]),
    # reflected: a URL parameter into a subheader, a widget value into an info
    ("import streamlit as st\nst.subheader(f\"Conversation {st.query_params.get('conversation')}\")\n",
     [(2, "subheader", "st.query_params")]),
    ("import streamlit as st\nsearch = st.text_input('Find')\nst.info(f'No match for {search}')\n",
     [(3, "info", "search")]),
    # labels and help of metrics, widgets, tabs, expanders and column_config columns
    ("import streamlit as st\ndef f(row):\n    st.metric(row.member, 3, help=row.note)\n",
     [(3, "metric", "row.member"), (3, "metric", "row.note")]),
    ("import streamlit as st\ndef f(names):\n    st.tabs([names[0], 'Other'])\n", [(3, "tabs", "names[0]")]),
    ("import streamlit as st\ndef f(team):\n    with st.expander(team):\n        pass\nf(input())\n",
     [(3, "expander", "team")]),
    ("import streamlit as st\ndef f(c):\n    st.column_config.TextColumn(c.name)\n",
     [(3, "TextColumn", "c.name")]),
    # a radio's options are Markdown; a selectbox's are plain text
    ("import streamlit as st\ndef f(teams):\n    st.radio('Team', teams)\n    st.selectbox('Team', teams)\n",
     [(3, "radio", "teams")]),
    ("import streamlit as st\ndef f(channels):\n    st.segmented_control('Channel', channels)\n",
     [(3, "segmented_control", "channels")]),
    # st.write renders every argument; a column or the sidebar is Streamlit too
    ("import streamlit as st\ndef f(x):\n    st.write('a', x)\n", [(3, "write", "x")]),
    ("import streamlit as st\ndef f(x):\n    left, right = st.columns(2)\n    left.caption(x)\n"
     "    st.sidebar.info(x)\n", [(4, "caption", "x"), (5, "info", "x")]),
    # a helper's parameter is as safe as what its callers pass
    ("import streamlit as st\ndef note(text):\n    st.caption(text)\nnote('fixed')\nnote(open('f').read())\n",
     [(3, "caption", "text")]),
])
def test_the_scanner_finds_unsafe_markdown(source: str, expected: list[tuple[int, str, str]]) -> None:
    assert hits_in(source) == expected


@pytest.mark.parametrize("source", [
    "import streamlit as st\nst.markdown('**fixed** words')\n",
    "import streamlit as st\ndef f(row):\n    st.markdown(escape_markdown(row['team']))\n",
    "import streamlit as st\ndef f(row):\n    st.caption(f\"Team **{escape_markdown(str(row['team']))}**\")\n",
    # a format spec a string would reject: numbers and dates
    "import streamlit as st\ndef f(n, day, rate):\n    st.info(f'{n:,} contacts on {day:%d %b %Y}, {rate:.1%}')\n",
    "import streamlit as st\ndef f(v):\n    st.metric('Service level', format_value(v, 'rate'))\n",
    # constants, a table's .get with a fixed default, joins and lists built by append of safe parts
    "import streamlit as st\nLABELS = {'a': 'A'}\ndef f(key):\n    st.caption(LABELS.get(key, 'other'))\n",
    "import streamlit as st\ndef f(n):\n    parts = ['a']\n    parts.append(f'{n:d} b')\n"
    "    st.caption(' · '.join(parts))\n",
    "import streamlit as st\nfor word in ('a', 'b'):\n    st.subheader(word)\n",
    # a helper called with safe values only; a function of ours returning safe text
    "import streamlit as st\ndef note(text):\n    st.caption(text)\nnote('fixed')\nnote(escape_markdown(input()))\n",
    "import streamlit as st\ndef words(n):\n    return f'{n:,} left'\nst.info(words(3))\n",
    # the configuration and the catalog
    "import streamlit as st\ndef f(ctx):\n    st.caption(f'{ctx.settings.capacity.horizon_days} days')\n",
    "import streamlit as st\ndef f(metric: Metric):\n    st.markdown(metric.formula_text)\n",
    # a radio whose options are escaped by its format_func
    "import streamlit as st\ndef f(teams):\n    st.radio('Team', teams, format_func=escape_markdown)\n",
    "import streamlit as st\nWORDS = {'voice': 'Voice'}\ndef word(c):\n    return WORDS.get(c, escape_markdown(c))\n"
    "def f(channels):\n    st.segmented_control('Channel', channels, format_func=word)\n",
    # plain-text calls are not Markdown
    "import streamlit as st\ndef f(row):\n    st.text(row['team'])\n    st.code(row['team'])\n",
])
def test_the_scanner_passes_safe_markdown(source: str) -> None:
    assert hits_in(source) == []


def test_no_dashboard_call_renders_unescaped_text_as_markdown() -> None:
    """Every hit is a place where export or URL text could become a live link, image or heading."""
    hits = scan_folder(ROOT / "dashboard", (ROOT / "etl",))
    assert [str(hit) for hit in hits] == []
