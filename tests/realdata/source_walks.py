"""Independent figures for the real public data sets, computed with pandas straight from the files in
../shared/data, never through the warehouse. Each function states the definition it follows (the catalog's,
sql/metrics/*.yml) so that a disagreement points at one side or the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tests.realdata.datasets import ABCD, HELPDESK, TWITTER

SOLVED = {"Resolve ticket", "RESOLVED"}
# mappings/helpdesk_italian.yml maps these two activities to `escalated`
ESCALATED = {"Require upgrade", "Create SW anomaly"}


@dataclass(frozen=True)
class HelpdeskFigures:
    cases: int
    solved_cases: int
    mean_first_resolution_seconds: float
    escalated_cases: int


def helpdesk_log(path: Path = HELPDESK) -> pd.DataFrame:
    """The event log with each event's time in UTC (the log is in Italian local time, SOURCE.md)."""
    log = pd.read_csv(path, usecols=["Case ID", "Activity", "Complete Timestamp"])
    log["at"] = (pd.to_datetime(log["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f")
                 .dt.tz_localize("Europe/Rome").dt.tz_convert("UTC"))
    return log


def helpdesk_figures(path: Path = HELPDESK) -> HelpdeskFigures:
    """A case is created at its first event; time to resolution (catalog default, first_resolution_calendar) runs
    from creation to its first solve, over cases solved at least once; a case is escalated when any of its events
    is an escalation activity; escalation rate = escalated cases / cases."""
    log = helpdesk_log(path)
    created = log.groupby("Case ID")["at"].min()
    first_solve = log[log["Activity"].isin(SOLVED)].groupby("Case ID")["at"].min()
    resolution = (first_solve - created.reindex(first_solve.index)).dt.total_seconds()
    escalated = log.loc[log["Activity"].isin(ESCALATED), "Case ID"].nunique()
    return HelpdeskFigures(cases=len(created), solved_cases=len(resolution),
                           mean_first_resolution_seconds=float(resolution.mean()), escalated_cases=escalated)


def helpdesk_span(path: Path = HELPDESK) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last case creation, UTC."""
    created = helpdesk_log(path).groupby("Case ID")["at"].min()
    return created.min(), created.max()


def _customer_service_compound(texts: pd.Series) -> pd.Series:
    """The compound score of the product's customer-service scorer (VADER with the lexicon of
    etl.enrich.cs_lexicon), applied text by text: the scorer is the product's, the aggregation here is not."""
    from etl.enrich import cs_lexicon

    analyzer = cs_lexicon.adapted_analyzer()
    return texts.map(lambda text: analyzer.polarity_scores(cs_lexicon.mark_phrases(text))["compound"])


def twitter_tweets(path: Path = TWITTER) -> pd.DataFrame:
    tweets = pd.read_csv(path, dtype={"tweet_id": str, "author_id": str})
    tweets["created_at"] = pd.to_datetime(tweets["created_at"], format="%a %b %d %H:%M:%S %z %Y").dt.tz_convert("UTC")
    return tweets


def twitter_inbound_contacts(path: Path = TWITTER) -> int:
    """Customer contacts: the customers' own tweets (inbound = True); the brands' replies are not contacts."""
    return int(twitter_tweets(path)["inbound"].sum())


def twitter_customer_sentiment(path: Path = TWITTER) -> float:
    """Catalog customer_sentiment: each contact's mean customer score, averaged over contacts. In this sample each
    inbound tweet is its own contact (threads are broken, SOURCE.md: 4 of 5,000 rows have their parent)."""
    tweets = twitter_tweets(path)
    return float(_customer_service_compound(tweets.loc[tweets["inbound"], "text"]).mean())


def abcd_conversations(path: Path = ABCD) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def abcd_customer_sentiment(path: Path = ABCD) -> float:
    """Mean over conversations of the mean score of the customer's turns (speaker "customer")."""
    means = []
    for conversation in abcd_conversations(path):
        turns = pd.Series([text for speaker, text in conversation["original"] if speaker == "customer"])
        means.append(_customer_service_compound(turns).mean())
    return float(sum(means) / len(means))
