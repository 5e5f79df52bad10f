"""Time every page of the dashboard in a real browser: the first visit (the server's caches cold for that page)
and the second, with the server's resident memory after each page.

    python bench/page_latency.py --scale 50000 [--warehouse URL] [--pages experience,journeys] [--visits 2]
        [--yardstick PATH-OF-ANOTHER-CHECKOUT]

Builds the demo warehouse at --scale on DuckDB (`cxpulse generate` + `cxpulse run`, as bench/pipeline.py does)
unless --warehouse names one, serves the app headless on 127.0.0.1 in open mode (`streamlit run`, the command
`cxpulse serve` uses) and opens each page in the system Chromium under Playwright. A visit is timed from the
request of the page's URL (a full load: the browser's frontend start is in it too) until the page has its heading,
its script run is over, nothing is stale or loading and every chart is drawn (polled every 50 ms). The server is one
process: its RSS is read from /proc after each page, and its peak (VmHWM) at the end. With --yardstick, a second
server of that checkout runs beside this one on the same warehouse and each page's visits alternate between them.
Prints one line per page and server, and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.demo_build import build_demo
from etl.serving import LOCAL_ONLY, OPEN_MODE_VARIABLE, streamlit_command
from tests.browser.chromium import chromium_browser
from tests.browser.served_app import free_port
from tests.browser.streamlit_page import HEADING, SETTLED_JS

REPO = Path(__file__).resolve().parents[1]
MENU_PAGES = ("executive", "escalations", "overview", "journeys", "automation", "experience", "risk", "capacity",
              "data-health", "definitions", "detector-quality", "intent-discovery")
PAGE_TIMEOUT_MS = 120_000


def memory_mib(pid: int, field: str) -> float:
    """A field of /proc/<pid>/status in MiB (VmRSS: resident now; VmHWM: the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def demo_warehouse(scale: int, work: Path) -> str:
    url = f"duckdb:///{work / 'warehouse.duckdb'}"
    print(f"built the {scale:,} demo on DuckDB in {build_demo(scale, work, url):.0f} s")
    return url


def wait_for_health(base: str, server: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit("the dashboard did not start")
            time.sleep(0.3)


def timed_visit(page: object, url: str) -> float:
    """Seconds from requesting `url` until the page has settled."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_selector(HEADING, timeout=PAGE_TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_function(SETTLED_JS, timeout=PAGE_TIMEOUT_MS, polling=50)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def start_server(app_repo: Path, url: str, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The dashboard of the checkout `app_repo` served on a free port (its own code first on the path)."""
    port = free_port()
    env = {**os.environ, "CXPULSE_WAREHOUSE_URL": url, OPEN_MODE_VARIABLE: LOCAL_ONLY, "PYTHONPATH": str(app_repo)}
    log = (work / f"server-{port}.log").open("wb")
    server = subprocess.Popen(streamlit_command(app_repo / "dashboard" / "app.py", port, "127.0.0.1"), cwd=work,
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, server)
    return server, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--warehouse", help="a warehouse URL already built (else the demo is built at --scale)")
    parser.add_argument("--pages", default=",".join(MENU_PAGES), help="url paths, comma-separated")
    parser.add_argument("--visits", type=int, default=2)
    parser.add_argument("--yardstick", type=Path,
                        help="another checkout of cxpulse (a git worktree of main, say) served beside this one on the"
                             " same warehouse, its visits interleaved with this one's")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cxpulse-pages-"))
    servers: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    try:
        url = args.warehouse or demo_warehouse(args.scale, work)
        checkouts = {"this": REPO, **({"yardstick": args.yardstick.resolve()} if args.yardstick else {})}
        for label, checkout in checkouts.items():
            servers[label] = start_server(checkout, url, work)
            print(f"{label} ({checkout}) started: RSS {memory_mib(servers[label][0].pid, 'VmRSS'):.0f} MiB")
        results: dict[str, dict[str, dict[str, object]]] = {label: {} for label in servers}
        with chromium_browser() as browser:
            tabs = {}
            for label, (_, base) in servers.items():
                tabs[label] = browser.new_page(viewport={"width": 1400, "height": 1000})
                # the app's frontend (its scripts, the sidebar) is fetched once, on a page that is not measured
                tabs[label].goto(f"{base}/definitions", wait_until="commit", timeout=PAGE_TIMEOUT_MS)
                tabs[label].wait_for_selector(HEADING, timeout=PAGE_TIMEOUT_MS)
            for path in args.pages.split(","):
                visits: dict[str, list[float]] = {label: [] for label in servers}
                for _ in range(args.visits):
                    for label, (_, base) in servers.items():
                        visits[label].append(timed_visit(tabs[label], f"{base}/{path}"))
                for label, (server, _) in servers.items():
                    problems = tabs[label].locator(
                        '[data-testid="stException"], [data-testid="stAlertContentError"]').count()
                    rss = memory_mib(server.pid, "VmRSS")
                    results[label][path] = {"seconds": visits[label], "rss_mib": round(rss), "errors_shown": problems}
                    shown = ", ".join(f"{seconds:5.2f} s" for seconds in visits[label])
                    print(f"{path:>18} {label:>9}: visits {shown}; server RSS {rss:4.0f} MiB"
                          + (f"; {problems} error(s) shown" if problems else ""))
        peaks = {label: round(memory_mib(server.pid, "VmHWM")) for label, (server, _) in servers.items()}
        print("server peak RSS: " + ", ".join(f"{label} {peak} MiB" for label, peak in peaks.items()))
        print(json.dumps({"scale": args.scale, "warehouse": url, "pages": results, "peak_rss_mib": peaks}))
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
