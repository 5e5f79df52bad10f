"""The simulated operation's fixed structure: channels, teams, queues and the intent profiles."""

from __future__ import annotations

from dataclasses import dataclass, field

CHANNELS: tuple[str, ...] = ("voice", "chat", "email", "ticket", "social")
CHANNEL_SHARE: tuple[float, ...] = (0.30, 0.35, 0.20, 0.12, 0.03)
VOICE, CHAT, EMAIL, TICKET, SOCIAL = range(5)

PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
SEGMENTS: tuple[str, ...] = ("enterprise", "mid_market", "smb")
SEGMENT_SHARE: tuple[float, ...] = (0.10, 0.35, 0.55)
SEGMENT_MEDIAN_ARR: tuple[float, ...] = (400_000.0, 60_000.0, 8_000.0)
SEGMENT_CUSTOMER_WEIGHT: tuple[float, ...] = (7.0, 2.5, 1.0)
SEGMENT_CHURN_LOGIT: tuple[float, ...] = (-3.2, -2.6, -1.9)

INDUSTRIES: tuple[str, ...] = (
    "Logistics", "Healthcare", "Retail", "Manufacturing", "Financial Services", "Education",
    "Hospitality", "Real Estate", "Media", "Professional Services", "Energy", "Nonprofit",
)

TEAMS: tuple[str, ...] = (
    "Billing", "Technical Support", "Accounts & Access", "Onboarding", "Tier 2 Escalations",
)
TEAM_AGENT_SHARE: tuple[float, ...] = (0.24, 0.30, 0.18, 0.14, 0.14)
TIER2_TEAM = TEAMS.index("Tier 2 Escalations")
BOT_TEAM = "Virtual Agents"
BOT_NAMES: tuple[str, ...] = ("Ava (virtual assistant)", "Max (billing assistant)")
SITES: tuple[str, ...] = ("Austin", "Dublin", "Manila", "Kraków")

ESCALATION_REASONS: tuple[str, ...] = (
    "customer_request", "negative_sentiment", "complexity", "policy_exception", "bot_failure",
)
HANDOFF_REASONS: tuple[str, ...] = ("customer_request", "bot_failure", "unsupported_request", "needs_agent")
TRANSFER_REASONS: tuple[str, ...] = ("wrong_queue", "needs_specialist", "language_preference")


@dataclass(frozen=True)
class Queue:
    """A routing queue worked by one team on one channel."""

    queue_id: str
    queue_name: str
    channel: int
    team: int


def _build_queues() -> tuple[Queue, ...]:
    plan = (
        (VOICE, (0, 1, 2, 3, 4)),
        (CHAT, (0, 1, 2, 3, 4)),
        (EMAIL, (0, 1, 2, 3, 4)),
        (TICKET, (1, 4)),
        (SOCIAL, (1,)),
    )
    short = ("BILLING", "TECH", "ACCESS", "ONBOARD", "TIER2")
    queues = []
    for channel, teams in plan:
        for team in teams:
            label = "Social Care" if channel == SOCIAL else TEAMS[team]
            queues.append(Queue(
                queue_id=f"Q-{CHANNELS[channel].upper()}-{short[team]}",
                queue_name=f"{label} – {CHANNELS[channel]}",
                channel=channel,
                team=team,
            ))
    return tuple(queues)


QUEUES: tuple[Queue, ...] = _build_queues()


def queue_index(channel: int, team: int) -> int:
    """Index in QUEUES of the queue for a channel and team, falling back to the channel's first queue."""
    fallback = -1
    for index, queue in enumerate(QUEUES):
        if queue.channel != channel:
            continue
        if queue.team == team:
            return index
        if fallback < 0:
            fallback = index
    return fallback


@dataclass(frozen=True)
class Intent:
    """How contacts about one reason behave: volume, bot fit, effort, mood and follow-ups."""

    name: str
    share: float
    team: int
    bot_containment: float
    handle_seconds_median: float
    hold_probability: float
    transfer_probability: float
    escalation_probability: float
    sentiment_baseline: float
    effort: float
    repeat_probability: float
    repeat_gap_hours_median: float
    escalation_reason_weights: tuple[float, ...]
    channel_tilt: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 1.0)
    priority_weights: tuple[float, ...] = (0.25, 0.55, 0.15, 0.05)
    subjects: tuple[str, ...] = field(default_factory=tuple)


