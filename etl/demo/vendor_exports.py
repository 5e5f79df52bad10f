"""The demo operation as vendor exports: canonical files converted, month by month, into what the tools export.

One subfolder per source system, each read by its connector:
- `amazon_connect/`: voice and chat contacts as contact records (`connect-ctr-YYYY-MM.jsonl`, one CTR a line,
  one leg per queue) and the chats' Contact Lens analyses (`contact-lens-chat-analysis-YYYY-MM.json`, one
  analysis a line: the connector reads any number of analysis objects per file and names the contact by
  CustomerMetadata.ContactId, so a month's chats share one file instead of one file per contact);
- `zendesk/`: e-mail, ticket and social contacts as Incremental Ticket Export pages (`tickets-YYYY-MM.json`),
  Ticket Audits pages (`ticket_audits-YYYY-MM.json`), users (end-users and agents) and groups;
- `salesforce/`: the CRM, `Account.csv` (segment, ARR, churn) and `Contact.csv` (people, their account);
- `surveys/amazon_connect/` and `surveys/zendesk/`: the survey tool's CSV answers, linked to the Connect
  contact or Zendesk ticket they followed (two sources, because each needs its own interaction id prefix).

The same person carries the same e-mail and phone in Zendesk, Salesforce, the Connect contact attributes and
the survey answers, so identity resolution (docs/identity.md) joins them back into one customer.

Memory: the customer, agent and queue tables, and one month's events and messages grouped by interaction.
See etl/demo/to_amazon_connect.py and etl/demo/to_zendesk.py for what each format cannot carry.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

from etl.demo import to_amazon_connect, to_salesforce, to_zendesk
from etl.demo.writers import CsvStream, JsonlStream, epoch_seconds

CONNECT_CHANNELS = frozenset({"voice", "chat"})
SURVEY_HEADER = ("Response ID", "{link}", "E-mail", "Survey", "Rating", "Submitted At", "Feedback")
SURVEY_TYPE_SPELLINGS = {"csat": "CSAT", "ces": "Customer Effort", "nps": "NPS"}
_DAY_SECONDS_CACHE: dict[str, int] = {}


def demo_sources() -> list[dict[str, Any]]:
    """The `[[sources]]` entries that read the vendor exports (paths relative to the exports folder).

    Source options are keys of the entry itself, as in cxpulse.toml (`interaction_id_prefix = "..."`).
    """
    return [
        {"name": "amazon_connect", "format": "amazon_connect", "path": "amazon_connect"},
        {"name": "zendesk", "format": "zendesk", "path": "zendesk"},
        {"name": "salesforce", "format": "salesforce", "path": "salesforce"},
        {"name": "surveys_connect", "format": "surveys", "path": "surveys/amazon_connect",
         "interaction_id_prefix": "amazon_connect:"},
        {"name": "surveys_zendesk", "format": "surveys", "path": "surveys/zendesk",
         "interaction_id_prefix": "zendesk:ticket:"},
    ]


def epoch_of(iso_text: str) -> int:
    """Epoch seconds of a canonical `YYYY-MM-DDTHH:MM:SSZ` timestamp."""
    day_text = iso_text[:10]
    day_s = _DAY_SECONDS_CACHE.get(day_text)
    if day_s is None:
        day_s = epoch_seconds(date.fromisoformat(day_text))
        _DAY_SECONDS_CACHE[day_text] = day_s
    return day_s + int(iso_text[11:13]) * 3600 + int(iso_text[14:16]) * 60 + int(iso_text[17:19])


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _jsonl_grouped(path: Path, key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with path.open("rb") as handle:
        for line in handle:
            record = orjson.loads(line)
            grouped[record[key]].append(record)
    return grouped


class PageWriter:
    """A Zendesk list page (`{"<key>": [...], "next_page": null, ...}`) written record by record."""

    def __init__(self, path: Path, array_key: str) -> None:
        self.path = path
        self.rows_written = 0
        self._file: IO[bytes] = path.open("wb")
        self._file.write(b'{"' + array_key.encode() + b'":[\n')

    def write(self, record: dict[str, Any]) -> None:
        self._file.write((b",\n" if self.rows_written else b"") + orjson.dumps(record))
        self.rows_written += 1

    def close(self) -> None:
        self._file.write(b'\n],"next_page":null,"end_of_stream":true,"count":'
                         + str(self.rows_written).encode() + b"}\n")
        self._file.close()

    def __enter__(self) -> PageWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _folders(out_dir: Path) -> dict[str, Path]:
    folders = {"amazon_connect": out_dir / "amazon_connect", "zendesk": out_dir / "zendesk",
               "salesforce": out_dir / "salesforce", "surveys_connect": out_dir / "surveys" / "amazon_connect",
               "surveys_zendesk": out_dir / "surveys" / "zendesk"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def _write_crm(canonical_dir: Path, folder: Path) -> dict[str, int]:
    with CsvStream(folder / "Account.csv", to_salesforce.ACCOUNT_HEADER) as accounts:
        for account in _csv_rows(canonical_dir / "accounts.csv"):
            accounts.write(to_salesforce.account_row(account))
    with CsvStream(folder / "Contact.csv", to_salesforce.CONTACT_HEADER) as contacts:
        for customer in _csv_rows(canonical_dir / "customers.csv"):
            contacts.write(to_salesforce.contact_row(customer))
    return {"salesforce_accounts": accounts.rows_written, "salesforce_contacts": contacts.rows_written}


def _group_ids(queues: list[dict[str, str]]) -> dict[str, int]:
    return {queue["queue_id"]: to_zendesk.GROUP_ID_BASE + position for position, queue in enumerate(queues)}


def _write_help_desk_people(canonical_dir: Path, folder: Path, queues: list[dict[str, str]],
                            agents: list[dict[str, str]]) -> dict[str, int]:
    group_ids = _group_ids(queues)
    written = [queue for queue in queues if queue["channel"] not in CONNECT_CHANNELS]
    group_of_team: dict[str, int] = {}
    with PageWriter(folder / "groups.json", "groups") as groups:
        for queue in written:
            group_of_team.setdefault(queue["team_name"], group_ids[queue["queue_id"]])
            groups.write({"id": group_ids[queue["queue_id"]], "name": queue["queue_name"], "deleted": False,
                          "created_at": queue["updated_at"], "updated_at": queue["updated_at"]})
    with PageWriter(folder / "users.json", "users") as users:
        for agent in agents:
            if agent["agent_kind"] == "human":
                users.write(to_zendesk.agent_user(agent, group_of_team))
        for customer in _csv_rows(canonical_dir / "customers.csv"):
            users.write(to_zendesk.end_user(customer))
    return {"zendesk_groups": groups.rows_written, "zendesk_users": users.rows_written}


def _directory(canonical_dir: Path, queues: list[dict[str, str]],
               agents: list[dict[str, str]]) -> to_amazon_connect.Directory:
    emails: dict[str, str] = {}
    phones: dict[str, str] = {}
    for customer in _csv_rows(canonical_dir / "customers.csv"):
        emails[customer["customer_id"]] = customer["email"]
        if customer["phone"]:
            phones[customer["customer_id"]] = customer["phone"]
    return to_amazon_connect.Directory(
        queue_names={queue["queue_id"]: queue["queue_name"] for queue in queues},
        agent_names={agent["agent_id"]: agent["agent_name"] for agent in agents},
        agent_teams={agent["agent_id"]: agent["team_name"] for agent in agents},
        customer_emails=emails, customer_phones=phones,
    )


class MonthConverter:
    """Converts one month of canonical interactions, events, messages and surveys into the vendor files."""

    def __init__(self, folders: dict[str, Path], directory: to_amazon_connect.Directory,
                 group_ids: dict[str, int]) -> None:
        self.folders = folders
        self.directory = directory
        self.group_ids = group_ids
        self.rows: dict[str, int] = defaultdict(int)

    def convert(self, canonical_dir: Path, label: str) -> None:
        events = _jsonl_grouped(canonical_dir / f"events-{label}.jsonl", "interaction_id")
        messages = _jsonl_grouped(canonical_dir / f"messages-{label}.jsonl", "interaction_id")
        vendor_ids: dict[str, tuple[str, str]] = {}
        connect, zendesk = self.folders["amazon_connect"], self.folders["zendesk"]
        with (JsonlStream(connect / f"connect-ctr-{label}.jsonl") as ctrs,
              JsonlStream(connect / f"contact-lens-chat-analysis-{label}.json") as analyses,
              PageWriter(zendesk / f"tickets-{label}.json", "tickets") as tickets,
              PageWriter(zendesk / f"ticket_audits-{label}.json", "audits") as audits):
            for interaction in _csv_rows(canonical_dir / f"interactions-{label}.csv"):
                interaction_id = interaction["interaction_id"]
                trail, turns = events.pop(interaction_id, []), messages.pop(interaction_id, [])
                if interaction["channel"] in CONNECT_CHANNELS:
                    records = to_amazon_connect.contact_records(interaction, trail, self.directory, epoch_of)
                    for record in records:
                        ctrs.write(record)
                    for analysis in to_amazon_connect.chat_analyses(interaction, turns, records, epoch_of):
                        analyses.write(analysis)
                    vendor_ids[interaction_id] = ("surveys_connect", records[0]["ContactId"])
                else:
                    ticket, ticket_audits = to_zendesk.ticket_and_audits(interaction, trail, turns, self.group_ids,
                                                                         epoch_of)
                    tickets.write(ticket)
                    for audit in ticket_audits:
                        audits.write(audit)
                    vendor_ids[interaction_id] = ("surveys_zendesk", str(ticket["id"]))
        for name, stream in (("connect_contact_records", ctrs), ("contact_lens_analyses", analyses),
                             ("zendesk_tickets", tickets), ("zendesk_audits", audits)):
            self.rows[name] += stream.rows_written
        self._convert_surveys(canonical_dir / f"surveys-{label}.csv", label, vendor_ids)

    def _convert_surveys(self, path: Path, label: str, vendor_ids: dict[str, tuple[str, str]]) -> None:
        streams = {
            "surveys_connect": CsvStream(self.folders["surveys_connect"] / f"survey-export-{label}.csv",
                                         _survey_header("Contact ID")),
            "surveys_zendesk": CsvStream(self.folders["surveys_zendesk"] / f"survey-export-{label}.csv",
                                         _survey_header("Ticket ID")),
        }
        for answer in _csv_rows(path):
            source, vendor_id = vendor_ids[answer["interaction_id"]]
            streams[source].write((
                answer["survey_response_id"], vendor_id, self.directory.customer_emails[answer["customer_id"]],
                SURVEY_TYPE_SPELLINGS[answer["survey_type"]], answer["score"], answer["responded_at"],
                answer["comment"],
            ))
        for stream in streams.values():
            stream.close()
            self.rows["survey_answers"] += stream.rows_written


def _survey_header(link_column: str) -> tuple[str, ...]:
    return tuple(link_column if column == "{link}" else column for column in SURVEY_HEADER)


def month_labels(canonical_dir: Path) -> list[str]:
    """The `YYYY-MM` labels of the canonical monthly files, in time order."""
    return sorted(path.stem.removeprefix("interactions-") for path in canonical_dir.glob("interactions-*.csv"))


def convert(canonical_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write the vendor exports of a canonical export folder into out_dir; return records written per kind."""
    canonical_dir, out_dir = Path(canonical_dir), Path(out_dir)
    folders = _folders(out_dir)
    queues = list(_csv_rows(canonical_dir / "queues.csv"))
    agents = list(_csv_rows(canonical_dir / "agents.csv"))
    rows = _write_crm(canonical_dir, folders["salesforce"])
    rows.update(_write_help_desk_people(canonical_dir, folders["zendesk"], queues, agents))
    converter = MonthConverter(folders, _directory(canonical_dir, queues, agents), _group_ids(queues))
    for label in month_labels(canonical_dir):
        converter.convert(canonical_dir, label)
    rows.update(converter.rows)
    return rows


def write_readme(path: Path, seed: int, scale: int, rows: dict[str, int]) -> None:
    """A README for the vendor exports folder: what each subfolder holds and how many records."""
    counts = "\n".join(f"| {name} | {count:,} |" for name, count in rows.items())
    path.write_text(f"""# cxpulse demo export (vendor formats)

Simulated customer service of a mid-market B2B software company, written by `cxpulse generate` as the tools
of that operation would export it. All people, companies and conversations are invented.

- seed: {seed}
- scale: {scale:,} interactions requested

| folder | source system | what it holds |
|---|---|---|
| amazon_connect/ | Amazon Connect | voice and chat contact records (one per leg), Contact Lens chat transcripts |
| zendesk/ | Zendesk Support | e-mail, web-form and social tickets, their audits, users and groups |
| salesforce/ | Salesforce | Account.csv (segment, ARR, churn) and Contact.csv (customers) |
| surveys/ | survey tool | CSAT, CES and NPS answers, per system whose contact they followed |

| records | count |
|---|---|
{counts}
""", encoding="utf-8")
