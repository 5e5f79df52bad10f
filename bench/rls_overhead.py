"""What row-level security costs the app's reads on PostgreSQL (docs/access.md, "Database roles and row-level
security").

    python bench/rls_overhead.py --server postgresql+psycopg://postgres@127.0.0.1:5432/postgres --scale 4000

Generates the demo's vendor exports at --scale, builds them into a new database on --server (dropped at the end;
not timed), applies [access] with a manager scope of one team, and times (median of --repeats) a few of the
app's reads as the owner (no policy applies) and as a login role of that manager role (policies apply), with
the rows each returns. The login role and the database roles (prefix `cxbench`) are dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from etl.config import settings_from_mapping
from etl.pg_access import apply_access
from etl.pipeline import run_pipeline
from etl.warehouse import open_writer, postgres_url

PREFIX = "cxbench"
QUERIES = {
    "contacts by week (core.fct_interactions)":
        "select date_trunc('week', created_at) as week, count(*) from core.fct_interactions group by 1",
    "messages of the scope (core.fct_messages, via the contact)": "select count(*) from core.fct_messages",
    "offered contacts (marts.service_daily)": "select sum(count_offered) from marts.service_daily",
    "customers (core.dim_customers, via the contact)": "select count(*) from core.dim_customers",
}


def _median_seconds(connection: sa.Connection, sql: str, repeats: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        result = connection.execute(sa.text(sql)).fetchall()
        times.append(time.perf_counter() - started)
        rows = int(result[0][-1]) if len(result) == 1 else len(result)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="a PostgreSQL URL whose role may create databases and roles")
    parser.add_argument("--scale", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    from etl.demo.simulator import generate
    from etl.demo.vendor_exports import demo_sources

    server = sa.create_engine(postgres_url(args.server), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    database = f"cxpulse_bench_{uuid.uuid4().hex[:8]}"
    url = sa.make_url(postgres_url(args.server)).set(database=database)
    login = f"{PREFIX}_login_manager"
    with server.connect() as connection:
        connection.execute(sa.text(f"create database {database}"))
    try:
        with tempfile.TemporaryDirectory() as folder:
            exports = Path(folder)
            generate(exports, scale=args.scale, seed=7)
            sources = [{**entry, "path": str(exports / str(entry["path"]))} for entry in demo_sources()]
            owner_url = url.render_as_string(hide_password=False)
            settings = settings_from_mapping({"warehouse": {"url": owner_url}, "sources": sources}, exports)
            run_pipeline(settings, "run")
        owner = sa.create_engine(owner_url, poolclass=NullPool)
        with owner.connect() as connection:
            teams = connection.execute(sa.text(
                "select team_name, count(*) from core.fct_interactions where team_name is not null group by 1"
                " order by team_name = 'unassigned', 2 desc")).all()
        team = str(teams[0][0])
        access = settings_from_mapping({"warehouse": {"url": owner_url}, "access": {
            "scopes": {"manager": {"teams": [team]}}}}, Path(".")).access
        with open_writer(owner_url) as warehouse:
            apply_access(warehouse, access, PREFIX)
        with server.connect() as connection:
            connection.execute(sa.text(f"create role {login} login"))
            connection.execute(sa.text(f"grant {PREFIX}_manager to {login}"))
        scoped = sa.create_engine(url.set(username=login, password=None), poolclass=NullPool)
        contacts = sum(int(count) for _, count in teams)
        print(f"demo scale {args.scale}: {contacts} contacts; the manager role may see team {team!r}"
              f" ({int(teams[0][1])} contacts); median of {args.repeats}")
        print("| query | owner (no policy) | rows | manager of one team (policies) | rows |")
        print("|---|---|---|---|---|")
        with owner.connect() as as_owner, scoped.connect() as as_manager:
            for label, sql in QUERIES.items():
                owner_seconds, owner_rows = _median_seconds(as_owner, sql, args.repeats)
                scoped_seconds, scoped_rows = _median_seconds(as_manager, sql, args.repeats)
                print(f"| {label} | {owner_seconds * 1000:.1f} ms | {owner_rows} | {scoped_seconds * 1000:.1f} ms"
                      f" | {scoped_rows} |")
        owner.dispose()
        scoped.dispose()
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f"drop database if exists {database} with (force)"))
            for role in (login, *(f"{PREFIX}_{name}" for name in ("exec", "manager", "analyst", "admin"))):
                connection.execute(sa.text(f"drop role if exists {role}"))
        server.dispose()


if __name__ == "__main__":
    main()
