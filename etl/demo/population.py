"""Accounts, customers (people), agents and queues of the simulated operation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import catalog
from etl.demo.schedule import Period
from etl.demo.writers import SECONDS_PER_DAY

FIRST_NAMES: tuple[str, ...] = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas", "Mia", "Mateo",
    "Amelia", "Ethan", "Harper", "Aiden", "Evelyn", "Daniel", "Priya", "Arjun", "Mei", "Wei", "Fatima", "Omar",
    "Chloé", "Jürgen", "Sofía", "Diego", "Aisha", "Kwame", "Yuki", "Hiro", "Anna", "Piotr", "Zofia", "Lars",
    "Ingrid", "Sean", "Niamh", "Rosa", "Carlos", "Grace", "Samuel", "Leah", "David", "Sarah", "Michael", "Nina",
)
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Patel", "Nguyen", "Kim", "Chen", "Singh", "Müller", "Kowalski", "Nowak", "O'Brien", "Murphy", "Rossi",
    "Dubois", "Silva", "Santos", "Okafor", "Mensah", "Tanaka", "Sato", "Johansson", "Larsen", "Walsh", "Byrne",
)
NAME_WORDS: tuple[str, ...] = (
    "North", "Blue", "Summit", "Harbor", "Cedar", "Bright", "Iron", "Silver", "Pioneer", "Atlas", "Maple",
    "Granite", "Evergreen", "Falcon", "Lumen", "Orbit", "Prairie", "Quantum", "River", "Sterling", "Vertex",
    "Willow", "Apex", "Beacon", "Crescent", "Delta", "Ember", "Frontier", "Golden", "Horizon",
)
NAME_NOUNS: tuple[str, ...] = (
    "Logistics", "Health", "Retail", "Works", "Analytics", "Foods", "Labs", "Partners", "Systems", "Media",
    "Energy", "Capital", "Learning", "Freight", "Studios", "Dental", "Realty", "Supply", "Clinics", "Hotels",
)
NAME_SUFFIXES: tuple[str, ...] = ("Inc", "LLC", "Ltd", "Group", "Co", "GmbH", "")

QUIET_ACCOUNT_SHARE = 0.07
QUIET_CONTACT_FACTOR = 0.03
NEW_ACCOUNT_SHARE = 0.08
PHONE_MISSING_SHARE = 0.15


@dataclass
class Accounts:
    """Account table: one entry per company, indexed 0..n-1."""

    ids: list[str]
    names: list[str]
    domains: list[str]
    segment: np.ndarray
    industry: np.ndarray
    arr_amount: np.ndarray
    started_day: np.ndarray
    is_quiet: np.ndarray
    friction: np.ndarray


@dataclass
class Customers:
    """Customer (person) table, indexed 0..n-1."""

    ids: list[str]
    account: np.ndarray
    first_names: list[str]
    full_names: list[str]
    emails: list[str]
    phones: list[str]
    created_s: np.ndarray
    contact_weight: np.ndarray


@dataclass
class Agents:
    """Human agents grouped by team, plus the bots."""

    ids: list[str]
    names: list[str]
    kinds: list[str]
    teams: list[str]
    sites: list[str]
    hired_day: list[int]
    team_first_index: np.ndarray
    team_size: np.ndarray
    bot_ids: tuple[str, ...]


def account_count(scale: int) -> int:
    """Number of accounts for a target number of interactions."""
    return max(30, scale // 100)


def customer_count(scale: int) -> int:
    """Number of customer people for a target number of interactions."""
    return max(100, scale // 12)


def human_agent_count(scale: int) -> int:
    """Number of human agents for a target number of interactions."""
    return max(12, round(scale / 1500))


def build_accounts(rng: np.random.Generator, scale: int, period: Period) -> Accounts:
    """Companies with segment, industry, ARR, start day and how much friction their people meet."""
    count = account_count(scale)
    segment = rng.choice(len(catalog.SEGMENTS), size=count, p=catalog.SEGMENT_SHARE)
    median_arr = np.asarray(catalog.SEGMENT_MEDIAN_ARR)[segment]
    arr_amount = np.round(median_arr * rng.lognormal(0.0, 0.55, size=count), 2)
    industry = rng.integers(0, len(catalog.INDUSTRIES), size=count)
    is_new = rng.random(count) < NEW_ACCOUNT_SHARE
    days_before = rng.integers(30, 1800, size=count)
    days_into = (rng.random(count) * 0.7 * period.day_count).astype(np.int64)
    started_day = np.where(is_new, period.start_day + days_into, period.start_day - days_before)
    is_quiet = (rng.random(count) < QUIET_ACCOUNT_SHARE) & ~is_new
    friction = rng.lognormal(0.0, 0.6, size=count)
    names, domains = _company_names(rng, count)
    ids = [f"ACC-{index + 1:05d}" for index in range(count)]
    return Accounts(ids, names, domains, segment, industry, arr_amount, started_day, is_quiet, friction)


def _company_names(rng: np.random.Generator, count: int) -> tuple[list[str], list[str]]:
    words = rng.integers(0, len(NAME_WORDS), size=count).tolist()
    nouns = rng.integers(0, len(NAME_NOUNS), size=count).tolist()
    suffixes = rng.integers(0, len(NAME_SUFFIXES), size=count).tolist()
    names: list[str] = []
    domains: list[str] = []
    seen: dict[str, int] = {}
    for word, noun, suffix in zip(words, nouns, suffixes, strict=True):
        base = f"{NAME_WORDS[word]} {NAME_NOUNS[noun]}"
        seen[base] = seen.get(base, 0) + 1
        number = seen[base]
        stem = base if number == 1 else f"{base} {number}"
        names.append(f"{stem} {NAME_SUFFIXES[suffix]}".strip())
        domains.append(stem.lower().replace(" ", "") + ".example.com")
    return names, domains


def build_customers(rng: np.random.Generator, scale: int, accounts: Accounts, period: Period) -> Customers:
    """People at the accounts, with contact details and how often each one gets in touch."""
    count = customer_count(scale)
    account = _assign_accounts(rng, count, accounts)
    created_s = _customer_created_s(rng, account, accounts, period)
    quiet_factor = np.where(accounts.is_quiet[account], QUIET_CONTACT_FACTOR, 1.0)
    contact_weight = rng.lognormal(0.0, 0.8, size=count) * accounts.friction[account] * quiet_factor
    first = rng.integers(0, len(FIRST_NAMES), size=count).tolist()
    last = rng.integers(0, len(LAST_NAMES), size=count).tolist()
    first_names = [FIRST_NAMES[index] for index in first]
    full_names = [f"{FIRST_NAMES[f]} {LAST_NAMES[n]}" for f, n in zip(first, last, strict=True)]
    emails = _emails(first, last, account.tolist(), accounts.domains)
    phones = _phones(rng, count)
    ids = [f"CUS-{index + 1:07d}" for index in range(count)]
    return Customers(ids, account, first_names, full_names, emails, phones, created_s, contact_weight)


def _assign_accounts(rng: np.random.Generator, count: int, accounts: Accounts) -> np.ndarray:
    account_total = len(accounts.ids)
    weight = np.asarray(catalog.SEGMENT_CUSTOMER_WEIGHT)[accounts.segment] * rng.lognormal(0, 0.4, account_total)
    extra = rng.choice(account_total, size=count - account_total, p=weight / weight.sum())
    return np.concatenate([np.arange(account_total), extra]).astype(np.int64)


def _customer_created_s(rng: np.random.Generator, account: np.ndarray, accounts: Accounts,
                        period: Period) -> np.ndarray:
    count = len(account)
    account_start_s = accounts.started_day[account] * SECONDS_PER_DAY
    period_start_s = period.start_day * SECONDS_PER_DAY
    joins_during = rng.random(count) < 0.10
    before_span = np.maximum(period_start_s - account_start_s, SECONDS_PER_DAY)
    before = account_start_s + (rng.random(count) * before_span).astype(np.int64)
    during = period_start_s + (rng.random(count) * 0.8 * period.day_count * SECONDS_PER_DAY).astype(np.int64)
    created = np.where(joins_during, during, before)
    starts_in_period = account_start_s >= period_start_s
    first_days = account_start_s + (rng.random(count) * 5 * SECONDS_PER_DAY).astype(np.int64)
    return np.where(starts_in_period, first_days, np.maximum(created, account_start_s)).astype(np.int64)


def _emails(first: list[int], last: list[int], account: list[int], domains: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    emails = []
    for first_index, last_index, account_index in zip(first, last, account, strict=True):
        local = f"{FIRST_NAMES[first_index]}.{LAST_NAMES[last_index]}".lower().replace("'", "")
        address = f"{local}@{domains[account_index]}"
        seen[address] = seen.get(address, 0) + 1
        if seen[address] > 1:
            address = f"{local}{seen[address]}@{domains[account_index]}"
        emails.append(address)
    return emails


def _phones(rng: np.random.Generator, count: int) -> list[str]:
    missing = (rng.random(count) < PHONE_MISSING_SHARE).tolist()
    is_uk = (rng.random(count) < 0.12).tolist()
    area = rng.integers(201, 990, size=count).tolist()
    line = rng.integers(100, 200, size=count).tolist()
    phones = []
    for no_phone, uk, area_code, line_number in zip(missing, is_uk, area, line, strict=True):
        if no_phone:
            phones.append("")
        elif uk:
            phones.append(f"+447700900{line_number:03d}")
        else:
            phones.append(f"+1{area_code}555{line_number - 100:04d}")
    return phones


def build_agents(rng: np.random.Generator, scale: int, period: Period) -> Agents:
    """Human agents spread over the teams (every team at least two people) and the bots."""
    total = human_agent_count(scale)
    share = np.asarray(catalog.TEAM_AGENT_SHARE)
    team_size = np.maximum(2, np.floor(share * total).astype(np.int64))
    team_size[int(np.argmax(share))] += max(0, total - int(team_size.sum()))
    team_first_index = np.concatenate([[0], np.cumsum(team_size)[:-1]]).astype(np.int64)
    humans = int(team_size.sum())
    first = rng.integers(0, len(FIRST_NAMES), size=humans).tolist()
    last = rng.integers(0, len(LAST_NAMES), size=humans).tolist()
    site = rng.integers(0, len(catalog.SITES), size=humans).tolist()
    hired = (period.start_day - rng.integers(20, 2200, size=humans)).tolist()
    team_of = np.repeat(np.arange(len(catalog.TEAMS)), team_size).tolist()
    ids = [f"AG-{index + 1:04d}" for index in range(humans)]
    names = [f"{FIRST_NAMES[f]} {LAST_NAMES[n]}" for f, n in zip(first, last, strict=True)]
    bot_ids = tuple(f"BOT-{index + 1:02d}" for index in range(len(catalog.BOT_NAMES)))
    return Agents(
        ids=ids + list(bot_ids),
        names=names + list(catalog.BOT_NAMES),
        kinds=["human"] * humans + ["bot"] * len(bot_ids),
        teams=[catalog.TEAMS[team] for team in team_of] + [catalog.BOT_TEAM] * len(bot_ids),
        sites=[catalog.SITES[index] for index in site] + [""] * len(bot_ids),
        hired_day=hired + [period.start_day - 400] * len(bot_ids),
        team_first_index=team_first_index,
        team_size=team_size,
        bot_ids=bot_ids,
    )
