"""The demo warehouse the benchmarks measure: the demo's vendor exports at a scale, and `cxpulse run` on them, each
in a process of its own (as `cxpulse demo` does)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from etl.cli import write_demo_config


def build_demo(scale: int, work: Path, url: str, end_date: str = "2026-10-31") -> float:
    """Write the demo exports at `scale` into work/exports and work/cxpulse.toml naming them, then run the pipeline
    into the warehouse at `url`; returns the run's seconds."""
    cxpulse = str(Path(sys.executable).with_name("cxpulse"))
    exports = work / "exports"
    subprocess.run([cxpulse, "generate", "--out", str(exports), "--scale", str(scale), "--end-date", end_date,
                    "--quiet"], cwd=work, check=True)
    write_demo_config(work, exports)
    started = time.perf_counter()
    completed = subprocess.run([cxpulse, "run", "--quiet"], cwd=work, env={**os.environ, "CXPULSE_WAREHOUSE_URL": url},
                               check=False)
    if completed.returncode not in (0, 1):
        sys.exit(f"cxpulse run failed with exit code {completed.returncode}")
    return time.perf_counter() - started
