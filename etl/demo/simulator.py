"""The demo simulator behind `cxpulse generate`: a B2B software company's customer service, in canonical files.

Everything random comes from one `numpy.random.default_rng(seed)`, drawn in a fixed order, so the same seed,
end date and scale give byte-identical files. Interactions are scheduled and written month by month in
chunks; only the account, customer and agent tables and per-account tallies stay in memory.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from etl.demo import catalog, vendor_exports
from etl.demo.churn import ExperienceLedger, choose_churners, churn_days, churn_logits
from etl.demo.contacts import INTERACTION_HEADER, SURVEY_HEADER, Contact, ContactEmitter, MonthStreams
from etl.demo.outcomes import OutcomeDrawer, Outcomes
from etl.demo.population import (
    Accounts,
    Agents,
    Customers,
    build_accounts,
    build_agents,
    build_customers,
)
from etl.demo.schedule import ContactBatch, ContactScheduler, Period
from etl.demo.texts import UniformStream
from etl.demo.writers import CsvStream, JsonlStream, iso_utc

CHUNK_CONTACTS = 20_000
EXPORT_FORMATS = ("vendor", "canonical")
CANONICAL_TEMP_FOLDER = ".canonical-tmp"
ProgressCallback = Callable[[int, int], None]


def generate(out_dir: Path, *, scale: int = 200_000, seed: int = 42, end_date: date | None = None,
             months: int = 6, progress: ProgressCallback | None = None,
             export_format: str = "vendor") -> dict[str, int]:
    """Write a simulated operation's export files into out_dir; return rows written per stream.

    export_format "vendor" writes what the tools would export (etl/demo/vendor_exports.py): the canonical
    files are written into a temporary folder inside out_dir, converted, then removed; the counts then include
    the vendor records per kind. "canonical" writes the canonical files themselves.
    """
    if scale < 1 or months < 1:
        raise ValueError("scale and months must be positive")
    if export_format not in EXPORT_FORMATS:
        raise ValueError(f"export_format must be one of {', '.join(EXPORT_FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if export_format == "vendor":
        return _generate_vendor(out_dir, scale=scale, seed=seed, end_date=end_date, months=months,
                                progress=progress)
    end = end_date or (datetime.now(UTC).date() - timedelta(days=1))
    period = Period.ending_on(end, months)
    rng = np.random.default_rng(seed)
    accounts = build_accounts(rng, scale, period)
    customers = build_customers(rng, scale, accounts, period)
    agents = build_agents(rng, scale, period)
    ledger = ExperienceLedger(len(accounts.ids), period)
    rows = _write_contacts(out_dir, rng, period, scale, accounts, customers, agents, ledger, progress)
    customers_per_account = np.bincount(customers.account, minlength=len(accounts.ids))
    churned = choose_churners(rng, churn_logits(ledger, accounts, customers_per_account))
    churned_day = churn_days(rng, churned, ledger, accounts)
    rows["accounts"] = _write_accounts(out_dir / "accounts.csv", accounts, churned_day, period)
    rows["customers"] = _write_customers(out_dir / "customers.csv", customers, accounts)
    rows["agents"] = _write_agents(out_dir / "agents.csv", agents)
    rows["queues"] = _write_queues(out_dir / "queues.csv", period)
    _write_readme(out_dir / "README.md", seed, scale, period, rows)
    return {name: rows[name] for name in
            ("accounts", "customers", "agents", "queues", "interactions", "events", "messages", "surveys")}


def _generate_vendor(out_dir: Path, *, scale: int, seed: int, end_date: date | None, months: int,
                     progress: ProgressCallback | None) -> dict[str, int]:
    """Canonical files into a temporary folder inside out_dir, converted to vendor exports, then removed."""
    canonical_dir = out_dir / CANONICAL_TEMP_FOLDER
    shutil.rmtree(canonical_dir, ignore_errors=True)
    try:
        rows = generate(canonical_dir, scale=scale, seed=seed, end_date=end_date, months=months, progress=progress,
                        export_format="canonical")
        vendor_rows = vendor_exports.convert(canonical_dir, out_dir)
    finally:
        shutil.rmtree(canonical_dir, ignore_errors=True)
    vendor_exports.write_readme(out_dir / "README.md", seed, scale, vendor_rows)
    return {**rows, **vendor_rows}


def _write_contacts(out_dir: Path, rng: np.random.Generator, period: Period, scale: int, accounts: Accounts,
                    customers: Customers, agents: Agents, ledger: ExperienceLedger,
                    progress: ProgressCallback | None) -> dict[str, int]:
    """Schedule, play and write every interaction, month by month; returns rows per contact stream."""
    scheduler = ContactScheduler(rng, period, scale, customers.contact_weight, customers.created_s)
    emitter = ContactEmitter(customers, agents, UniformStream(rng), period.end_s)
    rows = {"interactions": 0, "events": 0, "messages": 0, "surveys": 0}
    written = 0
    for month_number, (label, first_day, last_day) in enumerate(period.month_spans()):
        batch = scheduler.month(first_day, last_day)
        drawer = OutcomeDrawer(rng, period, agents, customers.account, accounts.segment, month_number)
        streams = _open_month(out_dir, label)
        for start in range(0, len(batch), CHUNK_CONTACTS):
            chunk = batch.take(np.arange(start, min(start + CHUNK_CONTACTS, len(batch))))
            outcomes = drawer.draw(chunk)
            ledger.record(chunk, outcomes)
            for contact in _contacts(chunk, outcomes, written):
                emitter.emit(contact, streams)
            written += len(chunk)
            if progress is not None:
                progress(written, max(scale, written))
        streams.close()
        rows["interactions"] += streams.interactions.rows_written
        rows["events"] += streams.events.rows_written
        rows["messages"] += streams.messages.rows_written
        rows["surveys"] += streams.surveys.rows_written
    if progress is not None:
        progress(written, written)
    return rows


def _open_month(out_dir: Path, label: str) -> MonthStreams:
    return MonthStreams(
        interactions=CsvStream(out_dir / f"interactions-{label}.csv", INTERACTION_HEADER),
        events=JsonlStream(out_dir / f"events-{label}.jsonl"),
        messages=JsonlStream(out_dir / f"messages-{label}.jsonl"),
        surveys=CsvStream(out_dir / f"surveys-{label}.csv", SURVEY_HEADER),
    )


def _contacts(batch: ContactBatch, outcomes: Outcomes, first_number: int) -> Iterator[Contact]:
    """Plain-Python contact records for the per-contact loop, numbered from first_number + 1."""
    ids = [f"INT-{first_number + offset + 1:08d}" for offset in range(len(batch))]
    columns = (
        ids, batch.created_s.tolist(), batch.customer.tolist(), batch.intent.tolist(), batch.channel.tolist(),
        batch.generation.tolist(), outcomes.priority.tolist(), outcomes.queue.tolist(), outcomes.agent.tolist(),
        outcomes.second_queue.tolist(), outcomes.second_agent.tolist(), outcomes.ivr_s.tolist(),
        outcomes.wait_s.tolist(), outcomes.second_wait_s.tolist(), outcomes.patience_s.tolist(),
        outcomes.abandoned.tolist(), outcomes.contained.tolist(), outcomes.bot_gave_up.tolist(),
        outcomes.handoff_reason.tolist(), outcomes.restated.tolist(), outcomes.transferred.tolist(),
        outcomes.escalated.tolist(), outcomes.escalation_reason.tolist(), outcomes.hold_count.tolist(),
        outcomes.hold_s[:, 0].tolist(), outcomes.hold_s[:, 1].tolist(), outcomes.talk_s.tolist(),
        outcomes.acw_s.tolist(), outcomes.first_reply_s.tolist(), outcomes.exchanges.tolist(),
        outcomes.reopened.tolist(), outcomes.mood.tolist(), outcomes.resolved.tolist(),
        outcomes.recovered.tolist(), outcomes.csat.tolist(), outcomes.ces.tolist(), outcomes.nps.tolist(),
        outcomes.survey_delay_s.tolist(),
    )
    return (Contact._make(values) for values in zip(*columns, strict=True))


def _day_iso(day: int) -> str:
    return iso_utc(day * 86_400)[:10]


def _write_accounts(path: Path, accounts: Accounts, churned_day: np.ndarray, period: Period) -> int:
    header = ("account_id", "account_name", "segment", "industry", "arr_amount", "started_on", "churned_on",
              "updated_at")
    with CsvStream(path, header) as stream:
        for index, account_id in enumerate(accounts.ids):
            started = int(accounts.started_day[index])
            churned = int(churned_day[index])
            updated_day = churned if churned >= 0 else max(started, period.start_day)
            stream.write((account_id, accounts.names[index], catalog.SEGMENTS[accounts.segment[index]],
                          catalog.INDUSTRIES[accounts.industry[index]], f"{accounts.arr_amount[index]:.2f}",
                          _day_iso(started), _day_iso(churned) if churned >= 0 else "",
                          iso_utc(updated_day * 86_400 + 9 * 3600)))
        return stream.rows_written


def _write_customers(path: Path, customers: Customers, accounts: Accounts) -> int:
    header = ("customer_id", "account_id", "full_name", "email", "phone", "created_at", "updated_at")
    with CsvStream(path, header) as stream:
        for index, customer_id in enumerate(customers.ids):
            created = iso_utc(int(customers.created_s[index]))
            stream.write((customer_id, accounts.ids[customers.account[index]], customers.full_names[index],
                          customers.emails[index], customers.phones[index], created, created))
        return stream.rows_written


def _write_agents(path: Path, agents: Agents) -> int:
    header = ("agent_id", "agent_name", "agent_kind", "team_name", "site", "hired_on", "updated_at")
    with CsvStream(path, header) as stream:
        for index, agent_id in enumerate(agents.ids):
            hired = agents.hired_day[index]
            stream.write((agent_id, agents.names[index], agents.kinds[index], agents.teams[index],
                          agents.sites[index], _day_iso(hired), iso_utc(hired * 86_400 + 8 * 3600)))
        return stream.rows_written


def _write_queues(path: Path, period: Period) -> int:
    header = ("queue_id", "queue_name", "channel", "team_name", "updated_at")
    updated = iso_utc((period.start_day - 30) * 86_400 + 8 * 3600)
    with CsvStream(path, header) as stream:
        for queue in catalog.QUEUES:
            stream.write((queue.queue_id, queue.queue_name, catalog.CHANNELS[queue.channel],
                          catalog.TEAMS[queue.team], updated))
        return stream.rows_written


def _write_readme(path: Path, seed: int, scale: int, period: Period, rows: dict[str, int]) -> None:
    counts = "\n".join(f"| {name} | {rows[name]:,} |" for name in
                       ("accounts", "customers", "agents", "queues", "interactions", "events", "messages", "surveys"))
    text = f"""# cxpulse demo export

Simulated customer service of a mid-market B2B software company, written by `cxpulse generate` in the
cxpulse canonical format (see docs/canonical_format.md in the cxpulse repository). All people, companies
and conversations are invented.

- seed: {seed}
- scale: {scale:,} interactions requested
- period: {period.date_of(period.start_day).isoformat()} to {period.date_of(period.end_day).isoformat()} (UTC)
- clock: the operation works in UTC; the export was taken at the end of the last day, so recent
  contacts can still be open or pending

| file | what it holds |
|---|---|
| accounts.csv | companies: segment, industry, ARR, start and churn dates |
| customers.csv | people at those companies, with e-mail and phone |
| agents.csv | human agents by team, and the bots (`agent_kind = bot`) |
| queues.csv | routing queues per channel and team |
| interactions-YYYY-MM.csv | one row per contact created that month |
| events-YYYY-MM.jsonl | contact events (queued, answered, handoff, transferred, solved, ...) |
| messages-YYYY-MM.jsonl | chat, e-mail, ticket and social turns (voice calls have no transcript) |
| surveys-YYYY-MM.csv | CSAT, CES and NPS answers after contacts of that month |

| stream | rows |
|---|---|
{counts}
"""
    path.write_text(text, encoding="utf-8")
