"""Whether the sources chosen can support a figure at all, and why not: the reasons of Service trends, Capacity and
the freshness table in one place (pure; dashboard.queries_service_ops sums the evidence columns).

A figure is **measured** for the sources and filters chosen when every evidence column of its metric sums above 0
over all their days: the sources send that kind of record. When one sums to 0 the figure is **not measured**, with
the reason the data gives ("these sources carry no hold times"), never 0 and never "met". When the sources do
send such records but none falls within the dates, the figure is **outside the dates**, and only then does a page
say to widen them (with the days where the records are).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NOT_MEASURED = "not measured"
MEASURED, OUTSIDE_DATES, NOT_MEASURED_STATE = "measured", "outside_dates", "not_measured"

# metric -> the evidence columns of its mart, in the order they are checked, each with the reason the figure
# cannot be measured when the sources chosen never send such a record.
EVIDENCE: dict[str, tuple[tuple[str, str], ...]] = {
    "interactions": (("count_interactions", "the sources chosen hold no contacts"),),
    "first_reply_time": (("count_first_replies", "these sources record no public reply from a person to a "
                                                 "customer's e-mail, ticket, chat or post"),),
    "service_level": (("count_offered", "these sources carry no voice or chat contacts queued for a person "
                                        "(answered or abandoned in a queue)"),),
    "abandonment_rate": (("count_offered", "these sources carry no voice or chat contacts queued for a person "
                                           "(answered or abandoned in a queue)"),),
    "csat": (("count_csat_responses", "these sources carry no CSAT survey answers"),),
    "customer_sentiment": (("count_sentiment_interactions", "these sources carry no customer messages to score"),),
    "handle_time": (("count_handled", "these sources carry no talk times: handle time is the talk, hold and "
                                      "after-contact work of each contact a person handled"),),
    "hold_time": (("count_handled", "these sources carry no talk times, so no contact is known to be handled"),
                  ("count_held_interactions", "these sources carry no hold times")),
    "transfers_per_contact": (("count_transfers", "these sources record no transfers between queues or agents"),),
    "reopen_rate": (("count_resolved", "these sources record no solved contacts"),
                    ("count_reopens", "these sources record no reopens (a solved contact set back to open)")),
    "backlog": (("count_open", "these sources carry no work waiting for people that could be open at a day's "
                               "end: calls, abandoned and bot-only contacts are not backlog, and a contact needs a "
                               "creation time"),),
    "queue_report_offered": (("count_offered", "the sources and channels chosen carry no queue interval report"),),
}
# metrics read with the evidence of another
EVIDENCE["queue_report_answered"] = EVIDENCE["queue_report_offered"]
EVIDENCE["queue_report_abandonment_rate"] = EVIDENCE["queue_report_offered"]
EVIDENCE["queue_report_speed_of_answer"] = (
    *EVIDENCE["queue_report_offered"],
    ("count_answered_with_speed_of_answer", "the interval report states no average speed of answer"),
)
EVIDENCE["queue_report_service_level"] = (
    *EVIDENCE["queue_report_offered"],
    ("count_offered_with_service_level", "the interval report states no service level"),
)
for _bucket in ("backlog_age", "backlog_under_1_day", "backlog_1_to_3_days", "backlog_3_to_7_days",
                "backlog_over_7_days"):
    EVIDENCE[_bucket] = EVIDENCE["backlog"]

# What a capacity history or freshness figure needs, in words.
NO_INTERVAL_TIMES = ("the interval report numbers its intervals but gives no date or time, so they cannot be "
                     "placed on a weekday or a time of day")
NO_DATA_TIME = "no record of this source carries a time (an interval report without dates)"


@dataclass(frozen=True)
class Evidence:
    """All-time sums of a mart's evidence columns under the filters other than the dates, and for each column
    the first and last day where it is above 0."""

    sums: dict[str, float]
    first_day: dict[str, dt.date | None]
    last_day: dict[str, dt.date | None]


@dataclass(frozen=True)
class FigureState:
    state: str  # MEASURED | OUTSIDE_DATES | NOT_MEASURED_STATE
    reason: str = ""
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def is_measured(self) -> bool:
        return self.state == MEASURED

    def words(self, label: str, start: dt.date, end: dt.date) -> str:
        """What a reader is told in place of the figure."""
        if self.state == NOT_MEASURED_STATE:
            return f"{label}: {NOT_MEASURED} — {self.reason}."
        if self.state == OUTSIDE_DATES:
            span = (f" These filters have them from {_day(self.first_day)} to {_day(self.last_day)}: widen the dates "
                    "to see them." if self.first_day and self.last_day else "")
            return f"{label}: no records between {_day(start)} and {_day(end)}.{span}"
        return ""


def _day(day: dt.date | None) -> str:
    return "—" if day is None else f"{day.day} {day:%b %Y}"


def evidence_columns(metrics: list[str] | tuple[str, ...]) -> list[str]:
    """The evidence columns the metrics need, each once, in order."""
    columns: list[str] = []
    for metric in metrics:
        for column, _ in EVIDENCE.get(metric, ()):
            if column not in columns:
                columns.append(column)
    return columns


def figure_state(metric: str, evidence: Evidence, has_value: bool, coverage_reason: str | None = None) -> FigureState:
    """Measured, outside the dates, or not measured with the reason (pure). `coverage_reason`: the reason of
    marts.metric_evidence_coverage for the sources and weeks chosen (dashboard.scorecard.reason_of), which
    decides first: the catalog's evidence rule of the metric found no record carrying its evidence."""
    if coverage_reason:
        return FigureState(NOT_MEASURED_STATE, coverage_reason)
    checks = EVIDENCE.get(metric, ())
    for column, reason in checks:
        if not evidence.sums.get(column):
            return FigureState(NOT_MEASURED_STATE, reason)
    if has_value:
        return FigureState(MEASURED)
    column = checks[-1][0] if checks else ""
    return FigureState(OUTSIDE_DATES, "", evidence.first_day.get(column), evidence.last_day.get(column))