INTENTS: tuple[Intent, ...] = (
    Intent("password_reset", 0.14, 2, 0.74, 240, 0.05, 0.03, 0.02, 0.2, 0.3, 0.06, 20,
           (0.5, 0.1, 0.1, 0.1, 0.2), (0.9, 1.4, 0.8, 0.6, 0.8), (0.35, 0.55, 0.08, 0.02),
           ("Can't reset my password", "Password reset link not working", "Need a new password")),
    Intent("account_access_locked", 0.07, 2, 0.45, 360, 0.15, 0.08, 0.07, -0.3, 0.8, 0.10, 10,
           (0.3, 0.2, 0.2, 0.1, 0.2), (1.3, 1.0, 0.8, 0.8, 1.0), (0.1, 0.5, 0.3, 0.1),
           ("Account locked", "Locked out of our workspace", "Cannot log in after lockout")),
    Intent("billing_dispute", 0.09, 0, 0.08, 600, 0.45, 0.15, 0.25, -0.8, 1.6, 0.18, 48,
           (0.3, 0.3, 0.1, 0.3, 0.0), (1.2, 0.8, 1.4, 0.8, 1.0), (0.1, 0.5, 0.3, 0.1),
           ("Wrong amount on invoice", "Charged twice this month", "Dispute on latest bill")),
    Intent("invoice_copy", 0.10, 0, 0.82, 180, 0.05, 0.02, 0.01, 0.35, 0.2, 0.04, 48,
           (0.6, 0.1, 0.1, 0.1, 0.1), (0.6, 1.2, 1.5, 0.6, 0.4), (0.5, 0.45, 0.05, 0.0),
           ("Invoice copy request", "Need last month's invoice", "Missing invoice PDF")),
    Intent("refund_request", 0.06, 0, 0.20, 480, 0.35, 0.10, 0.18, -0.5, 1.2, 0.14, 72,
           (0.3, 0.2, 0.1, 0.4, 0.0), (1.1, 0.9, 1.3, 0.8, 1.2), (0.15, 0.55, 0.25, 0.05),
           ("Refund request", "Requesting a refund for unused seats", "Refund still not received")),
    Intent("plan_upgrade", 0.06, 0, 0.35, 420, 0.20, 0.12, 0.03, 0.55, 0.5, 0.05, 72,
           (0.6, 0.0, 0.3, 0.1, 0.0), (1.2, 1.1, 1.0, 0.6, 0.4), (0.3, 0.6, 0.1, 0.0),
           ("Upgrade our plan", "Question about moving to Enterprise", "Add more seats")),
    Intent("cancel_subscription", 0.04, 0, 0.03, 540, 0.30, 0.10, 0.22, -0.6, 1.4, 0.10, 48,
           (0.5, 0.3, 0.0, 0.2, 0.0), (1.3, 1.0, 1.2, 0.6, 0.5), (0.1, 0.6, 0.25, 0.05),
           ("Cancel our subscription", "Please cancel at renewal", "Cancellation request")),
    Intent("outage_report", 0.05, 1, 0.10, 300, 0.20, 0.10, 0.22, -0.9, 1.0, 0.15, 6,
           (0.2, 0.3, 0.4, 0.0, 0.1), (1.5, 0.8, 0.5, 1.2, 3.0), (0.0, 0.2, 0.4, 0.4),
           ("Service down", "Dashboard not loading", "Outage affecting our team")),
    Intent("integration_error", 0.10, 1, 0.15, 720, 0.40, 0.20, 0.15, -0.6, 1.8, 0.42, 30,
           (0.1, 0.2, 0.6, 0.0, 0.1), (0.9, 0.9, 0.8, 1.9, 0.6), (0.05, 0.45, 0.4, 0.1),
           ("Integration sync failing", "API returns errors", "Salesforce connector broken")),
    Intent("data_export", 0.07, 1, 0.40, 360, 0.20, 0.08, 0.05, 0.0, 0.8, 0.08, 48,
           (0.3, 0.1, 0.5, 0.1, 0.0), (0.7, 1.0, 1.1, 1.6, 0.4), (0.3, 0.55, 0.13, 0.02),
           ("Data export failing", "Need a full export of our data", "CSV export incomplete")),
    Intent("onboarding_help", 0.09, 3, 0.30, 600, 0.15, 0.05, 0.03, 0.45, 0.6, 0.06, 72,
           (0.5, 0.1, 0.3, 0.1, 0.0), (1.1, 1.1, 1.0, 0.8, 0.3), (0.3, 0.6, 0.1, 0.0),
           ("Help getting started", "Onboarding questions", "Setting up our workspace")),
    Intent("feature_question", 0.13, 3, 0.58, 300, 0.10, 0.05, 0.02, 0.35, 0.4, 0.04, 96,
           (0.6, 0.1, 0.2, 0.1, 0.0), (0.8, 1.2, 1.0, 0.9, 1.0), (0.45, 0.5, 0.05, 0.0),
           ("Question about a feature", "How do I use reports?", "Is there a way to automate this?")),
)
INTENT_NAMES: tuple[str, ...] = tuple(intent.name for intent in INTENTS)
SPIKE_INTENTS: tuple[int, ...] = (INTENT_NAMES.index("outage_report"), INTENT_NAMES.index("integration_error"))
SPIKE_DAY_MULTIPLIERS: tuple[float, ...] = (5.5, 6.0, 3.5)

WEEKDAY_VOLUME: tuple[float, ...] = (1.28, 1.12, 1.05, 1.0, 0.9, 0.32, 0.24)
HOURLY_VOLUME: tuple[float, ...] = (
    0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.9, 1.9, 2.6, 2.8, 2.6,
    2.2, 2.4, 2.5, 2.3, 2.0, 1.6, 1.0, 0.7, 0.55, 0.45, 0.3, 0.2,
)
MONTHLY_VOLUME_GROWTH = 0.02
MONTHLY_CONTAINMENT_GAIN = 0.015
REPEAT_DECAY_PER_GENERATION = 0.6
