"""Builds message texts from the phrase catalogue, drawing choices from a pre-drawn uniform stream."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from etl.demo import phrases

_POOL_SIZE = 1 << 16


class UniformStream:
    """Uniform [0, 1) draws from the simulator's generator, handed out one at a time cheaply."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._pool: list[float] = []
        self._cursor = 0

    def next(self) -> float:
        if self._cursor >= len(self._pool):
            self._pool = self._rng.random(_POOL_SIZE).tolist()
            self._cursor = 0
        value = self._pool[self._cursor]
        self._cursor += 1
        return value

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.next() * len(options))]

    def index(self, count: int) -> int:
        return int(self.next() * count)

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high)."""
        return low + int(self.next() * (high - low))


def _join(prefix: str, sentence: str) -> str:
    if prefix.endswith(","):
        return f"{prefix} {sentence}"
    return f"{prefix} {sentence[0].upper()}{sentence[1:]}"


def _fill_number(text: str, draws: UniformStream) -> str:
    if "{n}" not in text:
        return text
    return text.replace("{n}", str(draws.between(12, 9800)))


def issue_detail(intent: str, draws: UniformStream) -> str:
    return _fill_number(draws.pick(phrases.ISSUE_DETAILS[intent]), draws)


def opening_message(intent: str, mood: str, generation: int, statement: int, draws: UniformStream) -> str:
    """The customer's first message: mood prefix, repeat complaint, issue, maybe a detail, mood suffix."""
    text = _join(draws.pick(phrases.MOOD_PREFIXES[mood]), phrases.ISSUE_STATEMENTS[intent][statement])
    if generation > 0:
        text = f"{draws.pick(phrases.REPEAT_PREFIXES)} {text}"
    if draws.next() < 0.5:
        text = f"{text} {issue_detail(intent, draws)}"
    return f"{text} {draws.pick(phrases.MOOD_SUFFIXES[mood])}"


def restatement_message(intent: str, mood: str, first_statement: int, draws: UniformStream) -> str:
    """The same issue told again to the human agent, in other words than the first message."""
    statements = phrases.ISSUE_STATEMENTS[intent]
    other = (first_statement + 1 + draws.index(len(statements) - 1)) % len(statements)
    text = _join(draws.pick(phrases.RESTATEMENT_PREFIXES), statements[other])
    worse_mood = "angry" if mood in ("frustrated", "angry") else "frustrated"
    return f"{text} {draws.pick(phrases.MOOD_SUFFIXES[worse_mood])}"


def closing_message(resolved: bool, recovered: bool, draws: UniformStream) -> str:
    """The customer's last words: delighted after a recovery, accepting, or still unhappy."""
    if not resolved:
        return draws.pick(phrases.CUSTOMER_UNRESOLVED)
    if recovered:
        return draws.pick(phrases.CUSTOMER_RECOVERED)
    return draws.pick(phrases.CUSTOMER_ACCEPTED)


def agent_greeting(first_name: str, draws: UniformStream) -> str:
    return draws.pick(phrases.AGENT_GREETINGS).format(first=first_name)


def agent_resolution(intent: str, draws: UniformStream) -> str:
    return draws.pick(phrases.AGENT_RESOLUTIONS[intent])


def bot_greeting(bot_name: str, draws: UniformStream) -> str:
    return draws.pick(phrases.BOT_GREETINGS).format(bot=bot_name.split(" (")[0])


def bot_answer(intent: str, draws: UniformStream) -> str:
    return draws.pick(phrases.BOT_ANSWERS[intent])
