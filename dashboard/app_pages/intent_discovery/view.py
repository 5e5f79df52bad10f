"""Intent discovery: what do the contacts without an intent talk about, and which of it should be an intent?

The clusters of the latest discovery (etl/enrich/intent_discovery.py) with their size, top terms and cohesion;
the example messages of the chosen cluster; and a form that promotes the cluster to an intent of the configured
taxonomy file ([intents] taxonomy) with keywords as its rule. Messages and terms come from exports: they are shown
as plain text only (st.dataframe, st.text), never as Markdown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.app_pages.intent_discovery import queries as queries_intent_discovery
from dashboard.context import PageContext, context, page_header
from dashboard.data_access import mask_rows
from dashboard.formatting import escape_markdown
from dashboard.widgets import access_notices
from etl.intents.promote import PromotionError, promote_cluster, write_taxonomy
from etl.intents.taxonomy import PACKS, TaxonomyError, load_taxonomy

PAGE = "intent_discovery"
URL_PATH = "intent-discovery"
TITLE = "Intent discovery"
QUESTION = "What do the contacts without an intent talk about, and which of it should become an intent?"
CLUSTER_KEY = "discovery_cluster"
FORM_KEY = "discovery_promote"
NO_PARENT = "(no parent)"
KEYWORDS_FROM_TERMS = 3
NEXT_STEP = ("The next `cxpulse build` labels the contacts these keywords match with the new intent (source: rule), "
             "and those contacts then train the classifier; the discovery runs again on what is still unclassified.")


def clusters_table(clusters: pd.DataFrame) -> pd.DataFrame:
    """The clusters as a table a person reads (pure)."""
    return pd.DataFrame({
        "Cluster": clusters["cluster_id"].astype(int).tolist(),
        "Contacts": clusters["cluster_size"].astype(int).tolist(),
        "Top terms": clusters["top_terms"].fillna("").astype(str).tolist(),
        "Cohesion": [round(float(c), 2) for c in clusters["cohesion"]],
    })


def suggested_keywords(top_terms: str, count: int = KEYWORDS_FROM_TERMS) -> str:
    """The first `count` top terms, comma-separated, as the form's starting keywords (pure)."""
    return ", ".join([t.strip() for t in str(top_terms).split(",") if t.strip()][:count])


def summary_words(discovery: pd.Series) -> str:
    k = int(discovery["k"]) if pd.notna(discovery["k"]) else 0
    texts = int(discovery["n_texts"])
    without = int(discovery["n_without_terms"])
    words = (f"{k} clusters of the first customer messages of {texts:,} unclassified contacts"
             f" (k chosen by silhouette, {float(discovery['silhouette']):.2f})")
    if without:
        words += f"; {without:,} messages had no word to cluster on"
    return words + "."


def taxonomy_problem(path: Path | None) -> str | None:
    """Why the configured taxonomy cannot take a promotion, or None."""
    if path is None:
        return ("The taxonomy is the shipped starter pack. To promote clusters, set `[intents] taxonomy` in"
                " cxpulse.toml to a file of your own that says `extends: starter`.")
    if Path(path).resolve() in {p.resolve() for p in PACKS.values()}:
        return ("The taxonomy is a shipped pack. To promote clusters, set `[intents] taxonomy` in cxpulse.toml to a"
                " file of your own that extends it.")
    return None


