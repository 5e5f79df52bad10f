"""Seed tables: settings the models need as rows (business calendars, SLA policies, unit costs).

The model runner writes every seed into `staging.seed_<name>` at the start of a build, and models read them
with `{{ seed('<name>') }}`. Seeds are pure functions of the settings, so a build from the same raw data and
the same settings gives the same tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from etl.config import BusinessCalendar, Settings

DEFAULT_CALENDAR = "always_open"


@dataclass(frozen=True)
class Seed:
    name: str
    columns: tuple[tuple[str, str], ...]
    rows: Callable[[Settings], list[tuple]]

    @property
    def table(self) -> str:
        return f"staging.seed_{self.name}"


def calendars_of(settings: Settings) -> tuple[BusinessCalendar, ...]:
    """The configured calendars, plus a 24x7 calendar in the reporting time zone when none is the default."""
    calendars = settings.calendars
    if not any(c.is_default for c in calendars):
        import datetime as dt

        always = {day: ((dt.time(0), dt.time.max),) for day in range(1, 8)}
        calendars = (*calendars, BusinessCalendar(DEFAULT_CALENDAR, settings.metrics.reporting_timezone, always,
                                                  is_default=True))
    return calendars


def _time_text(value) -> str:
    return "24:00:00" if value.hour == 23 and value.minute == 59 and value.second == 59 else value.strftime("%H:%M:%S")


def _calendar_hours(settings: Settings) -> list[tuple]:
    return [
        (c.name, c.timezone, c.is_default, day, _time_text(start), _time_text(end))
        for c in calendars_of(settings) for day, spans in sorted(c.weekly_hours.items()) for start, end in spans
    ]


def _calendar_holidays(settings: Settings) -> list[tuple]:
    return [(c.name, day) for c in calendars_of(settings) for day in c.holidays]


def _calendar_assignments(settings: Settings) -> list[tuple]:
    rows = [(c.name, "queue", q) for c in calendars_of(settings) for q in c.queues]
    rows += [(c.name, "team", t) for c in calendars_of(settings) for t in c.teams]
    return rows


def _sla_policies(settings: Settings) -> list[tuple]:
    rows = []
    for order, policy in enumerate(settings.sla_policies, start=1):
        for channel in policy.channels or (None,):
            for priority in policy.priorities or (None,):
                rows.append((policy.name, order, channel, priority, policy.first_reply_seconds,
                             policy.next_reply_seconds, policy.resolution_seconds, policy.business_hours))
    return rows


def _unit_costs(settings: Settings) -> list[tuple]:
    return [(channel, handler, cost) for channel, costs in sorted(settings.unit_costs.items())
            for handler, cost in sorted(costs.items())]


def _metric_evidence(settings: Settings) -> list[tuple]:
    """Each catalog metric with its evidence rule and the reason it is not measured without that evidence."""
    from etl.catalog import load_catalog, load_evidence_rules

    rules = load_evidence_rules()
    return [(metric.name, metric.evidence, rules[metric.evidence].needs, rules[metric.evidence].reason)
            for metric in load_catalog().values()]


def _intent_taxonomy(settings: Settings) -> list[tuple]:
    """Each intent of the configured taxonomy with its label, parent and depth, and the taxonomy's version."""
    from etl.intents.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(settings.intents.taxonomy)
    version = taxonomy.content_version
    return [(i.name, i.label, i.description, i.parent, taxonomy.depth(i.name), order, version)
            for order, i in enumerate(taxonomy.intents, start=1)]


def _intent_vendor_values(settings: Settings) -> list[tuple]:
    """The vendor values the taxonomy maps onto intents ('*' source and field: an intent's own name)."""
    from etl.intents.taxonomy import load_taxonomy, vendor_mapping_rows

    return vendor_mapping_rows(load_taxonomy(settings.intents.taxonomy))


SEEDS: tuple[Seed, ...] = (
    Seed("calendar_hours", (("calendar_name", "text"), ("timezone", "text"), ("is_default", "boolean"),
                            ("iso_weekday", "integer"), ("opens_local", "text"), ("closes_local", "text")),
         _calendar_hours),
    Seed("calendar_holidays", (("calendar_name", "text"), ("holiday_date", "date")), _calendar_holidays),
    Seed("calendar_assignments", (("calendar_name", "text"), ("assigned_to", "text"), ("assigned_id", "text")),
         _calendar_assignments),
    Seed("sla_policies", (("policy_name", "text"), ("policy_order", "integer"), ("channel", "text"),
                          ("priority", "text"), ("first_reply_target_seconds", "double precision"),
                          ("next_reply_target_seconds", "double precision"),
                          ("resolution_target_seconds", "double precision"), ("is_business_hours", "boolean")),
         _sla_policies),
    Seed("unit_costs", (("channel", "text"), ("handler", "text"), ("cost_per_contact", "double precision")),
         _unit_costs),
    Seed("metric_evidence", (("metric_name", "text"), ("evidence_rule", "text"), ("evidence_needed", "text"),
                             ("not_measured_reason", "text")), _metric_evidence),
    Seed("intent_taxonomy", (("intent", "text"), ("intent_label", "text"), ("intent_description", "text"),
                             ("intent_parent", "text"), ("intent_depth", "integer"), ("intent_order", "integer"),
                             ("taxonomy_version", "text")), _intent_taxonomy),
    Seed("intent_vendor_values", (("source_kind", "text"), ("vendor_field", "text"), ("value_key", "text"),
                                  ("intent", "text"), ("mapping_rank", "integer")), _intent_vendor_values),
)


def seed_frame(seed: Seed, settings: Settings) -> pd.DataFrame:
    return pd.DataFrame(seed.rows(settings), columns=[name for name, _ in seed.columns])


def write_seeds(warehouse, settings: Settings) -> None:
    """(Re)create every seed table with the rows the settings give."""
    from etl.warehouse import check_identifier

    for seed in SEEDS:
        table = check_identifier(seed.table)
        columns = ", ".join(f"{check_identifier(name)} {sql_type}" for name, sql_type in seed.columns)
        warehouse.execute(f"drop table if exists {table}")
        warehouse.execute(f"create table {table} ({columns})")
        frame = seed_frame(seed, settings)
        if not frame.empty:
            warehouse.bulk_insert(table, frame)
