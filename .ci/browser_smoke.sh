#!/usr/bin/env bash
# Serve a demo warehouse and check the Overview page in headless Debian Chromium (Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
port=8599
mkdir -p artifacts
(
  cd "$work"
  "$root/.venv/bin/cxpulse" demo --no-serve --scale 20000 --quiet
)
"$root/.venv/bin/cxpulse" serve --port "$port" --config "$work/cxpulse.toml" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/_stcore/health" >/dev/null 2>&1 && break; sleep 1; done
"$root/.venv/bin/python" tests/browser/smoke_overview.py --url "http://127.0.0.1:$port/overview" --screenshot artifacts/overview.png
echo "screenshot: artifacts/overview.png"
