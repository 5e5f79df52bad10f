"""Turns one scheduled contact and its drawn outcome into an interaction row, events, messages and surveys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from etl.demo import catalog, phrases, texts
from etl.demo.population import Agents, Customers
from etl.demo.texts import UniformStream
from etl.demo.writers import CsvStream, JsonlStream, iso_utc

INTERACTION_HEADER: tuple[str, ...] = (
    "interaction_id", "channel", "customer_id", "queue_id", "agent_id", "intent", "priority", "status",
    "created_at", "updated_at", "closed_at", "subject", "talk_seconds", "hold_seconds", "acw_seconds",
)
SURVEY_HEADER: tuple[str, ...] = (
    "survey_response_id", "interaction_id", "customer_id", "survey_type", "score", "responded_at", "comment",
)
TICKET_CLOSE_DELAY_S = 4 * 86_400
SHORT_ABANDON_S = 5
LONG_CHAT_WAIT_S = 300
_BILLING_TEAM = catalog.TEAMS.index("Billing")


class Contact(NamedTuple):
    """One contact's schedule and outcome, as plain Python values."""

    interaction_id: str
    created_s: int
    customer: int
    intent: int
    channel: int
    generation: int
    priority: int
    queue: int
    agent: int
    second_queue: int
    second_agent: int
    ivr_s: int
    wait_s: int
    second_wait_s: int
    patience_s: int
    abandoned: bool
    contained: bool
    bot_gave_up: bool
    handoff_reason: int
    restated: bool
    transferred: bool
    escalated: bool
    escalation_reason: int
    hold_count: int
    first_hold_s: int
    second_hold_s: int
    talk_s: int
    acw_s: int
    first_reply_s: int
    exchanges: int
    reopened: bool
    mood: int
    resolved: bool
    recovered: bool
    csat: int
    ces: int
    nps: int
    survey_delay_s: int


@dataclass
class MonthStreams:
    """The four per-month output files."""

    interactions: CsvStream
    events: JsonlStream
    messages: JsonlStream
    surveys: CsvStream

    def close(self) -> None:
        for stream in (self.interactions, self.events, self.messages, self.surveys):
            stream.close()


class Timeline:
    """Events and messages of one interaction in time order, plus the handling figures."""

    __slots__ = ("events", "finished_s", "hold_s", "last_agent", "last_queue", "messages", "talk_s")

    def __init__(self) -> None:
        self.events: list[tuple[int, str, str, str, str, str, str]] = []
        self.messages: list[tuple[int, str, str, str, bool]] = []
        self.finished_s = 0
        self.talk_s: int | None = None
        self.hold_s: int | None = None
        self.last_agent = ""
        self.last_queue = ""

    def event(self, at_s: int, event_type: str, agent: str = "", queue: str = "", from_value: str = "",
              to_value: str = "", reason: str = "") -> None:
        self.events.append((at_s, event_type, agent, queue, from_value, to_value, reason))

    def status_change(self, at_s: int, agent: str, from_status: str, to_status: str) -> None:
        self.event(at_s, "status_changed", agent=agent, from_value=from_status, to_value=to_status)

    def message(self, at_s: int, role: str, author: str, text: str, public: bool = True) -> None:
        self.messages.append((at_s, role, author, text, public))


def state_at(timeline: Timeline, created_s: int, end_s: int) -> tuple[str, int, int | None]:
    """Status, last update and closing time of an interaction as seen at the export's end."""
    status, updated_s, closed_s = "open", created_s, None
    for at_s, event_type, _agent, _queue, _from, to_value, _reason in timeline.events:
        if at_s > end_s:
            break
        updated_s = max(updated_s, at_s)
        if event_type == "status_changed":
            status = to_value
            closed_s = None if to_value in ("open", "pending") else closed_s
        elif event_type in ("solved", "abandoned"):
            status, closed_s = ("solved" if event_type == "solved" else "abandoned"), at_s
        elif event_type == "closed":
            status, closed_s = "closed", closed_s if closed_s is not None else at_s
        elif event_type == "reopened":
            status, closed_s = "open", None
    for message in timeline.messages:
        if message[0] <= end_s:
            updated_s = max(updated_s, message[0])
    return status, updated_s, closed_s


