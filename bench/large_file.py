"""Memory of loading one large export file: `cxpulse ingest` should read it in constant memory.

    python bench/large_file.py --gigabytes 0.5 2 5

Writes a canonical interactions CSV of each size (rows of about 1 KB), ingests it into a fresh DuckDB
warehouse as its own process, and prints wall time, peak resident memory and rows per second.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HEADER = "interaction_id,channel,customer_id,queue_id,status,created_at,updated_at,subject\n"
FILLER = "The invoice for March shows a charge I do not recognise, please explain. " * 12


def write_file(path: Path, gigabytes: float) -> int:
    target = int(gigabytes * 1024**3)
    rows = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        written = len(HEADER)
        while written < target:
            day = 1 + rows % 28
            line = (f"L{rows},email,C{rows % 5000},Q1,open,2026-06-{day:02d}T10:00:00Z,"
                    f"2026-06-{day:02d}T10:00:00Z,\"{FILLER}{rows}\"\n")
            handle.write(line)
            written += len(line)
            rows += 1
    return rows


def ingest(work: Path, path: Path) -> tuple[float, int]:
    cxpulse = str(Path(sys.executable).with_name("cxpulse"))
    config = work / "cxpulse.toml"
    config.write_text(f'[warehouse]\nurl = "duckdb:///{work / "w.duckdb"}"\n', encoding="utf-8")
    completed = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", cxpulse, "ingest", "--quiet", "--config", str(config), str(path)],
        capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        sys.exit(completed.stderr)
    seconds, peak_kib = completed.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(peak_kib) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, nargs="+", default=[0.5, 2.0])
    args = parser.parse_args()
    for gigabytes in args.gigabytes:
        work = Path(tempfile.mkdtemp(prefix="cxpulse-large-"))
        try:
            path = work / "interactions-large.csv"
            rows = write_file(path, gigabytes)
            seconds, peak_mib = ingest(work, path)
            print(f"{gigabytes:>5.1f} GB, {rows:>10,} rows: {seconds:7.1f} s, {rows / seconds:>9,.0f} rows/s,"
                  f" peak {peak_mib:,} MiB")
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
