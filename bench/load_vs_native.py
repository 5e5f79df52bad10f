"""Loading the demo's export files: cxpulse's ingest beside the engines' own bulk readers, in one go.

    python bench/load_vs_native.py --scale 50000 [--engine duckdb|postgresql] [--pg-url URL] [--repeats 3]

Generates the demo's vendor exports once (`cxpulse generate`, as bench/pipeline.py does), then, repeat after
repeat and in turn, each contender as its own process on a fresh warehouse:

- ours: `cxpulse ingest` of the sources `cxpulse demo` configures (raw tables only, no model build);
- duckdb_native: every file into its own DuckDB table by `read_json_auto` / `read_csv_auto`;
- pg_copy (postgresql): every file into its own table by a bare `COPY ... FROM STDIN` through psycopg (a CSV
  by its header's columns, a JSON file one line a row);
- pandas_to_sql (postgresql): every file read by pandas (`read_csv`, `read_json`, the page's list of records)
  and written by `DataFrame.to_sql`.

Prints each contender's median seconds and peak memory, and each ratio as yardstick seconds / our seconds
(1.0 = as fast as the yardstick; the goals are >= 0.8 against the native readers, >= 4 against pandas).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import sqlalchemy as sa
from pipeline import timed  # the sibling bench script, as bench/second_run.py imports it
from sqlalchemy.pool import NullPool

from etl.cli import write_demo_config

REPO = Path(__file__).resolve().parent.parent
DATA_SUFFIXES = (".json", ".jsonl", ".csv")


def export_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)


def table_name(index: int) -> str:
    return f"f{index:04d}"


# ---------------------------------------------------------------- yardsticks (run as their own process)


def duckdb_native(files: list[Path], target: str) -> None:
    import duckdb

    connection = duckdb.connect(target)
    for index, path in enumerate(files):
        reader = "read_csv_auto" if path.suffix.lower() == ".csv" else "read_json_auto"
        connection.execute(f"create table {table_name(index)} as select * from {reader}(?)", [str(path)])
    connection.close()


def pg_copy(files: list[Path], url: str) -> None:
    import psycopg

    with psycopg.connect(sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        for index, path in enumerate(files):
            table = table_name(index)
            if path.suffix.lower() == ".csv":
                with open(path, newline="", encoding="utf-8-sig") as handle:
                    columns = next(csv.reader(handle))
                conn.execute(f"create table {table} ({', '.join(f'c{i} text' for i in range(len(columns)))})")
                statement = f"copy {table} from stdin (format csv, header true)"
            else:  # one line a row, verbatim: neither delimiter nor quote occurs in JSON text
                conn.execute(f"create table {table} (line text)")
                statement = f"copy {table} from stdin (format csv, delimiter e'\\x1f', quote e'\\x1e')"
            with conn.cursor() as cursor, cursor.copy(statement) as copy, open(path, "rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    copy.write(block)
        conn.commit()


def _pandas_records(path: Path) -> Iterator[dict]:
    """The records of a JSON export: the list of a page (`{"tickets": [...]}`) or one object a line."""
    text = path.read_bytes()
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        document = None
    if isinstance(document, dict) and len(document) == 1 and isinstance(next(iter(document.values())), list):
        yield from next(iter(document.values()))
        return
    for line in text.splitlines():
        if line.strip():
            yield orjson.loads(line)


def pandas_to_sql(files: list[Path], url: str) -> None:
    import pandas as pd

    engine = sa.create_engine(url, poolclass=NullPool)
    for index, path in enumerate(files):
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, dtype=str)
        else:
            frame = pd.DataFrame(list(_pandas_records(path)))
            for column in frame.columns:  # nested values as JSON text, which to_sql can write
                if frame[column].map(lambda v: isinstance(v, (dict, list))).any():
                    frame[column] = frame[column].map(lambda v: orjson.dumps(v).decode() if v is not None else None)
        frame.to_sql(table_name(index), engine, index=False, chunksize=10_000)
    engine.dispose()


YARDSTICKS = {"duckdb_native": duckdb_native, "pg_copy": pg_copy, "pandas_to_sql": pandas_to_sql}


# ---------------------------------------------------------------- the run


class FreshDatabases:
    """A new empty warehouse per contender run: a DuckDB file in the work folder, or a PostgreSQL database."""

    def __init__(self, work: Path, pg_url: str) -> None:
        self.work, self.pg_url, self.created = work, pg_url, []

    def duckdb(self, label: str) -> str:
        path = self.work / f"{label}-{uuid.uuid4().hex[:8]}.duckdb"
        return str(path)

    def postgresql(self) -> str:
        name = f"cxpulse_loadbench_{uuid.uuid4().hex[:8]}"
        with sa.create_engine(self.pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(sa.text(f'create database "{name}"'))
        self.created.append(name)
        return sa.make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with sa.create_engine(self.pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT").connect() as admin:
            for name in self.created:
                admin.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        for path in self.work.glob("*.duckdb*"):
            path.unlink()


def run_once(contender: str, args: argparse.Namespace, work: Path, databases: FreshDatabases) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if contender == "ours":
        url = (f"duckdb:///{databases.duckdb('ours')}" if args.engine == "duckdb" else databases.postgresql())
        return timed([sys.executable, "-m", "etl.cli", "ingest", "--quiet", "--config", str(work / "cxpulse.toml")],
                     work, {**env, "CXPULSE_WAREHOUSE_URL": url})
    target = databases.duckdb(contender) if contender == "duckdb_native" else databases.postgresql()
    return timed([sys.executable, str(Path(__file__).resolve()), "--yardstick", contender, "--files",
                  str(work / "exports"), "--target", target], work, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--engine", choices=["duckdb", "postgresql"], default="duckdb")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--end-date", default="2026-10-31")
    parser.add_argument("--yardstick", choices=sorted(YARDSTICKS), help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.yardstick:
        YARDSTICKS[args.yardstick](export_files(args.files), args.target)
        return
    contenders = ["ours", "duckdb_native"] + (["pg_copy", "pandas_to_sql"] if args.engine == "postgresql" else [])
    work = Path(tempfile.mkdtemp(prefix="cxpulse-loadbench-"))
    databases = FreshDatabases(work, args.pg_url)
    try:
        exports = work / "exports"
        subprocess.run([sys.executable, "-m", "etl.cli", "generate", "--out", str(exports), "--scale",
                        str(args.scale), "--end-date", args.end_date, "--quiet"], cwd=work, check=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
        write_demo_config(work, exports)
        files = export_files(exports)
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
        for repeat in range(args.repeats):
            order = contenders[repeat % len(contenders):] + contenders[:repeat % len(contenders)]
            for contender in order:
                runs[contender].append(run_once(contender, args, work, databases))
                last = runs[contender][-1]
                print(f"  repeat {repeat + 1} {contender:>14}: {last['seconds']:7.1f} s,"
                      f" cpu {last['cpu_seconds']:.1f} s", flush=True)
            databases.drop_all()
            databases.created.clear()
        median = {name: statistics.median(r["seconds"] for r in runs[name]) for name in contenders}
        cpu = {name: statistics.median(r["cpu_seconds"] for r in runs[name]) for name in contenders}
        peak = {name: max(r["peak_rss_mib"] for r in runs[name]) for name in contenders}
        print(f"{len(files)} files, {sum(p.stat().st_size for p in files) / 2**20:.0f} MiB, scale {args.scale:,},"
              f" engine {args.engine}, median of {args.repeats}")
        for name in contenders:
            ratio = "" if name == "ours" else f"  ratio {median[name] / median['ours']:.2f}x"
            print(f"{name:>14}: {median[name]:7.1f} s (cpu {cpu[name]:.1f} s), peak {peak[name]} MiB{ratio}")
        print(json.dumps({"scale": args.scale, "engine": args.engine, "files": len(files), "median_seconds": median,
                          "median_cpu_seconds": cpu, "peak_rss_mib": peak, "runs": runs}))
    finally:
        databases.drop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