class ContactEmitter:
    """Writes one contact at a time: plays its channel's flow and writes what happened before the end."""

    def __init__(self, customers: Customers, agents: Agents, draws: UniformStream, end_s: int) -> None:
        self.customers = customers
        self.agents = agents
        self.draws = draws
        self.end_s = end_s
        self.queue_ids = [queue.queue_id for queue in catalog.QUEUES]
        self.queue_names = [queue.queue_name for queue in catalog.QUEUES]

    def emit(self, contact: Contact, streams: MonthStreams) -> None:
        timeline = Timeline()
        if contact.channel == catalog.VOICE:
            self._voice(contact, timeline)
        elif contact.channel == catalog.CHAT:
            self._chat(contact, timeline)
        else:
            self._written(contact, timeline)
        status, updated_s, closed_s = state_at(timeline, contact.created_s, self.end_s)
        self._write_interaction(contact, timeline, status, updated_s, closed_s, streams.interactions)
        self._write_events(contact.interaction_id, timeline, streams.events)
        self._write_messages(contact.interaction_id, timeline, streams.messages)
        if status in ("solved", "closed"):
            self._write_surveys(contact, timeline.finished_s, streams.surveys)

    def _voice(self, contact: Contact, timeline: Timeline) -> None:
        """IVR, queue, maybe a hang-up; else talk with holds, maybe a transfer, then wrap-up."""
        first_queue = self.queue_ids[contact.queue]
        at_s = contact.created_s
        timeline.event(at_s, "created", queue=first_queue)
        timeline.event(at_s, "ivr_entered")
        at_s += contact.ivr_s
        timeline.event(at_s, "queued", queue=first_queue)
        timeline.last_queue = first_queue
        if contact.abandoned:
            at_s += contact.patience_s
            reason = "short_abandon" if contact.patience_s < SHORT_ABANDON_S else "caller_hung_up"
            timeline.event(at_s, "abandoned", queue=first_queue, reason=reason)
            timeline.talk_s, timeline.hold_s, timeline.finished_s = 0, 0, at_s
            return
        at_s += contact.wait_s
        agent = self.agents.ids[contact.agent]
        timeline.event(at_s, "answered", agent=agent, queue=first_queue)
        moved = contact.transferred or contact.escalated
        first_talk_s = max(30, contact.talk_s * 2 // 5) if moved else contact.talk_s
        at_s = self._talk_with_holds(contact, timeline, at_s, first_talk_s, agent, first_queue)
        talk_s = first_talk_s
        if moved:
            at_s, agent = self._voice_transfer(contact, timeline, at_s, agent)
            talk_s += contact.talk_s - first_talk_s + 30
            at_s += contact.talk_s - first_talk_s + 30
        timeline.event(at_s, "disconnected", agent=agent, queue=timeline.last_queue)
        self._finish_conversation(contact, timeline, at_s, agent)
        timeline.talk_s = talk_s

    def _talk_with_holds(self, contact: Contact, timeline: Timeline, answered_s: int, talk_s: int,
                         agent: str, queue: str) -> int:
        """Holds placed inside the first talk segment; returns when the segment ends."""
        holds = (contact.first_hold_s, contact.second_hold_s)[: contact.hold_count]
        for position, hold_s in enumerate(holds):
            at_s = answered_s + talk_s * (position + 1) // (len(holds) + 1) + sum(holds[:position])
            timeline.event(at_s, "hold_started", agent=agent, queue=queue)
            timeline.event(at_s + hold_s, "hold_ended", agent=agent, queue=queue)
        timeline.hold_s = sum(holds)
        return answered_s + talk_s + sum(holds)

    def _voice_transfer(self, contact: Contact, timeline: Timeline, at_s: int, agent: str) -> tuple[int, str]:
        first_queue = self.queue_ids[contact.queue]
        second_queue = self.queue_ids[contact.second_queue]
        reason = catalog.TRANSFER_REASONS[contact.escalation_reason % len(catalog.TRANSFER_REASONS)]
        if contact.escalated:
            reason = catalog.ESCALATION_REASONS[contact.escalation_reason]
            timeline.event(at_s, "escalated", agent=agent, queue=first_queue, reason=reason)
        timeline.event(at_s, "transferred", agent=agent, queue=second_queue, from_value=first_queue,
                       to_value=second_queue, reason=reason)
        timeline.event(at_s, "queued", queue=second_queue)
        at_s += contact.second_wait_s
        second_agent = self.agents.ids[contact.second_agent]
        timeline.event(at_s, "answered", agent=second_agent, queue=second_queue)
        timeline.last_queue = second_queue
        return at_s, second_agent

    def _finish_conversation(self, contact: Contact, timeline: Timeline, at_s: int, agent: str) -> None:
        if contact.resolved:
            timeline.event(at_s, "solved", agent=agent, queue=timeline.last_queue)
        timeline.event(at_s, "closed", agent=agent, queue=timeline.last_queue)
        timeline.finished_s = at_s
        timeline.last_agent = agent if agent.startswith("AG-") else ""

    def _bot_of(self, contact: Contact) -> tuple[str, str]:
        index = 1 if catalog.INTENTS[contact.intent].team == _BILLING_TEAM else 0
        return self.agents.bot_ids[index], catalog.BOT_NAMES[index]

    def _chat(self, contact: Contact, timeline: Timeline) -> None:
        """Bot first; the bot keeps the contact, loses the customer, or hands off to a person."""
        draws = self.draws
        intent = catalog.INTENT_NAMES[contact.intent]
        bot, bot_name = self._bot_of(contact)
        customer = self.customers.ids[contact.customer]
        at_s = contact.created_s
        timeline.event(at_s, "created")
        timeline.event(at_s, "bot_started", agent=bot)
        timeline.message(at_s + 1, "bot", bot, texts.bot_greeting(bot_name, draws))
        statement = draws.index(len(phrases.ISSUE_STATEMENTS[intent]))
        at_s += draws.between(12, 70)
        mood = phrases.MOODS[contact.mood]
        timeline.message(at_s, "customer", customer,
                         texts.opening_message(intent, mood, contact.generation, statement, draws))
        at_s += draws.between(3, 9)
        timeline.message(at_s, "bot", bot, texts.bot_answer(intent, draws))
        if contact.contained:
            self._bot_ending(contact, timeline, at_s, bot, customer)
            return
        self._handoff(contact, timeline, at_s, bot, customer, statement)

    def _bot_ending(self, contact: Contact, timeline: Timeline, at_s: int, bot: str, customer: str) -> None:
        draws = self.draws
        at_s += draws.between(15, 90)
        if contact.bot_gave_up:
            timeline.message(at_s, "customer", customer, draws.pick(phrases.CUSTOMER_ASK_HUMAN))
            at_s += draws.between(3, 9)
            timeline.message(at_s, "bot", bot, draws.pick(phrases.BOT_CLARIFY))
            at_s += draws.between(60, 400)
            timeline.event(at_s, "disconnected", agent=bot, reason="customer_left")
            timeline.event(at_s, "closed", agent=bot)
            timeline.finished_s = at_s
            return
        timeline.message(at_s, "customer", customer, draws.pick(phrases.CUSTOMER_BOT_THANKS))
        at_s += draws.between(2, 6)
        timeline.message(at_s, "bot", bot, draws.pick(phrases.BOT_CLOSINGS))
        self._finish_conversation(contact, timeline, at_s, bot)

    def _handoff(self, contact: Contact, timeline: Timeline, at_s: int, bot: str, customer: str,
                 statement: int) -> None:
        """Bot to human: queue, maybe leave, else the agent conversation (with any restatement)."""
        draws = self.draws
        queue = self.queue_ids[contact.queue]
        reason = catalog.HANDOFF_REASONS[contact.handoff_reason]
        if reason == "customer_request":
            at_s += draws.between(10, 40)
            timeline.message(at_s, "customer", customer, draws.pick(phrases.CUSTOMER_ASK_HUMAN))
        at_s += draws.between(2, 6)
        timeline.message(at_s, "bot", bot, draws.pick(phrases.BOT_HANDOFF))
        timeline.event(at_s, "handoff", agent=bot, queue=queue, reason=reason)
        timeline.event(at_s, "queued", queue=queue)
        timeline.last_queue = queue
        if contact.abandoned:
            at_s += contact.patience_s
            timeline.event(at_s, "abandoned", queue=queue, reason="left_chat_queue")
            timeline.talk_s, timeline.hold_s, timeline.finished_s = 0, 0, at_s
            return
        at_s += contact.wait_s
        agent = self.agents.ids[contact.agent]
        timeline.event(at_s, "answered", agent=agent, queue=queue)
        answered_s = at_s
        at_s = self._agent_chat(contact, timeline, at_s, agent, customer, statement)
        timeline.talk_s = at_s - answered_s - (contact.second_wait_s if contact.escalated else 0)
        timeline.hold_s = 0

    def _agent_chat(self, contact: Contact, timeline: Timeline, at_s: int, agent: str, customer: str,
                    statement: int) -> int:
        draws = self.draws
        intent = catalog.INTENT_NAMES[contact.intent]
        mood = phrases.MOODS[contact.mood]
        step_s = max(15, contact.talk_s // 7)
        first_name = self.customers.first_names[contact.customer]
        timeline.message(at_s, "system", "", phrases.SYSTEM_JOINED.format(agent=self.agents.names[contact.agent]))
        at_s += draws.between(5, 25)
        timeline.message(at_s, "agent", agent, texts.agent_greeting(first_name, draws))
        at_s += step_s
        after_wait = f"{draws.pick(phrases.CUSTOMER_AFTER_WAIT)} " if contact.wait_s > LONG_CHAT_WAIT_S else ""
        if contact.restated:
            timeline.message(at_s, "customer", customer,
                             after_wait + texts.restatement_message(intent, mood, statement, draws))
            reply = draws.pick(phrases.AGENT_APOLOGY_AFTER_RESTATEMENT)
        else:
            timeline.message(at_s, "customer", customer, after_wait + texts.issue_detail(intent, draws))
            reply = draws.pick(phrases.AGENT_FOLLOW_UPS)
        at_s += step_s
        if contact.escalated:
            at_s, agent = self._chat_escalation(contact, timeline, at_s, agent, first_name)
        else:
            timeline.message(at_s, "agent", agent, reply)
            at_s += step_s
        timeline.message(at_s, "agent", agent, texts.agent_resolution(intent, draws))
        at_s += step_s
        timeline.message(at_s, "customer", customer,
                         texts.closing_message(contact.resolved, contact.recovered, draws))
        at_s += draws.between(10, 40)
        if not contact.escalated:
            timeline.message(at_s, "agent", agent, draws.pick(phrases.AGENT_CLOSINGS))
        self._finish_conversation(contact, timeline, at_s, agent)
        return at_s

    def _chat_escalation(self, contact: Contact, timeline: Timeline, at_s: int, agent: str,
                         first_name: str) -> tuple[int, str]:
        first_queue = self.queue_ids[contact.queue]
        second_queue = self.queue_ids[contact.second_queue]
        reason = catalog.ESCALATION_REASONS[contact.escalation_reason]
        timeline.event(at_s, "escalated", agent=agent, queue=first_queue, reason=reason)
        timeline.event(at_s, "transferred", agent=agent, queue=second_queue, from_value=first_queue,
                       to_value=second_queue, reason=reason)
        timeline.message(at_s, "system", "",
                         phrases.SYSTEM_TRANSFERRED.format(queue=self.queue_names[contact.second_queue]))
        at_s += contact.second_wait_s
        second_agent = self.agents.ids[contact.second_agent]
        timeline.event(at_s, "answered", agent=second_agent, queue=second_queue)
        timeline.last_queue = second_queue
        at_s += self.draws.between(5, 25)
        timeline.message(at_s, "agent", second_agent, texts.agent_greeting(first_name, self.draws))
        return at_s + self.draws.between(30, 120), second_agent

    def _written(self, contact: Contact, timeline: Timeline) -> None:
        """E-mail, ticket or social thread: replies over hours, pending/solved states, reopen, close."""
        draws = self.draws
        intent = catalog.INTENT_NAMES[contact.intent]
        queue = self.queue_ids[contact.queue]
        customer = self.customers.ids[contact.customer]
        agent = self.agents.ids[contact.agent]
        at_s = contact.created_s
        timeline.event(at_s, "created", queue=queue)
        statement = draws.index(len(phrases.ISSUE_STATEMENTS[intent]))
        mood = phrases.MOODS[contact.mood]
        timeline.message(at_s, "customer", customer,
                         texts.opening_message(intent, mood, contact.generation, statement, draws))
        timeline.event(at_s, "queued", queue=queue)
        timeline.last_queue = queue
        timeline.event(at_s + contact.first_reply_s // 3, "agent_assigned", agent=agent, queue=queue)
        at_s += contact.first_reply_s
        if contact.exchanges > 1:
            at_s = self._written_exchanges(contact, timeline, at_s, agent, customer)
        if contact.escalated:
            at_s, agent = self._written_escalation(contact, timeline, at_s, agent)
        at_s = self._written_solve(contact, timeline, at_s, agent)
        if contact.reopened:
            at_s = self._written_reopen(contact, timeline, at_s, agent, customer)
        if contact.resolved and not contact.reopened and draws.next() < 0.4:
            timeline.message(at_s + draws.between(600, 20_000), "customer", customer,
                             texts.closing_message(True, contact.recovered, draws))
        closed_s = at_s + TICKET_CLOSE_DELAY_S + draws.between(0, 7200)
        timeline.status_change(closed_s, "", "solved", "closed")
        timeline.event(closed_s, "closed")
        timeline.last_agent = agent

    def _written_exchanges(self, contact: Contact, timeline: Timeline, at_s: int, agent: str,
                           customer: str) -> int:
        draws = self.draws
        intent = catalog.INTENT_NAMES[contact.intent]
        timeline.message(at_s, "agent", agent, f"{texts.agent_greeting(self._first_name(contact), draws)} "
                                               f"{draws.pick(phrases.AGENT_FOLLOW_UPS)}")
        timeline.status_change(at_s, agent, "open", "pending")
        for exchange in range(contact.exchanges - 1):
            at_s += draws.between(1800, 30_000)
            timeline.message(at_s, "customer", customer, texts.issue_detail(intent, draws))
            timeline.status_change(at_s, "", "pending", "open")
            at_s += draws.between(1200, 20_000)
            if exchange < contact.exchanges - 2:
                timeline.message(at_s, "agent", agent, draws.pick(phrases.AGENT_FOLLOW_UPS))
                timeline.status_change(at_s, agent, "open", "pending")
        return at_s

    def _written_escalation(self, contact: Contact, timeline: Timeline, at_s: int, agent: str) -> tuple[int, str]:
        first_queue = self.queue_ids[contact.queue]
        second_queue = self.queue_ids[contact.second_queue]
        reason = catalog.ESCALATION_REASONS[contact.escalation_reason]
        timeline.event(at_s, "escalated", agent=agent, queue=first_queue, reason=reason)
        if contact.channel == catalog.TICKET:
            timeline.message(at_s, "agent", agent, self.draws.pick(phrases.AGENT_INTERNAL_NOTES), public=False)
        if second_queue != first_queue:
            timeline.event(at_s, "transferred", agent=agent, queue=second_queue, from_value=first_queue,
                           to_value=second_queue, reason=reason)
            timeline.last_queue = second_queue
        second_agent = self.agents.ids[contact.second_agent]
        at_s += self.draws.between(1800, 40_000)
        timeline.event(at_s, "agent_assigned", agent=second_agent, queue=timeline.last_queue)
        return at_s + self.draws.between(600, 14_400), second_agent

    def _written_solve(self, contact: Contact, timeline: Timeline, at_s: int, agent: str) -> int:
        """The agent's fix (status pending), then solved once the customer confirms or stays silent."""
        intent = catalog.INTENT_NAMES[contact.intent]
        first_reply = contact.exchanges == 1 and not any(role == "agent" for _, role, *_ in timeline.messages)
        greeting = f"{texts.agent_greeting(self._first_name(contact), self.draws)} " if first_reply else ""
        timeline.message(at_s, "agent", agent, f"{greeting}{texts.agent_resolution(intent, self.draws)} "
                                               f"{self.draws.pick(phrases.AGENT_CLOSINGS)}")
        timeline.status_change(at_s, agent, "open", "pending")
        at_s += self.draws.between(1800, 86_400)
        timeline.status_change(at_s, agent, "pending", "solved")
        timeline.event(at_s, "solved", agent=agent, queue=timeline.last_queue)
        timeline.finished_s = at_s
        return at_s

    def _written_reopen(self, contact: Contact, timeline: Timeline, at_s: int, agent: str, customer: str) -> int:
        draws = self.draws
        at_s += draws.between(20_000, 150_000)
        timeline.message(at_s, "customer", customer, draws.pick(phrases.CUSTOMER_UNRESOLVED))
        timeline.event(at_s, "reopened", agent=agent, queue=timeline.last_queue)
        timeline.status_change(at_s, "", "solved", "open")
        at_s += draws.between(1800, 30_000)
        return self._written_solve(contact, timeline, at_s, agent)

    def _first_name(self, contact: Contact) -> str:
        return self.customers.first_names[contact.customer]

    def _write_interaction(self, contact: Contact, timeline: Timeline, status: str, updated_s: int,
                           closed_s: int | None, stream: CsvStream) -> None:
        is_written = contact.channel not in (catalog.VOICE, catalog.CHAT)
        intent = catalog.INTENTS[contact.intent]
        subject = self.draws.pick(intent.subjects) if is_written else ""
        handled = timeline.talk_s is not None and timeline.talk_s > 0
        acw: Any = contact.acw_s * (3 if is_written else 1) if (handled or is_written) and timeline.last_agent else ""
        stream.write((
            contact.interaction_id, catalog.CHANNELS[contact.channel], self.customers.ids[contact.customer],
            timeline.last_queue, timeline.last_agent, intent.name, catalog.PRIORITIES[contact.priority], status,
            iso_utc(contact.created_s), iso_utc(updated_s), "" if closed_s is None else iso_utc(closed_s), subject,
            "" if timeline.talk_s is None else timeline.talk_s, "" if timeline.hold_s is None else timeline.hold_s,
            acw,
        ))

    def _write_events(self, interaction_id: str, timeline: Timeline, stream: JsonlStream) -> None:
        for number, (at_s, event_type, agent, queue, from_value, to_value, reason) in enumerate(timeline.events):
            if at_s > self.end_s:
                break
            record: dict[str, Any] = {"event_id": f"{interaction_id}-e{number:02d}",
                                      "interaction_id": interaction_id, "occurred_at": iso_utc(at_s),
                                      "event_type": event_type}
            if agent:
                record["agent_id"] = agent
            if queue:
                record["queue_id"] = queue
            if from_value:
                record["from_value"] = from_value
                record["to_value"] = to_value
            if reason:
                record["reason"] = reason
            stream.write(record)

    def _write_messages(self, interaction_id: str, timeline: Timeline, stream: JsonlStream) -> None:
        for number, (at_s, role, author, text, public) in enumerate(timeline.messages):
            if at_s > self.end_s:
                continue
            record: dict[str, Any] = {"message_id": f"{interaction_id}-m{number:02d}",
                                      "interaction_id": interaction_id, "sent_at": iso_utc(at_s),
                                      "author_role": role}
            if author:
                record["author_id"] = author
            record["text"] = text
            record["is_public"] = public
            stream.write(record)

    def _write_surveys(self, contact: Contact, finished_s: int, stream: CsvStream) -> None:
        responded_s = finished_s + contact.survey_delay_s
        if responded_s > self.end_s:
            return
        customer = self.customers.ids[contact.customer]
        for survey_type, score in (("csat", contact.csat), ("ces", contact.ces), ("nps", contact.nps)):
            if score < 0:
                continue
            comment = ""
            if survey_type == "csat" and self.draws.next() < 0.35:
                comment = self.draws.pick(phrases.SURVEY_COMMENTS[score])
            stream.write((f"SV-{contact.interaction_id[4:]}-{survey_type}", contact.interaction_id, customer,
                          survey_type, score, iso_utc(responded_s), comment))
            responded_s += self.draws.between(5, 90)
