"""When customers get in touch: the period, the demand calendar, and follow-up (repeat) contacts."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from etl.demo import catalog
from etl.demo.writers import SECONDS_PER_DAY, epoch_seconds

_EPOCH = date(1970, 1, 1)
SPIKE_POSITION = 0.6
MINIMUM_REPEAT_GAP_S = 600
CHANNEL_SWITCH_ON_REPEAT = 0.55
CUSTOMER_REDRAWS = 4
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class Period:
    """The simulated period as UTC epoch days, first and last day inclusive."""

    start_day: int
    end_day: int

    @classmethod
    def ending_on(cls, end_date: date, months: int) -> Period:
        month_index = end_date.year * 12 + end_date.month - 1 - months
        year, month = divmod(month_index, 12)
        day = min(end_date.day, calendar.monthrange(year, month + 1)[1])
        start = date(year, month + 1, day) + timedelta(days=1)
        return cls(epoch_seconds(start) // SECONDS_PER_DAY, epoch_seconds(end_date) // SECONDS_PER_DAY)

    @property
    def day_count(self) -> int:
        return self.end_day - self.start_day + 1

    @property
    def end_s(self) -> int:
        """The export's 'now': 00:00 UTC after the last day; nothing later is written."""
        return (self.end_day + 1) * SECONDS_PER_DAY

    @property
    def spike_start_day(self) -> int:
        return self.start_day + round(SPIKE_POSITION * self.day_count)

    def month_spans(self) -> list[tuple[str, int, int]]:
        """(YYYY-MM label, first epoch day, last epoch day) of each calendar month in the period."""
        spans = []
        day = self.start_day
        while day <= self.end_day:
            current = _EPOCH + timedelta(days=day)
            month_last = current.replace(day=calendar.monthrange(current.year, current.month)[1])
            last = min(self.end_day, (month_last - _EPOCH).days)
            spans.append((f"{current.year:04d}-{current.month:02d}", day, last))
            day = last + 1
        return spans

    def date_of(self, day: int) -> date:
        return _EPOCH + timedelta(days=day)


@dataclass
class ContactBatch:
    """Scheduled contacts, one entry per interaction (columns of equal length)."""

    created_s: np.ndarray
    customer: np.ndarray
    intent: np.ndarray
    channel: np.ndarray
    generation: np.ndarray
    has_followup: np.ndarray

    def __len__(self) -> int:
        return len(self.created_s)

    def take(self, index: np.ndarray) -> ContactBatch:
        return ContactBatch(*(column[index] for column in self._columns()))

    def _columns(self) -> tuple[np.ndarray, ...]:
        return (self.created_s, self.customer, self.intent, self.channel, self.generation, self.has_followup)

    @staticmethod
    def concat(batches: list[ContactBatch]) -> ContactBatch:
        columns = zip(*(batch._columns() for batch in batches), strict=True)
        return ContactBatch(*(np.concatenate(parts) for parts in columns))

    @staticmethod
    def empty() -> ContactBatch:
        return ContactBatch(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8),
                            np.zeros(0, np.int8), np.zeros(0, np.int8), np.zeros(0, bool))


def intent_channel_probabilities() -> np.ndarray:
    """Matrix intents × channels: each intent's channel mix."""
    tilt = np.asarray([intent.channel_tilt for intent in catalog.INTENTS])
    weights = tilt * np.asarray(catalog.CHANNEL_SHARE)[None, :]
    return weights / weights.sum(axis=1, keepdims=True)


def day_volume_weights(period: Period, days: np.ndarray) -> np.ndarray:
    """Relative volume of each epoch day: weekday pattern times slow monthly growth."""
    weekday = (days + 3) % 7
    months_in = (days - period.start_day) / DAYS_PER_MONTH
    return np.asarray(catalog.WEEKDAY_VOLUME)[weekday] * (1 + catalog.MONTHLY_VOLUME_GROWTH) ** months_in


def spike_multipliers(period: Period, days: np.ndarray) -> np.ndarray:
    """Matrix days × intents of volume multipliers during the outage spike (1 elsewhere)."""
    multipliers = np.ones((len(days), len(catalog.INTENTS)))
    offset = days - period.spike_start_day
    for position, factor in enumerate(catalog.SPIKE_DAY_MULTIPLIERS):
        multipliers[np.ix_(offset == position, catalog.SPIKE_INTENTS)] = factor
    return multipliers


def is_spike_day(period: Period, days: np.ndarray) -> np.ndarray:
    offset = days - period.spike_start_day
    return (offset >= 0) & (offset < len(catalog.SPIKE_DAY_MULTIPLIERS))


def contacts_per_first_contact() -> float:
    """Expected interactions per first contact once follow-ups are counted (share-weighted)."""
    total = 0.0
    for intent in catalog.INTENTS:
        expected, chain = 1.0, 1.0
        for generation in range(12):
            chain *= intent.repeat_probability * catalog.REPEAT_DECAY_PER_GENERATION ** generation
            expected += chain
        total += intent.share * expected
    return total


def first_contacts_per_day(period: Period, scale: int) -> float:
    """Base daily rate of first contacts that makes the whole period hold about `scale` interactions."""
    days = np.arange(period.start_day, period.end_day + 1)
    share = np.asarray([intent.share for intent in catalog.INTENTS])
    weight = day_volume_weights(period, days)[:, None] * share[None, :] * spike_multipliers(period, days)
    return scale / (float(weight.sum()) * contacts_per_first_contact())


