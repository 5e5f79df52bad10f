"""What recording one audit event costs the page that records it (docs/audit.md): `dashboard.audit.record` of a
page view, timed one by one, median and 95th percentile in milliseconds.

    python bench/audit_event_latency.py [--events 1000] [--postgresql postgresql+psycopg://user@host/db]

DuckDB: the sidecar of a warehouse in a temporary folder (one locked append of one JSON line). PostgreSQL (with
--postgresql, a database you may write to): one short transaction into ops.audit_events, created if missing; the
events written are deleted afterwards (by their session id).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from dashboard import audit
from dashboard.filters import Filters
from etl.access import OPEN_MODE_VIEWER
from etl.secrets import redact_text
from etl.warehouse import postgres_url

FILTERS = Filters(dt.date(2026, 5, 1), dt.date(2026, 5, 31), channels=("chat",), teams=("Billing", "Support"))


def _milliseconds(url: str, events: int, session_id: str) -> list[float]:
    actor = audit.Actor.of(OPEN_MODE_VIEWER, session_id)
    audit.record(url, audit.page_view_event(actor, "executive", FILTERS))  # the first opens the store: not timed
    times = []
    for _ in range(events):
        event = audit.page_view_event(actor, "executive", FILTERS)
        started = time.perf_counter()
        if not audit.record(url, event):
            raise SystemExit(f"an event was not stored on {redact_text(url)}: see the log above")
        times.append((time.perf_counter() - started) * 1000)
    return times


def _line(engine: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"{engine}: {len(times)} events, median {statistics.median(times):.2f} ms, 95th percentile {p95:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--postgresql", help="a PostgreSQL URL to time as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"duckdb:///{Path(folder) / 'warehouse.duckdb'}"
        print(_line("DuckDB sidecar", _milliseconds(url, args.events, uuid.uuid4().hex)))
    if args.postgresql:
        session_id = uuid.uuid4().hex
        times = _milliseconds(args.postgresql, args.events, session_id)
        audit.store_for(args.postgresql).close()
        engine = sa.create_engine(postgres_url(args.postgresql))
        with engine.begin() as connection:
            connection.execute(sa.text("delete from ops.audit_events where session_id = :session_id"),
                               {"session_id": session_id})
        engine.dispose()
        print(_line("PostgreSQL ops.audit_events", times))


if __name__ == "__main__":
    main()