def _promote_form(ctx: PageContext, cluster: pd.Series) -> None:
    path = ctx.settings.intents.taxonomy
    problem = taxonomy_problem(path)
    st.subheader("Promote this cluster to an intent")
    if problem:
        st.info(problem)
        return
    assert path is not None
    try:
        known = load_taxonomy(path).names()
    except TaxonomyError as error:
        st.warning(f"The taxonomy file does not load, so nothing can be added to it: {escape_markdown(str(error))}")
        return
    cluster_id = int(cluster["cluster_id"])
    with st.form(f"{FORM_KEY}_{cluster_id}"):
        name = st.text_input("Name (lower case letters, digits and underscores)", key=f"{FORM_KEY}_name")
        label = st.text_input("Label", key=f"{FORM_KEY}_label")
        description = st.text_input("Description", key=f"{FORM_KEY}_description")
        parent = st.selectbox("Parent", [NO_PARENT, *sorted(known)], key=f"{FORM_KEY}_parent")
        keywords = st.text_input("Keywords (comma-separated; each labels the contacts whose text contains it)",
                                 value=suggested_keywords(cluster["top_terms"]), key=f"{FORM_KEY}_keywords")
        submitted = st.form_submit_button("Add the intent to the taxonomy")
    if not submitted:
        st.caption(f"Writes {path}. {NEXT_STEP}")
        return
    try:
        text = Path(path).read_text(encoding="utf-8")
        new_text = promote_cluster(
            text, name=name, label=label, description=description,
            parent=None if parent == NO_PARENT else parent,
            keywords=[k for k in keywords.split(",")], known_intents=set(known),
            comment=f"promoted from intent discovery cluster {cluster_id} ({int(cluster['cluster_size'])} contacts)")
        write_taxonomy(Path(path), new_text)
    except (PromotionError, OSError) as error:
        st.error("Not added:")
        st.text(str(error))
        return
    st.success(f"Added the intent {escape_markdown(name.strip())} to {path}.")
    st.text(NEXT_STEP)


def render() -> None:
    ctx = context()
    page_header(TITLE, QUESTION, ctx)
    if ctx.unavailable:
        st.warning(escape_markdown(ctx.unavailable))
        return
    if not ctx.filters.scope.everything:  # clusters are found over every contact, not per team, queue or source
        access_notices.not_available_for_scope()
        return
    try:
        discovery = queries_intent_discovery.latest_discovery(ctx.warehouse_url, ctx.version)
        if discovery.empty:
            st.info("No discovery has been made: it runs in `cxpulse build` once contacts are left without an"
                    " intent (no vendor field, rule or confident model guess).")
            return
        latest = discovery.iloc[0]
        if latest["status"] != "clustered":
            st.info(f"No clusters: {escape_markdown(str(latest['reason']))}.")
            return
        clusters = queries_intent_discovery.clusters(ctx.warehouse_url, ctx.version)
        st.caption(summary_words(latest))
        st.dataframe(clusters_table(clusters), hide_index=True, width="stretch")
        st.caption("Cohesion: mean cosine similarity of a cluster's messages to its centre, 0-1 (1 = they all say "
                   "the same thing).")
        options = clusters["cluster_id"].astype(int).tolist()
        chosen = st.selectbox("Cluster", options, key=CLUSTER_KEY,
                              format_func=lambda c: f"Cluster {c}")
        cluster = clusters[clusters["cluster_id"].astype(int) == chosen].iloc[0]
        st.subheader(f"Cluster {int(chosen):d}: {int(cluster['cluster_size']):,} contacts")
        st.text(f"Top terms: {cluster['top_terms']}")
        if access_notices.may_open_conversations(ctx.viewer):  # customers' own words: not for aggregates-only roles
            examples = mask_rows(queries_intent_discovery.examples(ctx.warehouse_url, ctx.version, chosen,
                                                                   ctx.filters.scope),
                                 ctx.viewer, text_columns=("message_text",))
            st.dataframe(pd.DataFrame({"Contact": examples["interaction_id"].astype(str).tolist(),
                                       "First customer message": examples["message_text"].astype(str).tolist()}),
                         hide_index=True, width="stretch")
        else:
            access_notices.aggregates_only()
        if ctx.viewer.capabilities.configure:  # changing the taxonomy: the configure capability (admin)
            _promote_form(ctx, cluster)
    except queries.DataUnavailable as error:
        st.warning(escape_markdown(str(error)))
