"""Account churn driven by the experiences the account's people had during the period."""

from __future__ import annotations

import numpy as np

from etl.demo import catalog
from etl.demo.outcomes import LONG_WAIT_S, Outcomes
from etl.demo.population import Accounts
from etl.demo.schedule import ContactBatch, Period
from etl.demo.writers import SECONDS_PER_DAY

CHURN_TARGET_SHARE = 0.10
BAD_EXPERIENCE_WEIGHTS: dict[str, float] = {
    "abandons": 0.9, "repeats": 0.8, "negative": 0.6, "restatements": 0.9, "low_csat": 1.0, "long_waits": 0.6,
}
SILENT_EXODUS_LOGIT = 3.5
BOT_ONLY_LOGIT = 0.8
MINIMUM_TENURE_DAYS = 14


class ExperienceLedger:
    """Per-account tallies of contacts and bad experiences, plus contacts per week of the period."""

    def __init__(self, account_total: int, period: Period) -> None:
        self.period = period
        self.counts = {name: np.zeros(account_total) for name in (*BAD_EXPERIENCE_WEIGHTS, "contacts", "human")}
        self.weekly_contacts = np.zeros((account_total, period.day_count // 7 + 1))

    def record(self, batch: ContactBatch, outcomes: Outcomes) -> None:
        account = outcomes.account
        channel = batch.channel
        queued = (channel == catalog.VOICE) | ((channel == catalog.CHAT) & ~outcomes.contained)
        tallies = {
            "abandons": outcomes.abandoned,
            "repeats": batch.generation > 0,
            "negative": outcomes.mood >= 2,
            "restatements": outcomes.restated,
            "low_csat": (outcomes.csat >= 1) & (outcomes.csat <= 2),
            "long_waits": queued & (outcomes.wait_s > LONG_WAIT_S),
            "contacts": np.ones(len(batch), bool),
            "human": ~outcomes.contained,
        }
        for name, flags in tallies.items():
            np.add.at(self.counts[name], account, flags.astype(np.float64))
        week = (batch.created_s // SECONDS_PER_DAY - self.period.start_day) // 7
        np.add.at(self.weekly_contacts, (account, np.clip(week, 0, self.weekly_contacts.shape[1] - 1)), 1.0)


def churn_logits(ledger: ExperienceLedger, accounts: Accounts, customers_per_account: np.ndarray) -> np.ndarray:
    """Segment base rate raised by bad experiences per person (relative to the average account)."""
    people = np.maximum(customers_per_account, 1)
    logit = np.asarray(catalog.SEGMENT_CHURN_LOGIT)[accounts.segment].astype(np.float64)
    for name, weight in BAD_EXPERIENCE_WEIGHTS.items():
        per_person = ledger.counts[name] / people
        logit += weight * np.log1p(per_person / max(float(per_person.mean()), 1e-9))
    contacts = ledger.counts["contacts"]
    logit += SILENT_EXODUS_LOGIT * accounts.is_quiet
    logit += BOT_ONLY_LOGIT * ((contacts > 0) & (ledger.counts["human"] == 0))
    return logit


def _intercept_for_share(logit: np.ndarray, share: float) -> float:
    """Shift that makes the mean churn probability equal `share` (bisection)."""
    low, high = -20.0, 20.0
    for _ in range(60):
        middle = (low + high) / 2
        if float(np.mean(1 / (1 + np.exp(-(logit + middle))))) < share:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def choose_churners(rng: np.random.Generator, logit: np.ndarray) -> np.ndarray:
    """Exactly round(target share × accounts) churners, drawn in proportion to their probability."""
    probability = 1 / (1 + np.exp(-(logit + _intercept_for_share(logit, CHURN_TARGET_SHARE))))
    churner_total = round(CHURN_TARGET_SHARE * len(logit))
    keys = np.log(probability) + rng.gumbel(size=len(logit))
    churned = np.zeros(len(logit), bool)
    churned[np.argsort(-keys, kind="stable")[:churner_total]] = True
    return churned


def churn_days(rng: np.random.Generator, churned: np.ndarray, ledger: ExperienceLedger,
               accounts: Accounts) -> np.ndarray:
    """Epoch day each churned account left (after most of its contacts), -1 for retained accounts."""
    period = ledger.period
    weekly = ledger.weekly_contacts
    total = weekly.sum(axis=1)
    quantile = rng.uniform(0.85, 1.0, size=len(churned))
    cumulative = np.cumsum(weekly, axis=1) / np.maximum(total, 1)[:, None]
    week = (cumulative < quantile[:, None]).sum(axis=1)
    by_contacts = period.start_day + week * 7 + rng.integers(3, 10, size=len(churned))
    silent = period.start_day + period.day_count // 2 + rng.integers(0, period.day_count // 2, size=len(churned))
    day = np.where(total > 0, by_contacts, silent)
    earliest = np.maximum(period.start_day, accounts.started_day + MINIMUM_TENURE_DAYS)
    day = np.clip(day, earliest, period.end_day)
    return np.where(churned, day, -1)
