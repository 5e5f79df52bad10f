"""Time the pipeline end to end: generate the demo's vendor exports, then `cxpulse run` on the sources
`cxpulse demo` configures (and a second run, which finds nothing changed and does no work; bench/second_run.py
sets it beside the first run and a forced one).

    python bench/pipeline.py --scale 200000 [--engine duckdb|postgresql] [--pg-url URL]

Each step runs as its own process; the figures are wall-clock seconds and the peak resident memory of that
process. Prints one line per step and a JSON summary.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from etl.cli import write_demo_config


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall time, CPU time (user + system: what the process itself cost on a shared machine) and peak resident
    memory of one process, measured by GNU time."""
    completed = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", *command], cwd=cwd, check=False,
                               capture_output=True, text=True, env=env)
    if completed.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{completed.stderr}")
    seconds, peak_kib, user, system = completed.stderr.strip().splitlines()[-1].split()
    return {"seconds": float(seconds), "peak_rss_mib": round(int(peak_kib) / 1024),
            "cpu_seconds": round(float(user) + float(system), 2)}


def bench_arguments(description: str | None) -> argparse.Namespace:
    """The options every end-to-end bench takes: the demo's scale and the engine."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=200_000)
    parser.add_argument("--engine", choices=["duckdb", "postgresql"], default="duckdb")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--end-date", default="2026-10-31")
    return parser.parse_args()


def cxpulse_command() -> str:
    return str(Path(sys.executable).with_name("cxpulse"))


@contextlib.contextmanager
def demo_workspace(args: argparse.Namespace, results: dict[str, object]) -> Iterator[tuple[Path, dict[str, str]]]:
    """A temporary folder with the demo's exports at `args.scale` (generation timed into results), its
    cxpulse.toml, and an empty warehouse on the chosen engine: yields the folder and the environment to run
    `cxpulse` in; removes both (the PostgreSQL database too) on exit."""
    work = Path(tempfile.mkdtemp(prefix="cxpulse-bench-"))
    database = None
    try:
        exports = work / "exports"
        results["generate"] = timed([cxpulse_command(), "generate", "--out", str(exports), "--scale",
                                     str(args.scale), "--end-date", args.end_date, "--quiet"], work)
        if args.engine == "duckdb":
            url = f"duckdb:///{work / 'warehouse.duckdb'}"
        else:
            database = f"cxpulse_bench_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(args.pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'create database "{database}"'))
            url = sa.make_url(args.pg_url).set(database=database).render_as_string(hide_password=False)
        write_demo_config(work, exports)
        yield work, {**os.environ, "CXPULSE_WAREHOUSE_URL": url}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if database:
            admin = sa.create_engine(args.pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'drop database if exists "{database}" with (force)'))


def main() -> None:
    args = bench_arguments(__doc__)
    results: dict[str, object] = {"scale": args.scale, "engine": args.engine}
    with demo_workspace(args, results) as (work, env):
        for step in ("first_run", "second_run"):
            results[step] = timed([cxpulse_command(), "run", "--quiet"], work, env)
    for step in ("generate", "first_run", "second_run"):
        figures = results[step]
        assert isinstance(figures, dict)
        print(f"{step:>11}: {figures['seconds']:>7.1f} s, peak {figures['peak_rss_mib']} MiB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
