"""Vectorised draws of how each contact goes: routing, waits, bot outcome, mood, resolution, surveys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import catalog
from etl.demo.population import Agents
from etl.demo.schedule import ContactBatch, Period, is_spike_day
from etl.demo.writers import SECONDS_PER_DAY

MOOD_THRESHOLDS: tuple[float, ...] = (0.6, -0.2, -1.0)
LONG_WAIT_S = 300
CSAT_RESPONSE_RATE = 0.19
CES_RESPONSE_RATE = 0.11
NPS_RESPONSE_RATE = 0.02
VOICE_PATIENCE_MEAN_S = 900.0
SHORT_ABANDON_SHARE = 0.02

_INTENT_ARRAYS = {
    name: np.asarray([getattr(intent, name) for intent in catalog.INTENTS])
    for name in ("team", "bot_containment", "handle_seconds_median", "hold_probability",
                 "transfer_probability", "escalation_probability", "sentiment_baseline", "effort")
}
_PRIORITY_CUMULATIVE = np.cumsum([intent.priority_weights for intent in catalog.INTENTS], axis=1)
_ESCALATION_CUMULATIVE = np.cumsum([intent.escalation_reason_weights for intent in catalog.INTENTS], axis=1)
_QUEUE_BY_CHANNEL_TEAM = np.asarray([[catalog.queue_index(channel, team) for team in range(len(catalog.TEAMS))]
                                     for channel in range(len(catalog.CHANNELS))])
_QUEUE_TEAM = np.asarray([queue.team for queue in catalog.QUEUES])
_HANDOFF_HIGHWAY = catalog.INTENT_NAMES.index("cancel_subscription")


@dataclass
class Outcomes:
    """Per-contact outcome columns for one chunk of contacts (numpy arrays of equal length)."""

    account: np.ndarray
    priority: np.ndarray
    queue: np.ndarray
    agent: np.ndarray
    second_queue: np.ndarray
    second_agent: np.ndarray
    load: np.ndarray
    ivr_s: np.ndarray
    wait_s: np.ndarray
    second_wait_s: np.ndarray
    patience_s: np.ndarray
    abandoned: np.ndarray
    contained: np.ndarray
    bot_gave_up: np.ndarray
    handoff_reason: np.ndarray
    restated: np.ndarray
    transferred: np.ndarray
    escalated: np.ndarray
    escalation_reason: np.ndarray
    hold_count: np.ndarray
    hold_s: np.ndarray
    talk_s: np.ndarray
    acw_s: np.ndarray
    first_reply_s: np.ndarray
    exchanges: np.ndarray
    reopened: np.ndarray
    mood: np.ndarray
    resolved: np.ndarray
    recovered: np.ndarray
    csat: np.ndarray
    ces: np.ndarray
    nps: np.ndarray
    survey_delay_s: np.ndarray


def staffing_load(period: Period, created_s: np.ndarray) -> np.ndarray:
    """How stretched the floor is at contact time: Monday mornings, off-hours and the spike run hot."""
    day = created_s // SECONDS_PER_DAY
    hour = (created_s % SECONDS_PER_DAY) // 3600
    weekday = (day + 3) % 7
    monday_morning = (weekday == 0) & (hour >= 8) & (hour < 13)
    off_hours = (hour < 8) | (hour >= 18)
    return 1.0 + 1.2 * monday_morning + 0.6 * off_hours + 2.5 * is_spike_day(period, day) + 0.3 * (weekday >= 5)


def mood_index(score: np.ndarray) -> np.ndarray:
    """0 happy, 1 neutral, 2 frustrated, 3 angry from a continuous mood score."""
    return (score[:, None] < np.asarray(MOOD_THRESHOLDS)[None, :]).sum(axis=1).astype(np.int8)


class OutcomeDrawer:
    """Draws the outcome columns for a chunk of scheduled contacts."""

    def __init__(self, rng: np.random.Generator, period: Period, agents: Agents,
                 customer_account: np.ndarray, account_segment: np.ndarray, month_number: int) -> None:
        self.rng = rng
        self.period = period
        self.agents = agents
        self.customer_account = customer_account
        self.account_segment = account_segment
        self.containment_gain = catalog.MONTHLY_CONTAINMENT_GAIN * month_number

    def draw(self, batch: ContactBatch) -> Outcomes:
        count = len(batch)
        rng = self.rng
        intent = batch.intent.astype(np.int64)
        channel = batch.channel.astype(np.int64)
        load = staffing_load(self.period, batch.created_s)
        queue = _QUEUE_BY_CHANNEL_TEAM[channel, _INTENT_ARRAYS["team"][intent]]
        abandoned, wait_s, patience_s, contained, gave_up = self._queue_outcomes(batch, load, intent, channel)
        escalated, reason = self._escalations(batch, intent)
        handoff_reason = self._handoff_reasons(intent)
        is_voice = channel == catalog.VOICE
        transferred = is_voice & ~abandoned & (rng.random(count) < _INTENT_ARRAYS["transfer_probability"][intent])
        second_queue = self._second_queues(channel, queue, escalated, transferred)
        answered_by_human = ~abandoned & ~contained
        restated = (channel == catalog.CHAT) & answered_by_human & (
            rng.random(count) < 0.22 + 0.2 * (handoff_reason == 1) + 0.15 * batch.has_followup)
        resolved = ~batch.has_followup & ~abandoned & ~gave_up & (rng.random(count) > 0.05)
        mood_score = self._mood_scores(batch, intent, load)
        mood = mood_index(mood_score)
        recovered = resolved & (mood >= 1) & (rng.random(count) < 0.75)
        experience = self._experience(mood_score, resolved, wait_s, restated, batch, transferred | escalated)
        csat, ces, nps = self._surveys(experience, intent, abandoned)
        hold_count = (is_voice & answered_by_human) * (
            (rng.random(count) < _INTENT_ARRAYS["hold_probability"][intent]).astype(np.int64)
            + (rng.random(count) < 0.3 * _INTENT_ARRAYS["hold_probability"][intent]))
        return Outcomes(
            account=self.customer_account[batch.customer],
            priority=self._priorities(batch, intent),
            queue=queue,
            agent=self._agents_of(_QUEUE_TEAM[queue]),
            second_queue=second_queue,
            second_agent=self._agents_of(_QUEUE_TEAM[second_queue]),
            load=load,
            ivr_s=rng.integers(15, 90, size=count),
            wait_s=wait_s,
            second_wait_s=rng.lognormal(np.log(30 * load), 0.8).astype(np.int64) + 5,
            patience_s=patience_s,
            abandoned=abandoned,
            contained=contained,
            bot_gave_up=gave_up,
            handoff_reason=handoff_reason,
            restated=restated,
            transferred=transferred,
            escalated=escalated & answered_by_human,
            escalation_reason=reason,
            hold_count=hold_count,
            hold_s=rng.lognormal(np.log(70), 0.7, size=(count, 2)).astype(np.int64) + 10,
            talk_s=self._talk_seconds(intent, channel),
            acw_s=rng.lognormal(np.log(50), 0.6, size=count).astype(np.int64) + 5,
            first_reply_s=self._first_reply_seconds(channel, load),
            exchanges=1 + (rng.random(count) < 0.4),
            reopened=(channel != catalog.VOICE) & (channel != catalog.CHAT) & (rng.random(count) < 0.07),
            mood=mood,
            resolved=resolved,
            recovered=recovered,
            csat=csat,
            ces=ces,
            nps=nps,
            survey_delay_s=rng.lognormal(np.log(5400), 1.1, size=count).astype(np.int64) + 60,
        )

    def _queue_outcomes(self, batch: ContactBatch, load: np.ndarray, intent: np.ndarray,
                        channel: np.ndarray) -> tuple[np.ndarray, ...]:
        """Who waits how long, who hangs up, and which chats the bot keeps."""
        count = len(batch)
        rng = self.rng
        is_voice = channel == catalog.VOICE
        is_chat = channel == catalog.CHAT
        followup = batch.has_followup
        containment = np.clip(_INTENT_ARRAYS["bot_containment"][intent] + self.containment_gain, 0.0, 0.95)
        contained = is_chat & (rng.random(count) < containment * np.where(followup, 0.7, 1.05))
        gave_up = contained & followup & (rng.random(count) < 0.8)
        # Medians of 9 s (voice) and 7 s (chat) at normal load put about three in four contacts inside a 20 s
        # service level, as in a well-run centre; busy hours and the outage spike stretch them by `load`.
        median_wait = np.where(is_voice, 9.0, 7.0) * load
        wait_s = rng.lognormal(np.log(median_wait), 0.9).astype(np.int64) + 2
        patience_s = rng.exponential(VOICE_PATIENCE_MEAN_S / np.where(followup, 2.2, 1.0)).astype(np.int64) + 1
        short = rng.random(count) < SHORT_ABANDON_SHARE
        patience_s = np.where(short, rng.integers(1, 5, size=count), patience_s)
        patience_s = np.where(is_chat, patience_s * 3, patience_s)
        abandoned = (is_voice | (is_chat & ~contained)) & (patience_s < wait_s)
        return abandoned, wait_s, patience_s, contained, gave_up

    def _escalations(self, batch: ContactBatch, intent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        count = len(batch)
        probability = _INTENT_ARRAYS["escalation_probability"][intent] + 0.08 * batch.has_followup
        escalated = self.rng.random(count) < probability
        reason = (self.rng.random(count)[:, None] > _ESCALATION_CUMULATIVE[intent]).sum(axis=1)
        return escalated, np.minimum(reason, len(catalog.ESCALATION_REASONS) - 1)

    def _handoff_reasons(self, intent: np.ndarray) -> np.ndarray:
        draw = self.rng.random(len(intent))
        reason = np.searchsorted(np.cumsum([0.4, 0.25, 0.2, 0.15]), draw, side="right")
        return np.where(intent == _HANDOFF_HIGHWAY, 2, np.minimum(reason, 3))

    def _second_queues(self, channel: np.ndarray, queue: np.ndarray, escalated: np.ndarray,
                       transferred: np.ndarray) -> np.ndarray:
        """Where a contact goes next: Tier 2 on escalation, another team's queue on a plain transfer."""
        other_team = (_QUEUE_TEAM[queue] + 1 + self.rng.integers(0, 3, size=len(queue))) % catalog.TIER2_TEAM
        target_team = np.where(escalated, catalog.TIER2_TEAM, other_team)
        return np.where(escalated | transferred, _QUEUE_BY_CHANNEL_TEAM[channel, target_team], queue)

    def _agents_of(self, team: np.ndarray) -> np.ndarray:
        size = self.agents.team_size[team]
        return self.agents.team_first_index[team] + (self.rng.random(len(team)) * size).astype(np.int64)

    def _priorities(self, batch: ContactBatch, intent: np.ndarray) -> np.ndarray:
        priority = (self.rng.random(len(batch))[:, None] > _PRIORITY_CUMULATIVE[intent]).sum(axis=1)
        enterprise = self.account_segment[self.customer_account[batch.customer]] == 0
        bump = enterprise & (self.rng.random(len(batch)) < 0.3)
        return np.minimum(priority + bump, len(catalog.PRIORITIES) - 1)

    def _mood_scores(self, batch: ContactBatch, intent: np.ndarray, load: np.ndarray) -> np.ndarray:
        spike = is_spike_day(self.period, batch.created_s // SECONDS_PER_DAY)
        return (_INTENT_ARRAYS["sentiment_baseline"][intent] + self.rng.normal(0.0, 0.7, len(batch))
                - 0.55 * np.minimum(batch.generation, 3) - 0.5 * spike - 0.1 * (load - 1.0))

    def _experience(self, mood_score: np.ndarray, resolved: np.ndarray, wait_s: np.ndarray,
                    restated: np.ndarray, batch: ContactBatch, moved: np.ndarray) -> np.ndarray:
        """A latent 'how did that go' score that drives survey answers."""
        return (0.45 * mood_score + 1.0 * resolved - 0.5 * (wait_s > LONG_WAIT_S) - 0.3 * (wait_s > 120)
                - 0.6 * restated - 0.35 * np.minimum(batch.generation, 3) - 0.3 * moved)

    def _surveys(self, experience: np.ndarray, intent: np.ndarray,
                 abandoned: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scores per survey type, -1 where the customer did not answer."""
        count = len(experience)
        rng = self.rng
        eligible = ~abandoned
        csat = np.clip(np.rint(3.2 + 1.2 * experience + rng.normal(0, 0.7, count)), 1, 5).astype(np.int64)
        ces = np.clip(np.rint(5.2 + 1.1 * experience - 0.9 * _INTENT_ARRAYS["effort"][intent]
                              + rng.normal(0, 0.8, count)), 1, 7).astype(np.int64)
        nps = np.clip(np.rint(7.0 + 1.8 * experience + rng.normal(0, 1.5, count)), 0, 10).astype(np.int64)
        csat = np.where(eligible & (rng.random(count) < CSAT_RESPONSE_RATE), csat, -1)
        ces = np.where(eligible & (rng.random(count) < CES_RESPONSE_RATE), ces, -1)
        nps = np.where(eligible & (rng.random(count) < NPS_RESPONSE_RATE), nps, -1)
        return csat, ces, nps

    def _talk_seconds(self, intent: np.ndarray, channel: np.ndarray) -> np.ndarray:
        median = _INTENT_ARRAYS["handle_seconds_median"][intent] * np.where(channel == catalog.CHAT, 1.4, 1.0)
        return self.rng.lognormal(np.log(median), 0.5).astype(np.int64) + 20

    def _first_reply_seconds(self, channel: np.ndarray, load: np.ndarray) -> np.ndarray:
        median = np.select([channel == catalog.EMAIL, channel == catalog.TICKET], [9000.0, 14000.0], 2400.0)
        return self.rng.lognormal(np.log(median * load), 1.0).astype(np.int64) + 120
