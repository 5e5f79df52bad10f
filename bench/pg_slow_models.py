"""Time the two models that were slow on PostgreSQL, int_account_churn_features and capacity_intervals, as their
text stands now beside their text at an earlier commit (the yardstick), on one demo warehouse built once.

    python bench/pg_slow_models.py --scale 50000 [--before REV] [--repeat 3] [--database NAME] [--keep]

Builds the demo at --scale on PostgreSQL (`cxpulse generate` + `cxpulse run`, as bench/pipeline.py does) in a
database of its own, unless --database names one already built (with --config, the cxpulse.toml it was built
with). Then each model's select, rendered against the built tables, runs --repeat times, interleaved with its text
at --before (read with `git show`), as `create temp table ... as <select>`. Prints the median seconds per model and
text, and whether the two texts give identical rows (an `except all` both ways: no row of one missing from the
other, duplicates counted).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path

import duckdb
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.demo_build import build_demo
from etl.build import Model, _template_env, discover_models
from etl.config import Settings, load_settings

MODELS = ("int_account_churn_features", "capacity_intervals")
REPO = Path(__file__).resolve().parents[1]


def built_sql(text: str, models: dict[str, Model], settings: Settings, dialect_name: str = "postgresql") -> str:
    """A model's select rendered against the tables the run built (not the __next tables a build writes)."""
    env = _template_env(settings, dialect_name, lambda name: models[name].table, set(), set(), list(models))
    return env.from_string(text).render()


def text_at(revision: str, path: Path) -> str:
    return subprocess.run(["git", "show", f"{revision}:{path.relative_to(REPO)}"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout


def demo_database(scale: int, admin_url: str, work: Path) -> str:
    """A new database holding the demo warehouse at `scale`; returns its name."""
    database = f"cxpulse_bench_{uuid.uuid4().hex[:8]}"
    with sa.create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(sa.text(f'create database "{database}"'))
    url = sa.make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    print(f"built the {scale:,} demo on PostgreSQL in {build_demo(scale, work, url):.0f} s ({database})")
    return database


def seconds_to_build(connection: sa.Connection, sql: str, table: str) -> float:
    connection.execute(sa.text(f"drop table if exists {table}"))
    started = time.perf_counter()
    connection.execute(sa.text(f"create temp table {table} as {sql}"))
    return time.perf_counter() - started


def rows_differ(connection: sa.Connection, table: str, other: str) -> int:
    """Rows of either table that the other lacks (duplicates counted)."""
    return int(connection.execute(sa.text(
        f"select (select count(*) from (select * from {table} except all select * from {other}) a)"
        f" + (select count(*) from (select * from {other} except all select * from {table}) b)")).scalar_one())


def compare_on_duckdb(path: Path, settings: Settings, before: str) -> None:
    """The same comparison of the two texts on a DuckDB warehouse file (rows only: timing is PostgreSQL's)."""
    models = discover_models(settings, "duckdb")
    with closing(duckdb.connect(str(path), read_only=True)) as connection:
        connection.execute("set enable_progress_bar = false")
        for name in MODELS:
            path_of_model = models[name].path
            texts = {"before": text_at(before, path_of_model), "now": path_of_model.read_text(encoding="utf-8")}
            for label, text in texts.items():
                connection.execute(f"create or replace temp table bench_{label} as "
                                   f"{built_sql(text, models, settings, 'duckdb')}")
            differing = connection.execute(
                "select (select count(*) from (select * from bench_before except all select * from bench_now) a)"
                " + (select count(*) from (select * from bench_now except all select * from bench_before) b)"
            ).fetchone()[0]
            rows = connection.execute("select count(*) from bench_now").fetchone()[0]
            print(f"{name:>28}: DuckDB {path.name}: {rows:,} rows, "
                  f"{'identical' if differing == 0 else f'{differing} rows differ'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--before", default="main", help="the git revision whose model texts are the yardstick")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="a database the demo was already built in (not dropped)")
    parser.add_argument("--config", type=Path, help="the cxpulse.toml --database was built with")
    parser.add_argument("--keep", action="store_true", help="keep the database this run builds")
    parser.add_argument("--duckdb", type=Path, help="also compare the two texts' rows on this DuckDB warehouse file"
                                                    " (built with --config)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cxpulse-bench-"))
    database, built_here = args.database, args.database is None
    try:
        if built_here:
            database = demo_database(args.scale, args.pg_url, work)
            config = work / "cxpulse.toml"
        else:
            config = args.config or Path("cxpulse.toml")
        url = sa.make_url(args.pg_url).set(database=database).render_as_string(hide_password=False)
        settings = load_settings(config)
        models = discover_models(settings, "postgresql")
        results: dict[str, dict[str, object]] = {}
        engine = sa.create_engine(url, poolclass=NullPool)
        with engine.connect() as connection:
            for name in MODELS:
                path = models[name].path
                texts = {"before": text_at(args.before, path), "now": path.read_text(encoding="utf-8")}
                sql = {label: built_sql(text, models, settings) for label, text in texts.items()}
                times: dict[str, list[float]] = {"before": [], "now": []}
                for _ in range(args.repeat):
                    for label in ("before", "now"):
                        times[label].append(seconds_to_build(connection, sql[label], f"bench_{label}"))
                rows = int(connection.execute(sa.text("select count(*) from bench_now")).scalar_one())
                differing = rows_differ(connection, "bench_before", "bench_now")
                median = {label: statistics.median(values) for label, values in times.items()}
                results[name] = {"rows": rows, "differing_rows": differing, "seconds": times}
                print(f"{name:>28}: before ({args.before}) {median['before']:7.2f} s, now {median['now']:7.2f} s, "
                      f"{median['before'] / median['now']:5.1f}x faster; {rows:,} rows, "
                      f"{'identical' if differing == 0 else f'{differing} rows differ'}")
                connection.rollback()
        print(json.dumps({"scale": args.scale, "database": database, "models": results}))
        if args.duckdb:
            compare_on_duckdb(args.duckdb, settings, args.before)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if built_here and database and not args.keep:
            admin = sa.create_engine(args.pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'drop database if exists "{database}" with (force)'))


if __name__ == "__main__":
    main()