class ContactScheduler:
    """Draws each month's contacts: first contacts from the calendar, then follow-ups by the same people."""

    def __init__(self, rng: np.random.Generator, period: Period, scale: int,
                 customer_weight: np.ndarray, customer_created_s: np.ndarray) -> None:
        self.rng = rng
        self.period = period
        self.rate_per_day = first_contacts_per_day(period, scale)
        self.customer_cumulative = np.cumsum(customer_weight)
        self.customer_created_s = customer_created_s
        self.channel_cumulative = np.cumsum(intent_channel_probabilities(), axis=1)
        self.carry = ContactBatch.empty()

    def month(self, first_day: int, last_day: int) -> ContactBatch:
        """All contacts created in [first_day, last_day], sorted by time; later follow-ups are carried."""
        month_end_s = (last_day + 1) * SECONDS_PER_DAY
        first = self._first_contacts(first_day, last_day)
        pending = ContactBatch.concat([self.carry, first])
        in_month = pending.created_s < month_end_s
        later = [pending.take(~in_month)]
        batch = pending.take(in_month)
        frontier = np.arange(len(batch))
        while len(frontier):
            followups = self._spawn_followups(batch, frontier)
            stays = followups.created_s < month_end_s
            later.append(followups.take(~stays & (followups.created_s < self.period.end_s)))
            start = len(batch)
            batch = ContactBatch.concat([batch, followups.take(stays)])
            frontier = np.arange(start, len(batch))
        self.carry = ContactBatch.concat(later)
        return batch.take(np.lexsort((batch.customer, batch.created_s)))

    def _first_contacts(self, first_day: int, last_day: int) -> ContactBatch:
        days = np.arange(first_day, last_day + 1)
        share = np.asarray([intent.share for intent in catalog.INTENTS])
        expected = (self.rate_per_day * day_volume_weights(self.period, days)[:, None] * share[None, :]
                    * spike_multipliers(self.period, days))
        cell_share = expected.ravel() / expected.sum()
        counts = self.rng.multinomial(round(float(expected.sum())), cell_share)
        cell = np.repeat(np.arange(counts.size), counts)
        day = days[cell // len(catalog.INTENTS)]
        intent = (cell % len(catalog.INTENTS)).astype(np.int8)
        created_s = day * SECONDS_PER_DAY + self._seconds_of_day(len(cell))
        customer = self._customers_existing_at(created_s)
        keep = customer >= 0
        batch = ContactBatch(created_s[keep], customer[keep], intent[keep], self._channels(intent[keep]),
                             np.zeros(int(keep.sum()), np.int8), np.zeros(int(keep.sum()), bool))
        return batch

    def _seconds_of_day(self, count: int) -> np.ndarray:
        hourly = np.cumsum(catalog.HOURLY_VOLUME) / sum(catalog.HOURLY_VOLUME)
        hour = np.searchsorted(hourly, self.rng.random(count), side="right")
        return hour * 3600 + self.rng.integers(0, 3600, size=count)

    def _channels(self, intent: np.ndarray) -> np.ndarray:
        draw = self.rng.random(len(intent))
        return (draw[:, None] > self.channel_cumulative[intent]).sum(axis=1).astype(np.int8)

    def _pick_customers(self, count: int) -> np.ndarray:
        draw = self.rng.random(count) * self.customer_cumulative[-1]
        return np.searchsorted(self.customer_cumulative, draw, side="right").astype(np.int64)

    def _customers_existing_at(self, created_s: np.ndarray) -> np.ndarray:
        """A customer for each contact, redrawn when the person did not exist yet; -1 if none found."""
        customer = self._pick_customers(len(created_s))
        for _ in range(CUSTOMER_REDRAWS):
            too_early = np.flatnonzero(created_s < self.customer_created_s[customer])
            if not len(too_early):
                break
            customer[too_early] = self._pick_customers(len(too_early))
        customer[created_s < self.customer_created_s[customer]] = -1
        return customer

    def _spawn_followups(self, batch: ContactBatch, frontier: np.ndarray) -> ContactBatch:
        intent = batch.intent[frontier]
        generation = batch.generation[frontier]
        repeat_probability = np.asarray([item.repeat_probability for item in catalog.INTENTS])[intent]
        probability = repeat_probability * catalog.REPEAT_DECAY_PER_GENERATION ** generation
        spawns = frontier[self.rng.random(len(frontier)) < probability]
        batch.has_followup[spawns] = True
        parent = batch.take(spawns)
        gap_median_s = np.asarray([item.repeat_gap_hours_median for item in catalog.INTENTS])[parent.intent] * 3600
        gap_s = np.maximum(MINIMUM_REPEAT_GAP_S, self.rng.lognormal(np.log(gap_median_s), 0.9)).astype(np.int64)
        switches = self.rng.random(len(parent)) < CHANNEL_SWITCH_ON_REPEAT
        channel = np.where(switches, self._channels(parent.intent), parent.channel).astype(np.int8)
        return replace(parent, created_s=parent.created_s + gap_s, channel=channel,
                       generation=np.minimum(parent.generation + 1, 20).astype(np.int8),
                       has_followup=np.zeros(len(parent), bool))
